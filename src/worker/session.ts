/**
 * The live session: one scenario, one simulator at the cursor, and what is known of every
 * step. Pure TypeScript with no worker API, so Node tests drive it as the worker does.
 *
 * Two runs of the same scenario and seed take the same steps (the engine is deterministic):
 * - the survey runs ahead to the end in slices (`survey`), logging each step's kind, line,
 *   time, packet, path counts and table sizes (StepLog) and each packet's journey
 *   (PacketLog) — that is the timeline the page draws;
 * - the live run sits at the cursor and answers every query about the state there.
 *
 * Rewind is snapshots plus deterministic replay: going back restores the nearest snapshot at
 * or before the target (`Snapshots`; the start of the scenario is always one) and replays the
 * steps from there without events, then takes the last step with events so the page can show
 * the packet at the cursor. Replaying the same steps gives the same state and events.
 */
import type { Micros } from '../engine/clock';
import type { SimEvent } from '../engine/events';
import { PATH_CLASSES } from '../engine/path';
import type { Command } from '../engine/script/ast';
import { splitExpectations } from '../engine/script/expected-output';
import { parseScript } from '../engine/script/parse';
import { ScriptRun, type Step } from '../engine/script_run';
import { Simulator } from '../engine/simulator';
import { PacketLog } from './packetlog';
import type { Batch, CursorView, PositionedError, StepUnit, TableSizes, Timeline } from './protocol';
import { forkRun, Snapshots } from './snapshots';
import { StepLog } from './steplog';

/** Commands that change no state: the shell may run them between two units of a command. */
const READ_ONLY: ReadonlySet<Command['kind']> = new Set(['tc.filter.show', 'tc.actions.ls', 'conntrack.list', 'conntrack.count', 'proc.conntrack', 'echo', 'sim.show', 'expect']);

/** What the shell prints for a step: its output, or an `expect`'s verdict (the CLI's message). */
function shellText(r: { output?: string; expect?: { message: string } }): string {
  return r.output ?? (r.expect ? `${r.expect.message}\n` : '');
}

/** Events a detailed batch carries at most; past it, a batch keeps only its last step's. */
const MAX_BATCH_EVENTS = 20_000;
/** Path buckets in a fast-forward batch. */
const BATCH_BUCKETS = 16;

/** A run with its simulator, recording each step's events. */
class Live {
  run: ScriptRun;
  /** Events of the last step taken while recording. */
  events: SimEvent[] = [];
  private readonly lastPaths = new Float64Array(PATH_CLASSES);
  readonly stepPaths = new Float64Array(PATH_CLASSES);

  /** A run of `text` at its start, or an existing run (a restored snapshot). */
  constructor(from: { text: string; seed: number } | ScriptRun) {
    if (from instanceof ScriptRun) {
      this.run = from;
    } else {
      const sim = new Simulator({ seed: from.seed });
      sim.sampleTraffic = true;
      this.run = ScriptRun.fromText(sim, from.text);
    }
    this.run.sim.subscribe((e) => this.events.push(e));
    this.lastPaths.set(this.run.sim.paths);
  }

  get sim(): Simulator {
    return this.run.sim;
  }

  /** Takes one step; `traced` keeps its events (else the bus is muted: no event is built). */
  step(traced: boolean): Step {
    this.events = [];
    const bus = this.sim.env.events;
    if (!traced) bus.setMuted(true);
    try {
      return this.run.step();
    } finally {
      if (!traced) bus.setMuted(false);
      const p = this.sim.paths;
      for (let c = 0; c < PATH_CLASSES; c++) {
        this.stepPaths[c] = p[c] - this.lastPaths[c];
        this.lastPaths[c] = p[c];
      }
    }
  }

  sizes(): TableSizes {
    const sim = this.sim;
    let flows = 0;
    for (const ft of sim.flowtables.all()) flows += ft.size;
    return {
      conntrack: sim.conntrack.count(),
      flows,
      hwCt: sim.hw.nic.table.size,
      hwCapacity: sim.hw.nic.table.capacity,
      offloadQueue: sim.flowtables.queue.pending,
    };
  }
}

export interface LoadResult {
  error?: PositionedError;
  lines: number;
}

export class Session {
  text = '';
  seed = 1;
  log = new StepLog();
  packets = new PacketLog();
  private live!: Live;
  private surveyor: Live | null = null;
  /** Events of the cursor's step that the page shows (event stepping). */
  private shown = 0;
  private parseError?: PositionedError;
  private readonly snapshots: Snapshots;

  constructor(private readonly clock: () => number = () => 0) {
    this.snapshots = new Snapshots(clock);
  }

  /** Loads a scenario at step 0; the survey then runs ahead (call `survey`). */
  load(text: string, seed: number): LoadResult {
    this.text = text;
    this.seed = seed;
    const parsed = parseScript(splitExpectations(text).script);
    this.parseError = parsed.ok ? undefined : parsed.error;
    this.log = new StepLog();
    this.packets = new PacketLog();
    this.snapshots.clear();
    this.live = new Live({ text, seed });
    this.surveyor = new Live({ text, seed });
    this.shown = 0;
    this.checkEmpty();
    return { ...(this.parseError ? { error: this.parseError } : {}), lines: text.split('\n').length };
  }

  /** Runs the survey for about `budgetMs`; true once the whole scenario is logged. */
  survey(budgetMs: number): boolean {
    const s = this.surveyor;
    if (!s) return true;
    const stop = this.clock() + budgetMs;
    let t = this.clock();
    while (!s.run.done) {
      this.record(s, s.step(true));
      const now = this.clock();
      this.snapshots.maybeTake(s.run, this.seed, now - t);
      t = now;
      if (now >= stop) return false;
    }
    this.log.complete = true;
    this.surveyor = null;
    return true;
  }

  /**
   * For each line, the step that ends the command starting there (a checkpoint's cursor),
   * surveying ahead as far as it takes. A line whose command never ran (past an error, or no
   * command there) gets the scenario's last step.
   */
  lineEnds(lines: readonly number[]): number[] {
    const find = () => lines.map((l) => this.log.lineEnd(l));
    let steps = find();
    while (steps.includes(0) && !this.survey(50)) steps = find();
    steps = find();
    return steps.map((s) => s || this.log.length);
  }

  /** Snapshots kept for rewind. */
  get snapshotCount(): number {
    return this.snapshots.count;
  }

  get surveyed(): boolean {
    return this.surveyor === null;
  }

  /** The `expect` commands and `>` blocks of the scenario (reached or not). */
  get expectCount(): number {
    let n = this.live.run.outputBlocks.size;
    for (const c of this.live.run.commands) if (c.kind === 'expect') n++;
    return n;
  }

  /** Parses a text without running it (its `>` blocks are expected output, not commands). */
  static check(text: string): PositionedError | undefined {
    const parsed = parseScript(splitExpectations(text).script);
    return parsed.ok ? undefined : parsed.error;
  }

  cursor(): CursorView {
    const run = this.live.run;
    const step = run.steps;
    return {
      step,
      t: this.live.sim.env.now(),
      line: this.log.lineAt(step),
      eventsShown: this.shown,
      eventsInStep: this.live.events.length,
      atEnd: run.done,
      ...(run.done && run.error ? { error: run.error } : {}),
      known: { steps: this.log.length, t: this.log.timeAt(this.log.length), complete: this.log.complete },
    };
  }

  timeline(): Timeline {
    return this.log.timeline();
  }

  /** The simulator at the cursor (queries read it). */
  get sim(): Simulator {
    return this.live.sim;
  }

  /** Events of the cursor's step. */
  get stepEvents(): SimEvent[] {
    return this.live.events;
  }

  /** One unit forwards or backwards. */
  move(unit: StepUnit, dir: 1 | -1): Batch {
    return dir === 1 ? this.forward(unit) : this.back(unit);
  }

  private forward(unit: StepUnit): Batch {
    const from = this.live.run.steps;
    if (unit === 'event' && this.shown < this.live.events.length) {
      this.shown++;
      return this.batch(from, []);
    }
    const collected: SimEvent[] = [];
    while (!this.live.run.done) {
      const step = this.stepLive(true);
      appendCapped(collected, this.live.events);
      if (unit === 'event' && this.live.events.length === 0) continue;
      if (unit === 'event') break;
      if (unit === 'packet' && (step.kind === 'packet' || step.kind === 'traffic')) break;
      if (unit === 'line' && step.endsCommand && (this.live.run.done || this.live.run.current!.span.line !== step.line)) break;
    }
    this.shown = unit === 'event' ? Math.min(1, this.live.events.length) : this.live.events.length;
    return this.batch(from, collected);
  }

  private back(unit: StepUnit): Batch {
    const at = this.live.run.steps;
    if (unit === 'event' && this.shown > 1) {
      this.shown--;
      return this.batch(at, []);
    }
    let target: number;
    if (unit === 'event') target = Math.max(0, at - 1);
    else if (unit === 'packet') target = this.log.previousPacket(at);
    else target = this.log.previousLineEnd(at);
    this.seek(target);
    // Stepping back by event lands on the previous step with all of its events shown; skip
    // steps without events (a clock move) so each press shows a change.
    while (unit === 'event' && this.live.run.steps > 0 && this.live.events.length === 0) this.seek(this.live.run.steps - 1);
    return this.batch(this.live.run.steps, []);
  }

  /** Moves the cursor to step `target` (clamped to the scenario), all events of that step shown. */
  seek(target: number): Batch {
    const from = this.live.run.steps;
    target = Math.max(0, Math.round(target));
    if (target < from) this.live = this.restore(target);
    while (!this.live.run.done && this.live.run.steps < target - 1) this.stepLive(false);
    if (!this.live.run.done && this.live.run.steps < target) this.stepLive(true);
    else if (this.live.run.steps === 0) this.live.events = [];
    this.shown = this.live.events.length;
    return this.batch(Math.min(from, this.live.run.steps), []);
  }

  /**
   * Playback: steps forward until `maxSteps` steps or `maxPackets` packet steps ran, the next
   * step would be after the virtual time `untilT`, or the wall-time budget is spent. With `detail`, every event of the steps run comes back (up to a limit); without,
   * only the last step's (and the traced sample of generated traffic in it).
   */
  advance(maxSteps: number, maxPackets: number, untilT: Micros | undefined, budgetMs: number, detail: boolean): Batch {
    const from = this.live.run.steps;
    const stop = this.clock() + budgetMs;
    const collected: SimEvent[] = [];
    let n = 0;
    let packets = 0;
    let skipped = 0;
    while (!this.live.run.done && n < maxSteps && packets < maxPackets) {
      // The survey knows when the next step happens: playback does not run ahead of its clock.
      const next = this.live.run.steps + 1;
      if (untilT !== undefined && next <= this.log.length && this.log.timeAt(next) > untilT) break;
      const last = n + 1 === maxSteps;
      const step = this.stepLive(detail || last);
      if (step.kind === 'packet' || step.kind === 'traffic') packets++;
      n++;
      if (detail) appendCapped(collected, this.live.events);
      else if (!detail && !last) skipped++;
      if ((n & 15) === 0 && this.clock() >= stop) break;
    }
    if (!detail && this.live.events.length === 0 && n > 1) {
      // The last step ran muted (budget or time ended the batch): the page still gets its events.
      this.live = this.replayTo(this.live.run.steps);
    }
    this.shown = this.live.events.length;
    const batch = this.batch(from, detail ? collected : this.live.events);
    batch.skipped = skipped;
    return batch;
  }

  /**
   * Runs one command line at the cursor, as a shell would: it is inserted into the scenario
   * after the cursor's line and carried out; the scenario's later lines stay and run after it.
   * A bad line (parse or run-time error) changes nothing and returns its error.
   */
  exec(line: string, whole = true): { output: string; error?: PositionedError; inserted: boolean; batch: Batch } {
    const from = this.live.run.steps;
    const trimmed = line.replace(/\s+$/, '');
    const parsed = parseScript(trimmed);
    if (!parsed.ok) return { output: '', error: parsed.error, inserted: false, batch: this.batch(from, []) };
    if (parsed.commands.length === 0) return { output: '', inserted: false, batch: this.batch(from, []) };
    if (trimmed.includes('\n')) return { output: '', error: { line: 1, col: trimmed.indexOf('\n') + 1, message: 'one command line at a time' }, inserted: false, batch: this.batch(from, []) };
    if (this.live.run.midCommand) return this.execInside(parsed.commands, from);
    const at = this.live.run.steps;
    const afterLine = this.lineAfterCursor();
    const lines = this.text.split('\n');
    const text = [...lines.slice(0, afterLine), trimmed, ...lines.slice(afterLine)].join('\n');
    const next = ScriptRun.fromText(this.live.sim, text);
    const index = next.commands.findIndex((c) => c.span.line > afterLine);
    next.resumeAt(index < 0 ? next.commands.length : index, at);
    const live = this.live;
    const oldRun = live.run;
    live.run = next;
    const first = live.step(true);
    if (first.error) {
      // The engine leaves the state untouched when a command fails: go on with the old text.
      live.run = oldRun;
      return { output: first.output ?? '', error: { ...first.error, line: 1 }, inserted: false, batch: this.batch(at, []) };
    }
    this.text = text;
    this.parseError = Session.check(text);
    this.log.truncate(at);
    this.packets.truncate(at);
    this.record(live, first);
    const collected: SimEvent[] = [];
    appendCapped(collected, live.events);
    let output = shellText(first);
    // `whole` false (a long `traffic` line): the rest of the command runs by `advance`, with progress.
    while (whole && live.run.midCommand) {
      const step = this.stepLive(true);
      appendCapped(collected, live.events);
      if (step.output !== undefined) output += step.output;
    }
    // The rest of the new text is surveyed again, from the cursor on.
    this.snapshots.clear();
    // The survey goes on from a fork of the live run, which already holds the new text.
    this.surveyor = new Live(forkRun(live.run, this.seed));
    this.checkEmpty();
    this.shown = live.events.length;
    return { output, inserted: true, batch: this.batch(at, collected) };
  }

  /**
   * A shell line while the cursor is inside a multi-step command (between two packets of a
   * `connect`, say): the scenario text has no place for it there, so only commands that
   * change nothing run — on a replayed copy at the cursor, since even `conntrack -L` fires the
   * timers due now — and the scenario is left as it is.
   */
  private execInside(commands: readonly Command[], at: number): { output: string; error?: PositionedError; inserted: boolean; batch: Batch } {
    const here = this.batch(at, []);
    const current = this.live.run.current!;
    if (!commands.every((c) => READ_ONLY.has(c.kind))) {
      const message = `the cursor is inside line ${current.span.line} (${this.text.split('\n')[current.span.line - 1].trim()}): step to the end of that line (Alt+→) to run a command that changes the state`;
      return { output: '', error: { line: 1, col: 1, message }, inserted: false, batch: here };
    }
    const copy = this.replayTo(at);
    let output = '';
    for (const cmd of commands) {
      const r = copy.sim.execSafely(cmd);
      if ('error' in r) return { output, error: { line: 1, col: r.error.span.col, message: r.error.message }, inserted: false, batch: here };
      output += shellText(r);
    }
    return { output, inserted: false, batch: here };
  }

  /**
   * The scenario lines that made the filters at the cursor, per `dev/hook/chain/prio`, in the
   * order they were added (a `del` forgets what it removed). The controls take a device's
   * filters out and put the same lines back (hw-tc-offload), or replace one with new flags.
   */
  filterSources(): Map<string, string[]> {
    const run = this.live.run;
    const lines = this.text.split('\n');
    const out = new Map<string, string[]>();
    for (let i = 0; i < run.commandIndex; i++) {
      const c = run.commands[i];
      if (c.kind === 'tc.filter.add') {
        const f = c.filter;
        const key = `${f.dev.value}/${f.hook}/${f.chain}/${f.prio ?? 0}`;
        const src = lines[c.span.line - 1]?.trim() ?? '';
        const list = out.get(key) ?? [];
        if (c.op === 'add' || list.length === 0) list.push(src);
        else list[list.length - 1] = src;
        out.set(key, list);
      } else if (c.kind === 'tc.filter.del') {
        const prefix = `${c.dev.value}/${c.hook}/`;
        for (const key of [...out.keys()]) {
          const [, , chain, prio] = key.split('/').map(Number);
          if (key.startsWith(prefix) && (c.chain === undefined || c.chain === chain) && (c.prio === undefined || c.prio === prio)) out.delete(key);
        }
      } else if (c.kind === 'tc.qdisc' && c.op === 'del') {
        for (const key of [...out.keys()]) if (key.startsWith(`${c.dev.value}/`)) out.delete(key);
      }
    }
    return out;
  }

  /** A packet's whole journey: kept from the survey, or rebuilt by replaying its step. */
  journey(pkt: number): SimEvent[] {
    const kept = this.packets.journey(pkt);
    if (kept) return kept;
    const row = this.packets.row(pkt);
    if (!row) return [];
    return this.replayTo(row.step).events.filter((e) => e.pkt === pkt);
  }

  /** Line after which a shell line goes: the line of the cursor's last command (0 at the start). */
  private lineAfterCursor(): number {
    const run = this.live.run;
    if (run.commandIndex === 0) return 0;
    // After the command's `>` block, if it has one: the block stays with its command.
    const lines = this.text.split('\n');
    let line = run.commands[run.commandIndex - 1].span.line;
    while (line < lines.length && lines[line].startsWith('>')) line++;
    return line;
  }

  /** Takes a live step, logging it if it is new. */
  private stepLive(traced: boolean): Step {
    const step = this.live.step(traced || this.live.run.steps >= this.log.length);
    this.record(this.live, step);
    return step;
  }

  /** Logs a step taken by `r` if the log does not have it yet. */
  private record(r: Live, step: Step): void {
    const index = r.run.steps;
    if (index !== this.log.length + 1) return;
    const pkt = step.kind === 'packet' ? lastInjected(r.events) : 0;
    this.log.add(index, { ...step, pkt, paths: r.stepPaths, sizes: r.sizes() });
    this.packets.addStep(index, step.line, r.events);
    if (r.run.done && r === this.live) this.log.complete = true;
  }

  /** A run one step before `target`, for the caller to take that step: the nearest snapshot, replayed (see the file comment). */
  private restore(target: number): Live {
    const snap = this.snapshots.restore(target - 1, this.seed);
    const live = snap ? new Live(snap) : new Live({ text: this.text, seed: this.seed });
    while (!live.run.done && live.run.steps < target - 1) live.step(false);
    return live;
  }

  /** A run at step `target`, its last step's events recorded. */
  private replayTo(target: number): Live {
    const live = this.restore(target);
    if (!live.run.done && live.run.steps < target) live.step(true);
    return live;
  }

  /** The steps from `from` to the cursor; `events` ends with the cursor step's (its own when empty). */
  private batch(from: number, events: SimEvent[]): Batch {
    if (events.length === 0) events = this.live.events;
    const to = this.live.run.steps;
    const steps = [];
    for (let i = Math.min(from, to) + 1; i <= to && i <= this.log.length; i++) steps.push(this.log.view(i));
    return {
      steps: steps.length > 200 ? steps.slice(-200) : steps,
      events,
      paths: this.log.pathBuckets(Math.min(from, to), to, BATCH_BUCKETS),
      sizes: this.log.length >= to && to > 0 ? this.log.sizesAt(to) : this.live.sizes(),
      skipped: 0,
    };
  }

  private checkEmpty(): void {
    if (this.live.run.done) {
      this.log.complete = true;
      this.surveyor = null;
    }
  }
}

/**
 * Adds a step's events to a batch until it holds MAX_BATCH_EVENTS: the page animates a sample of
 * a long command, not all of it. A loop, not `push(...events)`: a generated-traffic step can have
 * more events than a call may take arguments.
 */
function appendCapped(collected: SimEvent[], events: readonly SimEvent[]): void {
  for (let i = 0; i < events.length && collected.length < MAX_BATCH_EVENTS; i++) collected.push(events[i]);
}

/** The packet a packet step injected: the last `packet.inject` of its events. */
function lastInjected(events: readonly SimEvent[]): number {
  for (let i = events.length - 1; i >= 0; i--) if (events[i].kind === 'packet.inject') return events[i].pkt;
  return 0;
}
