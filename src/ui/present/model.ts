/**
 * Presenter mode's view-model, pure: where each checkpoint puts the cursor, which checkpoint
 * the cursor is at, where next and previous go, and which graph nodes a checkpoint brings into
 * view. `cursors[k - 1]` is checkpoint k's cursor: the step that ends its last command, as the
 * worker's `lineEnds` query reports it. Checkpoint 0 is the start (step 0): the title card.
 */
import type { SimEvent } from '../../engine/events';
import type { Focus } from '../../engine/script/narration';
import { ANY, CONNTRACK_ID, flowtableId, hwChainId, portId, swChainId } from '../graph/layout';
import { journeyHops } from '../motion/paths';

/** The step checkpoint `k` puts the cursor at (0 for the start). */
export function cursorOf(cursors: readonly number[], k: number): number {
  return k <= 0 ? 0 : cursors[Math.min(k, cursors.length) - 1];
}

/** The last checkpoint whose cursor the cursor has reached (0 before the first). */
export function checkpointAt(cursors: readonly number[], step: number): number {
  let k = 0;
  while (k < cursors.length && cursors[k] <= step) k++;
  return k;
}

/** The first checkpoint ahead of the cursor, or null at the last one. */
export function nextCheckpoint(cursors: readonly number[], step: number): number | null {
  const k = cursors.findIndex((c) => c > step);
  return k < 0 ? null : k + 1;
}

/** The last checkpoint behind the cursor (0: the start), or null at the start. */
export function previousCheckpoint(cursors: readonly number[], step: number): number | null {
  if (step <= 0) return null;
  let k = cursors.length;
  while (k > 0 && cursors[k - 1] >= step) k--;
  return k;
}

/** The steps (from, to] whose packets belong to checkpoint k (the setup goes with the first). */
export function stepsOf(cursors: readonly number[], k: number): { from: number; to: number } {
  return { from: cursorOf(cursors, k - 1), to: cursorOf(cursors, k) };
}

export function counterText(k: number, n: number): string {
  return k === 0 ? `Start · ${n} checkpoint${n === 1 ? '' : 's'}` : `Checkpoint ${k} of ${n}`;
}

/**
 * Node patterns (graph/layout.ts ids; `*` stands for one id part) for a `## focus:`.
 * A device is its port and its chains in both lanes; with a chain, that chain in both lanes.
 */
export function focusPatterns(focus: Focus): string[] {
  switch (focus.kind) {
    case 'device':
      return focus.chain === undefined ? [portId(focus.dev), hwChainId(focus.dev, ANY), swChainId(focus.dev, ANY, ANY)] : [hwChainId(focus.dev, focus.chain), swChainId(focus.dev, ANY, focus.chain)];
    case 'conntrack':
      return [CONNTRACK_ID];
    case 'flowtable':
      return [flowtableId(ANY)];
    case 'hw':
      return ['lane:hw'];
  }
}

/** The graph nodes the packets of these events visit (each packet's journey, as the dots travel it). */
export function touchedNodes(events: readonly SimEvent[]): string[] {
  const byPkt = new Map<number, SimEvent[]>();
  for (const e of events) {
    if (e.pkt === 0) continue;
    const list = byPkt.get(e.pkt);
    if (list) list.push(e);
    else byPkt.set(e.pkt, [e]);
  }
  const nodes = new Set<string>();
  for (const journey of byPkt.values()) for (const hop of journeyHops(journey)) nodes.add(hop.node);
  return [...nodes];
}

/** What a checkpoint brings into view: its `## focus:`, else the nodes its packets touch (none: the whole graph). */
export function checkpointFocus(focus: Focus | undefined, events: readonly SimEvent[]): string[] {
  return focus ? focusPatterns(focus) : touchedNodes(events);
}
