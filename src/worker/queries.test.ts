/**
 * The worker's windowed views, read as the page reads them (WorkerHost requests): conntrack
 * rows with their timers, filters and sorts done in the worker, flowtables with each flow's
 * hardware state, the NIC's tables and queue, the charts' series, the throughput model.
 */
import { describe, expect, it } from 'vitest';
import { WorkerHost } from './host';
import { ConntrackView } from './queries';
import type { Answer, Query } from './protocol';

const RULES = `tc qdisc add dev uplink ingress
tc qdisc add dev rep0 ingress
tc filter add dev uplink ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev uplink ingress prio 1 chain 2 proto ip flower ct_state +trk+new action ct zone 1 commit pipe action mirred egress redirect dev rep0
tc filter add dev uplink ingress prio 2 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev rep0
tc filter add dev rep0 ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev rep0 ingress prio 1 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev uplink`;

function host(text: string): WorkerHost {
  const h = new WorkerHost(() => 0);
  h.handle({ type: 'load', text, seed: 1 });
  while (h.idle(1e9));
  h.handle({ type: 'seek', step: 1e9 });
  return h;
}

function ask<K extends Query['kind']>(h: WorkerHost, query: Extract<Query, { kind: K }>): Extract<Answer, { kind: K }> {
  const r = h.handle({ type: 'query', query });
  if (r.type !== 'answer' || r.answer.kind !== query.kind) throw new Error(`no ${query.kind} answer`);
  return r.answer as Extract<Answer, { kind: K }>;
}

describe('conntrack rows', () => {
  it('an offloaded connection: [OFFLOAD][HW_OFFLOAD], no conntrack timeout, its flow in hardware and the NIC entry last used', () => {
    const h = host(`${RULES}\nconnect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 1 close none\nsleep 1`);
    const a = ask(h, { kind: 'conntrack', offset: 0, limit: 10 });
    expect(a.total).toBe(1);
    const row = a.rows[0];
    expect(row.flags).toEqual(['ASSURED', 'OFFLOAD', 'HW_OFFLOAD']);
    expect(row.state).toBe('ESTABLISHED');
    expect(row.expiresAt).toBeNull();
    expect(row.flow?.zone).toBe(1);
    expect(row.flow?.hw).toBe('hw');
    expect(row.hwLastUsed).not.toBeNull();
    expect(row.hwAgingUs).toBe(30_000_000);
    // The flow's timeout runs 30 s from its last refresh, which is within the last second.
    expect(row.flow!.timeoutAt - a.now).toBeGreaterThan(28_000_000);
    expect(row.flow!.timeoutAt - a.now).toBeLessThanOrEqual(30_000_000);
  });

  it('a connection without rules to offload it: its conntrack timeout, no flow, no hardware entry', () => {
    const h = host(`send dev uplink udp 192.0.2.1:5000 > 10.0.0.1:53`);
    const row = ask(h, { kind: 'conntrack', offset: 0, limit: 10 }).rows;
    expect(row).toEqual([]);
    const h2 = host(`tc qdisc add dev uplink ingress\ntc filter add dev uplink ingress prio 1 proto ip flower ip_proto udp action ct commit\nsend dev uplink udp 192.0.2.1:5000 > 10.0.0.1:53`);
    const [r] = ask(h2, { kind: 'conntrack', offset: 0, limit: 10 }).rows;
    expect(r.flags).toEqual(['UNREPLIED']);
    expect(r.expiresAt).toBe(30_000_000);
    expect(r.flow).toBeNull();
    expect(r.hwLastUsed).toBeNull();
  });

  const MANY = `tc qdisc add dev uplink ingress
tc filter add dev uplink ingress prio 1 proto ip flower action ct commit
send dev uplink tcp 192.0.2.3:1000 > 10.0.0.1:80 flags S
send dev uplink udp 192.0.2.1:2000 > 10.0.0.2:53
tc filter add dev uplink ingress prio 2 proto ip flower action ct zone 7 commit
send dev uplink tcp 192.0.2.2:3000 > 10.0.0.3:443 flags S`;

  it('filters in the worker: by zone, protocol, state, flag and address text', () => {
    const h = host(MANY);
    const ids = (filter: object) => ask(h, { kind: 'conntrack', offset: 0, limit: 10, filter }).rows.map((r) => r.orig.src);
    expect(ids({})).toEqual(['192.0.2.3', '192.0.2.1', '192.0.2.2']);
    expect(ids({ proto: 'udp' })).toEqual(['192.0.2.1']);
    expect(ids({ state: 'SYN_SENT' })).toEqual(['192.0.2.3', '192.0.2.2']);
    expect(ids({ flag: 'UNREPLIED' })).toHaveLength(3);
    expect(ids({ flag: 'ASSURED' })).toEqual([]);
    expect(ids({ text: 'dport=443' })).toEqual(['192.0.2.2']);
    expect(ids({ zone: 0 })).toEqual(['192.0.2.3', '192.0.2.1', '192.0.2.2']);
  });

  it('sorts in the worker, and windows the sorted list', () => {
    const h = host(MANY);
    const srcs = (key: 'src' | 'dst' | 'proto' | 'age', dir: 'asc' | 'desc', offset = 0, limit = 10) =>
      ask(h, { kind: 'conntrack', offset, limit, sort: { key, dir } }).rows.map((r) => r.orig.src);
    expect(srcs('src', 'asc')).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    expect(srcs('src', 'desc')).toEqual(['192.0.2.3', '192.0.2.2', '192.0.2.1']);
    expect(srcs('age', 'desc')).toEqual(['192.0.2.2', '192.0.2.1', '192.0.2.3']);
    // TCP (6) before UDP (17), ties by age.
    expect(srcs('proto', 'asc')).toEqual(['192.0.2.3', '192.0.2.2', '192.0.2.1']);
    expect(srcs('src', 'asc', 1, 1)).toEqual(['192.0.2.2']);
    expect(ask(h, { kind: 'conntrack', offset: 1, limit: 1 }).total).toBe(3);
  });
});

describe('the conntrack view: one walk per step, shared', () => {
  const TWO = `${RULES}
connect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 1 close none
connect dev uplink tcp 192.0.2.11:40000 > 10.0.0.1:80 data 1 close none
sleep 1`;

  it('an id lookup answers from the age order and leaves the sorted view cached', () => {
    const h = host(TWO);
    const sim = h.session.sim;
    const step = h.session.cursor().step;
    const view = new ConntrackView();
    const bySrc = { key: 'src', dir: 'desc' } as const;
    const order = view.window(sim, step, 0, 10, bySrc).rows.map((r) => r.orig.src);
    expect(order).toEqual(['192.0.2.11', '192.0.2.10']);
    // The age walk, then the view sorted by source.
    expect(view.builds).toBe(2);
    const ids = view.window(sim, step, 0, 10).rows.map((r) => r.id);
    for (const id of ids) expect(view.window(sim, step, 0, 1, undefined, { id }).rows.map((r) => r.id)).toEqual([id]);
    expect(view.window(sim, step, 0, 1, undefined, { id: Math.max(...ids) + 1 })).toEqual({ total: 0, rows: [] });
    // The rest of the filter still applies to the entry found.
    expect(view.window(sim, step, 0, 1, undefined, { id: ids[0], proto: 'udp' }).total).toBe(0);
    expect(view.window(sim, step, 0, 10, bySrc).rows.map((r) => r.orig.src)).toEqual(order);
    expect(view.builds).toBe(2);
    // Another step is another state: walked again.
    view.window(sim, step + 1, 0, 1, undefined, { id: ids[0] });
    expect(view.builds).toBe(3);
  });

  it('flowtables: the first rows of each zone are its oldest flows', () => {
    const h = host(TWO);
    const [z] = ask(h, { kind: 'flowtables', limit: 1 }).zones;
    expect([z.flows, z.rows.map((r) => r.orig.src)]).toEqual([2, ['192.0.2.10']]);
    expect(ask(h, { kind: 'flowtables', limit: 5 }).zones[0].rows.map((r) => r.orig.src)).toEqual(['192.0.2.10', '192.0.2.11']);
  });
});

describe('flowtables, hardware, series, throughput', () => {
  it('flowtables: per zone, each flow with its directions, hardware state and timeout', () => {
    const h = host(`${RULES}\nconnect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 1 close none`);
    // Right after the handshake the add is queued: the flow waits for the driver.
    let ft = ask(h, { kind: 'flowtables' });
    expect(ft.zones.map((z) => [z.zone, z.flows])).toEqual([[1, 1]]);
    expect(ft.zones[0].offloadedBy).toEqual(['mlx5_tc_ct_block_flow_offload']);
    const first = ft.zones[0].rows[0];
    expect(first.orig).toMatchObject({ src: '192.0.2.10', dst: '10.0.0.1', sport: 40000, dport: 80 });
    expect(first.bidirectional).toBe(true);
    h.handle({ type: 'exec', line: 'sleep 1' });
    ft = ask(h, { kind: 'flowtables' });
    expect(ft.zones[0].rows[0].hw).toBe('hw');
    expect(ft.zones[0].rows[0].timeoutAt).toBeGreaterThan(ft.now);
  });

  it('hardware: per-chain tables, CT occupancy and a small table refusing with re-attempts', () => {
    const h = host(`${RULES}
sim nic-capacity 1
connect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 1 close none
connect dev uplink tcp 192.0.2.11:40000 > 10.0.0.1:80 data 1 close none
sleep 1
send dev uplink tcp 192.0.2.11:40000 > 10.0.0.1:80 flags P. len 10
sleep 2
send dev uplink tcp 192.0.2.11:40000 > 10.0.0.1:80 flags P. len 10
sleep 1`);
    const { nic } = ask(h, { kind: 'hardware' });
    expect(nic.ct).toMatchObject({ connections: 1, capacity: 1, entries: 2, hwOffloaded: 1 });
    expect(nic.chains.map((c) => [c.dev, c.chain, c.rules.map((r) => r.prio)])).toEqual([
      ['uplink', 0, [1]],
      ['uplink', 2, [2]],
      ['rep0', 0, [1]],
      ['rep0', 2, [1]],
    ]);
    // The +trk+new rule is refused by the 5.7 driver.
    expect(nic.filtersRefused).toBe(1);
    expect(nic.driver.refusedFull).toBeGreaterThanOrEqual(2);
    // Each refused connection is offered again on a later software packet.
    expect(nic.driver.attempts).toBe(2 + nic.driver.refusedFull);
    expect(nic.ports.find((p) => p.name === 'uplink')).toEqual({ name: 'uplink', hwTcOffload: true });
    expect(nic.queue).toMatchObject({ adds: 0, insertRate: 100000 });
  });

  it('series: packets by path class per slice add up to the totals, sizes follow the steps', () => {
    const h = host(`${RULES}\nconnect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 1 close none\nsleep 1\nsend dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags P. len 100 count 4 interval 1`);
    const { series } = ask(h, { kind: 'series', buckets: 10 });
    expect(series.t).toHaveLength(11);
    const sum = (col: number[]) => col.reduce((a, b) => a + b, 0);
    const [sw, hw, miss, dropped] = series.paths.map(sum);
    // Handshake and data exchange in software (5), four packets in hardware.
    expect(hw).toBe(4);
    expect(sw + miss).toBe(5);
    expect(dropped).toBe(0);
    expect(series.conntrack[9]).toBe(1);
    expect(series.hwCt[9]).toBe(1);
    expect(series.hwCapacity).toBe(2_000_000);
    // The hardware packets are spread over the last seconds, one per second.
    expect(series.paths[1].filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
  });

  it('series: the offload queue per slice is its deepest, so work drained within a slice shows', () => {
    const opens = Array.from({ length: 20 }, (_, i) => `connect dev uplink tcp 192.0.2.10:${41000 + i} > 10.0.0.1:80 data 0 close none`);
    const h = host(`${RULES}\nsim nic-insert-rate 100\n${opens.join('\n')}\nsleep 5`);
    const { series } = ask(h, { kind: 'series', buckets: 10 });
    // 20 adds queued at t = 0, drained at 100 a second: gone before the first half-second ends.
    expect(series.offloadQueue[0]).toBeGreaterThanOrEqual(15);
    expect(series.offloadQueue[1]).toBe(0);
    expect(series.hwCt[0]).toBe(20);
    // Quarter-second slices: the next has no step, and the queue it carries is the drained one.
    const fine = ask(h, { kind: 'series', buckets: 20 }).series;
    expect(fine.offloadQueue[0]).toBeGreaterThanOrEqual(15);
    expect(fine.offloadQueue.slice(1, 4)).toEqual([0, 0, 0]);
  });

  it('throughput: the model at the cursor (§8: software ≈ 1 Mpps, line rate 23.32 Mpps)', () => {
    const h = host(`${RULES}\nconnect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 1 close none\nsleep 1\nsend dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags P. len 100 count 5`);
    const { figures } = ask(h, { kind: 'throughput' });
    expect(figures.allSoftwarePps).toBe(1e6);
    expect(figures.allHardwarePps).toBeCloseTo(23.32e6, -4);
    expect(figures.hwPackets).toBe(5);
    expect(figures.connections).toBe(1);
    expect(figures.mixPps).toBeCloseTo(figures.swCapacityPps / figures.swShare, 0);
  });
});

describe('filters with the lines that added them', () => {
  it('each filter knows its line; a deleted chain forgets its lines; a replace takes the place of the line it replaced', () => {
    const h = host(`${RULES}\ntc filter del dev uplink ingress chain 0\ntc filter replace dev rep0 ingress prio 1 chain 2 handle 0x1 proto ip flower skip_hw ct_state +trk+est action mirred egress redirect dev uplink`);
    const { devices } = ask(h, { kind: 'filters' });
    const uplink = devices.find((d) => d.dev === 'uplink')!;
    expect(uplink.filters.map((f) => [f.chain, f.prio, f.source])).toEqual([
      [2, 1, 'tc filter add dev uplink ingress prio 1 chain 2 proto ip flower ct_state +trk+new action ct zone 1 commit pipe action mirred egress redirect dev rep0'],
      [2, 2, 'tc filter add dev uplink ingress prio 2 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev rep0'],
    ]);
    const rep0 = devices.find((d) => d.dev === 'rep0')!;
    const replaced = rep0.filters.find((f) => f.chain === 2)!;
    expect(replaced.skipHw).toBe(true);
    expect(replaced.inHw).toBe(false);
    expect(replaced.source).toContain('tc filter replace dev rep0 ingress prio 1 chain 2 handle 0x1');
  });

  it('a line run in part (`whole` false) leaves the rest of the command to `advance`', () => {
    const h = host(RULES);
    const r = h.handle({ type: 'exec', line: 'traffic dev uplink reply-dev rep0 conns 100 rate 1000 duration 2 dport 80', whole: false });
    expect(r.type === 'executed' && r.inserted).toBe(true);
    const mid = h.handle({ type: 'query', query: { kind: 'conntrack', offset: 0, limit: 1 } });
    const after = h.handle({ type: 'advance', maxSteps: 1e9, maxPackets: 1e9, budgetMs: 1e9, detail: false });
    expect(after.type === 'moved' && after.cursor.atEnd).toBe(true);
    const end = ask(h, { kind: 'conntrack', offset: 0, limit: 1 });
    expect(mid.type === 'answer' && mid.answer.kind === 'conntrack' && mid.answer.total).toBeLessThan(end.total);
    expect(ask(h, { kind: 'conntrack', offset: 0, limit: 5, filter: { id: end.rows[0].id } }).total).toBe(1);
  });
});
