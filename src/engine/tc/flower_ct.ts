/**
 * The conntrack part of flower's view of a packet: skb_flow_dissect_ct with cls_flower's
 * fl_ct_info_to_flower_map (net/core/flow_dissector.c, net/sched/cls_flower.c), and iproute2's
 * way of writing ct_state (tc/f_flower.c flower_ct_states, flower_print_ct_state).
 */
import type { Conntrack } from '../conntrack/conntrack';
import { CtInfo, type Packet } from '../model/packet';
import {
  CT_FLAG_ESTABLISHED,
  CT_FLAG_INVALID,
  CT_FLAG_NEW,
  CT_FLAG_RELATED,
  CT_FLAG_REPLY,
  CT_FLAG_TRACKED,
} from '../script/ast';

/** iproute2's ct_state words in its print order. */
const CT_STATE_WORDS: ReadonlyArray<readonly [number, string]> = [
  [CT_FLAG_TRACKED, 'trk'],
  [CT_FLAG_NEW, 'new'],
  [CT_FLAG_ESTABLISHED, 'est'],
  [CT_FLAG_RELATED, 'rel'],
  [CT_FLAG_INVALID, 'inv'],
  [CT_FLAG_REPLY, 'rpl'],
];

/**
 * Writes ct_state bits the way iproute2 does: with a mask, every masked flag as `+x` or `-x`
 * (`-trk`, `+trk+est-rpl`); without one (a packet's state), the flags that are set, and `-trk`
 * for an untracked packet.
 */
export function ctStateString(bits: number, mask?: number): string {
  const m = mask ?? (bits === 0 ? CT_FLAG_TRACKED : bits);
  let out = '';
  for (const [flag, word] of CT_STATE_WORDS) {
    if (m & flag) out += (bits & flag ? '+' : '-') + word;
  }
  return out;
}

/** ctinfo → flower ct_state bits; `withReply` is fl_ct_info_to_flower_map since v5.12. */
function ctInfoBits(ctinfo: CtInfo, withReply: boolean): number {
  const rpl = withReply ? CT_FLAG_REPLY : 0;
  switch (ctinfo) {
    case CtInfo.NEW:
      return CT_FLAG_TRACKED | CT_FLAG_NEW;
    case CtInfo.ESTABLISHED:
      return CT_FLAG_TRACKED | CT_FLAG_ESTABLISHED;
    case CtInfo.ESTABLISHED_REPLY:
      return CT_FLAG_TRACKED | CT_FLAG_ESTABLISHED | rpl;
    case CtInfo.RELATED:
      return CT_FLAG_TRACKED | CT_FLAG_RELATED;
    case CtInfo.RELATED_REPLY:
      return CT_FLAG_TRACKED | CT_FLAG_RELATED | rpl;
    default:
      return 0;
  }
}

/**
 * The packet's flower ct key (ct_state, ct_zone, ct_mark; ct_label on demand). With no ct on
 * the skb the key stays zero — so `-trk` matches — unless a ct action already ran and found the
 * packet invalid, which current kernels report as +trk+inv in the action's zone.
 */
export class CtKey {
  state = 0;
  zone = 0;
  mark = 0;
  /** Conntrack slot for the labels, -1 when the packet has no ct. */
  ct = -1;

  load(pkt: Packet, conntrack: Conntrack, replyInvalid: boolean): void {
    const ct = pkt.meta.ct;
    this.ct = ct;
    this.state = packetCtState(pkt, replyInvalid);
    if (ct < 0) {
      // An invalid packet reports the zone of the ct action that judged it (tc_skb_cb zone).
      this.zone = this.state === 0 ? 0 : pkt.meta.zone;
      this.mark = 0;
      return;
    }
    this.zone = conntrack.zone(ct);
    this.mark = conntrack.mark(ct);
  }
}

/** The packet's ct_state bits as flower would see them now (the UI shows this on every hop). */
export function packetCtState(pkt: Packet, replyInvalid: boolean): number {
  if (pkt.meta.ct < 0) return replyInvalid && pkt.meta.postCt ? CT_FLAG_TRACKED | CT_FLAG_INVALID : 0;
  return ctInfoBits(pkt.meta.ctinfo, replyInvalid);
}
