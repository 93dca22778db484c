import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../events';
import { CtInfo, ETH_P_ARP, IPPROTO_UDP, type Packet } from '../model/packet';
import { Tc } from './tc';
import { packet, tcOk, testHost, type TestHost } from './test-host';
import { TC_ACT_OK, TC_ACT_SHOT, TC_ACT_STOLEN, TC_ACT_UNSPEC } from './verdict';

function setup(profile: '5.7' | '6.12' = '6.12'): { t: TestHost; tc: Tc } {
  const t = testHost(profile);
  const tc = new Tc(t.host);
  tcOk(tc, 'tc qdisc add dev rep0 ingress');
  return { t, tc };
}

/** Records the tc events of what follows, each reduced to a short line. */
function trace(t: TestHost): string[] {
  const lines: string[] = [];
  t.env.events.subscribe((e: SimEvent) => {
    switch (e.kind) {
      case 'tc.classify':
        lines.push(`classify ${e.dev} ${e.hook} chain ${e.chain} ${e.where}${e.resumed ? ' resumed' : ''} ${e.ctState}`);
        break;
      case 'tc.filter':
        lines.push(`filter ${e.chain}/${e.prio}/${e.handle} ${e.matched ? 'match' : 'miss'}${e.failed.length ? ` ${e.failed.join(',')}` : ''}${e.skipped ? ` skipped ${e.skipped}` : ''}`);
        break;
      case 'tc.action':
        lines.push(`action ${e.order} ${e.text} -> ${e.verdict}`);
        break;
      case 'tc.verdict':
        lines.push(`verdict ${e.verdict} chain ${e.chain}: ${e.why}`);
        break;
    }
  });
  return lines;
}

const classify = (tc: Tc, pkt: Packet = packet(), where: 'sw' | 'hw' = 'sw', dev = 'rep0', hook: 'ingress' | 'egress' = 'ingress'): number =>
  tc.classify(pkt, dev, hook, where);

describe('classification order', () => {
  it('walks prios in order; continue passes on to the next prio', () => {
    const { t, tc } = setup();
    tcOk(
      tc,
      'tc filter add dev rep0 ingress pref 5 protocol ip flower ip_proto tcp action drop',
      'tc filter add dev rep0 ingress pref 1 protocol ip flower ip_proto udp action pass',
      'tc filter add dev rep0 ingress pref 2 protocol ip flower ip_proto tcp action continue',
    );
    const lines = trace(t);
    expect(classify(tc)).toBe(TC_ACT_SHOT);
    expect(lines).toEqual([
      'classify rep0 ingress chain 0 sw -trk',
      'filter 0/1/1 miss ip_proto',
      'filter 0/2/1 match',
      'action 1 gact action continue -> continue',
      'filter 0/5/1 match',
      'action 1 gact action drop -> drop',
      'verdict drop chain 0: chain 0 pref 5 handle 0x1: drop',
    ]);
    expect(tc.result).toMatchObject({ verdict: TC_ACT_SHOT, lastChain: 0, redirected: false, dropReason: '' });
  });

  it('misses with UNSPEC, and a list ending in continue counts as a miss', () => {
    const { t, tc } = setup();
    tcOk(tc, 'tc filter add dev rep0 ingress pref 1 protocol ip flower ip_proto tcp action continue');
    const lines = trace(t);
    expect(classify(tc)).toBe(TC_ACT_UNSPEC);
    expect(lines.at(-1)).toBe('verdict unspec chain 0: chain 0: the last matching filter ended in continue');
    expect(classify(tc, packet({ proto: IPPROTO_UDP }))).toBe(TC_ACT_UNSPEC);
    expect(lines.at(-1)).toBe('verdict unspec chain 0: no filter matched in chain 0');
  });

  it('skips tcf_protos of another protocol; `all` takes every packet', () => {
    const { t, tc } = setup();
    tcOk(
      tc,
      'tc filter add dev rep0 ingress pref 1 protocol arp flower action drop',
      'tc filter add dev rep0 ingress pref 2 protocol all flower action pass',
    );
    const lines = trace(t);
    expect(classify(tc)).toBe(TC_ACT_OK);
    expect(lines.slice(1, 3)).toEqual(['filter 0/1/1 miss skipped protocol', 'filter 0/2/1 match']);
    expect(classify(tc, packet({ ethType: ETH_P_ARP }))).toBe(TC_ACT_SHOT);
  });

  it('runs pipe actions in order and returns the last verdict', () => {
    const { t, tc } = setup();
    tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower action ct zone 3 pipe action csum iph tcp pipe action pass');
    const lines = trace(t);
    expect(classify(tc)).toBe(TC_ACT_OK);
    expect(lines.filter((l) => l.startsWith('action'))).toEqual([
      'action 1 ct zone 3 pipe -> pipe',
      'action 2 csum (iph, tcp) action pipe -> pipe',
      'action 3 gact action pass -> pass',
    ]);
    expect(t.actCt.log).toEqual(['init zone 3', 'act zone 3']);
  });

  it('does nothing on a hook without filters in chain 0', () => {
    const { tc } = setup();
    expect(tc.hasHook('rep0', 'ingress')).toBe(false);
    tcOk(tc, 'tc chain add dev rep0 ingress chain 0', 'tc filter add dev rep0 ingress chain 2 protocol ip flower action drop');
    expect(tc.hasHook('rep0', 'ingress')).toBe(false);
    expect(classify(tc)).toBe(TC_ACT_UNSPEC);
    expect(tc.hasHook('rep1', 'ingress')).toBe(false);
  });
});

describe('goto chain and reclassify', () => {
  /** The usual OVS-style pair: track in chain 0, then decide on ct_state in chain 1. */
  function ctPipeline(profile: '5.7' | '6.12'): { t: TestHost; tc: Tc } {
    const s = setup(profile);
    tcOk(
      s.tc,
      'tc filter add dev rep0 ingress chain 0 pref 1 protocol ip flower ct_state -trk action ct zone 1 pipe action goto chain 1',
      'tc filter add dev rep0 ingress chain 1 pref 1 protocol ip flower ct_state +trk+new action pass',
      'tc filter add dev rep0 ingress chain 1 pref 2 protocol ip flower ct_state +trk+est action pass',
    );
    return s;
  }

  it('jumps to the chain an action names and reports it as the last chain', () => {
    const { t, tc } = ctPipeline('6.12');
    const lines = trace(t);
    expect(classify(tc)).toBe(TC_ACT_OK);
    expect(tc.result.lastChain).toBe(1);
    expect(lines).toEqual([
      'classify rep0 ingress chain 0 sw -trk',
      'filter 0/1/1 match',
      'action 1 ct zone 1 pipe -> pipe',
      'action 2 gact action goto chain 1 -> goto chain 1',
      'filter 1/1/1 match',
      'action 1 gact action pass -> pass',
      'verdict pass chain 1: chain 1 pref 1 handle 0x1: pass',
    ]);
    t.actCt.outcome = { ctinfo: CtInfo.ESTABLISHED };
    lines.length = 0;
    expect(classify(tc)).toBe(TC_ACT_OK);
    expect(lines.filter((l) => l.startsWith('filter 1/'))).toEqual(['filter 1/1/1 miss ct_state', 'filter 1/2/1 match']);
  });

  it('sees an invalid packet as +trk+inv in current kernels and as untracked in 5.7', () => {
    for (const profile of ['6.12', '5.7'] as const) {
      const { t, tc } = ctPipeline(profile);
      tcOk(tc, `tc filter add dev rep0 ingress chain 1 pref 3 protocol ip flower ct_state ${profile === '5.7' ? '-trk' : '+trk+inv'} action drop`);
      t.actCt.outcome = { invalid: true };
      const lines = trace(t);
      expect(classify(tc)).toBe(TC_ACT_SHOT);
      expect(tc.result.lastChain).toBe(1);
      tcOk(tc, 'tc filter del dev rep0 ingress chain 1 pref 3');
      expect(classify(tc)).toBe(TC_ACT_UNSPEC);
      expect(lines.at(-1)).toBe('verdict unspec chain 1: no filter matched in chain 1');
    }
  });

  it('misses in a chain that has no filters; the last chain is the one jumped to', () => {
    const { tc } = setup();
    tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower action goto chain 7');
    expect(classify(tc)).toBe(TC_ACT_UNSPEC);
    expect(tc.result.lastChain).toBe(7);
  });

  it('stops a loop after max_reclassify_loop jumps: 4 in 5.7, 16 since', () => {
    for (const [profile, limit] of [
      ['5.7', 4],
      ['6.12', 16],
    ] as const) {
      const { t, tc } = setup(profile);
      tcOk(
        tc,
        'tc filter add dev rep0 ingress chain 0 protocol ip flower action goto chain 1',
        'tc filter add dev rep0 ingress chain 1 protocol ip flower action reclassify',
      );
      const lines = trace(t);
      expect(classify(tc)).toBe(TC_ACT_SHOT);
      const filters = lines.filter((l) => l.startsWith('filter'));
      // The first pass plus `limit` jumps run; the jump after that is refused.
      expect(filters.length).toBe(limit + 1);
      expect(tc.result.dropReason).toBe(`more than ${limit} goto chain/reclassify jumps (max_reclassify_loop)`);
      expect(tc.result.lastChain).toBe(limit % 2 === 0 ? 1 : 0);
      expect(lines.at(-1)).toBe(`verdict drop chain ${tc.result.lastChain}: ${tc.result.dropReason}`);
    }
  });

  it('resumes at the chain a tc skb extension names on ingress, consuming it', () => {
    const { t, tc } = setup();
    tcOk(
      tc,
      'tc filter add dev rep0 ingress chain 0 protocol ip flower action drop',
      'tc filter add dev rep0 ingress chain 3 protocol ip flower action pass',
      'tc chain add dev rep0 ingress chain 4',
    );
    const lines = trace(t);
    const pkt = packet();
    pkt.meta.extChain = 3;
    expect(classify(tc, pkt)).toBe(TC_ACT_OK);
    expect(pkt.meta.extChain).toBe(-1);
    expect(lines[0]).toBe('classify rep0 ingress chain 3 sw resumed -trk');
    expect(tc.result.lastChain).toBe(3);
    // A chain that exists but is empty: a plain miss there.
    pkt.meta.extChain = 4;
    expect(classify(tc, pkt)).toBe(TC_ACT_UNSPEC);
    expect(tc.result.lastChain).toBe(4);
    // An unknown chain drops the packet (and leaves the extension).
    pkt.meta.extChain = 9;
    expect(classify(tc, pkt)).toBe(TC_ACT_SHOT);
    expect(pkt.meta.extChain).toBe(9);
    expect(tc.result.dropReason).toBe('chain 9 named by the tc skb extension does not exist');
  });

  it('ignores the extension on egress', () => {
    const t = testHost();
    const tc = new Tc(t.host);
    tcOk(tc, 'tc qdisc add dev rep0 clsact', 'tc filter add dev rep0 egress protocol ip flower action drop');
    const pkt = packet();
    pkt.meta.extChain = 3;
    expect(classify(tc, pkt, 'sw', 'rep0', 'egress')).toBe(TC_ACT_SHOT);
    expect(pkt.meta.extChain).toBe(3);
    expect(classify(tc, pkt, 'sw', 'rep0', 'ingress')).toBe(TC_ACT_UNSPEC);
  });
});

describe('software and hardware', () => {
  it('passes over a skip_sw filter in software, which also ends the lookup in its mask', () => {
    const { t, tc } = setup();
    t.nic = { inHwCount: 1 };
    tcOk(
      tc,
      'tc filter add dev rep0 ingress pref 1 handle 1 protocol ip flower skip_sw ip_proto tcp action drop',
      'tc filter add dev rep0 ingress pref 1 handle 2 protocol ip flower ip_proto tcp dst_port 80 action pass',
    );
    const lines = trace(t);
    expect(classify(tc)).toBe(TC_ACT_OK);
    expect(lines.slice(1, 3)).toEqual(['filter 0/1/1 miss skipped skip_sw', 'filter 0/1/2 match']);
    expect(classify(tc, packet(), 'hw')).toBe(TC_ACT_SHOT);
  });

  it('sees in hardware only filters a driver accepted', () => {
    const { t, tc } = setup();
    t.nic = { inHwCount: 0 };
    tcOk(tc, 'tc filter add dev rep0 ingress pref 1 protocol ip flower action drop');
    t.nic = { inHwCount: 1 };
    tcOk(tc, 'tc filter add dev rep0 ingress pref 2 protocol ip flower action pass', 'tc filter add dev rep0 ingress pref 3 protocol ip flower skip_hw action drop');
    expect(classify(tc, packet(), 'sw')).toBe(TC_ACT_SHOT);
    expect(classify(tc, packet(), 'hw')).toBe(TC_ACT_OK);
  });

  it('counts packets and bytes per side: the L3 length on software ingress, the frame elsewhere', () => {
    const t = testHost();
    const tc = new Tc(t.host);
    t.nic = { inHwCount: 1 };
    tcOk(
      tc,
      'tc qdisc add dev rep0 clsact',
      'tc filter add dev rep0 ingress protocol ip flower action ct zone 1 pipe action pass',
      'tc filter add dev rep0 egress protocol ip flower action pass',
    );
    const pkt = packet({ payloadLen: 100 }); // 20 + 20 + 100 bytes of IP, 154 on the wire
    t.env.clock.advanceTo(5_000_000);
    classify(tc, pkt);
    classify(tc, pkt);
    classify(tc, pkt, 'hw');
    classify(tc, pkt, 'sw', 'rep0', 'egress');
    const ingress = tc.qdisc('rep0')!.ingress.chain(0)!.tps[0].filters[0];
    expect([ingress.swPackets, ingress.swBytes, ingress.hwPackets, ingress.hwBytes]).toEqual([2, 280, 1, 154]);
    expect(ingress.lastUse).toBe(5_000_000);
    const ct = ingress.actions[0];
    expect([ct.swPackets, ct.swBytes, ct.hwPackets, ct.hwBytes, ct.firstUse]).toEqual([2, 280, 1, 154, 5_000_000]);
    const egress = tc.qdisc('rep0')!.egress!.chain(0)!.tps[0].filters[0];
    expect([egress.swPackets, egress.swBytes]).toEqual([1, 154]);
  });
});

describe('mirred', () => {
  it('redirects through the host and returns its control; a gone target drops', () => {
    const { t, tc } = setup();
    t.devices.add({ name: 'veth0', kind: 'veth', hwTcOffload: false, onNic: false });
    tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower action mirred egress mirror dev veth0 pipe action mirred egress redirect dev rep1');
    const pkt = packet();
    expect(classify(tc, pkt)).toBe(TC_ACT_STOLEN);
    expect(tc.result.redirected).toBe(true);
    expect(t.calls.filter((c) => c.startsWith('mirred'))).toEqual([`mirred veth0 egress mirror pkt ${pkt.id}`, `mirred rep1 egress redirect pkt ${pkt.id}`]);
    tc.removeDevice('rep1');
    t.devices.remove('rep1');
    const lines = trace(t);
    expect(classify(tc)).toBe(TC_ACT_SHOT);
    expect(tc.result).toMatchObject({ redirected: false, dropReason: 'tc mirred: target device is gone' });
    expect(lines.at(-2)).toBe('action 2 mirred (Egress Redirect to device *) stolen -> drop');
    expect(tc.actions.list('mirred')[1].overlimits).toBe(1);
  });

  it('keeps an outer classification intact when a mirrored copy is classified again', () => {
    const { t, tc } = setup();
    tcOk(
      tc,
      'tc qdisc add dev rep1 ingress',
      'tc filter add dev rep1 ingress protocol ip flower action drop',
      'tc filter add dev rep0 ingress protocol ip flower action ct zone 2 pipe action mirred ingress mirror dev rep1 pipe action goto chain 1',
      'tc filter add dev rep0 ingress chain 1 protocol ip flower ct_state +trk+new action pass',
    );
    const inner: number[] = [];
    t.host.mirred = (pkt, dev) => {
      inner.push(tc.classify(pkt, dev, 'ingress', 'sw'));
    };
    expect(classify(tc)).toBe(TC_ACT_OK);
    expect(inner).toEqual([TC_ACT_SHOT]);
    expect(tc.result).toMatchObject({ verdict: TC_ACT_OK, lastChain: 1, redirected: false });
  });
});
