import { describe, expect, it } from 'vitest';
import { IPS_OFFLOAD } from '../conntrack/conntrack';
import { Simulator } from '../simulator';

/** A zone-1 web-server policy on rep0 (software only) with one established connection. */
function established(profile: string): Simulator {
  const sim = new Simulator();
  const r = sim.run(`sim profile ${profile}
ethtool -K uplink hw-tc-offload off
ethtool -K rep0 hw-tc-offload off
tc qdisc add dev uplink ingress
tc qdisc add dev rep0 ingress
tc filter add dev uplink ingress prio 1 proto ip flower ct_state -trk action ct zone 1 pipe action goto chain 1
tc filter add dev uplink ingress prio 1 chain 1 proto ip flower ct_state +trk+new action ct zone 1 commit pipe action mirred egress redirect dev rep0
tc filter add dev uplink ingress prio 2 chain 1 proto ip flower ct_state +trk+est action mirred egress redirect dev rep0
tc filter add dev rep0 ingress prio 1 proto ip flower ct_state -trk action ct zone 1 pipe action goto chain 1
tc filter add dev rep0 ingress prio 1 chain 1 proto ip flower ct_state +trk+est action mirred egress redirect dev uplink
connect dev uplink tcp 192.0.2.1:1000 > 10.0.0.1:80 data 1 close none`);
  expect(r.error).toBeUndefined();
  return sim;
}

describe('nf_flowtable', () => {
  it('refuses a second flow for a connection whose torn-down flow is still hashed (flow_offload_add -EEXIST)', () => {
    const sim = established('6.12');
    const ft = sim.flowtables.get(1)!;
    expect(ft.size).toBe(1);
    let flow = -1;
    ft.forEach((f) => (flow = f));
    const ct = ft.ct(flow);
    ft.teardown(flow, 'fin');
    expect(sim.conntrack.status(ct) & IPS_OFFLOAD).toBe(0);
    expect(ft.add(ct, true)).toBe(-1);
    expect(ft.size).toBe(1);
    // Two GC passes free it (HW_DYING, then HW_DEAD); then the connection may enter again.
    sim.run('sleep 2');
    expect(ft.size).toBe(0);
    expect(ft.add(ct, true)).toBeGreaterThanOrEqual(0);
    expect(ft.size).toBe(1);
  });

  it('keeps a busy flow and expires an idle one 30 s after its last packet', () => {
    const sim = established('5.7');
    const ft = sim.flowtables.get(1)!;
    expect(ft.size).toBe(1);
    // A data packet every 10 s through the software fast path refreshes the flow.
    sim.run('send dev uplink tcp 192.0.2.1:1000 > 10.0.0.1:80 flags P. len 10 count 6 interval 10');
    expect(ft.size).toBe(1);
    sim.run('sleep 30');
    expect(ft.size).toBe(1);
    sim.run('sleep 1.5');
    expect(ft.size).toBe(0);
  });

  it('holds timeouts exactly beyond 2^32 µs, up to the largest safe integer, without touching the flags', () => {
    const sim = established('6.12');
    const ft = sim.flowtables.get(1)!;
    let flow = -1;
    ft.forEach((f) => (flow = f));
    const flags = ft.flags(flow);
    for (const at of [0, 2 ** 32 - 1, 2 ** 32 + 7, 4_000_000_000_123, Number.MAX_SAFE_INTEGER]) {
      ft.setTimeout(flow, at);
      expect(ft.timeout(flow)).toBe(at);
      expect(ft.flags(flow)).toBe(flags);
    }
  });
});
