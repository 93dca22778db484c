/**
 * The controller's traffic with the worker: views that watch the same query share one request
 * and one answer (at a million connections every request costs the worker a walk), while a
 * query sent after a move is a new request, since it reads another state.
 */
import { describe, expect, it } from 'vitest';
import type { Answer, Query, Request } from '../../worker/protocol';
import { LabController } from './controller';
import { fakeWorker } from './fakeWorker';
import { getLab } from './store';

const TEXT = `tc qdisc add dev uplink ingress
tc filter add dev uplink ingress prio 1 proto ip flower action ct commit
send dev uplink udp 192.0.2.1:2000 > 10.0.0.2:53
send dev uplink udp 192.0.2.1:2001 > 10.0.0.2:53`;

const queries = (sent: Request[]): Query[] => sent.flatMap((r) => (r.type === 'query' ? [r.query] : []));

describe('watched queries', () => {
  it('identical ones are sent once behind a move, and every view gets the answer', async () => {
    const sent: Request[] = [];
    const c = new LabController({ spawn: () => fakeWorker(sent) });
    await c.load(TEXT, 1);
    await c.seek(1e9);
    const byId: Query = { kind: 'conntrack', offset: 0, limit: 1, filter: { id: 1 } };
    const got: Answer[][] = [[], [], []];
    for (const out of got) c.watch({ query: { ...byId, filter: { id: 1 } }, deliver: (a) => out.push(a) });
    const table: Answer[] = [];
    c.watch({ query: { kind: 'conntrack', offset: 0, limit: 160 }, deliver: (a) => table.push(a) });
    sent.length = 0;
    await c.seek(0);
    expect(sent.map((r) => r.type)).toEqual(['seek', 'query', 'query']);
    expect(queries(sent)).toEqual([byId, { kind: 'conntrack', offset: 0, limit: 160 }]);
    expect(got.map((g) => g.length)).toEqual([1, 1, 1]);
    expect(got[1][0]).toBe(got[0][0]);
    expect(table).toHaveLength(1);
    c.dispose();
  });

  it('a query asked while an identical one is on its way shares it; after a move it is asked again', async () => {
    const sent: Request[] = [];
    const c = new LabController({ spawn: () => fakeWorker(sent) });
    await c.load(TEXT, 1);
    await c.seek(1e9);
    sent.length = 0;
    const q = { kind: 'conntrack', offset: 0, limit: 10 } as const;
    const [a, b] = await Promise.all([c.query(q), c.query(q)]);
    expect(a).toBe(b);
    expect(a?.total).toBe(2);
    expect(sent).toHaveLength(1);
    const [before, moved, after] = await Promise.all([c.query(q), c.seek(0), c.query(q)]);
    expect(moved).toBeUndefined();
    expect(sent.map((r) => r.type)).toEqual(['query', 'query', 'seek', 'query']);
    expect([before?.total, after?.total]).toEqual([2, 0]);
    c.dispose();
  });

  it('a shell line carries the watched queries and the timeline behind it: the answers read the state after it', async () => {
    const sent: Request[] = [];
    const c = new LabController({ spawn: () => fakeWorker(sent) });
    await c.load(TEXT, 1);
    await c.seek(1e9);
    const q = { kind: 'conntrack', offset: 0, limit: 10 } as const;
    const got: [Answer, number][] = [];
    c.watch({ query: q, deliver: (a, v) => got.push([a, v]) });
    sent.length = 0;
    const r = await c.exec('send dev uplink udp 192.0.2.1:2002 > 10.0.0.2:53');
    expect(r?.error).toBeUndefined();
    expect(sent.map((x) => x.type)).toEqual(['exec', 'query', 'query']);
    expect(queries(sent)).toEqual([q, { kind: 'timeline' }]);
    expect(got).toHaveLength(1);
    expect(got[0][0].kind === 'conntrack' && got[0][0].total).toBe(3);
    expect(got[0][1]).toBe(getLab().stateVersion);
    expect(getLab().timeline.marks.length).toBeGreaterThan(0);
    expect(getLab().timeline.marks.at(-1)!.step).toBe(getLab().cursor.step);
    c.dispose();
  });
});
