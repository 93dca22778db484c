/**
 * tc behaviour that changed between the talk's kernels (5.7, 5.8) and current ones, computed from
 * the profile's release. Each field names the change that introduced the current behaviour.
 */
import { PROFILE_NAMES, PROFILES, type KernelProfile, type ProfileName } from '../profile';

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
  /**
   * fl_validate_ct_state ("net/sched: cls_flower: Reject invalid ct_state flags rules",
   * 1bcc51ac0731, v5.12) rejects contradictory ct_state matches.
   */
  validatesCtState: boolean;
  /** TCA_ACT_USED_HW_STATS (v5.8): actions of in-hardware filters print `used_hw_stats delayed`. */
  usedHwStats: boolean;
  /** TCA_ACT_IN_HW_COUNT (v5.17): `tc actions ls` prints `not_in_hw` under each standalone action. */
  actionInHwCount: boolean;
}

function build(release: number): TcBehaviour {
  const since = (major: number, minor: number): boolean => release >= major * 100 + minor;
  return {
    maxReclassifyLoop: since(5, 14) ? 16 : 4,
    ctStateReplyInvalid: since(5, 12),
    validatesCtState: since(5, 12),
    usedHwStats: since(5, 8),
    actionInHwCount: since(5, 17),
  };
}

/** Frozen, as the profiles are (shared, not copied, by a fork). */
const BY_PROFILE: ReadonlyMap<ProfileName, TcBehaviour> = new Map(PROFILE_NAMES.map((n) => [n, Object.freeze(build(PROFILES[n].release))]));

export function tcBehaviour(profile: KernelProfile): TcBehaviour {
  return BY_PROFILE.get(profile.name)!;
}
