/**
 * The one contract between the page and the simulator worker. The page sends a `Request`
 * (with an id); the worker answers each with exactly one `Reply` carrying the same id. The
 * worker never speaks unasked, so the page — which asks at most once per animation frame —
 * gets at most one batch of events per frame. Both sides switch over these unions
 * exhaustively (`assertNever`).
 *
 * Positions: a scenario runs in steps (src/engine/script_run.ts): one command, or one unit
 * of a multi-step command (a timer that came due, one packet, a millisecond of generated
 * traffic, the clock's last move of a sleep). The cursor is the number of steps done; the
 * state the page shows is the engine's state after that many steps.
 */
import type { Micros } from '../engine/clock';
import type { SimEvent, TupleView } from '../engine/events';
import type { ExpectResult } from '../engine/expect';
import type { PathClassName } from '../engine/path';
import type { StepKind } from '../engine/script_run';
import type { PipelineView } from './pipeline';

export interface PositionedError {
  line: number;
  col: number;
  message: string;
}

/** How far a move goes: one event of the current packet, one packet, one command line. */
export type StepUnit = 'event' | 'packet' | 'line';

// ---- requests ------------------------------------------------------------------------------

export type Request =
  /** Loads a scenario (parsed; a bad line is reported and nothing past it runs) at step 0. */
  | { type: 'load'; text: string; seed: number }
  /** Parses a text without running it (the editor's inline errors). */
  | { type: 'check'; text: string }
  /** Moves the cursor one unit forwards or backwards. */
  | { type: 'step'; unit: StepUnit; dir: 1 | -1 }
  /** Moves the cursor to a step (0 = the start; beyond the end = the end). */
  | { type: 'seek'; step: number }
  /**
   * Playback: runs forward at most `maxSteps` steps and `maxPackets` packet steps, not past
   * a step whose virtual time is after `untilT`, and for about `budgetMs` of wall time,
   * whichever ends first. `detail` asks for every
   * event of the steps run (slow playback); without it the reply carries aggregates and a
   * sample of packets (fast-forward).
   */
  | { type: 'advance'; maxSteps: number; maxPackets: number; untilT?: Micros; budgetMs: number; detail: boolean }
  /**
   * Runs one command line at the cursor, as a shell: it is inserted into the scenario after
   * the cursor's line (the later lines stay). Inside a multi-step command only commands that
   * change nothing run, and nothing is inserted.
   */
  | { type: 'exec'; line: string; /** false: run the line's first step only (a long `traffic`; `advance` runs the rest). */ whole?: boolean }
  | { type: 'query'; query: Query }
  /** Test hook: the next request throws inside the worker (see "Faults" in the README). */
  | { type: 'crashNext' };

export type RequestType = Request['type'];

/** Windowed reads of the state at the cursor. */
export type Query =
  | { kind: 'conntrack'; offset: number; limit: number; sort?: ConntrackSort; filter?: ConntrackFilterSpec }
  | { kind: 'filters' }
  /** Every zone's flowtable with its first `limit` flows (default 200). */
  | { kind: 'flowtables'; limit?: number }
  | { kind: 'hardware' }
  /** The configuration the pipeline graph draws (src/worker/pipeline.ts). */
  | { kind: 'pipeline' }
  /** Path counts and table sizes from the start to the cursor, in `buckets` slices of virtual time. */
  | { kind: 'series'; buckets: number }
  /** The throughput model (§8 of the talk) for the traffic up to the cursor. */
  | { kind: 'throughput' }
  | { kind: 'settings' }
  | { kind: 'packets'; offset: number; limit: number; filter?: PacketFilterSpec }
  | { kind: 'journey'; pkt: number }
  /** The timeline's marks (ask again when `CursorView.known` grows). */
  | { kind: 'timeline' }
  /** The scenario text as the session holds it (shell lines inserted). */
  | { kind: 'text' }
  /** The results of the `expect` lines the run has reached at the cursor (none past it). */
  | { kind: 'expects' }
  /** For each line, the step that ends its command: the cursors of a talk's checkpoints. */
  | { kind: 'lineEnds'; lines: number[] }
  /** The journeys (events) of the first `limit` packets sent in steps (from, to]: what a checkpoint's packets touch. */
  | { kind: 'journeys'; from: number; to: number; limit: number };

export type QueryKind = Query['kind'];

export type ConntrackSortKey = 'age' | 'zone' | 'proto' | 'state' | 'src' | 'dst' | 'timeout' | 'packets';
export interface ConntrackSort {
  key: ConntrackSortKey;
  dir: 'asc' | 'desc';
}
export interface ConntrackFilterSpec {
  zone?: number;
  proto?: string;
  state?: string;
  /** A status flag that must be set: UNREPLIED, ASSURED, OFFLOAD, HW_OFFLOAD. */
  flag?: string;
  /** Text that must appear in the entry's `conntrack -L` line (an address, a port). */
  text?: string;
  /** One entry, by ctnetlink id (the selected connection). */
  id?: number;
}

export interface PacketFilterSpec {
  path?: PathClassName;
  /** Device the packet entered on. */
  dev?: string;
  /** Conntrack entry id (ctnetlink id) of the packet's connection. */
  ct?: number;
  verdict?: 'deliver' | 'drop';
}

// ---- replies -------------------------------------------------------------------------------

/** One step as the page draws it on the timeline and in the shell. */
export interface StepView {
  /** 1-based: the cursor after this step is `index`. */
  index: number;
  kind: StepKind;
  line: number;
  t: Micros;
  /** The packet a packet step carried (0 for other steps). */
  pkt: number;
  endsCommand: boolean;
  output?: string;
  error?: PositionedError;
  /** The result of the `expect` this step ran. */
  expect?: ExpectResult;
}

/** Where the cursor is, and how much of the scenario is known. */
export interface CursorView {
  step: number;
  t: Micros;
  /** Line of the step at the cursor (0 at the start). */
  line: number;
  /** Within the cursor's step: how many of its events are shown (event stepping). */
  eventsShown: number;
  eventsInStep: number;
  /** Nothing is left to run after the cursor. */
  atEnd: boolean;
  /** The error that stops the scenario, once the cursor reached it. */
  error?: PositionedError;
  /** The timeline explored so far: steps and virtual time; complete once the end is known. */
  known: { steps: number; t: Micros; complete: boolean };
}

export interface Mark {
  step: number;
  t: Micros;
  /** `expect-failed`: an `expect` that did not hold (passed ones are not marked). */
  kind: 'line' | 'packet' | 'error' | 'expect-failed';
  line: number;
  pkt?: number;
}

export interface Timeline {
  marks: Mark[];
  /** Marks left out to keep the list short (large scenarios). */
  omitted: number;
}

/** Packets by path class in one bucket of virtual time (fast-forward aggregates). */
export interface PathBucket {
  t0: Micros;
  t1: Micros;
  counts: [software: number, hardware: number, miss: number, dropped: number];
}

export interface TableSizes {
  conntrack: number;
  flows: number;
  hwCt: number;
  hwCapacity: number;
  offloadQueue: number;
}

/** What a move or playback produced. */
export interface Batch {
  steps: StepView[];
  /** Every event of the steps run (detail), or of the sampled packets (fast-forward). */
  events: SimEvent[];
  /** Fast-forward: packets by path class per bucket since the previous batch. */
  paths: PathBucket[];
  sizes: TableSizes;
  /** Steps run without their events (fast-forward). */
  skipped: number;
}

export type Reply =
  | { type: 'loaded'; cursor: CursorView; timeline: Timeline; error?: PositionedError; lines: number }
  | { type: 'checked'; error?: PositionedError }
  | { type: 'moved'; cursor: CursorView; batch: Batch; rewound: boolean }
  | { type: 'executed'; cursor: CursorView; batch: Batch; text: string; inserted: boolean; output: string; error?: PositionedError }
  | { type: 'answer'; answer: Answer }
  | { type: 'armed' }
  /** The request failed inside the worker (an engine bug): the session is unusable until reloaded. */
  | { type: 'fault'; message: string };

export type ReplyType = Reply['type'];

export type Answer =
  | { kind: 'conntrack'; total: number; offset: number; rows: ConntrackRow[]; now: Micros }
  | { kind: 'filters'; devices: DeviceFilters[] }
  | { kind: 'flowtables'; zones: FlowtableView[]; now: Micros }
  | { kind: 'hardware'; text: string; nic: NicView }
  | { kind: 'series'; series: SeriesView }
  | { kind: 'throughput'; figures: ThroughputView }
  | { kind: 'pipeline'; pipeline: PipelineView }
  /** `profiles`: every kernel profile `sim profile` takes; `defaultProfile`: the talk's. */
  | { kind: 'settings'; profile: string; profiles: string[]; defaultProfile: string; seed: number; sysctls: [string, string][]; devices: DeviceView[] }
  | { kind: 'packets'; total: number; offset: number; rows: PacketRow[]; counts: Record<PathClassName, number> }
  | { kind: 'journey'; pkt: number; events: SimEvent[]; row?: PacketRow }
  | { kind: 'timeline'; timeline: Timeline; known: CursorView['known'] }
  | { kind: 'text'; text: string; seed: number }
  /** `results`: the `expect` lines run up to the cursor, in order; `total`: how many the scenario has. */
  | { kind: 'expects'; results: ExpectResult[]; total: number }
  | { kind: 'lineEnds'; lines: number[]; steps: number[] }
  | { kind: 'journeys'; from: number; to: number; events: SimEvent[] };

export interface ConntrackRow {
  /** ctnetlink id: stable while the entry lives. */
  id: number;
  zone: number;
  proto: string;
  state: string;
  orig: TupleView;
  reply: TupleView;
  flags: string[];
  mark: number;
  label: string;
  /** Counters per direction (null without nf_conntrack_acct). */
  packets: [number, number] | null;
  bytes: [number, number] | null;
  /** Virtual time the entry expires at (null while offloaded: the flowtable owns it). */
  expiresAt: Micros | null;
  /** The entry's flowtable flow: when it times out and where it stands in hardware (null: no flow). */
  flow: { zone: number; timeoutAt: Micros; hw: FlowHwState } | null;
  /** The hardware CT entry's last use (null: not in the NIC's CT table), and the hardware aging (µs). */
  hwLastUsed: Micros | null;
  hwAgingUs: number;
  /** The `conntrack -L` line, as the shell prints it. */
  text: string;
}

export interface FilterRowView {
  chain: number;
  prio: number;
  handle: number;
  /** The filter as `tc filter show` prints it (without statistics). */
  text: string;
  inHw: boolean;
  skipHw: boolean;
  skipSw: boolean;
  swPackets: number;
  hwPackets: number;
  /** The scenario line that added it (null when the simulator cannot tell: the controls then leave it alone). */
  source: string | null;
}

export interface DeviceFilters {
  dev: string;
  hook: 'ingress' | 'egress';
  chains: number[];
  filters: FilterRowView[];
}

/**
 * A flow's hardware state, from its nf_flow_flags: `pending` (NF_FLOW_HW_PENDING: work queued),
 * `hw` (NF_FLOW_HW: a driver took it), `dying` (NF_FLOW_HW_DYING: a delete is queued), `dead`
 * (NF_FLOW_HW_DEAD: removed from hardware), `teardown` (NF_FLOW_TEARDOWN: leaving the table),
 * `sw` (in the flowtable only: not offered to hardware yet, or refused).
 */
export type FlowHwState = 'pending' | 'hw' | 'dying' | 'dead' | 'teardown' | 'sw';

export interface FlowView {
  ctId: number;
  proto: string;
  orig: TupleView;
  reply: TupleView;
  /** Both directions offered to hardware (NF_FLOW_HW_BIDIRECTIONAL), else the original only. */
  bidirectional: boolean;
  hw: FlowHwState;
  timeoutAt: Micros;
  /** Conntrack accounting per direction (null without nf_conntrack_acct). */
  packets: [number, number] | null;
  bytes: [number, number] | null;
}

export interface FlowtableView {
  zone: number;
  flows: number;
  /** The first flows (up to the query's limit), oldest connection first. */
  rows: FlowView[];
  /** Drivers registered on the table (the NIC's flow_block callback). */
  offloadedBy: string[];
}

/** A hardware table of one device and chain: the offloaded filters in prio order. */
export interface HwChainView {
  dev: string;
  chain: number;
  rules: { prio: number; handle: number; text: string; hwPackets: number }[];
}

/** The NIC at the cursor: what `sim show nic` prints, as fields. */
export interface NicView {
  profile: string;
  ports: { name: string; hwTcOffload: boolean }[];
  chains: HwChainView[];
  rulesInHw: number;
  filtersRefused: number;
  zones: number[];
  ct: { connections: number; entries: number; capacity: number; hwOffloaded: number };
  queue: { adds: number; dels: number; stats: number; insertRate: number; latencyUs: number; limit: number };
  driver: { attempts: number; refusedFull: number; refusedFault: number; refusedOther: number; evicted: number };
  settings: { faultRate: number; agingSec: number; policy: { minPackets: number; minBytes: number }; evictIdleSec: number | null; ovs: boolean };
  packets: { hardware: number; software: number; chainMisses: number; ctMisses: number };
}

/** Columns over equal slices of virtual time from 0 to the cursor (the charts). */
export interface SeriesView {
  /** Slice boundaries: slice i covers (t[i], t[i+1]]. */
  t: Micros[];
  /** Packets per slice by path class: software, hardware, miss → software, dropped. */
  paths: [number[], number[], number[], number[]];
  /** Table sizes at each slice's end. */
  conntrack: number[];
  flows: number[];
  hwCt: number[];
  hwCapacity: number;
  offloadQueue: number[];
}

/** The throughput model's figures: all software, all hardware, and the traffic so far. */
export interface ThroughputView {
  connections: number;
  hwPackets: number;
  swPackets: number;
  lineRatePps: number;
  swCapacityPps: number;
  allSoftwarePps: number;
  allHardwarePps: number;
  mixPps: number;
  swShare: number;
  cpuLoad: number;
  settings: { portGbps: number; frameBytes: number; swCostNs: number; cores: number };
}

export interface DeviceView {
  name: string;
  kind: string;
  hwTcOffload: boolean;
  onNic: boolean;
}

/** One packet of the event list. */
export interface PacketRow {
  pkt: number;
  step: number;
  t: Micros;
  line: number;
  dev: string;
  summary: string;
  path: PathClassName;
  verdict: 'deliver' | 'drop' | 'none';
  /** Where it was delivered, or why it was dropped. */
  end: string;
  ct: number;
}

// ---- messages on the wire ------------------------------------------------------------------

export interface RequestMessage {
  id: number;
  request: Request;
}

export interface ReplyMessage {
  id: number;
  reply: Reply;
}

/** Exhaustiveness check for switches over the unions above. */
export function assertNever(x: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(x)}`);
}
