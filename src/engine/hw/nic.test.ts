import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../events';
import { IPS_OFFLOAD } from '../conntrack/conntrack';
import { Simulator } from '../simulator';
import { throughput, DEFAULT_THROUGHPUT } from './throughput';

const RULES = `
tc qdisc add dev uplink ingress
tc qdisc add dev rep0 ingress
tc filter add dev uplink ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev uplink ingress prio 1 chain 2 proto ip flower ct_state +trk+new action ct zone 1 commit pipe action mirred egress redirect dev rep0
tc filter add dev uplink ingress prio 2 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev rep0
tc filter add dev rep0 ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev rep0 ingress prio 1 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev uplink
`;

function traced(script: string): { sim: Simulator; events: SimEvent[]; error?: string } {
  const sim = new Simulator();
  const events: SimEvent[] = [];
  sim.subscribe((e) => events.push(e));
  const r = sim.run(script);
  return { sim, events, error: r.error?.message };
}

describe('filter offload (the driver, one filter at a time)', () => {
  it('a skip_sw filter the driver refuses makes the add fail with its words', () => {
    const sim = new Simulator();
    const r = sim.run('tc qdisc add dev rep0 ingress\ntc filter add dev rep0 ingress prio 1 proto ip flower skip_sw ct_state +trk+new action drop');
    expect(r.error?.message).toBe("Error: mlx5_core: matching on ct_state +new isn't supported.\nWe have an error talking to the kernel");
    expect(sim.tc.qdisc('rep0')!.ingress.chains.flatMap((c) => c.tps)).toEqual([]);
  });

  // mlx5_tc_ct_parse_match (5.7/5.8) checks the mask first; mlx5_tc_ct_match_add (6.12) takes
  // rel/inv in the mask and refuses them set.
  it.each([
    ['+trk+rel', '5.7', 'mlx5_core: only ct_state trk, est and new are supported for offload'],
    ['+trk+rel', '5.8', 'mlx5_core: only ct_state trk, est and new are supported for offload'],
    ['+trk+rel', '6.12', "mlx5_core: matching on ct_state +rel isn't supported"],
    ['+trk+inv', '5.8', 'mlx5_core: only ct_state trk, est and new are supported for offload'],
    ['+trk+inv', '6.12', "mlx5_core: matching on ct_state +inv isn't supported"],
    ['+trk-inv', '5.8', 'mlx5_core: only ct_state trk, est and new are supported for offload'],
    ['+trk+est+rpl', '5.8', 'mlx5_core: only ct_state trk, est and new are supported for offload'],
  ])('refuses ct_state %s in profile %s', (state, profile, reason) => {
    const { events } = traced(`sim profile ${profile}\ntc qdisc add dev rep0 ingress\ntc filter add dev rep0 ingress prio 1 proto ip flower ct_state ${state} action drop`);
    expect(events.find((e) => e.kind === 'hw.filter')).toMatchObject({ accepted: false, reason });
  });

  // parse_tc_fdb_actions (v5.7/v5.8) keeps the last ct action's zone: the driver registers on
  // that zone's flowtable only; 6.12 runs both ct actions and registers on both.
  it.each([
    ['5.8', ['register 2']],
    ['6.12', ['register 1', 'register 2']],
  ])('a rule with two ct actions in profile %s registers %j', (profile, expected) => {
    const { events } = traced(`sim profile ${profile}\ntc qdisc add dev rep0 ingress\ntc filter add dev rep0 ingress prio 1 proto ip flower ct_state -trk action ct zone 1 pipe action ct zone 2 pipe action goto chain 1`);
    expect(events.find((e) => e.kind === 'hw.filter')).toMatchObject({ accepted: true });
    expect(events.filter((e) => e.kind === 'hw.ft_cb').map((e) => (e.kind === 'hw.ft_cb' ? `${e.op} ${e.zone}` : ''))).toEqual(expected);
  });

  it.each([
    ['+trk-inv', '6.12'],
    ['+trk+est+rpl', '6.12'],
    ['+trk-new', '5.8'],
  ])('accepts ct_state %s in profile %s', (state, profile) => {
    const { events } = traced(`sim profile ${profile}\ntc qdisc add dev rep0 ingress\ntc filter add dev rep0 ingress prio 1 proto ip flower ct_state ${state} action drop`);
    expect(events.find((e) => e.kind === 'hw.filter')).toMatchObject({ accepted: true });
  });

  it('accepts +trk+new only in the 6.12 profile', () => {
    const line = 'tc qdisc add dev rep0 ingress\ntc filter add dev rep0 ingress prio 1 proto ip flower ct_state +trk+new action drop';
    expect(traced(line).events.find((e) => e.kind === 'hw.filter')).toMatchObject({ accepted: false });
    expect(traced(`sim profile 6.12\n${line}`).events.find((e) => e.kind === 'hw.filter')).toMatchObject({ accepted: true });
  });

  it('refuses a rewrite before ct in 5.7 (chain restore) and accepts it in 6.12 (miss to action)', () => {
    const line = 'tc qdisc add dev rep0 ingress\ntc filter add dev rep0 ingress prio 1 proto ip flower ip_proto tcp dst_port 8888 action pedit ex munge tcp dport set 5001 pipe action csum ip tcp pipe action ct pipe action goto chain 1';
    expect(traced(line).events.find((e) => e.kind === 'hw.filter')).toMatchObject({ accepted: false, reason: "mlx5_core: Header rewrite before ct isn't supported" });
    expect(traced(`sim profile 6.12\n${line}`).events.find((e) => e.kind === 'hw.filter')).toMatchObject({ accepted: true });
  });

  it('forwarding to a device outside the eswitch is refused with mlx5 wording', () => {
    const { events } = traced('ip link add veth0 type veth peer name veth1\ntc qdisc add dev rep0 ingress\ntc filter add dev rep0 ingress prio 1 proto ip flower action mirred egress redirect dev veth0');
    expect(events.find((e) => e.kind === 'hw.filter')).toMatchObject({ accepted: false, reason: "mlx5_core: devices rep0 veth0 not on same switch HW, can't offload forwarding" });
  });

  it('registers the flowtable callback at the first offloaded ct rule of a zone and unregisters at the last', () => {
    const { sim, events } = traced(`${RULES}\ntc filter del dev uplink ingress chain 0\ntc filter del dev rep0 ingress chain 0`);
    const cb = events.filter((e) => e.kind === 'hw.ft_cb').map((e) => (e.kind === 'hw.ft_cb' ? `${e.op} ${e.zone}` : ''));
    expect(cb).toEqual(['register 1', 'unregister 1']);
    expect(sim.hw.nic.registeredZones).toEqual([]);
  });
});

describe('hardware datapath events', () => {
  it('a data packet of an offloaded connection: chain 0 hit, CT hit, chain 2 hit, delivered by hardware', () => {
    const { events } = traced(`${RULES}connect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 1 close none\nsleep 1\nsend dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags P. len 100`);
    const last = events.filter((e) => 'pkt' in e && e.pkt === 6);
    expect(last.filter((e) => e.kind === 'hw.table').map((e) => (e.kind === 'hw.table' ? `${e.table} ${e.hit}` : ''))).toEqual(['chain 0 true', 'ct true', 'chain 2 true']);
    expect(last.at(-1)).toMatchObject({ kind: 'packet.deliver', where: 'hw', to: 'vm', target: 'vm0' });
    expect(last.some((e) => e.kind === 'tc.classify')).toBe(false);
  });

  it('the handshake misses the CT table and the driver says which chain software resumes at', () => {
    const { events } = traced(`${RULES}send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags S`);
    expect(events.find((e) => e.kind === 'hw.miss')).toMatchObject({ table: 'ct', resumeChain: 0, resumeAction: '', ctState: '', tunnel: false });
    expect(events.find((e) => e.kind === 'tc.classify')).toMatchObject({ where: 'sw', chain: 0 });
  });

  it('stats sync reports hardware deltas and the queue reports its work', () => {
    const { events } = traced(`${RULES}connect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 1 close none\nsleep 1\nsend dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags P. len 100 count 2\nsleep 4`);
    const stats = events.filter((e) => e.kind === 'hw.stats');
    expect(stats.reduce((n, e) => n + (e.kind === 'hw.stats' ? e.packets : 0), 0)).toBe(2);
    expect(events.some((e) => e.kind === 'hw.queue' && e.op === 'add' && e.result === 'queued')).toBe(true);
  });

  it('hw-tc-offload off is refused while the port has offloaded filters', () => {
    const { events, sim } = traced(`${RULES}ethtool -K uplink hw-tc-offload off`);
    expect(events.find((e) => e.kind === 'hw.feature')).toMatchObject({ accepted: false, message: "mlx5_core: uplink: Active offloaded tc filters, can't turn hw_tc_offload off" });
    expect(sim.devices.get('uplink')!.hwTcOffload).toBe(true);
  });
});

describe('settings', () => {
  it('reject bad values with a message and leave the setting alone', () => {
    const sim = new Simulator();
    expect(sim.run('sim nic-fault-rate 2').error?.message).toBe('invalid value "2" for nic-fault-rate: expected a probability from 0 to 1');
    expect(sim.run('sim offload-policy packets=5').error?.message).toBe('offload-policy counts packets with conntrack accounting: set net.netfilter.nf_conntrack_acct=1 first');
    expect(sim.hw.nic.settings.policy).toEqual({ minPackets: 0, minBytes: 0 });
  });

  it('the throughput model reproduces the talk: ≈23 Mpps line rate, 1 Mpps software', () => {
    const hw = throughput(DEFAULT_THROUGHPUT, 1, 0);
    const sw = throughput(DEFAULT_THROUGHPUT, 0, 1);
    expect(hw.modelledPps).toBeCloseTo(23_320_896, 0);
    expect(sw.modelledPps).toBe(1_000_000);
    expect(sw.cpuLoad).toBe(1);
    expect(throughput(DEFAULT_THROUGHPUT, 99, 1).modelledPps).toBeCloseTo(23_320_896, 0);
  });
});

/** Random traffic over the talk's rules: the counters and tables stay consistent. */
describe('hardware invariants', () => {
  const step = fc.oneof(
    fc.record({ kind: fc.constant('connect' as const), client: fc.integer({ min: 0, max: 5 }), data: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('data' as const), client: fc.integer({ min: 0, max: 5 }), count: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('fin' as const), client: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ kind: fc.constant('sleep' as const), seconds: fc.integer({ min: 1, max: 40 }) }),
  );

  it('software + hardware = packets per rule; capacity holds; hardware holds only flowtable connections (fast-check seed 4242)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(step, { minLength: 1, maxLength: 25 }), (capacity, steps) => {
        const sim = new Simulator();
        expect(sim.run(`sim nic-capacity ${capacity}\n${RULES}`).error).toBeUndefined();
        const chain0 = sim.tc.qdisc('uplink')!.ingress.chain(0)!.tps[0].filters[0];
        let injected = 0;
        sim.subscribe((e) => {
          if (e.kind === 'packet.inject' && e.dev === 'uplink') injected++;
        });
        for (const s of steps) {
          const src = `192.0.2.${10 + ('client' in s ? s.client : 0)}:4000${'client' in s ? s.client : 0}`;
          const line =
            s.kind === 'connect' ? `connect dev uplink tcp ${src} > 10.0.0.1:80 data ${s.data} close none`
            : s.kind === 'data' ? `send dev uplink tcp ${src} > 10.0.0.1:80 flags P. len 100 count ${s.count}`
            : s.kind === 'fin' ? `send dev uplink tcp ${src} > 10.0.0.1:80 flags F.`
            : `sleep ${s.seconds}`;
          sim.run(line);
          // Every uplink packet is TCP to port 80: the chain-0 rule counts each exactly once.
          expect(chain0.swPackets + chain0.hwPackets).toBe(injected);
          const t = sim.hw.nic.table;
          expect(t.size).toBeLessThanOrEqual(capacity);
          t.forEachPair((p) => {
            const ct = t.ct(p);
            const ft = sim.flowtables.get(sim.conntrack.zone(ct));
            expect(ft && ft.flowOfCt(ct) >= 0).toBe(true);
            expect(sim.conntrack.status(ct) & IPS_OFFLOAD || ft!.flowOfCt(ct) >= 0).toBeTruthy();
          });
        }
      }),
      { seed: 4242, numRuns: 60 },
    );
  });
});

describe('hardware CT rules of a destroyed connection', () => {
  // ctnetlink flushes offloaded entries since v6.4; 5.7 leaves them (see conntrack -F).
  it('go with the conntrack entry: after a flush the next packet misses the CT table (6.12)', () => {
    const send = 'send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags P. len 100';
    const { events } = traced(`sim profile 6.12\n${RULES}connect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 1 close none\nsleep 1\n${send}\nconntrack -F\n${send}`);
    const ctHits = events.filter((e) => e.kind === 'hw.table' && e.table === 'ct').map((e) => (e.kind === 'hw.table' ? e.hit : null));
    expect(ctHits.slice(-2)).toEqual([true, false]);
  });
});
