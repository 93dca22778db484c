/**
 * The worker contract from the worker's side: every request type gets its reply type, every
 * query kind its answer, and the fault hook throws once.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SURVEY_QUIET_MS, WorkerHost } from './host';
import type { Query, Reply, Request, RequestType, QueryKind } from './protocol';

const TALK = readFileSync(new URL('../scenarios/talk-web-server.sim', import.meta.url), 'utf8');

/** One request of each type, and the reply type it must get (a Record: a new type must be listed). */
const REQUESTS: Record<RequestType, [Request, Reply['type']]> = {
  load: [{ type: 'load', text: TALK, seed: 1 }, 'loaded'],
  check: [{ type: 'check', text: 'tc qdisc add dev uplink ingress' }, 'checked'],
  step: [{ type: 'step', unit: 'packet', dir: 1 }, 'moved'],
  seek: [{ type: 'seek', step: 3 }, 'moved'],
  advance: [{ type: 'advance', maxSteps: 5, maxPackets: 1, budgetMs: 50, detail: true }, 'moved'],
  exec: [{ type: 'exec', line: 'conntrack -L' }, 'executed'],
  query: [{ type: 'query', query: { kind: 'filters' } }, 'answer'],
  crashNext: [{ type: 'crashNext' }, 'armed'],
};

const QUERIES: Record<QueryKind, Query> = {
  conntrack: { kind: 'conntrack', offset: 0, limit: 10, sort: { key: 'zone', dir: 'asc' }, filter: { flag: 'OFFLOAD' } },
  filters: { kind: 'filters' },
  flowtables: { kind: 'flowtables' },
  hardware: { kind: 'hardware' },
  pipeline: { kind: 'pipeline' },
  settings: { kind: 'settings' },
  packets: { kind: 'packets', offset: 0, limit: 5, filter: { path: 'dropped' } },
  journey: { kind: 'journey', pkt: 1 },
  timeline: { kind: 'timeline' },
  text: { kind: 'text' },
  lineEnds: { kind: 'lineEnds', lines: [1] },
  journeys: { kind: 'journeys', from: 0, to: 10, limit: 5 },
  series: { kind: 'series', buckets: 20 },
  throughput: { kind: 'throughput' },
  expects: { kind: 'expects' },
};

describe('worker host', () => {
  it('answers every request type with its reply type', () => {
    const host = new WorkerHost(() => 0);
    for (const [type, [request, reply]] of Object.entries(REQUESTS)) {
      if (type === 'crashNext') continue;
      expect(host.handle(request).type, type).toBe(reply);
    }
  });

  it('answers every query kind at the end of the talk scenario', () => {
    const host = new WorkerHost(() => 0);
    host.handle({ type: 'load', text: TALK, seed: 1 });
    while (host.idle(1000));
    host.handle({ type: 'seek', step: 1e9 });
    for (const [kind, query] of Object.entries(QUERIES)) {
      const r = host.handle({ type: 'query', query });
      expect(r.type).toBe('answer');
      if (r.type === 'answer') expect(r.answer.kind, kind).toBe(kind);
    }
    const filters = host.handle({ type: 'query', query: QUERIES.filters });
    if (filters.type !== 'answer' || filters.answer.kind !== 'filters') throw new Error('no filters');
    const uplink = filters.answer.devices.find((d) => d.dev === 'uplink')!;
    expect(uplink.chains).toEqual([0, 2]);
    expect(uplink.filters.map((f) => [f.chain, f.prio, f.inHw])).toEqual([
      [0, 1, true],
      [2, 1, false],
      [2, 2, true],
    ]);
    const pipeline = host.handle({ type: 'query', query: QUERIES.pipeline });
    if (pipeline.type !== 'answer' || pipeline.answer.kind !== 'pipeline') throw new Error('no pipeline');
    // At the end the connection is in the NIC: the CT table holds it, zone 1's flowtable too.
    expect(pipeline.answer.pipeline.hwCt.size).toBe(1);
    expect(pipeline.answer.pipeline.flowtables).toEqual([{ zone: 1, flows: 1, rows: [], offloadedBy: ['mlx5_tc_ct_block_flow_offload'] }]);
    const dropped = host.handle({ type: 'query', query: QUERIES.packets });
    if (dropped.type !== 'answer' || dropped.answer.kind !== 'packets') throw new Error('no packets');
    expect(dropped.answer.rows.map((r) => r.end)).toEqual(['tc ingress on rep0 returned drop', 'tc ingress on rep0 returned drop']);
    expect(dropped.answer.counts).toEqual({ software: 0, hardware: 10, miss: 9, dropped: 2 });
  });

  it('the crash hook makes the next request throw, once', () => {
    const host = new WorkerHost(() => 0);
    host.handle({ type: 'load', text: TALK, seed: 1 });
    expect(host.handle(REQUESTS.crashNext[0]).type).toBe('armed');
    expect(() => host.handle({ type: 'step', unit: 'packet', dir: 1 })).toThrow(/simulated engine crash/);
    expect(host.handle({ type: 'step', unit: 'packet', dir: 1 }).type).toBe('moved');
  });

  it('the survey waits until the page has been quiet for SURVEY_QUIET_MS', () => {
    let now = 1000;
    const host = new WorkerHost(() => now);
    expect(host.idleDelay()).toBe(0);
    host.handle({ type: 'load', text: TALK, seed: 1 });
    expect(host.idleDelay()).toBe(SURVEY_QUIET_MS);
    now += 100;
    expect(host.idleDelay()).toBe(SURVEY_QUIET_MS - 100);
    host.handle({ type: 'query', query: QUERIES.conntrack });
    expect(host.idleDelay()).toBe(SURVEY_QUIET_MS);
    now += SURVEY_QUIET_MS;
    expect(host.idleDelay()).toBe(0);
  });
});
