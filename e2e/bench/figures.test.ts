import { describe, expect, it } from 'vitest';
import { refreshFrames } from './figures';

describe('refreshFrames', () => {
  it('reads gaps at 0.1 ms resolution around a 60 Hz refresh as one interval each', () => {
    const gaps = Array.from({ length: 100 }, (_, i) => [16.6, 16.7, 16.8][i % 3]);
    const r = refreshFrames(gaps);
    expect(r.interval).toBeCloseTo(16.7, 1);
    expect(new Set(r.frames.map((f) => f.toFixed(3))).size).toBe(1);
    expect(r.late).toBe(0);
  });

  it('counts a frame that missed refreshes as that many intervals', () => {
    const gaps = [...Array(20).fill(16.7), 33.3, 50.1, 16.6, 118];
    const r = refreshFrames(gaps);
    expect(r.late).toBe(3);
    expect(r.frames.slice(20, 22).map((f) => Math.round(f / r.interval))).toEqual([2, 3]);
    expect(Math.round(r.frames[23] / r.interval)).toBe(7);
  });

  it('never reads a short gap as zero frames, and an empty run as nothing', () => {
    expect(refreshFrames([16.7, 16.7, 4]).frames[2]).toBeCloseTo(16.7, 1);
    expect(refreshFrames([])).toEqual({ interval: 0, frames: [], late: 0 });
  });
});
