import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../engine/events';
import { JsonLinesWriter } from './trace';

const timer = (t: number): SimEvent => ({ kind: 'timer', t, pkt: 0, name: 'gc' });

describe('JsonLinesWriter', () => {
  it('holds small traces until flushed, then writes one JSON object per line', () => {
    const chunks: string[] = [];
    const writer = new JsonLinesWriter((c) => chunks.push(c));
    writer.write(timer(1));
    writer.write(timer(2));
    expect(chunks).toEqual([]);
    writer.flush();
    writer.flush();
    expect(chunks).toEqual(['{"kind":"timer","t":1,"pkt":0,"name":"gc"}\n{"kind":"timer","t":2,"pkt":0,"name":"gc"}\n']);
  });

  it('writes large traces in a few whole-line chunks', () => {
    const chunks: string[] = [];
    const writer = new JsonLinesWriter((c) => chunks.push(c));
    for (let t = 0; t < 10_000; t++) writer.write(timer(t));
    writer.flush();
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.length).toBeLessThan(20);
    for (const c of chunks) expect(c.endsWith('\n')).toBe(true);
    const lines = chunks.join('').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { t: number }).t)).toEqual(Array.from({ length: 10_000 }, (_, t) => t));
  });
});
