/**
 * Conntrack behaviour that differs between the kernel profiles (5.7 and 5.8, the talk's era, and
 * a current one). Kept beside the trackers that read it; each flag names the kernel change.
 */
import type { ProfileName } from '../profile';

export interface CtBehaviour {
  /**
   * nf_conntrack_udp_packet(): the stream timeout and IPS_ASSURED only once 2 s have passed
   * since the entry was created (ct->proto.udp.stream_ts, added after 5.7). 5.7 applies the
   * stream timeout and ASSURED on the first packet seen after the reply.
   */
  udpStreamAfter2s: boolean;
  /**
   * nf_ct_nat(): after DNAT in the original direction, run a SRC null binding so a DNAT'ed
   * tuple that collides with an existing connection gets a new source port ("act_ct: handle
   * DNAT tuple collision", v6.0; tc-testing 3992). In 5.7 such a collision fails at confirm.
   */
  dnatSrcNullBinding: boolean;
  /**
   * tcp_in_window() as rewritten after 5.7 (nf_tcp_store_invalid): out-of-window segments
   * below the lower bound are ignored (accepted, no state change) instead of invalid, a
   * sender overshooting the window but acceptable otherwise is ignored, and an invalid
   * FIN/RST seen from both sides lowers the timeout (nf_tcp_handle_invalid). In 5.7 every
   * failed check makes the packet invalid.
   */
  tcpIgnoreBelowWindow: boolean;
  /** nf_conntrack_tcp_packet(): a retransmitted SYN in SYN_SENT does not renew the timeout (added after 5.7). */
  tcpSynRetransKeepsTimeout: boolean;
  /**
   * nf_conntrack_events=2, the default since v5.19 ("netfilter: conntrack: add
   * nf_conntrack_events autodetect mode"): an entry gets the event extension only if a
   * ctnetlink listener ran when it was created, so entries older than `conntrack -E` report
   * nothing, not even their destruction. 5.7 (value 1) gives every entry the extension.
   */
  eventsAutodetect: boolean;
  /**
   * ctnetlink_ct_stat_cpu_fill_info() sends CTA_STATS_IGNORE, so `conntrack -S` prints
   * `ignore=` (removed in v5.10, "netfilter: conntrack: remove ignore stats").
   */
  statsIgnore: boolean;
  /**
   * ctnetlink deletes offloaded entries (v6.4, "netfilter: ctnetlink: Support offloaded
   * conntrack entry deletion"). Before, ctnetlink_del_conntrack() answered EBUSY for an
   * IPS_OFFLOAD entry and ctnetlink_flush_iterate() skipped it.
   */
  ctnetlinkDeletesOffloaded: boolean;
}

/** 5.7 and 5.8: every change above came later. Frozen, as the profiles are. */
const TALK_ERA: CtBehaviour = Object.freeze({
  udpStreamAfter2s: false,
  dnatSrcNullBinding: false,
  tcpIgnoreBelowWindow: false,
  tcpSynRetransKeepsTimeout: false,
  eventsAutodetect: false,
  statsIgnore: true,
  ctnetlinkDeletesOffloaded: false,
});

export const CT_BEHAVIOUR: Readonly<Record<ProfileName, CtBehaviour>> = Object.freeze({
  '5.7': TALK_ERA,
  '5.8': TALK_ERA,
  '6.12': Object.freeze({
    udpStreamAfter2s: true,
    dnatSrcNullBinding: true,
    tcpIgnoreBelowWindow: true,
    tcpSynRetransKeepsTimeout: true,
    eventsAutodetect: true,
    statsIgnore: false,
    ctnetlinkDeletesOffloaded: true,
  }),
});
