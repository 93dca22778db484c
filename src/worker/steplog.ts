/**
 * What the session learnt about each step of the scenario, whichever run took it first (the
 * survey that runs ahead to the end, or the live run at the cursor): kind, line, virtual
 * time, packet, packets by path class, table sizes. Compact columns, so a scenario of a
 * million steps costs tens of megabytes, not a million objects. The timeline, the step
 * moves (previous packet, previous line) and the charts read it.
 */
import type { Micros } from '../engine/clock';
import type { ExpectResult } from '../engine/expect';
import { PATH_CLASSES } from '../engine/path';
import type { StepKind } from '../engine/script_run';
import type { Mark, PathBucket, PositionedError, SeriesView, StepView, TableSizes, Timeline } from './protocol';

const KINDS: readonly StepKind[] = ['command', 'timer', 'packet', 'traffic', 'clock'];
const SIZE_FIELDS = 5;
/** Most marks a timeline carries (a mark per line and per packet, thinned beyond this). */
export const MAX_MARKS = 2000;

export interface StepRecord {
  kind: StepKind;
  line: number;
  t: Micros;
  pkt: number;
  endsCommand: boolean;
  output?: string;
  error?: PositionedError;
  expect?: ExpectResult;
  /** Packets of this step by path class. */
  paths: ArrayLike<number>;
  sizes: TableSizes;
}

export class StepLog {
  private n = 0;
  private kind = new Uint8Array(1024);
  private line = new Int32Array(1024);
  private ends = new Uint8Array(1024);
  private t = new Float64Array(1024);
  private pkt = new Float64Array(1024);
  private paths = new Float64Array(1024 * PATH_CLASSES);
  private sizes = new Float64Array(1024 * SIZE_FIELDS);
  private readonly outputs = new Map<number, string>();
  private readonly errors = new Map<number, PositionedError>();
  /** `expect` results by step, in step order (steps are only ever appended). */
  private readonly expects = new Map<number, ExpectResult>();
  /** The scenario's end is known: no step follows the last one logged. */
  complete = false;

  /** Steps logged (step indexes 1 … length). */
  get length(): number {
    return this.n;
  }

  /** Logs step `index` (1-based) if it is the next unknown one. */
  add(index: number, s: StepRecord): void {
    if (index !== this.n + 1) return;
    if (this.n === this.kind.length) this.grow();
    const i = this.n++;
    this.kind[i] = KINDS.indexOf(s.kind);
    this.line[i] = s.line;
    this.ends[i] = s.endsCommand ? 1 : 0;
    this.t[i] = s.t;
    this.pkt[i] = s.pkt;
    for (let c = 0; c < PATH_CLASSES; c++) this.paths[i * PATH_CLASSES + c] = s.paths[c];
    const z = s.sizes;
    this.sizes.set([z.conntrack, z.flows, z.hwCt, z.hwCapacity, z.offloadQueue], i * SIZE_FIELDS);
    if (s.output !== undefined) this.outputs.set(index, s.output);
    if (s.error) this.errors.set(index, s.error);
    if (s.expect) this.expects.set(index, s.expect);
  }

  /** Forgets steps after `index` (the scenario changed from there on). */
  truncate(index: number): void {
    this.n = Math.min(this.n, index);
    this.complete = false;
    for (const k of [...this.outputs.keys()]) if (k > index) this.outputs.delete(k);
    for (const k of [...this.errors.keys()]) if (k > index) this.errors.delete(k);
    for (const k of [...this.expects.keys()]) if (k > index) this.expects.delete(k);
  }

  /** The `expect` results of steps 1 … `index`: what the run at that cursor has checked. */
  expectsUpTo(index: number): ExpectResult[] {
    const out: ExpectResult[] = [];
    for (const [step, r] of this.expects) {
      if (step > index) break;
      out.push(r);
    }
    return out;
  }

  view(index: number): StepView {
    const i = index - 1;
    const out = this.outputs.get(index);
    const err = this.errors.get(index);
    const exp = this.expects.get(index);
    return {
      index,
      kind: KINDS[this.kind[i]],
      line: this.line[i],
      t: this.t[i],
      pkt: this.pkt[i],
      endsCommand: this.ends[i] === 1,
      ...(out === undefined ? {} : { output: out }),
      ...(err ? { error: err } : {}),
      ...(exp ? { expect: exp } : {}),
    };
  }

  timeAt(index: number): Micros {
    return index <= 0 ? 0 : this.t[Math.min(index, this.n) - 1];
  }

  lineAt(index: number): number {
    return index <= 0 ? 0 : this.line[Math.min(index, this.n) - 1];
  }

  isPacket(index: number): boolean {
    const k = KINDS[this.kind[index - 1]];
    return k === 'packet' || k === 'traffic';
  }

  endsLine(index: number): boolean {
    if (!this.ends[index - 1]) return false;
    // The last known step ends its line unless a later command of the same line follows.
    return index === this.n || this.line[index] !== this.line[index - 1];
  }

  /** The last packet step before `index`, or 0. */
  previousPacket(index: number): number {
    for (let i = index - 1; i >= 1; i--) if (this.isPacket(i)) return i;
    return 0;
  }

  /** The step that ends the command starting on `line` (the cursor just after it), or 0 if none is logged yet. */
  lineEnd(line: number): number {
    for (let i = 1; i <= this.n; i++) {
      if (this.line[i - 1] !== line || !this.ends[i - 1]) continue;
      // A line may hold more than one command (sysctl -w a=1 b=2): its end is known once a step of another line follows.
      if (i < this.n ? this.line[i] !== line : this.complete) return i;
    }
    return 0;
  }

  /** The last step before `index` that ends a command line, or 0. */
  previousLineEnd(index: number): number {
    for (let i = index - 1; i >= 1; i--) if (this.endsLine(i)) return i;
    return 0;
  }

  /** The last step whose virtual time is at most `t` (0 if none). */
  stepAtTime(t: Micros): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.t[mid - 1] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** A mark where each command line starts, after each packet and at each failed `expect`, thinned to MAX_MARKS (errors and failures kept). */
  timeline(): Timeline {
    const marks: Mark[] = [];
    for (let i = 0; i < this.n; i++) {
      const index = i + 1;
      if (i === 0 || this.line[i] !== this.line[i - 1]) marks.push({ step: i, t: i === 0 ? 0 : this.t[i - 1], kind: 'line', line: this.line[i] });
      const exp = this.expects.get(index);
      if (this.errors.has(index)) marks.push({ step: index, t: this.t[i], kind: 'error', line: this.line[i] });
      else if (exp && !exp.ok) marks.push({ step: index, t: this.t[i], kind: 'expect-failed', line: this.line[i] });
      else if (KINDS[this.kind[i]] === 'packet') marks.push({ step: index, t: this.t[i], kind: 'packet', line: this.line[i], pkt: this.pkt[i] });
    }
    if (marks.length <= MAX_MARKS) return { marks, omitted: 0 };
    const keep = marks.filter((m, j) => m.kind === 'error' || m.kind === 'expect-failed' || j % Math.ceil(marks.length / MAX_MARKS) === 0);
    return { marks: keep, omitted: marks.length - keep.length };
  }

  /** Packets by path class per bucket of virtual time over steps (from, to]. */
  pathBuckets(from: number, to: number, buckets: number): PathBucket[] {
    if (to <= from) return [];
    const t0 = this.timeAt(from);
    const t1 = Math.max(this.timeAt(to), t0 + 1);
    const width = (t1 - t0) / buckets;
    const out: PathBucket[] = [];
    for (let b = 0; b < buckets; b++) out.push({ t0: t0 + b * width, t1: t0 + (b + 1) * width, counts: [0, 0, 0, 0] });
    for (let i = from; i < to; i++) {
      const b = Math.min(buckets - 1, Math.floor((this.t[i] - t0) / width));
      for (let c = 0; c < PATH_CLASSES; c++) out[b].counts[c] += this.paths[i * PATH_CLASSES + c];
    }
    return out.filter((b) => b.counts.some((c) => c > 0));
  }

  /**
   * The charts' columns: steps 1 … `to` in `buckets` equal slices of virtual time from 0 to
   * the time of step `to`; packets by path class summed per slice, table sizes as they were
   * at the slice's last step (carried over a slice without steps), and the offload queue's
   * deepest within the slice: a burst of work the driver drains within one slice still shows.
   */
  series(to: number, buckets: number): SeriesView {
    to = Math.min(to, this.n);
    const tEnd = Math.max(this.timeAt(to), 1);
    const width = tEnd / buckets;
    const t: Micros[] = [];
    for (let b = 0; b <= buckets; b++) t.push(b * width);
    const paths: SeriesView['paths'] = [[], [], [], []];
    for (const col of paths) for (let b = 0; b < buckets; b++) col.push(0);
    const sizeCols = [0, 1, 2, 4].map(() => new Array<number>(buckets).fill(-1));
    const queuePeak = new Array<number>(buckets).fill(-1);
    let hwCapacity = 0;
    for (let i = 0; i < to; i++) {
      const b = Math.min(buckets - 1, Math.max(0, Math.ceil(this.t[i] / width) - 1));
      for (let c = 0; c < PATH_CLASSES; c++) paths[c][b] += this.paths[i * PATH_CLASSES + c];
      const o = i * SIZE_FIELDS;
      sizeCols[0][b] = this.sizes[o];
      sizeCols[1][b] = this.sizes[o + 1];
      sizeCols[2][b] = this.sizes[o + 2];
      sizeCols[3][b] = this.sizes[o + 4];
      queuePeak[b] = Math.max(queuePeak[b], this.sizes[o + 4]);
      hwCapacity = this.sizes[o + 3];
    }
    for (const col of sizeCols) for (let b = 0; b < buckets; b++) if (col[b] < 0) col[b] = b > 0 ? col[b - 1] : 0;
    // A slice without steps holds the queue as the last step left it, not the previous peak.
    const offloadQueue = queuePeak.map((peak, b) => (peak >= 0 ? peak : sizeCols[3][b]));
    return { t, paths, conntrack: sizeCols[0], flows: sizeCols[1], hwCt: sizeCols[2], hwCapacity, offloadQueue };
  }

  sizesAt(index: number): TableSizes {
    if (index <= 0) return { conntrack: 0, flows: 0, hwCt: 0, hwCapacity: 0, offloadQueue: 0 };
    const o = (Math.min(index, this.n) - 1) * SIZE_FIELDS;
    const z = this.sizes;
    return { conntrack: z[o], flows: z[o + 1], hwCt: z[o + 2], hwCapacity: z[o + 3], offloadQueue: z[o + 4] };
  }

  private grow(): void {
    const g = <T extends Uint8Array | Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.kind = g(this.kind);
    this.line = g(this.line);
    this.ends = g(this.ends);
    this.t = g(this.t);
    this.pkt = g(this.pkt);
    this.paths = g(this.paths);
    this.sizes = g(this.sizes);
  }
}
