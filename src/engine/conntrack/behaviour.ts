/**
 * Conntrack behaviour that differs between the kernel profiles (5.7, the talk's kernel, and a
 * current one). Kept beside the trackers that read it; each flag names the kernel change.
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
}

/** Frozen, as the profiles are (shared, not copied, by a fork). */
export const CT_BEHAVIOUR: Readonly<Record<ProfileName, CtBehaviour>> = Object.freeze({
  '5.7': Object.freeze({
    udpStreamAfter2s: false,
    dnatSrcNullBinding: false,
    tcpIgnoreBelowWindow: false,
    tcpSynRetransKeepsTimeout: false,
  }),
  '6.12': Object.freeze({
    udpStreamAfter2s: true,
    dnatSrcNullBinding: true,
    tcpIgnoreBelowWindow: true,
    tcpSynRetransKeepsTimeout: true,
  }),
});
