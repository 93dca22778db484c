/**
 * An IPv6 connection through the NIC: a DNAT'ed connection (ct_nat table) whose data packets
 * the hardware rewrites in both directions, as mlx5_tc_ct_entry_create_nat does with
 * FLOW_ACT_MANGLE_HDR_TYPE_IP6 for the addresses and the TCP header for the ports.
 */
import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../events';
import { Simulator } from '../simulator';

const SCRIPT = `
tc qdisc add dev uplink ingress
tc qdisc add dev rep1 ingress
tc filter add dev uplink ingress prio 1 chain 0 proto ipv6 flower ip_proto tcp ct_state -trk action ct zone 2 nat pipe action goto chain 1
tc filter add dev uplink ingress prio 1 chain 1 proto ipv6 flower ct_state +trk+new action ct zone 2 commit nat dst addr 2001:db8:1::2 port 8080 pipe action mirred egress redirect dev rep1
tc filter add dev uplink ingress prio 2 chain 1 proto ipv6 flower ct_state +trk+est action mirred egress redirect dev rep1
tc filter add dev rep1 ingress prio 1 chain 0 proto ipv6 flower ip_proto tcp ct_state -trk action ct zone 2 nat pipe action goto chain 1
tc filter add dev rep1 ingress prio 1 chain 1 proto ipv6 flower ct_state +trk+est action mirred egress redirect dev uplink
connect dev uplink tcp [2001:db8::10]:40000 > [2001:db8:feed::1]:80 data 1 close none
sleep 1
send dev uplink tcp [2001:db8::10]:40000 > [2001:db8:feed::1]:80 flags P. len 100
send dev rep1 tcp [2001:db8:1::2]:8080 > [2001:db8::10]:40000 flags .
`;

describe('IPv6 in hardware', () => {
  it('offloads a DNAT-ed IPv6 connection and rewrites both directions in the NIC', () => {
    const sim = new Simulator();
    const events: SimEvent[] = [];
    sim.subscribe((e) => events.push(e));
    expect(sim.run(SCRIPT).error).toBeUndefined();
    const entries = events.filter((e) => e.kind === 'hw.ct_entry' && e.op === 'add');
    expect(entries.map((e) => e.kind === 'hw.ct_entry' && [e.table, e.dir])).toEqual([
      ['ct_nat', 0],
      ['ct_nat', 1],
    ]);
    const hwDeliveries = events.filter((e) => e.kind === 'packet.deliver' && e.where === 'hw');
    expect(hwDeliveries.map((e) => e.kind === 'packet.deliver' && [e.dev, e.summary.replace(/ seq .*/, '')])).toEqual([
      ['rep1', '2001:db8::10.40000 > 2001:db8:1::2.8080: tcp [P.]'],
      ['uplink', '2001:db8:feed::1.80 > 2001:db8::10.40000: tcp [.]'],
    ]);
  });
});
