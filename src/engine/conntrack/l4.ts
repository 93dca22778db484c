/**
 * What the per-protocol trackers (tcp.ts, udp.ts, icmp.ts, generic.ts) may do to the table:
 * the narrow interface of struct nf_conntrack_l4proto's packet handlers.
 */
import type { Env } from '../env';
import type { Packet } from '../model/packet';
import type { CtBehaviour } from './behaviour';
import type { CtStore } from './storage';
import type { DestroyReason, Dir } from './types';

/** Packet handler results: NF_ACCEPT, -NF_ACCEPT (invalid: the skb loses its ct), -NF_REPEAT. */
export const L4_INVALID = 0;
export const L4_ACCEPT = 1;
export const L4_REPEAT = 2;
export type L4Verdict = typeof L4_INVALID | typeof L4_ACCEPT | typeof L4_REPEAT;

export interface L4Host {
  readonly store: CtStore;
  readonly env: Env;
  readonly behaviour: CtBehaviour;
  /** Each TCP state's timeout sysctl (s), by enum tcp_conntrack (SYN_SENT2: its fixed 120 s). */
  readonly tcpStateTimeout: readonly number[];
  /** nf_ct_refresh_acct(): new timeout (unless IPS_FIXED_TIMEOUT) and accounting. */
  refreshAcct(slot: number, dir: Dir, pkt: Packet, timeoutSec: number): void;
  /** Sets the absolute expiry (µs), e.g. when a tracker lowers it. */
  setTimeoutAt(slot: number, at: number): void;
  /** nf_ct_acct_update() alone. */
  account(slot: number, dir: Dir, pkt: Packet): void;
  /** nf_ct_kill(). */
  kill(slot: number, reason: DestroyReason): void;
  /** Why the packet was invalid or ignored; trackers set it, events show it. */
  reason: string;
}
