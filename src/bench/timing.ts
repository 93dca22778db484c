/** Wall-clock timing for the benchmark (never used by the engine, which runs in virtual time). */

export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/** Runs `fn` and returns the elapsed wall-clock nanoseconds. */
export function timeNs(fn: () => void): number {
  const t0 = nowNs();
  fn();
  return nowNs() - t0;
}

/** The fastest of `reps` runs, in ns: the least disturbed by the rest of the machine. */
export function bestOfNs(reps: number, fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) best = Math.min(best, timeNs(fn));
  return best;
}
