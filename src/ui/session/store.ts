/**
 * What the page shows of the session, in zustand slices: components select the few fields
 * they draw (e.g. the tables read `stateVersion`, the graph reads `batch`), so an update of
 * one view's data does not re-render the others. The store holds only what is on screen:
 * windows of tables are fetched by the views that show them, never the whole state.
 */
import { create } from 'zustand';
import type { SimEvent } from '../../engine/events';
import type { CursorView, PathBucket, PositionedError, StepView, TableSizes, Timeline } from '../../worker/protocol';

export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, Infinity] as const;
export type Speed = (typeof SPEEDS)[number];

export interface ShellEntry {
  id: number;
  input: string;
  output: string;
  error?: PositionedError;
  /** The line went into the scenario (false: run at the cursor only, or refused). */
  inserted: boolean;
}

/** The last move's results, for the motion layer and the inspector. */
export interface BatchView {
  /** Increases with every batch, so a consumer can tell a new one from the same. */
  seq: number;
  /** When the page took it (performance.now()): a view drawn after it shows its motion where it has got to. */
  at: number;
  steps: StepView[];
  events: SimEvent[];
  paths: PathBucket[];
  sizes: TableSizes;
  rewound: boolean;
  skipped: number;
}

export type SessionStatus = 'loading' | 'ready' | 'stalled' | 'fault';

export const EMPTY_CURSOR: CursorView = {
  step: 0,
  t: 0,
  line: 0,
  eventsShown: 0,
  eventsInStep: 0,
  atEnd: false,
  known: { steps: 0, t: 0, complete: false },
};

export interface LabState {
  // scenario slice
  text: string;
  seed: number;
  loadError?: PositionedError;
  // session slice
  status: SessionStatus;
  /** What went wrong (a fault, a stall): shown with Cancel / Restart. */
  problem?: string;
  cursor: CursorView;
  timeline: Timeline;
  /** Bumps whenever the state at the cursor may have changed: tables refetch their windows. */
  stateVersion: number;
  batch: BatchView;
  // playback slice
  playing: boolean;
  speed: Speed;
  // shell slice
  shell: ShellEntry[];
  // selection slice (shared by the graph, the tables and the inspector)
  selectedPkt?: number;
  selectedCt?: number;
  // view slice: the graph nodes to bring into view (presenter mode; patterns as graph/viewport.ts matches them)
  graphFocus?: { patterns: string[] };
}

export const useLab = create<LabState>()(() => ({
  text: '',
  seed: 1,
  status: 'loading',
  cursor: EMPTY_CURSOR,
  timeline: { marks: [], omitted: 0 },
  stateVersion: 0,
  batch: { seq: 0, at: 0, steps: [], events: [], paths: [], sizes: { conntrack: 0, flows: 0, hwCt: 0, hwCapacity: 0, offloadQueue: 0 }, rewound: false, skipped: 0 },
  playing: false,
  speed: 1,
  shell: [],
}));

export const setLab = useLab.setState;
export const getLab = useLab.getState;

/** Playing "As fast as possible": views show aggregates (rates, counts), not single packets. */
export const playingFast = (s: LabState): boolean => s.playing && s.speed === Infinity;
