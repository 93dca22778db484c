/**
 * The page's actions on the session: load, play, step, seek, the shell, recovery. It owns
 * the worker client and writes what comes back into the store; views call these actions and
 * read the store. Playback is driven by the page's one animation loop (ticker.ts).
 *
 * Playback pace: a packet step is held on screen for PACKET_MS at 1× (PACKET_MS / speed at
 * other speeds) so its animation can be followed; virtual time between steps passes at the
 * chosen speed (1×: a second a second), so a `sleep 31` lasts 31 s at 1× and 0.31 s at 100×.
 * "As fast as possible" runs without holding, in batches of about 12 ms of worker time, and
 * brings back aggregates and a sample of packets instead of every event.
 */
import type { Answer, Batch, PositionedError, Query, Reply, Request, StepUnit } from '../../worker/protocol';
import { SimClient, WorkerRestarted } from './client';
import { getLab, setLab, type Speed } from './store';
import { onTick } from './ticker';

/** How long one packet's journey stays on screen at 1×. */
export const PACKET_MS = 1200;
const FAST_BUDGET_MS = 12;
/** How often the tables refresh during a long `traffic` run (runUntil). */
const RUN_REFRESH_MS = 2000;

/** A view's standing query and where its answers go. */
export interface Watch {
  query: Query;
  deliver: (answer: Answer, version: number) => void;
}

export interface ControllerOptions {
  spawn: () => Worker;
  /** How long a request may run before the page offers to cancel it (default STALL_MS). */
  stallMs?: number;
}

export class LabController {
  private readonly client: SimClient;
  private batchSeq = 0;
  private shellSeq = 0;
  /** Playback: virtual time the play clock reached, and until when a packet is held. */
  private playT = 0;
  private holdUntil = 0;
  private stopTicker: (() => void) | null = null;
  /** Playback stops at this step (presenter mode's next checkpoint); undefined: at the end. */
  private stopAt: number | undefined;
  /** The last cursor the worker confirmed: recovery returns there. */
  private goodStep = 0;

  constructor(opts: ControllerOptions) {
    this.client = new SimClient(opts.spawn);
    if (opts.stallMs) this.client.stallMs = opts.stallMs;
    const seconds = this.client.stallMs / 1000;
    this.client.onStall = (r) => setLab({ status: 'stalled', problem: `The simulator has been busy for ${seconds} s (${describe(r)}).` });
  }

  // ---- scenario ------------------------------------------------------------------------------

  async load(text: string, seed: number): Promise<void> {
    this.pause();
    setLab({ status: 'loading', text, seed, problem: undefined });
    const r = await this.send({ type: 'load', text, seed });
    if (r?.type !== 'loaded') return;
    this.goodStep = 0;
    setLab({ status: 'ready', cursor: r.cursor, timeline: r.timeline, loadError: r.error, stateVersion: getLab().stateVersion + 1, shell: [] });
    this.applyBatch({ steps: [], events: [], paths: [], sizes: getLab().batch.sizes, skipped: 0 }, false);
  }

  /** Parses a text in the worker (the editor's inline errors). */
  async check(text: string): Promise<Reply | null> {
    return this.send({ type: 'check', text });
  }

  // ---- moves ---------------------------------------------------------------------------------

  async step(unit: StepUnit, dir: 1 | -1): Promise<void> {
    this.pause();
    await this.move({ type: 'step', unit, dir });
  }

  async seek(step: number): Promise<void> {
    this.pause();
    await this.move({ type: 'seek', step });
  }

  async reset(): Promise<void> {
    await this.seek(0);
  }

  /** To the end of the scenario as fast as possible (aggregates, no animation). */
  async toEnd(): Promise<void> {
    this.pause();
    while (!getLab().cursor.atEnd && getLab().status === 'ready') {
      const before = getLab().cursor.step;
      await this.move({ type: 'advance', maxSteps: 1e9, maxPackets: 1e9, budgetMs: 100, detail: false });
      if (getLab().cursor.step === before) break;
    }
  }

  // ---- playback ------------------------------------------------------------------------------

  play(): void {
    const s = getLab();
    if (s.playing || s.status !== 'ready') return;
    if (s.cursor.atEnd) return;
    this.playT = s.cursor.t;
    this.holdUntil = 0;
    setLab({ playing: true });
    this.stopTicker = onTick((now, dt) => this.tick(now, dt));
  }

  /**
   * Plays (animated, at the chosen speed) until the cursor reaches `step`, and pauses there; a
   * target at or behind the cursor is a seek. The worker takes every step: nothing is skipped.
   */
  async playTo(step: number): Promise<void> {
    this.pause();
    if (getLab().cursor.step >= step) return this.seek(step);
    this.stopAt = step;
    this.play();
  }

  pause(): void {
    this.stopAt = undefined;
    this.stopTicker?.();
    this.stopTicker = null;
    if (getLab().playing) setLab({ playing: false });
  }

  togglePlay(): void {
    if (getLab().playing) this.pause();
    else this.play();
  }

  setSpeed(speed: Speed): void {
    setLab({ speed });
  }

  private inFlight = false;

  private tick(now: number, dt: number): void {
    const s = getLab();
    if (!s.playing || this.inFlight || s.status !== 'ready') return;
    const left = this.stopAt === undefined ? Infinity : this.stopAt - s.cursor.step;
    if (s.cursor.atEnd || left <= 0) return this.pause();
    let request: Request;
    if (s.speed === Infinity) {
      request = { type: 'advance', maxSteps: Math.min(1e9, left), maxPackets: 1e9, budgetMs: FAST_BUDGET_MS, detail: false };
    } else {
      if (now < this.holdUntil) return;
      this.playT = Math.max(this.playT + dt * 1000 * s.speed, s.cursor.t);
      request = { type: 'advance', maxSteps: Math.min(500, left), maxPackets: 1, untilT: this.playT, budgetMs: 8, detail: true };
    }
    this.inFlight = true;
    void this.move(request).then((batch) => {
      this.inFlight = false;
      if (batch && s.speed !== Infinity && batch.steps.some((st) => st.kind === 'packet' || st.kind === 'traffic')) {
        this.holdUntil = performance.now() + PACKET_MS / s.speed;
      }
      if (getLab().cursor.atEnd || (this.stopAt !== undefined && getLab().cursor.step >= this.stopAt)) this.pause();
    });
  }

  /** Virtual time the play clock shows between steps (the cursor's time when paused). */
  get displayTime(): number {
    const s = getLab();
    return s.playing && s.speed !== Infinity ? Math.max(s.cursor.t, Math.min(this.playT, this.nextStepTime())) : s.cursor.t;
  }

  private nextStepTime(): number {
    const next = getLab().timeline.marks.find((m) => m.step > getLab().cursor.step);
    return next ? next.t : Infinity;
  }

  // ---- shell ---------------------------------------------------------------------------------

  /**
   * Runs a line at the cursor (the shell, and every control: each toggle is a real command
   * line inserted into the scenario). `whole: false` runs only its first step (a long
   * `traffic` line, whose rest `advance` runs with progress). Returns what the worker said.
   */
  async exec(line: string, whole = true): Promise<Extract<Reply, { type: 'executed' }> | null> {
    this.pause();
    // As with a move, the views' queries and the timeline go right behind the line, so a
    // toggle's effect is on screen after one round trip and one render, not four of each.
    const version = getLab().stateVersion + 1;
    const [r, answers, timeline] = await Promise.all([this.send({ type: 'exec', line, whole }), this.refetchWatched(version), this.query({ kind: 'timeline' })]);
    if (r?.type !== 'executed') return null;
    const entry = { id: ++this.shellSeq, input: line, output: r.output, inserted: r.inserted, ...(r.error ? { error: r.error } : {}) };
    setLab({ shell: [...getLab().shell, entry], cursor: r.cursor, text: r.text, ...(r.inserted && timeline ? { timeline: timeline.timeline } : {}) });
    this.goodStep = r.cursor.step;
    this.applyBatch(r.batch, false);
    answers();
    return r;
  }

  /**
   * Runs several lines as one change: all are parsed first (a bad one is reported at its
   * line and column, nothing runs); if one fails when it runs, the scenario and the cursor go
   * back to what they were (reload + seek: the session replays deterministically).
   */
  async execLines(lines: readonly string[]): Promise<{ index: number; error: PositionedError } | null> {
    const checked = await this.check(lines.join('\n'));
    if (checked?.type === 'checked' && checked.error) return { index: checked.error.line - 1, error: checked.error };
    const { text, seed } = getLab();
    const step = getLab().cursor.step;
    for (let i = 0; i < lines.length; i++) {
      const r = await this.exec(lines[i]);
      if (r?.error) {
        if (i > 0) {
          await this.load(text, seed);
          await this.seek(step);
        }
        return { index: i, error: r.error };
      }
      if (!r) return { index: i, error: { line: 1, col: 1, message: 'the simulator was restarted' } };
    }
    return null;
  }

  /**
   * Runs the rest of a multi-step command as fast as possible until virtual time `untilT`,
   * reporting progress; `cancelled()` stops it between batches (the cursor stays where it got).
   */
  async runUntil(untilT: number, progress: (t: number) => void, cancelled: () => boolean): Promise<void> {
    this.pause();
    // The tables walk every connection when they refresh: during a long run they refresh
    // every RUN_REFRESH_MS of wall time and at the end, not after every batch.
    let refreshed = performance.now();
    while (!getLab().cursor.atEnd && getLab().status === 'ready' && getLab().cursor.t < untilT && !cancelled()) {
      const before = getLab().cursor.step;
      const refresh = performance.now() - refreshed >= RUN_REFRESH_MS;
      if (refresh) refreshed = performance.now();
      // Traced steps (generated traffic traces one packet per millisecond) in small batches: a
      // batch never ends on a muted step, which Session.advance would replay from the start.
      await this.move({ type: 'advance', maxSteps: 16, maxPackets: 1e9, untilT, budgetMs: 50, detail: true }, refresh);
      progress(getLab().cursor.t);
      if (getLab().cursor.step === before) break;
    }
    setLab((s) => ({ stateVersion: s.stateVersion + 1 }));
  }

  // ---- queries -------------------------------------------------------------------------------

  /** A windowed read of the state at the cursor; null if the worker was restarted meanwhile. */
  async query<K extends Query['kind']>(query: Extract<Query, { kind: K }>): Promise<Extract<Answer, { kind: K }> | null> {
    const r = await this.ask(query);
    return r?.type === 'answer' && r.answer.kind === query.kind ? (r.answer as Extract<Answer, { kind: K }>) : null;
  }

  /** Requests other than queries sent so far: a query sent after the same count reads the same state. */
  private changes = 0;
  /** Queries sent and not yet answered, by the change count they were sent after and their text. */
  private readonly asking = new Map<string, Promise<Reply | null>>();

  /**
   * Sends a query, or shares the reply of an identical one still on its way: several views
   * follow the same thing (the selected connection), and at a million connections each
   * request they would send costs the worker. The worker answers in order, so two identical
   * queries with no other request between them read the same state.
   */
  private ask(query: Query): Promise<Reply | null> {
    const key = `${this.changes} ${JSON.stringify(query)}`;
    let r = this.asking.get(key);
    if (!r) {
      r = this.send({ type: 'query', query });
      this.asking.set(key, r);
      const done = () => void this.asking.delete(key);
      r.then(done, done);
    }
    return r;
  }

  async refreshTimeline(): Promise<void> {
    const a = await this.query({ kind: 'timeline' });
    if (a) setLab({ timeline: a.timeline, cursor: { ...getLab().cursor, known: a.known } });
  }

  // ---- faults --------------------------------------------------------------------------------

  /** Test hook: the worker's next request throws, as an engine bug would. */
  async crashNext(): Promise<void> {
    await this.send({ type: 'crashNext' });
  }

  /** Throws the worker away and brings the same scenario back to the last good cursor. */
  async recover(): Promise<void> {
    this.pause();
    this.client.restart();
    const { text, seed } = getLab();
    const target = this.goodStep;
    await this.load(text, seed);
    if (getLab().status === 'ready' && target > 0) await this.seek(target);
  }

  dispose(): void {
    this.pause();
    this.client.dispose();
  }

  // ---- plumbing ------------------------------------------------------------------------------

  /**
   * A move, with the views' queries sent right behind it: the worker answers in order, so the
   * queries read the state after the move, and the page shows both in one update instead of
   * asking again after rendering the move. `refresh` false leaves the views as they are (a long
   * run's intermediate batches).
   */
  private async move(request: Request, refresh = true): Promise<Batch | null> {
    const version = getLab().stateVersion + 1;
    const [r, answers] = await Promise.all([this.send(request), refresh ? this.refetchWatched(version) : null]);
    if (r?.type !== 'moved') return null;
    const known = getLab().cursor.known;
    setLab({ cursor: r.cursor });
    this.goodStep = r.cursor.step;
    if (refresh) {
      this.applyBatch(r.batch, r.rewound);
      answers?.();
    }
    if (r.cursor.known.steps !== known.steps || r.cursor.known.complete !== known.complete) void this.refreshTimeline();
    return r.batch;
  }

  private applyBatch(b: Batch, rewound: boolean): void {
    setLab((s) => ({ batch: { seq: ++this.batchSeq, at: performance.now(), ...b, rewound }, stateVersion: s.stateVersion + 1 }));
  }

  // ---- watched queries -----------------------------------------------------------------------

  private readonly watched = new Set<Watch>();

  /** A view's query, re-read behind every move (useQuery). Returns the unwatch function. */
  watch(w: Watch): () => void {
    this.watched.add(w);
    return () => this.watched.delete(w);
  }

  /** Sends every watched query now; the returned function hands the answers to their views. */
  private async refetchWatched(version: number): Promise<() => void> {
    const list = [...this.watched];
    const answers = await Promise.all(list.map((w) => this.ask(w.query)));
    return () => {
      answers.forEach((r, i) => {
        if (r?.type === 'answer') list[i].deliver(r.answer, version);
      });
    };
  }

  /** Sends a request; a fault reply or a restart becomes the page's problem state, and null. */
  private async send(request: Request): Promise<Reply | null> {
    if (request.type !== 'query') this.changes++;
    try {
      const r = await this.client.request(request);
      if (r.type === 'fault') {
        this.pause();
        setLab({ status: 'fault', problem: `The simulator failed: ${r.message}` });
        return null;
      }
      if (getLab().status === 'stalled') setLab({ status: 'ready', problem: undefined });
      return r;
    } catch (e) {
      if (e instanceof WorkerRestarted) return null;
      throw e;
    }
  }
}

function describe(r: Request): string {
  switch (r.type) {
    case 'exec':
      return `running "${r.line}"`;
    case 'load':
      return 'loading the scenario';
    default:
      return `handling "${r.type}"`;
  }
}

