/**
 * The zone-0 ct action without a template (before v5.13) adds another zone's connection to zone
 * 0's flowtable (tcf_ct_flow_table_process_conn with the action's table); the flow tuple has no
 * zone, so later packets hit it there. 6.12 keeps the connection in its own zone's table.
 */
import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../events';
import { Simulator } from '../simulator';

const SCRIPT = `
ethtool -K uplink hw-tc-offload off
ethtool -K rep0 hw-tc-offload off
tc qdisc add dev uplink ingress
tc qdisc add dev rep0 ingress
tc filter add dev uplink ingress prio 1 proto ip flower ip_proto tcp action ct zone 2 commit pipe action ct pipe action mirred egress redirect dev rep0
tc filter add dev rep0 ingress prio 1 proto ip flower ip_proto tcp action ct zone 2 commit pipe action ct pipe action mirred egress redirect dev uplink
connect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 2 close none
send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags P. len 100 count 3
`;

/** Flowtable hits by the zone of the table that was hit. */
function hitsByZone(profile: string): Record<number, number> {
  const sim = new Simulator();
  const hits: Record<number, number> = {};
  sim.subscribe((e: SimEvent) => {
    if (e.kind === 'ft.lookup' && e.hit) hits[e.zone] = (hits[e.zone] ?? 0) + 1;
  });
  const r = sim.run(`sim profile ${profile}\n${SCRIPT}`);
  expect(r.error).toBeUndefined();
  return hits;
}

describe('a zone-0 ct action after a commit in zone 2', () => {
  it('5.8: puts the zone-2 connection in zone 0’s flowtable, where every later packet (7) hits it', () => {
    expect(hitsByZone('5.8')).toEqual({ 0: 7 });
  });

  it('6.12: the commit action puts it in zone 2’s flowtable (v5.13), which the same 7 packets hit', () => {
    expect(hitsByZone('6.12')).toEqual({ 2: 7 });
  });
});
