/**
 * nf_conntrack: the connection table (all zones), per-protocol trackers, NAT, timeouts.
 *
 * CONTRACT (used by act_ct, the flowtable, renderers and the simulator). Entries are
 * addressed by a slot number (`ct`, an index into struct-of-arrays storage, reused after the
 * entry is freed) and carry a `ctId` that is never reused (for events and the UI).
 */
import type { Env } from '../env';
import type { Packet } from '../model/packet';
import type { Label, Masked, MaskedLabel, NatSpec } from '../script/ast';

/** enum ip_conntrack_status bits (include/uapi/linux/netfilter/nf_conntrack_common.h). */
export const IPS_EXPECTED = 1 << 0;
export const IPS_SEEN_REPLY = 1 << 1;
export const IPS_ASSURED = 1 << 2;
export const IPS_CONFIRMED = 1 << 3;
export const IPS_SRC_NAT = 1 << 4;
export const IPS_DST_NAT = 1 << 5;
export const IPS_NAT_MASK = IPS_SRC_NAT | IPS_DST_NAT;
export const IPS_SEQ_ADJUST = 1 << 6;
export const IPS_SRC_NAT_DONE = 1 << 7;
export const IPS_DST_NAT_DONE = 1 << 8;
export const IPS_DYING = 1 << 9;
export const IPS_FIXED_TIMEOUT = 1 << 10;
export const IPS_NAT_CLASH = 1 << 12;
export const IPS_OFFLOAD = 1 << 14;
export const IPS_HW_OFFLOAD = 1 << 15;

export const DIR_ORIGINAL = 0;
export const DIR_REPLY = 1;
export type Dir = 0 | 1;

/** enum tcp_conntrack, in kernel order. */
export const enum TcpState {
  NONE = 0,
  SYN_SENT,
  SYN_RECV,
  ESTABLISHED,
  FIN_WAIT,
  CLOSE_WAIT,
  LAST_ACK,
  TIME_WAIT,
  CLOSE,
  SYN_SENT2,
}

export interface CtTuple {
  proto: number;
  src: number;
  dst: number;
  /** TCP/UDP ports; for ICMP sport is the echo id and dport is (type << 8) | code. */
  sport: number;
  dport: number;
}

export type NfVerdict = 'accept' | 'drop';

export type DestroyReason = 'expired' | 'killed' | 'unconfirmed' | 'flush';

export class Conntrack {
  constructor(readonly env: Env) {}

  /**
   * nf_conntrack_in() for one packet in `zone` (resolve_normal_ct + the L4 tracker).
   * Finds the entry (original or reply direction), or creates an unconfirmed one when the
   * L4 tracker allows a new connection; RELATED for ICMP errors quoting a known connection.
   * Sets pkt.meta.ct / pkt.meta.ctinfo; an invalid packet leaves pkt.meta.ct = -1.
   * Emits ct.lookup (and ct.new / ct.state). Returns 'drop' only where the kernel returns NF_DROP.
   */
  in(_pkt: Packet, _zone: number): NfVerdict {
    throw new Error('not implemented');
  }

  /** nf_ct_nat() as act_ct calls it for the packet's attached entry (kernel-facts §f); mangles the packet. */
  nat(_pkt: Packet, _spec: NatSpec, _commit: boolean): NfVerdict {
    throw new Error('not implemented');
  }

  /** act_ct commit: set mark/labels (tcf_ct_act_set_mark/labels), then nf_conntrack_confirm(). */
  commit(_pkt: Packet, _mark: Masked | undefined, _label: MaskedLabel | undefined): NfVerdict {
    throw new Error('not implemented');
  }

  /** The skb is gone (delivered or dropped): an unconfirmed entry attached to it is destroyed. */
  releaseSkb(_pkt: Packet): void {
    throw new Error('not implemented');
  }

  /** nf_ct_kill(): removes a confirmed entry now. */
  kill(_ct: number, _reason: DestroyReason): void {
    throw new Error('not implemented');
  }

  // ---- accessors (cheap, no allocation) --------------------------------------------------
  ctId(_ct: number): number {
    throw new Error('not implemented');
  }
  zone(_ct: number): number {
    throw new Error('not implemented');
  }
  proto(_ct: number): number {
    throw new Error('not implemented');
  }
  status(_ct: number): number {
    throw new Error('not implemented');
  }
  setStatus(_ct: number, _bits: number): void {
    throw new Error('not implemented');
  }
  clearStatus(_ct: number, _bits: number): void {
    throw new Error('not implemented');
  }
  tcpState(_ct: number): TcpState {
    throw new Error('not implemented');
  }
  mark(_ct: number): number {
    throw new Error('not implemented');
  }
  label(_ct: number): Label {
    throw new Error('not implemented');
  }
  isConfirmed(_ct: number): boolean {
    throw new Error('not implemented');
  }
  /** Whether the slot holds a live entry (not freed, not dying). */
  isAlive(_ct: number): boolean {
    throw new Error('not implemented');
  }
  /** Tuple of one direction (allocates: for renderers, events and hardware rules, not per packet). */
  tuple(_ct: number, _dir: Dir): CtTuple {
    throw new Error('not implemented');
  }
  /** Absolute expiry time (µs). */
  timeoutAt(_ct: number): number {
    throw new Error('not implemented');
  }
  setTimeoutAt(_ct: number, _at: number): void {
    throw new Error('not implemented');
  }
  /** Per-direction BE_LIBERAL (act_ct sets it on both directions when it adds a TCP flow). */
  setTcpBeLiberal(_ct: number): void {
    throw new Error('not implemented');
  }
  /**
   * flow_offload_fixup_ct(): the flowtable hands the entry back to conntrack (kernel-facts
   * §c.5 and the talk-era variant). 'pickup' (5.7): TCP state forced to ESTABLISHED, window
   * maxwin cleared, timeout lowered to 120 s (TCP) / 30 s (UDP) if larger.
   * 'state-minus-offload' (current): timeout lowered to timeouts[state] - offloadTimeoutSec
   * (UDP: stream timeout - offloadTimeoutSec), clamped at 0, only if that is lower.
   */
  offloadFixup(_ct: number, _mode: 'pickup' | 'state-minus-offload', _offloadTimeoutSec: number): void {
    throw new Error('not implemented');
  }
  /** nf_ct_acct_add: add packets/bytes to one direction's counters. */
  acct(_ct: number, _dir: Dir, _packets: number, _bytes: number): void {
    throw new Error('not implemented');
  }

  // ---- table-wide ---------------------------------------------------------------------
  /** Confirmed, unexpired entries. */
  count(): number {
    throw new Error('not implemented');
  }
  /** Calls fn for each confirmed, unexpired entry, oldest first (expired ones are reaped first). */
  forEach(_fn: (ct: number) => void): void {
    throw new Error('not implemented');
  }
  /** conntrack -F: removes every confirmed entry (offloaded ones included, as the kernel does). */
  flush(): void {
    throw new Error('not implemented');
  }
  /** Called just before an entry is freed (the flowtable listens to tear its flow down). */
  onDestroy: (ct: number) => void = () => {};
}
