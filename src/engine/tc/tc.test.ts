import { describe, expect, it } from 'vitest';
import { Tc } from './tc';
import { tcError, tcOk, testHost, type TestHost } from './test-host';

const TALK = '\nWe have an error talking to the kernel';

function setup(profile: '5.7' | '6.12' = '5.7'): { t: TestHost; tc: Tc } {
  const t = testHost(profile);
  const tc = new Tc(t.host);
  return { t, tc };
}

/** `chain/pref/handle` of every filter of a hook, in dump order. */
function layout(tc: Tc, dev = 'rep0', hook: 'ingress' | 'egress' = 'ingress'): string[] {
  const block = tc.qdisc(dev)!.blockFor(hook);
  return block.chains.flatMap((c) => c.tps.flatMap((tp) => tp.filters.map((f) => `${c.index}/${tp.prio}/${f.handle}`)));
}

describe('qdiscs', () => {
  it('adds ingress and clsact once, replaces only the same kind and deletes what exists', () => {
    const { tc } = setup();
    tcOk(tc, 'tc qdisc add dev rep0 ingress');
    expect(tcError(tc, 'tc qdisc add dev rep0 ingress')).toBe('Error: Exclusivity flag on, cannot modify.');
    expect(tcError(tc, 'tc qdisc add dev rep0 clsact')).toBe('Error: Exclusivity flag on, cannot modify.');
    tcOk(tc, 'tc qdisc replace dev rep0 ingress');
    expect(tcError(tc, 'tc qdisc replace dev rep0 clsact')).toBe('Error: Invalid qdisc name.');
    expect(tcError(tc, 'tc qdisc del dev rep0 clsact')).toBe('Error: Invalid qdisc name.');
    tcOk(tc, 'tc qdisc del dev rep0 ingress');
    expect(tcError(tc, 'tc qdisc del dev rep0 ingress')).toBe('Error: Cannot find specified qdisc on specified device.');
    expect(tcError(tc, 'tc qdisc add dev nosuch clsact')).toBe('Cannot find device "nosuch"');
  });

  it('deleting a qdisc takes its filters out of hardware and releases their actions', () => {
    const { t, tc } = setup();
    tcOk(tc, 'tc qdisc add dev rep0 ingress', 'tc filter add dev rep0 ingress protocol ip flower action ct zone 3');
    tcOk(tc, 'tc qdisc del dev rep0 ingress');
    expect(t.calls).toEqual(['offload rep0 0x1', 'removed rep0 0x1']);
    expect(t.actCt.log).toEqual(['init zone 3', 'release zone 3']);
    expect(tc.actions.list('ct')).toEqual([]);
  });
});

describe('filter add', () => {
  it('needs the device and its qdisc', () => {
    const { tc } = setup();
    expect(tcError(tc, 'tc filter add dev nosuch ingress protocol ip flower action drop')).toBe('Cannot find device "nosuch"');
    expect(tcError(tc, 'tc filter add dev rep0 ingress protocol ip flower action drop')).toBe(`Error: Parent Qdisc doesn't exists.${TALK}`);
    tcOk(tc, 'tc qdisc add dev rep0 ingress');
    expect(tcError(tc, 'tc filter add dev rep0 ingress protocol ip flower action mirred egress redirect dev nosuch')).toBe(
      'Cannot find device "nosuch"',
    );
  });

  it('allocates prio 49152 first, then one below the highest prio under 32768, and handles from 1', () => {
    const { tc } = setup();
    tcOk(tc, 'tc qdisc add dev rep0 ingress');
    tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower ip_proto tcp action drop');
    tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower ip_proto udp action drop');
    expect(layout(tc)).toEqual(['0/49152/1', '0/49152/2']);
    tcOk(tc, 'tc filter add dev rep0 ingress pref 10 protocol ip flower action drop');
    tcOk(tc, 'tc filter add dev rep0 ingress pref 5 protocol ip flower action drop');
    tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower ip_proto tcp action drop');
    expect(layout(tc)).toEqual(['0/5/1', '0/9/1', '0/10/1', '0/49152/1', '0/49152/2']);
    // A different protocol cannot join the prio the allocator lands on.
    expect(tcError(tc, 'tc filter add dev rep0 ingress protocol ipv6 flower action drop')).toBe(`RTNETLINK answers: Invalid argument${TALK}`);
  });

  it('refuses a prio held by another protocol, and a prio of 32768 when allocating', () => {
    const { tc } = setup();
    tcOk(tc, 'tc qdisc add dev rep0 ingress', 'tc filter add dev rep0 ingress pref 1 protocol ip flower action drop');
    expect(tcError(tc, 'tc filter add dev rep0 ingress pref 1 protocol all flower action drop')).toBe(
      `Error: Filter with specified priority/protocol not found.${TALK}`,
    );
    tcOk(tc, 'tc filter add dev rep0 ingress pref 32768 protocol ip flower action drop');
    expect(tcError(tc, 'tc filter add dev rep0 ingress protocol ip flower action drop')).toBe(
      `Error: Filter with specified priority/protocol not found.${TALK}`,
    );
  });

  it('refuses an existing handle on add, a repeated key in the same mask, ', () => {
    const { tc } = setup();
    tcOk(tc, 'tc qdisc add dev rep0 ingress', 'tc filter add dev rep0 ingress pref 1 handle 7 protocol ip flower ip_proto tcp action drop');
    expect(tcError(tc, 'tc filter add dev rep0 ingress pref 1 handle 7 protocol ip flower ip_proto udp action drop')).toBe(
      `Error: Filter already exists.${TALK}`,
    );
    expect(tcError(tc, 'tc filter add dev rep0 ingress pref 1 protocol ip flower ip_proto tcp action pass')).toBe(`RTNETLINK answers: File exists${TALK}`);
    tcOk(tc, 'tc filter add dev rep0 ingress pref 1 protocol ip flower ip_proto udp action drop');
    expect(layout(tc)).toEqual(['0/1/1', '0/1/7']);
  });

  it('replaces in place with the same mask, refuses another mask, and `change` needs an existing filter', () => {
    const { t, tc } = setup();
    tcOk(tc, 'tc qdisc add dev rep0 ingress');
    tcOk(tc, 'tc filter add dev rep0 ingress pref 1 handle 1 protocol ip flower ip_proto tcp action ct zone 1');
    tcOk(tc, 'tc filter add dev rep0 ingress pref 1 handle 2 protocol ip flower ip_proto udp action drop');
    tcOk(tc, 'tc filter replace dev rep0 ingress pref 1 handle 1 protocol ip flower ip_proto icmp action ct zone 2');
    const tp = tc.qdisc('rep0')!.ingress.chain(0)!.tp(1)!;
    expect(tp.masks[0].filters.map((f) => f.handle)).toEqual([1, 2]);
    expect(tp.byHandle(1)!.match.ipProto).toBe(1);
    // The new rule is offloaded before the old one goes; the old ct action is released last.
    expect(t.calls).toEqual(['offload rep0 0x1', 'offload rep0 0x2', 'offload rep0 0x1', 'removed rep0 0x1']);
    expect(t.actCt.log).toEqual(['init zone 1', 'init zone 2', 'release zone 1']);
    expect(tcError(tc, 'tc filter replace dev rep0 ingress pref 1 handle 1 protocol ip flower ip_proto tcp dst_port 80 action drop')).toBe(
      `RTNETLINK answers: Invalid argument${TALK}`,
    );
    expect(tcError(tc, 'tc filter change dev rep0 ingress pref 1 handle 9 protocol ip flower ip_proto tcp action drop')).toBe(
      `Error: Need both RTM_NEWTFILTER and NLM_F_CREATE to create a new filter.${TALK}`,
    );
    expect(tcError(tc, 'tc filter change dev rep0 ingress pref 3 handle 1 protocol ip flower action drop')).toBe(
      `Error: Need both RTM_NEWTFILTER and NLM_F_CREATE to create a new filter.${TALK}`,
    );
  });

  it('leaves everything as it was when a request fails late', () => {
    const { t, tc } = setup('6.12');
    tcOk(tc, 'tc qdisc add dev rep0 ingress', 'tc actions add action ct zone 5 index 3');
    t.nic = { inHwCount: 0, error: 'mlx5_core: matching on ct_state +new isn\'t supported' };
    const err = tcError(
      tc,
      'tc filter add dev rep0 ingress chain 4 pref 1 protocol ip flower skip_sw ct_state +trk+new action ct index 3 pipe action ct zone 9 pipe action goto chain 7',
    );
    expect(err).toBe(`Error: mlx5_core: matching on ct_state +new isn't supported.${TALK}`);
    expect(t.actCt.log).toEqual(['init zone 5', 'init zone 9', 'release zone 9']);
    expect(tc.actions.list('ct').map((a) => [a.index, a.refcnt, a.bindcnt])).toEqual([[3, 1, 0]]);
    expect(tc.actions.list('gact')).toEqual([]);
    expect(tc.qdisc('rep0')!.ingress.chains).toEqual([]);
  });

  it('with skip_sw needs a driver to accept; otherwise a refusal is silent unless verbose', () => {
    const { t, tc } = setup();
    tcOk(tc, 'tc qdisc add dev rep0 ingress');
    expect(tcError(tc, 'tc filter add dev rep0 ingress protocol ip flower skip_sw action drop')).toBe(`RTNETLINK answers: Invalid argument${TALK}`);
    t.nic = { inHwCount: 0, error: 'mlx5_core: ct_state +new not supported' };
    expect(tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower action drop')).toBe('');
    expect(tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower verbose ip_proto tcp action drop')).toBe(
      'Warning: mlx5_core: ct_state +new not supported.\n',
    );
    t.nic = { inHwCount: 1 };
    tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower skip_sw ip_proto udp action drop');
    tcOk(tc, 'tc filter add dev rep0 ingress pref 3 protocol ip flower skip_hw action drop');
    // Without a pref every filter lands in the first automatic prio, 49152.
    expect(layout(tc)).toEqual(['0/3/1', '0/49152/1', '0/49152/2', '0/49152/3']);
    const filters = tc.qdisc('rep0')!.ingress.chain(0)!.tps.flatMap((tp) => tp.filters);
    expect(filters.map((f) => f.inHwCount)).toEqual([0, 0, 0, 1]);
    expect(t.calls.filter((c) => c.startsWith('offload')).length).toBe(4);
  });

  it('checks that indev names an existing device', () => {
    const { tc } = setup('6.12');
    tcOk(tc, 'tc qdisc add dev rep0 ingress');
    expect(tcError(tc, 'tc filter add dev rep0 ingress protocol ip flower indev nosuch action drop')).toBe(`Error: Network device not found.${TALK}`);
  });

  it('puts an `egress` filter on the ingress qdisc\'s only block', () => {
    const { tc } = setup();
    tcOk(tc, 'tc qdisc add dev rep0 ingress', 'tc filter add dev rep0 egress protocol ip flower action drop');
    expect(layout(tc, 'rep0', 'ingress')).toEqual(['0/49152/1']);
    expect(tc.hasHook('rep0', 'ingress')).toBe(true);
    expect(tc.hasHook('rep0', 'egress')).toBe(false);
  });
});

describe('filter del', () => {
  function three(): { t: TestHost; tc: Tc } {
    const s = setup();
    tcOk(
      s.tc,
      'tc qdisc add dev rep0 ingress',
      'tc filter add dev rep0 ingress pref 1 protocol ip flower ip_proto tcp action drop',
      'tc filter add dev rep0 ingress pref 1 protocol ip flower ip_proto udp action drop',
      'tc filter add dev rep0 ingress pref 2 protocol ip flower action drop',
      'tc filter add dev rep0 ingress chain 3 pref 1 protocol ip flower action drop',
    );
    return s;
  }

  it('deletes one handle, a whole prio, or the whole chain (chain 0 unless named)', () => {
    const { tc } = three();
    tcOk(tc, 'tc filter del dev rep0 ingress pref 1 handle 2 flower');
    expect(layout(tc)).toEqual(['0/1/1', '0/2/1', '3/1/1']);
    tcOk(tc, 'tc filter del dev rep0 ingress pref 1');
    expect(layout(tc)).toEqual(['0/2/1', '3/1/1']);
    tcOk(tc, 'tc filter del dev rep0 ingress');
    expect(layout(tc)).toEqual(['3/1/1']);
    tcOk(tc, 'tc filter del dev rep0 ingress chain 3');
    expect(tc.qdisc('rep0')!.ingress.chains).toEqual([]);
  });

  it('fails with the kernel texts', () => {
    const { tc } = three();
    expect(tcError(tc, 'tc filter del dev rep0 ingress pref 7')).toBe(`Error: Filter with specified priority/protocol not found.${TALK}`);
    expect(tcError(tc, 'tc filter del dev rep0 ingress pref 1 handle 9 flower')).toBe(`Error: Specified filter handle not found.${TALK}`);
    expect(tcError(tc, 'tc filter del dev rep0 ingress chain 8 pref 1')).toBe(`Error: Cannot find specified filter chain.${TALK}`);
    tcOk(tc, 'tc filter del dev rep0 ingress chain 8');
    expect(tcError(tc, 'tc filter del dev rep1 ingress')).toBe(`Error: Parent Qdisc doesn't exists.${TALK}`);
  });
});

describe('chains', () => {
  it('keeps an explicitly added chain, refuses duplicates, and deletes visible chains only', () => {
    const { tc } = setup();
    tcOk(tc, 'tc qdisc add dev rep0 ingress', 'tc chain add dev rep0 ingress chain 5');
    expect(tcError(tc, 'tc chain add dev rep0 ingress chain 5')).toBe(`Error: Filter chain already exists.${TALK}`);
    // A goto creates a chain only the action holds: invisible, but it can still be added explicitly.
    tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower action goto chain 9');
    expect(tcError(tc, 'tc chain del dev rep0 ingress chain 9')).toBe(`Error: Cannot find specified filter chain.${TALK}`);
    tcOk(tc, 'tc chain add dev rep0 ingress chain 9', 'tc filter add dev rep0 ingress chain 9 protocol ip flower action drop');
    tcOk(tc, 'tc chain del dev rep0 ingress chain 9');
    const block = tc.qdisc('rep0')!.ingress;
    expect(block.chains.map((c) => [c.index, c.tps.length, c.explicitlyCreated, c.actionRefs])).toEqual([
      [5, 0, true, 0],
      [0, 1, false, 0],
      [9, 0, false, 1],
    ]);
    tcOk(tc, 'tc filter del dev rep0 ingress');
    expect(block.chains.map((c) => c.index)).toEqual([5]);
  });
});

describe('standalone actions', () => {
  it('allocate indexes from 1 per kind and count the filters bound to them', () => {
    const { t, tc } = setup();
    tcOk(tc, 'tc actions add action ct zone 1', 'tc actions add action ct zone 2', 'tc actions add action drop');
    expect(tc.actions.list('ct').map((a) => a.index)).toEqual([1, 2]);
    expect(tc.actions.list('gact').map((a) => a.index)).toEqual([1]);
    tcOk(tc, 'tc qdisc add dev rep0 ingress', 'tc filter add dev rep0 ingress protocol ip flower action ct index 2 action ct zone 7');
    expect(tc.actions.list('ct').map((a) => [a.index, a.refcnt, a.bindcnt])).toEqual([
      [1, 1, 0],
      [2, 2, 1],
      [3, 1, 1],
    ]);
    // Binding ignores whatever parameters the filter wrote.
    expect(t.actCt.log).toEqual(['init zone 1', 'init zone 2', 'init zone 7']);
    expect(tcError(tc, 'tc actions del action ct index 2')).toBe(`Error: Failed to delete TC action.${TALK}`);
    expect(tcError(tc, 'tc actions del action ct index 9')).toBe(`Error: TC action with specified index not found.${TALK}`);
    expect(tcError(tc, 'tc actions add action ct zone 4 index 1')).toBe(`RTNETLINK answers: File exists${TALK}`);
    tcOk(tc, 'tc filter del dev rep0 ingress');
    expect(tc.actions.list('ct').map((a) => [a.index, a.refcnt, a.bindcnt])).toEqual([
      [1, 1, 0],
      [2, 1, 0],
    ]);
    tcOk(tc, 'tc actions del action ct index 2');
    expect(t.actCt.log.slice(3)).toEqual(['release zone 7', 'release zone 2']);
  });

  it('replace swaps parameters in place: the new zone first, then the old one goes', () => {
    const { t, tc } = setup();
    tcOk(tc, 'tc actions add action ct zone 1 index 4', 'tc qdisc add dev rep0 ingress', 'tc filter add dev rep0 ingress protocol ip flower action ct index 4');
    tcOk(tc, 'tc actions replace action ct zone 6 index 4');
    const a = tc.actions.get('ct', 4)!;
    expect([a.refcnt, a.bindcnt, a.summary()]).toEqual([2, 1, 'ct zone 6 pipe']);
    expect(t.actCt.log).toEqual(['init zone 1', 'init zone 6', 'release zone 1']);
  });

  it('cannot goto a chain', () => {
    const { tc } = setup();
    expect(tcError(tc, 'tc actions add action goto chain 1')).toBe(`Error: can't goto NULL proto/chain.${TALK}`);
  });

  it('flush deletes in index order up to the first bound action', () => {
    const { tc } = setup();
    tcOk(tc, 'tc actions add action drop index 1', 'tc actions add action drop index 2', 'tc actions add action drop index 3');
    tcOk(tc, 'tc qdisc add dev rep0 ingress', 'tc filter add dev rep0 ingress protocol ip flower action gact index 2');
    expect(tcOk(tc, 'tc actions flush action gact')).toBe('Warning: Unable to flush all TC actions.\n');
    expect(tc.actions.list('gact').map((a) => a.index)).toEqual([2, 3]);
    expect(tcError(tc, 'tc actions flush action gact')).toBe('RTNETLINK answers: Operation not permitted\nWe have an error flushing');
    tcOk(tc, 'tc filter del dev rep0 ingress', 'tc actions flush action gact');
    expect(tc.actions.list('gact')).toEqual([]);
  });
});

describe('device removal', () => {
  it('drops the device\'s qdisc and leaves mirred actions aimed at it without a target', () => {
    const { t, tc } = setup();
    t.devices.add({ name: 'veth0', kind: 'veth', hwTcOffload: false, onNic: false });
    tcOk(tc, 'tc qdisc add dev veth0 ingress', 'tc qdisc add dev rep0 ingress');
    tcOk(tc, 'tc filter add dev veth0 ingress protocol ip flower action drop');
    tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower action mirred egress redirect dev veth0');
    tc.removeDevice('veth0');
    t.devices.remove('veth0');
    expect(tc.qdisc('veth0')).toBeUndefined();
    expect(tc.actions.list('gact')).toEqual([]);
    expect(tc.actions.list('mirred')[0].summary()).toBe('mirred (Egress Redirect to device *) stolen');
  });
});
