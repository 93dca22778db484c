/**
 * Dots in flight: each packet of a batch becomes a flight along its hops (paths.ts), placed on
 * the layout's geometry. Plain TypeScript, no DOM: the motion layer asks where every dot is at
 * a given time and draws them; this module decides the timing (how long a packet stays on
 * screen at the chosen speed, how hops share it, a miss's fall taking longer) and reports the
 * hops a dot reached so their rows light up.
 */
import type { SimEvent } from '../../engine/events';
import { byPacket, journeyCt } from '../../worker/packetlog';
import type { Layout, LaidNode } from '../graph/layout';
import { connectionKey, hueOf, journeyHops, type Hop } from './paths';

export interface Point {
  x: number;
  y: number;
  hop: Hop;
}

export interface Flight {
  pkt: number;
  /** The conntrack entry the packet belongs to (0: none), to mark a selected connection's dots. */
  ct: number;
  hue: number;
  points: Point[];
  /** Cumulative share of the flight's duration at which each point is reached (0…1). */
  at: number[];
  t0: number;
  dur: number;
  /** Time after the end until which the dot stays (a drop, the last packet). */
  linger: number;
  /** Index of the last point reported as reached. */
  reached: number;
}

export interface DotState {
  pkt: number;
  ct: number;
  x: number;
  y: number;
  hue: number;
  hw: boolean;
  /** The hop just reached or being left. */
  hop: Hop;
  badge?: string;
  alpha: number;
  dropped: boolean;
}

/** Weight of a segment ending at a hop: a miss's fall to software is slower, to be seen. */
function weight(to: Hop): number {
  return to.kind === 'resume' ? 2 : to.kind === 'drop' ? 0.6 : 1;
}

export class Geometry {
  private readonly byId = new Map<string, LaidNode>();

  constructor(layout: Layout) {
    for (const n of layout.nodes) this.byId.set(n.id, n);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Where a dot stands at a hop: on the filter's row, else the node's centre; null if the node is not drawn. */
  point(hop: Hop): { x: number; y: number } | null {
    const n = this.byId.get(hop.node);
    if (!n) return null;
    const rowY = hop.row !== undefined ? n.rows?.[hop.row] : undefined;
    if (rowY !== undefined) return { x: n.x + 16, y: n.y + rowY };
    return { x: n.x + n.w / 2, y: n.y + n.h / 2 };
  }
}

/** Places a packet's hops; hops at nodes not drawn are skipped. */
export function placeFlight(pkt: number, ct: number, summary: string, hops: Hop[], geo: Geometry, t0: number, dur: number): Flight | null {
  const points: Point[] = [];
  for (const hop of hops) {
    const p = geo.point(hop);
    if (p) points.push({ ...p, hop });
  }
  if (points.length === 0) return null;
  const w = points.map((p, i) => (i === 0 ? 0 : weight(p.hop)));
  const total = w.reduce((a, b) => a + b, 0) || 1;
  let acc = 0;
  const at = w.map((x) => (acc += x) / total);
  const dropped = points[points.length - 1].hop.kind === 'drop';
  return { pkt, ct, hue: hueOf(connectionKey(summary)), points, at, t0, dur, linger: dropped ? Math.max(1500, dur) : 250, reached: -1 };
}

/** Flights for a batch's packets, spread over `window` ms from `now` so many packets do not start at once. */
export function flightsOf(events: readonly SimEvent[], geo: Geometry, now: number, window: number, maxDots: number): Flight[] {
  const groups = [...byPacket(events)];
  const picked = groups.length > maxDots ? groups.slice(groups.length - maxDots) : groups;
  const n = picked.length;
  const dur = n > 1 ? window * 0.6 : window * 0.85;
  const out: Flight[] = [];
  picked.forEach(([pkt, list], i) => {
    const inject = list.find((e) => e.kind === 'packet.inject');
    const f = placeFlight(pkt, journeyCt(list), inject?.kind === 'packet.inject' ? inject.summary : String(pkt), journeyHops(list), geo, now + (n > 1 ? (window * 0.35 * i) / n : 0), dur);
    if (f) out.push(f);
  });
  return out;
}

const ease = (u: number) => (u < 0.5 ? 2 * u * u : 1 - 2 * (1 - u) * (1 - u));

/**
 * Where a flight's dot is at `now`: null before it starts or after it is gone. `steps` (reduced
 * motion) puts the dot on its hops without moving between them.
 */
export function dotAt(f: Flight, now: number, steps: boolean): DotState | null {
  if (now < f.t0 || now > f.t0 + f.dur + f.linger) return null;
  const u = Math.min(1, (now - f.t0) / f.dur);
  let i = 0;
  while (i < f.at.length - 1 && f.at[i + 1] <= u) i++;
  const a = f.points[i];
  const b = f.points[Math.min(i + 1, f.points.length - 1)];
  const span = f.at[Math.min(i + 1, f.at.length - 1)] - f.at[i];
  const local = steps || span <= 0 ? 0 : ease((u - f.at[i]) / span);
  let badge: string | undefined;
  for (let k = 0; k <= i; k++) if (f.points[k].hop.badge) badge = f.points[k].hop.badge;
  // Falling from hardware to software, the dot already carries what the driver restored.
  if (local > 0 && b.hop.kind === 'resume') badge = b.hop.badge;
  const last = f.points[f.points.length - 1].hop;
  const end = f.t0 + f.dur;
  const fade = now > end && last.kind !== 'drop' ? 1 - (now - end) / f.linger : 1;
  // A hop that ends in software after a hardware one: the dot is in the lane it travels to.
  const hw = (local > 0.5 ? b : a).hop.lane === 'hw';
  return {
    pkt: f.pkt,
    ct: f.ct,
    x: a.x + (b.x - a.x) * local,
    y: a.y + (b.y - a.y) * local,
    hue: f.hue,
    hw,
    hop: a.hop,
    ...(badge ? { badge } : {}),
    alpha: Math.max(0, fade),
    dropped: a.hop.kind === 'drop',
  };
}

/** Points reached since the last call (the rows to light), advancing `f.reached`. */
export function newlyReached(f: Flight, now: number): Point[] {
  const u = Math.min(1, (now - f.t0) / f.dur);
  const out: Point[] = [];
  while (f.reached + 1 < f.points.length && f.at[f.reached + 1] <= u) out.push(f.points[++f.reached]);
  return out;
}
