/**
 * Snapshots for rewind: forks of a run (simulator and script progress together) at known
 * steps, kept within a memory budget. Restoring forks a snapshot again, so a snapshot is
 * never stepped and serves any number of restores.
 *
 * When to take one: after at least SNAPSHOT_WORK_MS of stepping since the last, and at least
 * four times the last fork's own cost, so forking never takes more than a fifth of the
 * survey's time. When the kept snapshots pass the budget, every other one goes (the
 * spacing doubles), so a long scenario keeps snapshots spread over all of it.
 */
import { fork } from '../engine/fork';
import type { ScriptRun } from '../engine/script_run';
import { Simulator } from '../engine/simulator';

const SNAPSHOT_WORK_MS = 25;
export const SNAPSHOT_BUDGET_BYTES = 768 * 1024 * 1024;

interface Snapshot {
  step: number;
  run: ScriptRun;
  bytes: number;
}

/** The typed-array bulk of a run's state (conntrack with its flows, the hardware CT table). */
function approxBytes(run: ScriptRun): number {
  const sim = run.sim;
  return sim.conntrack.memoryBytes() + sim.hw.nic.table.byteLength() + 64 * 1024;
}

/** A fork of `run`: an independent run at the same step. */
export function forkRun(run: ScriptRun, seed: number): ScriptRun {
  return fork(run, run.blank(new Simulator({ seed })));
}

export class Snapshots {
  private list: Snapshot[] = [];
  private workSince = 0;
  private lastForkMs = 0;

  constructor(
    private readonly clock: () => number,
    private readonly budget = SNAPSHOT_BUDGET_BYTES,
  ) {}

  /** Called after each survey step with the wall time it took; forks `run` when it is time. */
  maybeTake(run: ScriptRun, seed: number, stepMs: number): void {
    this.workSince += stepMs;
    if (this.workSince < Math.max(SNAPSHOT_WORK_MS, 4 * this.lastForkMs)) return;
    const t0 = this.clock();
    this.list.push({ step: run.steps, run: forkRun(run, seed), bytes: approxBytes(run) });
    this.lastForkMs = this.clock() - t0;
    this.workSince = 0;
    while (this.list.length > 1 && this.bytes() > this.budget) this.list = this.list.filter((_, i) => i % 2 === 0);
  }

  /** A fresh fork of the latest snapshot at or before `step`, or null (replay from the start). */
  restore(step: number, seed: number): ScriptRun | null {
    let best: Snapshot | null = null;
    for (const s of this.list) if (s.step <= step && (!best || s.step > best.step)) best = s;
    return best ? forkRun(best.run, seed) : null;
  }

  clear(): void {
    this.list = [];
    this.workSince = 0;
  }

  get count(): number {
    return this.list.length;
  }

  bytes(): number {
    return this.list.reduce((sum, s) => sum + s.bytes, 0);
  }
}
