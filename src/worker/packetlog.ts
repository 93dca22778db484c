/**
 * The event list: one row per packet the scenario sent (every scripted packet, and the traced
 * sample of generated traffic), with its whole journey kept while the budget lasts. A packet's
 * path class is read from its events (classifyJourney), the same classes the engine counts
 * (src/engine/path.ts); a test holds the two together.
 */
import type { SimEvent } from '../engine/events';
import { PATH_NAMES, type PathClassName } from '../engine/path';
import type { PacketFilterSpec, PacketRow } from './protocol';

/** Events kept for the inspector; journeys past this are rebuilt by replay when asked for. */
export const JOURNEY_EVENT_BUDGET = 300_000;
/** Rows kept in the event list. */
export const MAX_PACKET_ROWS = 200_000;

/** software: never walked the NIC's tables; hardware: finished there; miss: resumed in software. */
export function classifyJourney(events: readonly SimEvent[]): PathClassName {
  let inHw = false;
  let missed = false;
  for (const e of events) {
    if (e.kind === 'packet.drop') return 'dropped';
    if (e.kind === 'hw.miss') missed = true;
    else if (e.kind === 'packet.arrive' && e.where === 'hw') inHw = true;
  }
  return missed ? 'miss' : inHw ? 'hardware' : 'software';
}

/** Groups a step's events by packet (in order of first appearance), leaving out packet 0. */
export function byPacket(events: readonly SimEvent[]): Map<number, SimEvent[]> {
  const out = new Map<number, SimEvent[]>();
  for (const e of events) {
    if (e.pkt === 0) continue;
    let list = out.get(e.pkt);
    if (!list) out.set(e.pkt, (list = []));
    list.push(e);
  }
  return out;
}

/**
 * The conntrack entry (ctnetlink id) a packet belongs to, 0 for none: the first one found or
 * created for it — by conntrack, by a flowtable hit (the fast path skips conntrack), or by the
 * hardware CT table for a packet that never left the NIC.
 */
export function journeyCt(events: readonly SimEvent[]): number {
  for (const e of events) {
    if ((e.kind === 'ct.lookup' || (e.kind === 'ft.lookup' && e.hit)) && e.ctId > 0) return e.ctId;
    if (e.kind === 'hw.table' && e.hit && e.ctId !== undefined && e.ctId > 0) return e.ctId;
  }
  return 0;
}

export function packetRow(pkt: number, events: readonly SimEvent[], step: number, line: number): PacketRow | null {
  const inject = events.find((e) => e.kind === 'packet.inject');
  if (!inject || inject.kind !== 'packet.inject') return null;
  let verdict: PacketRow['verdict'] = 'none';
  let end = '';
  for (const e of events) {
    if (e.kind === 'packet.deliver' && verdict === 'none') {
      verdict = 'deliver';
      end = e.to === 'vm' ? `${e.target} (via ${e.dev})` : e.to === 'wire' ? `wire (via ${e.dev})` : e.target;
    } else if (e.kind === 'packet.drop' && verdict === 'none') {
      verdict = 'drop';
      end = e.reason;
    }
  }
  return { pkt, step, t: inject.t, line: line || inject.line, dev: inject.dev, summary: inject.summary, path: classifyJourney(events), verdict, end, ct: journeyCt(events) };
}

export function matches(row: PacketRow, f: PacketFilterSpec | undefined): boolean {
  if (!f) return true;
  return (
    (f.path === undefined || row.path === f.path) &&
    (f.dev === undefined || row.dev === f.dev) &&
    (f.ct === undefined || row.ct === f.ct) &&
    (f.verdict === undefined || row.verdict === f.verdict)
  );
}

export class PacketLog {
  private readonly rows: PacketRow[] = [];
  private readonly journeys = new Map<number, SimEvent[]>();
  private kept = 0;
  /** Rows left out once MAX_PACKET_ROWS was reached. */
  dropped = 0;

  /** Adds the packets of step `step` (called once per step, in step order). */
  addStep(step: number, line: number, events: readonly SimEvent[]): void {
    for (const [pkt, list] of byPacket(events)) {
      const row = packetRow(pkt, list, step, line);
      if (!row) continue;
      if (this.rows.length >= MAX_PACKET_ROWS) {
        this.dropped++;
        continue;
      }
      this.rows.push(row);
      if (this.kept + list.length <= JOURNEY_EVENT_BUDGET) {
        this.journeys.set(pkt, list);
        this.kept += list.length;
      }
    }
  }

  /** Forgets the packets of steps after `step`. */
  truncate(step: number): void {
    while (this.rows.length && this.rows[this.rows.length - 1].step > step) {
      const row = this.rows.pop()!;
      const j = this.journeys.get(row.pkt);
      if (j) this.kept -= j.length;
      this.journeys.delete(row.pkt);
    }
  }

  /** Rows of packets sent by step `upTo`, filtered, a window of them, and counts by class. */
  window(upTo: number, offset: number, limit: number, filter?: PacketFilterSpec): { total: number; rows: PacketRow[]; counts: Record<PathClassName, number> } {
    const counts = Object.fromEntries(PATH_NAMES.map((n) => [n, 0])) as Record<PathClassName, number>;
    const picked: PacketRow[] = [];
    let total = 0;
    for (const row of this.rows) {
      if (row.step > upTo) break;
      counts[row.path]++;
      if (!matches(row, filter)) continue;
      if (total >= offset && picked.length < limit) picked.push(row);
      total++;
    }
    return { total, rows: picked, counts };
  }

  /** The first `limit` packets sent in steps (from, to]. */
  between(from: number, to: number, limit: number): PacketRow[] {
    const out: PacketRow[] = [];
    for (const row of this.rows) {
      if (row.step > to || out.length >= limit) break;
      if (row.step > from) out.push(row);
    }
    return out;
  }

  row(pkt: number): PacketRow | undefined {
    return this.rows.find((r) => r.pkt === pkt);
  }

  journey(pkt: number): SimEvent[] | undefined {
    return this.journeys.get(pkt);
  }
}
