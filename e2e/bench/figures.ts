/** What bench:ui prints: one JSON line per figure, the format of `npm run bench`. */
export interface Figure {
  name: string;
  value: number | null;
  unit: string;
  target: number | null;
  better: 'higher' | 'lower';
  note?: string;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export const round = (x: number): number => Math.round(x * 10) / 10;

/**
 * Frame times as the display paces them. Frames start on the display's refresh, so the gap
 * between two frames' start times is a whole number of refresh intervals, read at
 * `performance.now()`'s 0.1 ms resolution: a frame on time reads 16.6–16.8 ms at 60 Hz, and a
 * raw p95 of 16.8 ms says nothing late. The interval is the mean of the gaps within half an
 * interval of the median; each gap becomes the nearest whole number of intervals (at least one).
 */
export function refreshFrames(gaps: number[]): { interval: number; frames: number[]; late: number } {
  if (!gaps.length) return { interval: 0, frames: [], late: 0 };
  const median = percentile(gaps, 50);
  const near = gaps.filter((g) => Math.abs(g - median) <= median / 2);
  const interval = near.reduce((a, b) => a + b, 0) / near.length;
  const frames = gaps.map((g) => Math.max(1, Math.round(g / interval)) * interval);
  return { interval, frames, late: frames.filter((f) => f > interval * 1.5).length };
}
