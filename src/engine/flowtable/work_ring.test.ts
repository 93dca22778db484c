import { describe, expect, it } from 'vitest';
import { WorkRing } from './work_ring';

/** Zones of two flowtables. */
const tableA = 1;
const tableB = 2;

function drain(r: WorkRing, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`${r.headZone() >= 0 ? r.headZone() : 'cancelled'}/${r.headFlow()}/${r.headOp()}@${r.headAt()}`);
    r.shift();
  }
  return out;
}

describe('WorkRing', () => {
  it('is first in, first out, across wrap-around and growth', () => {
    const r = new WorkRing();
    for (let i = 0; i < 200; i++) r.push(tableA, i, 'add', i);
    expect(drain(r, 150)).toHaveLength(150);
    // 50 left at the end of the ring; 400 more wrap around and force two doublings.
    for (let i = 200; i < 600; i++) r.push(i % 2 ? tableB : tableA, i, i % 3 === 0 ? 'stats' : 'del', 0.5 + i);
    expect(r.size).toBe(450);
    const all = drain(r, 450);
    expect(all[0]).toBe('1/150/add@150');
    expect(all[49]).toBe('1/199/add@199');
    expect(all[50]).toBe('1/200/del@200.5');
    expect(all[51]).toBe('2/201/stats@201.5');
    expect(all[449]).toBe('2/599/del@599.5');
    expect(r.size).toBe(0);
  });

  it("cancels a flow's queued items in place, in that table only", () => {
    const r = new WorkRing();
    r.push(tableA, 5, 'add', 1);
    r.push(tableB, 5, 'add', 2);
    r.push(tableA, 6, 'stats', 3);
    r.push(tableA, 5, 'stats', 4);
    r.cancel(tableA, 5);
    expect(r.size).toBe(4);
    expect(drain(r, 4)).toEqual(['cancelled/5/add@1', '2/5/add@2', '1/6/stats@3', 'cancelled/5/stats@4']);
  });
});

describe('WorkRing memory', () => {
  it('gives a burst back once drained, and still works after', () => {
    const r = new WorkRing();
    const bytes = (): number => (r as unknown as { at: Float64Array }).at.byteLength;
    const first = bytes();
    for (let i = 0; i < 10_000; i++) r.push(tableA, i, 'stats', i);
    expect(bytes()).toBeGreaterThan(first);
    expect(drain(r, 10_000)[9_999]).toBe('1/9999/stats@9999');
    expect(bytes()).toBe(first);
    r.push(tableB, 7, 'add', 9);
    expect(drain(r, 1)).toEqual(['2/7/add@9']);
  });
});
