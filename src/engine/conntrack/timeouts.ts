/**
 * Timeouts and garbage collection.
 *
 * The kernel keeps one absolute `ct->timeout` per entry and a gc_worker that walks the table
 * and reaps entries for which nf_ct_is_expired() holds. Here an expiry wheel of 1-second slots
 * plays gc_worker: each confirmed entry is filed in the slot of the second at or after its
 * expiry, in an intrusive doubly linked list (store.wheelPrev/Next). Refreshes that push the
 * expiry later (every packet) leave the entry where it is; when its slot comes due it is
 * re-filed (lazy re-insertion), so the per-packet cost is one comparison. One clock timer is
 * armed, only for the earliest non-empty slot: an idle table with nothing due arms nothing,
 * and sleeping five days over it fires one timer per second that actually holds entries.
 */
import { US_PER_SEC, type Clock, type TimerHandle, type TimerOwner } from '../clock';
import { NumberHeap } from '../heap';
import type { SysctlKey } from '../sysctl';
import type { TcpState } from './types';
import { F_WHEEL, type CtStore } from './storage';
import { H8, H32, H_FLAGS, H_WHEEL_NEXT, H_WHEEL_PREV, H_WHEEL_SEC } from './storage';

/** tcp_timeouts[] sysctls by state (SYN_SENT2 has no sysctl: 2 minutes). */
export const TCP_STATE_TIMEOUT: readonly (SysctlKey | null)[] = [
  null, // NONE
  'net.netfilter.nf_conntrack_tcp_timeout_syn_sent',
  'net.netfilter.nf_conntrack_tcp_timeout_syn_recv',
  'net.netfilter.nf_conntrack_tcp_timeout_established',
  'net.netfilter.nf_conntrack_tcp_timeout_fin_wait',
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
  'net.netfilter.nf_conntrack_tcp_timeout_last_ack',
  'net.netfilter.nf_conntrack_tcp_timeout_time_wait',
  'net.netfilter.nf_conntrack_tcp_timeout_close',
  null, // SYN_SENT2
];
export const TCP_SYN_SENT2_TIMEOUT_SEC = 120;
export const TCP_TIMEOUT_UNACK: SysctlKey = 'net.netfilter.nf_conntrack_tcp_timeout_unacknowledged';
export const TCP_TIMEOUT_RETRANS: SysctlKey = 'net.netfilter.nf_conntrack_tcp_timeout_max_retrans';
export const UDP_TIMEOUT: SysctlKey = 'net.netfilter.nf_conntrack_udp_timeout';
export const UDP_TIMEOUT_STREAM: SysctlKey = 'net.netfilter.nf_conntrack_udp_timeout_stream';
export const ICMP_TIMEOUT: SysctlKey = 'net.netfilter.nf_conntrack_icmp_timeout';
export const ICMPV6_TIMEOUT: SysctlKey = 'net.netfilter.nf_conntrack_icmpv6_timeout';
export const GENERIC_TIMEOUT: SysctlKey = 'net.netfilter.nf_conntrack_generic_timeout';

/** NF_CT_DAY: nf_ct_offload_timeout() keeps offloaded entries at least half a day from expiry. */
export const NF_CT_DAY_US = 86400 * US_PER_SEC;

export function tcpStateTimeoutKey(state: TcpState): SysctlKey | null {
  return TCP_STATE_TIMEOUT[state] ?? null;
}

const ceilSec = (us: number): number => Math.max(0, Math.ceil(us / US_PER_SEC));

export class ExpiryWheel implements TimerOwner {
  /** Second → first entry of its list; -1 marks a second still in the heap whose list emptied. */
  private readonly heads = new Map<number, number>();
  /** Min-heap of the seconds that are keys of `heads` (each exactly once). */
  private readonly heap = new NumberHeap();
  private armedSec = -1;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly store: CtStore,
    private readonly clock: Clock,
    /** Called for each entry whose slot came due (already unfiled): reap or re-file it. */
    private readonly onDue: (slot: number) => void,
  ) {}

  /** Second the clock timer is armed for, or -1 when none is armed. */
  armedSecond(): number {
    return this.armedSec;
  }

  /**
   * Makes sure the entry is filed no later than the second of `dueUs`: files it when it is
   * not filed, moves it when its slot is later; an earlier slot is left alone (lazy).
   */
  schedule(slot: number, dueUs: number): void {
    const sec = ceilSec(dueUs);
    const s = this.store;
    if (s.h8[slot * H8 + H_FLAGS] & F_WHEEL) {
      if (s.h32[slot * H32 + H_WHEEL_SEC] <= sec) return;
      this.unlink(slot);
    }
    this.link(slot, sec);
    if (this.armedSec < 0 || sec < this.armedSec) this.rearm();
  }

  unlink(slot: number): void {
    const s = this.store;
    if (!(s.h8[slot * H8 + H_FLAGS] & F_WHEEL)) return;
    const prev = s.hi32[slot * H32 + H_WHEEL_PREV];
    const next = s.hi32[slot * H32 + H_WHEEL_NEXT];
    const sec = s.h32[slot * H32 + H_WHEEL_SEC];
    if (prev < 0) this.heads.set(sec, next);
    else s.hi32[prev * H32 + H_WHEEL_NEXT] = next;
    if (next >= 0) s.hi32[next * H32 + H_WHEEL_PREV] = prev;
    s.hi32[slot * H32 + H_WHEEL_PREV] = -1;
    s.hi32[slot * H32 + H_WHEEL_NEXT] = -1;
    s.h8[slot * H8 + H_FLAGS] &= ~F_WHEEL;
    if (sec === this.armedSec && next < 0 && prev < 0) this.rearm();
  }

  /** Calls fn for each entry filed in a slot at or before `sec` (the entries that may be due). */
  forEachFiledUpTo(sec: number, fn: (slot: number) => void): void {
    for (let i = 0; i < this.heap.size; i++) {
      const t = this.heap.at(i);
      if (t > sec) continue;
      for (let slot = this.heads.get(t)!; slot >= 0; slot = this.store.hi32[slot * H32 + H_WHEEL_NEXT]) fn(slot);
    }
  }

  private link(slot: number, sec: number): void {
    const s = this.store;
    const head = this.heads.get(sec);
    s.hi32[slot * H32 + H_WHEEL_PREV] = -1;
    s.h32[slot * H32 + H_WHEEL_SEC] = sec;
    s.h8[slot * H8 + H_FLAGS] |= F_WHEEL;
    if (head === undefined) this.heap.push(sec);
    if (head === undefined || head < 0) {
      s.hi32[slot * H32 + H_WHEEL_NEXT] = -1;
    } else {
      s.hi32[slot * H32 + H_WHEEL_NEXT] = head;
      s.hi32[head * H32 + H_WHEEL_PREV] = slot;
    }
    this.heads.set(sec, slot);
  }

  /** The timer of the earliest second fired: reap or re-file its entries. */
  onTimer(): void {
    this.timer = undefined;
    const sec = this.armedSec;
    // Unlinking one by one keeps the lists consistent whatever onDue does to other entries;
    // onDue always files a live entry in a later second.
    for (let slot = this.heads.get(sec) ?? -1; slot >= 0; slot = this.heads.get(sec) ?? -1) {
      this.unlink(slot);
      this.onDue(slot);
    }
    this.rearm();
  }

  /** Arms the single timer for the earliest second that still holds entries. */
  private rearm(): void {
    while (this.heap.size > 0 && this.heads.get(this.heap.peek()) === -1) {
      this.heads.delete(this.heap.pop());
    }
    const sec = this.heap.size > 0 ? this.heap.peek() : -1;
    if (sec === this.armedSec && (sec < 0 || this.timer)) return;
    this.clock.cancel(this.timer);
    this.timer = undefined;
    this.armedSec = sec;
    if (sec >= 0) this.timer = this.clock.at(sec * US_PER_SEC, 'conntrack gc', this);
  }
}
