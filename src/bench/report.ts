/**
 * The benchmark's output: one JSON object per figure per line on stdout, nothing else there;
 * progress goes to stderr.
 */

/** The engine's per-packet cost divided by each baseline's per-lookup cost. */
export interface BaselineRatio {
  map_lookup: number;
  oa_lookup: number;
}

export interface Figure {
  name: string;
  /** null when the figure cannot be measured in this build (see `note`). */
  value: number | null;
  unit: string;
  target: number | null;
  better: 'higher' | 'lower';
  baseline_ratio: BaselineRatio | null;
  /** What was measured, or why nothing was. */
  note?: string;
}

/** Per-lookup costs of the baselines, in ns. */
export interface Baselines {
  mapNs: number;
  oaNs: number;
}

export type Emit = (f: Figure) => void;

export const printFigure: Emit = (f) => {
  process.stdout.write(`${JSON.stringify(f)}\n`);
};

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Three significant digits are all a timing on a shared machine deserves. */
export function round3(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(3)) : x;
}

/** The ratio block for a figure whose per-packet cost is `ns`. */
export function ratioTo(b: Baselines, ns: number): BaselineRatio {
  return { map_lookup: round3(ns / b.mapNs), oa_lookup: round3(ns / b.oaNs) };
}

/** A packets-per-second figure with its cost compared to the baselines. */
export function rateFigure(name: string, perSecond: number, target: number | null, b: Baselines, note: string, unit = 'pkt/s'): Figure {
  return {
    name,
    value: round3(perSecond),
    unit,
    target,
    better: 'higher',
    baseline_ratio: ratioTo(b, 1e9 / perSecond),
    note,
  };
}

/** A figure that cannot be measured in this build. */
export function unmeasured(name: string, unit: string, target: number | null, better: Figure['better'], note: string): Figure {
  return { name, value: null, unit, target, better, baseline_ratio: null, note };
}
