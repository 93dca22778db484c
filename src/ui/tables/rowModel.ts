/**
 * The conntrack table's row view-model: a pure function of a worker row and the virtual time
 * on screen. Cells as conntrack-tools names them, the NAT rewrites (where the reply tuple is
 * not the original one inverted), and the three timers as countdowns from absolute virtual
 * times: the conntrack timeout, the flowtable timeout and the hardware entry's aging (last use
 * + the flowtable timeout, `sim hw-aging`). A timer that moved later since the previous window
 * was refreshed by traffic: the view shows the reset.
 */
import type { Micros } from '../../engine/clock';
import type { TupleView } from '../../engine/events';
import type { ConntrackRow, FlowHwState } from '../../worker/protocol';

/** Which parts of the reply tuple differ from the original inverted (a NAT rewrite). */
export interface NatDiff {
  /** Reply source ≠ original destination: DNAT (the server's real address). */
  src: boolean;
  /** Reply destination ≠ original source: SNAT (the masquerade address). */
  dst: boolean;
  sport: boolean;
  dport: boolean;
}

export function natDiff(orig: TupleView, reply: TupleView): NatDiff {
  return {
    src: reply.src !== orig.dst,
    dst: reply.dst !== orig.src,
    sport: reply.sport !== orig.dport,
    dport: reply.dport !== orig.sport,
  };
}

export const hasNat = (d: NatDiff): boolean => d.src || d.dst || d.sport || d.dport;

/** One countdown: when it runs out, and how much is left at `now` (never negative). */
export interface Countdown {
  at: Micros;
  leftUs: number;
}

export type TimerName = 'ct' | 'ft' | 'hw';

export interface RowTimers {
  /** nf_conntrack timeout; null while the flowtable owns the entry ([OFFLOAD]). */
  ct: Countdown | null;
  /** The flow's timeout in its zone's flowtable; null without a flow. */
  ft: Countdown | null;
  /** Hardware aging: the CT entry's last use + the aging time; null when not in the NIC. */
  hw: Countdown | null;
  /** Time since the hardware entry was last used. */
  hwIdleUs: number | null;
}

const countdown = (at: Micros, now: Micros): Countdown => ({ at, leftUs: Math.max(0, at - now) });

export function rowTimers(row: ConntrackRow, now: Micros): RowTimers {
  return {
    ct: row.expiresAt === null ? null : countdown(row.expiresAt, now),
    ft: row.flow === null ? null : countdown(row.flow.timeoutAt, now),
    hw: row.hwLastUsed === null ? null : countdown(row.hwLastUsed + row.hwAgingUs, now),
    hwIdleUs: row.hwLastUsed === null ? null : Math.max(0, now - row.hwLastUsed),
  };
}

/** Whole seconds left, as `conntrack -L` prints a timeout. */
export function countdownText(c: Countdown | null): string {
  return c === null ? '' : `${Math.floor(c.leftUs / 1_000_000)} s`;
}

/**
 * Timers that moved later between two reads of the same entry: traffic refreshed them (a
 * packet through conntrack, a flowtable refresh, a hardware hit). Comparing the absolute
 * times, not the countdowns, so time passing is never taken for a reset.
 */
export function resetTimers(prev: ConntrackRow | undefined, row: ConntrackRow): TimerName[] {
  if (!prev || prev.id !== row.id) return [];
  const out: TimerName[] = [];
  if (row.expiresAt !== null && prev.expiresAt !== null && row.expiresAt > prev.expiresAt) out.push('ct');
  if (row.flow && prev.flow && row.flow.timeoutAt > prev.flow.timeoutAt) out.push('ft');
  if (row.hwLastUsed !== null && prev.hwLastUsed !== null && row.hwLastUsed > prev.hwLastUsed) out.push('hw');
  return out;
}

/** Seconds before expiry over which a row fades out. */
export const FADE_US = 5_000_000;

/**
 * Opacity of a row whose entry is about to expire: 1 until FADE_US before its deadline — the
 * conntrack timeout, or the flowtable's for an offloaded entry (its expiry hands it back to
 * conntrack rather than deleting it, so that one does not fade) — then down to 0.25.
 */
export function rowOpacity(t: RowTimers): number {
  if (t.ct === null) return 1;
  return 0.25 + 0.75 * Math.min(1, t.ct.leftUs / FADE_US);
}

/** `[UNREPLIED] [ASSURED] [OFFLOAD] [HW_OFFLOAD]`, as conntrack -L writes them. */
export function flagsText(flags: readonly string[]): string {
  return flags.map((f) => `[${f}]`).join(' ');
}

/** The flow's hardware state in words. */
export const FLOW_HW_TEXT: Record<FlowHwState, string> = {
  pending: 'pending',
  hw: 'in hardware',
  dying: 'dying',
  dead: 'out of hardware',
  teardown: 'teardown',
  sw: 'software',
};

/** Packets and bytes per direction, `orig / reply`; empty without accounting. */
export function countersText(pair: [number, number] | null): string {
  return pair === null ? '' : `${pair[0]} / ${pair[1]}`;
}

/** The cells of one row, as the table shows them. */
export interface RowCells {
  id: number;
  zone: number;
  proto: string;
  state: string;
  orig: TupleView;
  reply: TupleView;
  nat: NatDiff;
  flags: string;
  mark: string;
  label: string;
  packets: string;
  bytes: string;
  timers: RowTimers;
  opacity: number;
}

export function rowCells(row: ConntrackRow, now: Micros): RowCells {
  const timers = rowTimers(row, now);
  return {
    id: row.id,
    zone: row.zone,
    proto: row.proto,
    state: row.state,
    orig: row.orig,
    reply: row.reply,
    nat: natDiff(row.orig, row.reply),
    flags: flagsText(row.flags),
    mark: row.mark === 0 ? '0' : `0x${row.mark.toString(16)}`,
    label: row.label,
    packets: countersText(row.packets),
    bytes: countersText(row.bytes),
    timers,
    opacity: rowOpacity(timers),
  };
}
