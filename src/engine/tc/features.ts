/**
 * tc behaviour that changed between the talk's kernel (5.7) and current kernels, read from the
 * kernel profile. Each field names the change that introduced the current behaviour.
 */
import type { KernelProfile } from '../profile';

export interface TcBehaviour {
  /**
   * __tcf_classify's max_reclassify_loop: 4 until "net/sched: cls_api: increase
   * max_reclassify_loop" (v5.14) made it 16.
   */
  maxReclassifyLoop: number;
  /**
   * skb_flow_dissect_ct / fl_ct_info_to_flower_map (v5.12, "cls_flower add CT_FLAGS_INVALID
   * flag support" and "Add match on the ct_state reply flag"): a packet a ct action found
   * invalid is +trk+inv (with the action's zone) and reply-direction packets carry +rpl. Before,
   * an invalid packet looked untracked (ct_state 0) and replies were plain +trk+est.
   */
  ctStateReplyInvalid: boolean;
  /** fl_validate_ct_state (v5.12) rejects contradictory ct_state matches. */
  validatesCtState: boolean;
  /** TCA_ACT_USED_HW_STATS (v5.8): actions of in-hardware filters print `used_hw_stats delayed`. */
  usedHwStats: boolean;
  /** TCA_ACT_IN_HW_COUNT (v5.17): `tc actions ls` prints `not_in_hw` under each standalone action. */
  actionInHwCount: boolean;
}

/** Frozen, as the profiles are (shared, not copied, by a fork). */
const TALK_ERA: TcBehaviour = Object.freeze({
  maxReclassifyLoop: 4,
  ctStateReplyInvalid: false,
  validatesCtState: false,
  usedHwStats: false,
  actionInHwCount: false,
});

const CURRENT: TcBehaviour = Object.freeze({
  maxReclassifyLoop: 16,
  ctStateReplyInvalid: true,
  validatesCtState: true,
  usedHwStats: true,
  actionInHwCount: true,
});

export function tcBehaviour(profile: KernelProfile): TcBehaviour {
  return profile.name === '5.7' ? TALK_ERA : CURRENT;
}
