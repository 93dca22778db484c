/**
 * The frame's layout as data: a tree of splits whose leaves are the named regions, the weights
 * that share each split among its expanded children, and which regions are collapsed. Pure
 * functions move a splitter and read the persisted state back; the Frame component only renders.
 */
import { z } from 'zod';
import { readStored, writeStored } from './storage';

export const REGION_IDS = ['pipeline', 'inspector', 'conntrack', 'flowtables', 'hardware', 'charts', 'controls', 'shell', 'scenario'] as const;
export type RegionId = (typeof REGION_IDS)[number];

/** Accessible names of the regions: a public contract (README, Playwright scenario checks). */
export const REGION_NAMES: Record<RegionId, string> = {
  pipeline: 'Pipeline',
  inspector: 'Inspector',
  conntrack: 'Conntrack table',
  flowtables: 'Flowtables',
  hardware: 'Hardware',
  charts: 'Charts',
  controls: 'Controls',
  shell: 'Shell',
  scenario: 'Scenario',
};

export type Direction = 'row' | 'column';
export type LayoutNode =
  | { kind: 'region'; id: RegionId; weight: number }
  | { kind: 'split'; id: string; direction: Direction; weight: number; children: LayoutNode[] };

const region = (id: RegionId, weight: number): LayoutNode => ({ kind: 'region', id, weight });

/**
 * Pipeline large at the top left with the tables docked under it; the inspector, the scenario
 * editor and the shell stacked on the right. Weights are relative within a split. At the
 * default 1280×720 the pipeline gets about 900×450 px, enough for the talk's graph at a zoom
 * where its filter text reads (graph/layout.ts is dense to match).
 */
export const FRAME_LAYOUT: LayoutNode = {
  kind: 'split',
  id: 'root',
  direction: 'row',
  weight: 1,
  children: [
    {
      kind: 'split',
      id: 'main',
      direction: 'column',
      weight: 70,
      children: [
        region('pipeline', 66),
        {
          kind: 'split',
          id: 'dock',
          direction: 'row',
          weight: 34,
          children: [region('conntrack', 44), region('flowtables', 24), region('hardware', 22), region('charts', 22)],
        },
      ],
    },
    {
      kind: 'split',
      id: 'side',
      direction: 'column',
      weight: 30,
      children: [region('inspector', 34), region('controls', 26), region('scenario', 22), region('shell', 18)],
    },
  ],
};

export const nodeKey = (node: LayoutNode): string => node.id;

/** The tree without the regions the page did not supply; a split left empty goes too. */
export function pruneLayout(node: LayoutNode, present: ReadonlySet<RegionId>): LayoutNode | undefined {
  if (node.kind === 'region') return present.has(node.id) ? node : undefined;
  const children = node.children.flatMap((child) => pruneLayout(child, present) ?? []);
  return children.length ? { ...node, children } : undefined;
}

/** Every region under a node: a split counts as collapsed when all its regions are. */
export function regionsUnder(node: LayoutNode): RegionId[] {
  return node.kind === 'region' ? [node.id] : node.children.flatMap(regionsUnder);
}

export function isCollapsed(node: LayoutNode, collapsed: ReadonlySet<RegionId>): boolean {
  return regionsUnder(node).every((id) => collapsed.has(id));
}

/** Smallest share of a split an expanded pane keeps, so a splitter never hides a panel entirely. */
export const MIN_SHARE = 0.08;

/**
 * Moves the splitter after pane `index`: `delta` weight goes from pane index+1 to pane index,
 * clamped so both keep at least MIN_SHARE of the weights' total. Other panes are untouched.
 */
export function moveSplitter(weights: readonly number[], index: number, delta: number): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const min = MIN_SHARE * total;
  const a = weights[index];
  const b = weights[index + 1];
  const clamped = Math.min(Math.max(delta, min - a), b - min);
  // Two panes already under the minimum (a tiny stored layout) stay as they are rather than flip.
  if (a + clamped < min - 1e-9 || b - clamped < min - 1e-9) return [...weights];
  const next = [...weights];
  next[index] = a + clamped;
  next[index + 1] = b - clamped;
  return next;
}

/** The splitter's position as a percentage of the split (aria-valuenow). */
export function splitterPercent(weights: readonly number[], index: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  const before = weights.slice(0, index + 1).reduce((a, b) => a + b, 0);
  return total > 0 ? Math.round((100 * before) / total) : 0;
}

/** Keyboard step of a splitter, in percent of its split: arrows, and Shift+arrows / Page keys. */
export const SPLITTER_STEP = 2;
export const SPLITTER_BIG_STEP = 10;

/** What a key pressed on a splitter does: a signed step in percent, or undefined for other keys. */
export function splitterKeyStep(key: string, shift: boolean, direction: Direction): number | undefined {
  const step = shift ? SPLITTER_BIG_STEP : SPLITTER_STEP;
  const [back, forward] = direction === 'row' ? ['ArrowLeft', 'ArrowRight'] : ['ArrowUp', 'ArrowDown'];
  if (key === back) return -step;
  if (key === forward) return step;
  if (key === 'PageUp') return -SPLITTER_BIG_STEP;
  if (key === 'PageDown') return SPLITTER_BIG_STEP;
  if (key === 'Home') return -100;
  if (key === 'End') return 100;
  return undefined;
}

export interface LayoutState {
  /** Weight of a node within its split, by node id; a missing id takes its default weight. */
  sizes: Record<string, number>;
  collapsed: RegionId[];
}

export const LAYOUT_STORAGE_KEY = 'ct-offload-lab/layout';
const LAYOUT_VERSION = 1;

const storedLayoutSchema = z.object({
  version: z.literal(LAYOUT_VERSION),
  sizes: z.record(z.string(), z.number().finite().positive()),
  collapsed: z.array(z.enum(REGION_IDS)),
});

/**
 * Charts start collapsed (a strip at the dock's end, one click to open): at 1280×720 the dock
 * cannot give four tables a readable width, and the charts are the one view nothing else reads.
 */
export const DEFAULT_LAYOUT: LayoutState = { sizes: {}, collapsed: ['charts'] };

export function loadLayout(): LayoutState {
  const stored = readStored(LAYOUT_STORAGE_KEY, storedLayoutSchema);
  return stored ? { sizes: stored.sizes, collapsed: [...new Set(stored.collapsed)] } : DEFAULT_LAYOUT;
}

export function saveLayout(state: LayoutState): void {
  writeStored(LAYOUT_STORAGE_KEY, { version: LAYOUT_VERSION, ...state });
}

export const weightOf = (node: LayoutNode, sizes: Record<string, number>): number => sizes[nodeKey(node)] ?? node.weight;
