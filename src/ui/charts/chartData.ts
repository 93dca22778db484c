/**
 * The charts' data from the worker's aggregates (the series over virtual time and the
 * throughput model): pure functions, tested without a browser.
 */
import type { SeriesView, ThroughputView } from '../../worker/protocol';

export const PATHS = ['software', 'hardware', 'miss', 'dropped'] as const;
export type PathName = (typeof PATHS)[number];

export interface RatePoint {
  /** Slice start and end, seconds of virtual time. */
  t0: number;
  t1: number;
  /** Packets per second of virtual time in the slice, by path class. */
  software: number;
  hardware: number;
  miss: number;
  dropped: number;
}

/** Packet rates per slice by path class (count / slice width). */
export function rates(s: SeriesView): RatePoint[] {
  const out: RatePoint[] = [];
  for (let i = 0; i + 1 < s.t.length; i++) {
    const w = (s.t[i + 1] - s.t[i]) / 1e6;
    out.push({ t0: s.t[i] / 1e6, t1: s.t[i + 1] / 1e6, software: s.paths[0][i] / w, hardware: s.paths[1][i] / w, miss: s.paths[2][i] / w, dropped: s.paths[3][i] / w });
  }
  return out;
}

/** Packets by path class over the whole series, and each one's share. */
export function mix(s: SeriesView): { name: PathName; packets: number; share: number }[] {
  const totals = s.paths.map((col) => col.reduce((a, b) => a + b, 0));
  const all = totals.reduce((a, b) => a + b, 0);
  return PATHS.map((name, i) => ({ name, packets: totals[i], share: all ? totals[i] / all : 0 }));
}

export interface OccupancyPoint {
  t: number;
  conntrack: number;
  flows: number;
  hwCt: number;
  queue: number;
}

/** Table sizes at each slice's end (seconds of virtual time). */
export function occupancy(s: SeriesView): OccupancyPoint[] {
  return s.conntrack.map((c, i) => ({ t: s.t[i + 1] / 1e6, conntrack: c, flows: s.flows[i], hwCt: s.hwCt[i], queue: s.offloadQueue[i] }));
}

/** The slice under virtual time `t` (seconds), clamped. */
export function sliceAt(points: readonly { t0: number; t1: number }[], t: number): number {
  if (points.length === 0) return -1;
  let i = 0;
  while (i < points.length - 1 && points[i].t1 < t) i++;
  return i;
}

/** §8 of the talk: modelled packet rates, software alone, this traffic, hardware (line rate). */
export function throughputBars(f: ThroughputView): { label: string; pps: number; note: string }[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    { label: 'all software', pps: f.allSoftwarePps, note: `${f.settings.cores} core × 1e9 / ${f.settings.swCostNs} ns per packet; ${pct(f.allSoftwarePps / f.lineRatePps)} of line rate` },
    { label: 'this traffic', pps: f.mixPps, note: `${pct(f.swShare)} of ${(f.hwPackets + f.swPackets).toLocaleString('en')} packets in software; CPU ${pct(f.cpuLoad)}` },
    { label: 'all hardware', pps: f.allHardwarePps, note: `line rate: ${f.settings.portGbps} Gbit/s of ${f.settings.frameBytes}-byte frames` },
  ];
}

/** `1.23 Mpps`, `950 kpps`, `12.5 kpps`, `12 pps`: short enough for a chart's axis. */
export function ppsText(pps: number): string {
  if (pps >= 999.5e3) return `${(pps / 1e6).toFixed(2)} Mpps`;
  if (pps >= 1e3) return `${Number((pps / 1e3).toPrecision(3))} kpps`;
  return `${pps.toFixed(pps < 10 ? 1 : 0)} pps`;
}

/** Narrowest column before charts go side by side, and the gap between columns (px): charts.css's grid. */
const COLUMN_MIN = 260;
const COLUMN_GAP = 13;

/**
 * The width (CSS px) a chart is drawn at in a region `width` px wide: its grid column's, so its
 * text is drawn at its own size — at least 200 (narrower, the drawing scales down), at most 440.
 */
export function chartWidth(width: number): number {
  const columns = Math.max(1, Math.floor((width + COLUMN_GAP) / (COLUMN_MIN + COLUMN_GAP)));
  const column = (width - COLUMN_GAP * (columns - 1)) / columns;
  return Math.round(Math.min(440, Math.max(200, column)));
}
