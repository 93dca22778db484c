import { describe, expect, it } from 'vitest';
import talk from '../../scenarios/talk-web-server.sim?raw';
import { runScenario } from '../motion/fixture';
import { COLLAPSE_CHAIN, layoutPipeline, type LaidNode } from './layout';

/** The talk's rules without its traffic. */
const RULES = talk
  .split('\n')
  .filter((l) => !/^(connect|send|sleep|conntrack|tc -s|sim show)/.test(l))
  .join('\n');

const layoutOf = (text: string) => layoutPipeline(runScenario(text).pipeline);
const node = (nodes: LaidNode[], id: string) => {
  const n = nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};
const overlaps = (a: LaidNode, b: LaidNode) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('layoutPipeline', () => {
  it("keeps the talk's graph within 1200 × 480, so the default 1280×720 frame draws it at a zoom of 0.7 or more", () => {
    const { width, height } = layoutPipeline(runScenario(talk).pipeline);
    expect(width).toBeLessThanOrEqual(1200);
    expect(height).toBeLessThanOrEqual(480);
  });

  it("lays out the talk's configuration: hardware lane above software, chains 0 and 2 per port, tables between", () => {
    const { nodes, edges } = layoutOf(RULES);
    expect(nodes.map((n) => n.id)).toEqual([
      'lane:hw',
      'lane:sw',
      'hw:uplink:0',
      'hw:uplink:2',
      'hw:rep0:0',
      'hw:rep0:2',
      'hwct',
      'sw:uplink:ingress:0',
      'sw:uplink:ingress:2',
      'sw:rep0:ingress:0',
      'sw:rep0:ingress:2',
      'ft:1',
      'conntrack',
      'port:uplink',
      'port:rep0',
      'end:vm0',
      'end:wire',
      'end:host',
    ]);
    expect(edges.map((e) => e.id).sort()).toEqual(
      [
        'in:port:uplink->hw:uplink:0',
        'in:port:uplink->sw:uplink:ingress:0',
        'in:port:rep0->hw:rep0:0',
        'in:port:rep0->sw:rep0:ingress:0',
        'miss:hw:uplink:0->sw:uplink:ingress:0',
        'miss:hw:uplink:2->sw:uplink:ingress:2',
        'miss:hw:rep0:0->sw:rep0:ingress:0',
        'miss:hw:rep0:2->sw:rep0:ingress:2',
        'goto:sw:uplink:ingress:0->sw:uplink:ingress:2',
        'goto:hw:uplink:0->hw:uplink:2',
        'goto:sw:rep0:ingress:0->sw:rep0:ingress:2',
        'goto:hw:rep0:0->hw:rep0:2',
        'ct:sw:uplink:ingress:0->ft:1',
        'ct:hw:uplink:0->hwct',
        'ct:sw:uplink:ingress:2->ft:1',
        'ct:sw:rep0:ingress:0->ft:1',
        'ct:hw:rep0:0->hwct',
        'ct:ft:1->conntrack',
        'out:sw:uplink:ingress:2->end:vm0',
        'out:hw:uplink:2->end:vm0',
        'out:sw:rep0:ingress:2->end:wire',
        'out:hw:rep0:2->end:wire',
      ].sort(),
    );
    const hwLane = node(nodes, 'lane:hw');
    const swLane = node(nodes, 'lane:sw');
    expect(hwLane.y + hwLane.h).toBeLessThan(swLane.y);
    // Every hardware table sits in the upper lane, every software chain in the lower one.
    for (const n of nodes) {
      if (n.id.startsWith('hw')) expect(n.y + n.h).toBeLessThanOrEqual(hwLane.y + hwLane.h);
      if (n.id.startsWith('sw:') || n.id.startsWith('ft:') || n.id === 'conntrack') expect(n.y).toBeGreaterThanOrEqual(swLane.y);
    }
    // Chain 0, the tables, chain 2, the VMs: left to right.
    expect(node(nodes, 'sw:uplink:ingress:0').x).toBeLessThan(node(nodes, 'ft:1').x);
    expect(node(nodes, 'ft:1').x).toBeLessThan(node(nodes, 'sw:uplink:ingress:2').x);
    expect(node(nodes, 'sw:uplink:ingress:2').x).toBeLessThan(node(nodes, 'end:vm0').x);
    // No two boxes overlap (lanes aside).
    const boxes = nodes.filter((n) => !n.id.startsWith('lane:'));
    for (const a of boxes) for (const b of boxes) if (a !== b) expect(overlaps(a, b), `${a.id} / ${b.id}`).toBe(false);
    // The hardware tables hold only offloaded rules: chain 2 of the uplink has +trk+est (prio 2), not +trk+new.
    const hw2 = node(nodes, 'hw:uplink:2');
    expect(Object.keys(hw2.rows!)).toEqual(['2:1']);
    expect(Object.keys(node(nodes, 'sw:uplink:ingress:2').rows!)).toEqual(['1:1', '2:1']);
  });

  it('adding a filter adds its row', () => {
    const before = node(layoutOf(RULES).nodes, 'sw:uplink:ingress:2');
    const after = node(layoutOf(`${RULES}\ntc filter add dev uplink ingress prio 3 chain 2 proto ip flower action drop\n`).nodes, 'sw:uplink:ingress:2');
    expect(Object.keys(after.rows!)).toEqual(['1:1', '2:1', '3:1']);
    expect(after.h).toBeGreaterThan(before.h);
  });

  it('a second zone adds a flowtable', () => {
    const { nodes, edges } = layoutOf(`${RULES}\ntc qdisc add dev rep1 ingress\ntc filter add dev rep1 ingress prio 1 proto ip flower action ct zone 7 pipe action mirred egress redirect dev uplink\n`);
    expect(nodes.filter((n) => n.id.startsWith('ft:')).map((n) => n.id)).toEqual(['ft:1', 'ft:7']);
    expect(edges.map((e) => e.id)).toContain('ct:sw:rep1:ingress:0->ft:7');
    expect(node(nodes, 'conntrack').data).toMatchObject({ zones: [1, 7] });
  });

  it('collapses big chains to summaries that keep the busiest filters', () => {
    const many = Array.from({ length: COLLAPSE_CHAIN + 5 }, (_, i) => `tc filter add dev rep1 ingress prio ${i + 1} proto ip flower ip_proto tcp dst_port ${1000 + i} action drop`).join('\n');
    const { nodes } = layoutOf(`tc qdisc add dev rep1 ingress\n${many}\nsend dev rep1 tcp 10.0.0.2:1 > 10.0.0.9:1005 flags S\n`);
    const chain = node(nodes, 'sw:rep1:ingress:0');
    expect(chain.data).toMatchObject({ type: 'chain', collapsed: { filters: COLLAPSE_CHAIN + 5, inHw: COLLAPSE_CHAIN + 5, sw: 0, hw: 1 } });
    expect(Object.keys(chain.rows!)[0]).toBe('6:1');
    // Its hardware table, cut short too, keeps the rule the packet hit in hardware.
    const table = node(nodes, 'hw:rep1:0');
    expect(Object.keys(table.rows!)).toHaveLength(COLLAPSE_CHAIN);
    expect(Object.keys(table.rows!)[0]).toBe('6:1');
    expect(table.data).toMatchObject({ type: 'hwchain', more: 5 });
  });

  it('shows VXLAN devices, Open vSwitch and the host stack when the scenario has them', () => {
    const { nodes } = layoutOf('sim ovs on\nip link add vxlan0 type vxlan external dstport 4789\ntc qdisc add dev vxlan0 ingress\ntc filter add dev vxlan0 ingress prio 1 proto ip flower enc_key_id 100 enc_dst_port 4789 action mirred egress redirect dev rep0\n');
    expect(nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['port:vxlan0', 'hw:vxlan0:0', 'sw:vxlan0:ingress:0', 'end:vm0', 'end:ovs', 'end:host']));
  });
});
