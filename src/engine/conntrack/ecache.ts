/**
 * Conntrack events (net/netfilter/nf_conntrack_ecache.c): changes are cached on the entry as
 * IPCT_* bits by nf_conntrack_event_cache() and delivered together by
 * nf_ct_deliver_cached_events(), which only nf_conntrack_confirm() calls — in tc, only a
 * `ct commit` does. IPCT_DESTROY and ctnetlink's own changes are reported at once
 * (nf_conntrack_eventmask_report). ctnetlink_conntrack_event() turns a delivery into a message:
 * DESTROY if IPCT_DESTROY, NEW (NLM_F_CREATE) if IPCT_NEW or IPCT_RELATED, UPDATE otherwise.
 *
 * Not events (no nf_conntrack_event_cache call in the kernel): IPS_OFFLOAD and IPS_HW_OFFLOAD
 * set or cleared by the flowtable, the flowtable's fix-up of state and timeout, timeout
 * refreshes, accounting.
 */

/** enum ip_conntrack_events (include/uapi/linux/netfilter/nf_conntrack_common.h), as bits. */
export const IPCT_NEW = 1 << 0;
export const IPCT_RELATED = 1 << 1;
export const IPCT_DESTROY = 1 << 2;
export const IPCT_REPLY = 1 << 3;
export const IPCT_ASSURED = 1 << 4;
export const IPCT_PROTOINFO = 1 << 5;
export const IPCT_HELPER = 1 << 6;
export const IPCT_MARK = 1 << 7;
export const IPCT_SEQADJ = 1 << 8;
export const IPCT_SECMARK = 1 << 9;
export const IPCT_LABEL = 1 << 10;
export const IPCT_SYNPROXY = 1 << 11;

/**
 * What ctnetlink_new_conntrack() reports after changing an existing entry
 * (ctnetlink_change_conntrack succeeded), whatever changed.
 */
export const CTNETLINK_CHANGE_EVENTS = IPCT_REPLY | IPCT_ASSURED | IPCT_HELPER | IPCT_LABEL | IPCT_PROTOINFO | IPCT_SEQADJ | IPCT_MARK | IPCT_SYNPROXY;

/**
 * Receives each delivered event while the entry is still intact: `events` are the IPCT_* bits,
 * `portid` the netlink port of the process that caused it (0 for the kernel's own). An object,
 * not a closure, so a forked engine keeps it (fork.ts).
 */
export interface CtEventSink {
  ctEvent(slot: number, events: number, portid: number): void;
}
