import type { Family } from '../model/addr';
/**
 * Conntrack constants and types shared by the table, the trackers and NAT (re-exported by
 * conntrack.ts, which is what other subsystems import).
 */

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

/** Status bit names in bit order, for events. */
export const STATUS_NAMES: readonly [number, string][] = [
  [IPS_EXPECTED, 'EXPECTED'],
  [IPS_SEEN_REPLY, 'SEEN_REPLY'],
  [IPS_ASSURED, 'ASSURED'],
  [IPS_CONFIRMED, 'CONFIRMED'],
  [IPS_SRC_NAT, 'SRC_NAT'],
  [IPS_DST_NAT, 'DST_NAT'],
  [IPS_SEQ_ADJUST, 'SEQ_ADJUST'],
  [IPS_SRC_NAT_DONE, 'SRC_NAT_DONE'],
  [IPS_DST_NAT_DONE, 'DST_NAT_DONE'],
  [IPS_DYING, 'DYING'],
  [IPS_FIXED_TIMEOUT, 'FIXED_TIMEOUT'],
  [IPS_NAT_CLASH, 'NAT_CLASH'],
  [IPS_OFFLOAD, 'OFFLOAD'],
  [IPS_HW_OFFLOAD, 'HW_OFFLOAD'],
];

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

/** tcp_conntrack_names[]. */
export const TCP_STATE_NAMES: readonly string[] = [
  'NONE',
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'TIME_WAIT',
  'CLOSE',
  'SYN_SENT2',
];

export interface CtTuple {
  /** l3num: 4 or 6 (IPv6 addresses are ids, model/addr6.ts). */
  family: Family;
  proto: number;
  src: number;
  dst: number;
  /** TCP/UDP ports; for ICMP sport is the echo id and dport is (type << 8) | code. */
  sport: number;
  dport: number;
}

export type NfVerdict = 'accept' | 'drop';

/** Why an entry was destroyed ('replaced': a SYN reopened a closed connection's tuple). */
export type DestroyReason = 'expired' | 'killed' | 'unconfirmed' | 'flush' | 'replaced';
