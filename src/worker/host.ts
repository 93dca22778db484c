/**
 * The worker's request handler, free of worker APIs so tests call it as the worker does:
 * one Request in, one Reply out. Between requests the worker gives `idle` slices of time to
 * the survey, so the timeline fills in without holding up a reply.
 */
import { DEFAULT_PROFILE, PROFILE_NAMES } from '../engine/profile';
import { ConntrackView, MAX_WINDOW, devicesView, filtersView, flowtablesView, nicView, sysctlsView, throughputView } from './queries';
import { pipelineView } from './pipeline';
import { assertNever, type Answer, type Query, type Reply, type Request } from './protocol';
import { Session } from './session';

/** Most packets a `journeys` answer carries (each may be rebuilt by a replay). */
const MAX_JOURNEYS = 50;

/** Survey time given to a load before it replies (the rest runs in idle slices). */
const LOAD_SURVEY_MS = 50;

/**
 * How long after a request the survey waits before its next slice. A slice cannot stop in the
 * middle of a step or a snapshot's fork, which at a million connections run for hundreds of
 * ms: while the page keeps asking (a scroll's windows, a toggle and the reads behind it) its
 * requests are answered at once instead of behind a slice.
 */
export const SURVEY_QUIET_MS = 250;

export class WorkerHost {
  readonly session: Session;
  private readonly conntrack = new ConntrackView();
  private crashArmed = false;
  /**
   * Answers that walk every connection (flowtables, the NIC), kept for the simulator and step
   * they were computed at: the views ask again after every move, often at the same state.
   */
  private readonly perStep = new Map<string, Answer>();
  private perStepAt: { sim: unknown; step: number } = { sim: null, step: -1 };
  private lastRequestAt = -Infinity;

  constructor(private readonly clock: () => number) {
    this.session = new Session(clock);
  }

  handle(req: Request): Reply {
    this.lastRequestAt = this.clock();
    if (this.crashArmed) {
      this.crashArmed = false;
      throw new Error('simulated engine crash (test hook)');
    }
    const s = this.session;
    switch (req.type) {
      case 'load': {
        const r = s.load(req.text, req.seed);
        s.survey(LOAD_SURVEY_MS);
        return { type: 'loaded', cursor: s.cursor(), timeline: s.timeline(), lines: r.lines, ...(r.error ? { error: r.error } : {}) };
      }
      case 'check': {
        const error = Session.check(req.text);
        return { type: 'checked', ...(error ? { error } : {}) };
      }
      case 'step': {
        const batch = s.move(req.unit, req.dir);
        return { type: 'moved', cursor: s.cursor(), batch, rewound: req.dir === -1 };
      }
      case 'seek': {
        const from = s.cursor().step;
        const batch = s.seek(req.step);
        return { type: 'moved', cursor: s.cursor(), batch, rewound: req.step < from };
      }
      case 'advance': {
        const batch = s.advance(req.maxSteps, req.maxPackets, req.untilT, req.budgetMs, req.detail);
        return { type: 'moved', cursor: s.cursor(), batch, rewound: false };
      }
      case 'exec': {
        const r = s.exec(req.line, req.whole ?? true);
        return { type: 'executed', cursor: s.cursor(), batch: r.batch, text: s.text, inserted: r.inserted, output: r.output, ...(r.error ? { error: r.error } : {}) };
      }
      case 'query':
        return { type: 'answer', answer: this.answer(req.query) };
      case 'crashNext':
        this.crashArmed = true;
        return { type: 'armed' };
      default:
        return assertNever(req);
    }
  }

  /** Background work: a slice of the survey. True while more is left. */
  idle(budgetMs: number): boolean {
    return !this.session.survey(budgetMs);
  }

  /** Milliseconds until the survey may take its next slice: SURVEY_QUIET_MS after the last request. */
  idleDelay(): number {
    return Math.max(0, this.lastRequestAt + SURVEY_QUIET_MS - this.clock());
  }

  /** An answer computed once per simulator and step (the state there does not change). */
  private cached(key: string, make: () => Answer): Answer {
    const at = { sim: this.session.sim, step: this.session.cursor().step };
    if (at.sim !== this.perStepAt.sim || at.step !== this.perStepAt.step) {
      this.perStep.clear();
      this.perStepAt = at;
    }
    let a = this.perStep.get(key);
    if (!a) {
      a = make();
      this.perStep.set(key, a);
    }
    return a;
  }

  private answer(q: Query): Answer {
    const s = this.session;
    const sim = s.sim;
    switch (q.kind) {
      case 'conntrack': {
        const w = this.conntrack.window(sim, s.cursor().step, q.offset, q.limit, q.sort, q.filter);
        return { kind: 'conntrack', total: w.total, offset: q.offset, rows: w.rows, now: sim.env.now() };
      }
      case 'filters':
        return { kind: 'filters', devices: filtersView(sim, s.filterSources()) };
      case 'flowtables':
        return this.cached(`flowtables/${q.limit}`, () => ({
          kind: 'flowtables',
          zones: flowtablesView(sim, Math.min(q.limit ?? 200, MAX_WINDOW), () => this.conntrack.ageOrder(sim, s.cursor().step)),
          now: sim.env.now(),
        }));
      case 'hardware':
        return this.cached('hardware', () => ({ kind: 'hardware', text: sim.hw.show('nic'), nic: nicView(sim, filtersView(sim)) }));
      case 'series':
        return { kind: 'series', series: s.log.series(s.cursor().step, Math.max(1, Math.min(q.buckets, 1000))) };
      case 'throughput':
        return { kind: 'throughput', figures: throughputView(sim) };
      case 'pipeline':
        return { kind: 'pipeline', pipeline: pipelineView(sim) };
      case 'settings':
        return { kind: 'settings', profile: sim.env.profile.name, profiles: [...PROFILE_NAMES], defaultProfile: DEFAULT_PROFILE, seed: s.seed, sysctls: sysctlsView(sim), devices: devicesView(sim) };
      case 'packets': {
        const w = s.packets.window(s.cursor().step, q.offset, Math.min(q.limit, 1000), q.filter);
        return { kind: 'packets', total: w.total, offset: q.offset, rows: w.rows, counts: w.counts };
      }
      case 'journey': {
        const row = s.packets.row(q.pkt);
        return { kind: 'journey', pkt: q.pkt, events: s.journey(q.pkt), ...(row ? { row } : {}) };
      }
      case 'timeline':
        return { kind: 'timeline', timeline: s.timeline(), known: s.cursor().known };
      case 'text':
        return { kind: 'text', text: s.text, seed: s.seed };
      case 'expects':
        return { kind: 'expects', results: s.log.expectsUpTo(s.cursor().step), total: s.expectCount };
      case 'lineEnds':
        return { kind: 'lineEnds', lines: q.lines, steps: s.lineEnds(q.lines) };
      case 'journeys':
        return { kind: 'journeys', from: q.from, to: q.to, events: s.packets.between(q.from, q.to, Math.min(q.limit, MAX_JOURNEYS)).flatMap((r) => s.journey(r.pkt)) };
      default:
        return assertNever(q);
    }
  }
}
