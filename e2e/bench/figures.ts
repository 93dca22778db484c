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
