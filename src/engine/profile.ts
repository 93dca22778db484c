/**
 * Kernel profiles: each one is exactly one kernel release, and every behaviour that differs
 * between them is a flag here or in tc/features.ts (computed from the release the change
 * appeared in), conntrack/behaviour.ts or act_ct_impl.ts (per profile, each naming its change).
 * The README's profile table lists them all.
 *
 * - 5.7: the first release with act_ct's flowtable offload and mlx5's CT offload;
 * - 5.8: the talk's kernel (the default): 5.7 plus IPS_HW_OFFLOAD ([HW_OFFLOAD]);
 * - 6.12: a current kernel.
 */
export const PROFILE_NAMES = ['5.7', '5.8', '6.12'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** The talk's kernel: its demo shows [HW_OFFLOAD], which needs 5.8. */
export const DEFAULT_PROFILE: ProfileName = '5.8';

export interface KernelProfile {
  name: ProfileName;
  /** major * 100 + minor, for `since`. */
  release: number;
  /**
   * "netfilter: conntrack: add IPS_HW_OFFLOAD status bit" (v5.8): flow_offload_work_add sets
   * IPS_HW_OFFLOAD once a driver took the flow, and conntrack prints [HW_OFFLOAD]. In 5.7 an
   * entry in hardware prints [OFFLOAD] like one in the software flowtable.
   */
  hwOffloadStatus: boolean;
  /**
   * "netfilter: flowtable: Set offload timeouts according to proto values" (v5.14) added the
   * nf_flowtable_tcp_timeout / nf_flowtable_udp_timeout sysctls; before, flow (and hardware)
   * aging is the fixed NF_FLOW_TIMEOUT, 30 s, and the keys do not exist.
   */
  flowtableTimeoutSysctls: boolean;
  /**
   * act_ct before "net/sched: act_ct: Offload connections with commit action" (0cc254e5aa37,
   * v5.13): a ct action with `commit` neither looks the packet up in the flowtable nor adds
   * the connection to it.
   */
  commitSkipsFlowtable: boolean;
  /**
   * "net/sched: act_ct: Fix ct template allocation for zone 0" (fb91702b743d, v5.13): before it,
   * tcf_ct_fill_params allocated no conntrack template for zone 0, so a zone-0 ct action after a ct of
   * another zone acts on that zone's entry (nf_conntrack_in ignores an skb that carries a
   * non-template ct), and after `ct clear` it does nothing (IP_CT_UNTRACKED is ignored too).
   */
  zone0Template: boolean;
  /** UDP connections enter the flowtable on the first committed packet, one-way (v6.3). */
  udpOffloadBeforeReply: boolean;
  /**
   * Teardown fix-up (flow_offload_fixup_ct): 5.7 forces TCP back to ESTABLISHED and lowers the
   * timeout to the pickup timeout (120 s TCP, 30 s UDP); current kernels lower it to the
   * state's timeout minus the flowtable timeout.
   */
  teardownFixup: 'pickup' | 'state-minus-offload';
  /** A hardware miss after a ct action resumes at the filter's chain (5.7) or at the action (v6.4 act_miss). */
  missRestore: 'chain' | 'action';
  /**
   * mlx5's parse_tc_fdb_actions keeps one ct_attr per rule and lets a second ct action overwrite
   * it (checked in v5.7/v5.8); later drivers rejected such rules ("net/mlx5e: TC, Reject rules
   * with multiple CT actions", 3b49a7edec1d) and then ran each ct action (6.12). Only the two ends
   * are modelled: the release between them is not.
   */
  hwSingleCtAttr: boolean;
  /** mlx5 "net/mlx5e: Allow offloading of ct 'new' match" (f869bcb0d28e, v6.3) accepts `ct_state +new`. */
  hwMatchesCtNew: boolean;
  /**
   * mlx5 "net/mlx5e: CT: Map 128 bits labels to 32 bit map ID" (54b154ecfb8c, v5.9): before it
   * only the lower 32 bits of ct_label reach the NIC's register, in rule matches
   * (mlx5_tc_ct_parse_match) and in CT entries (mlx5_tc_ct_entry_create_mod_hdr).
   */
  hwLabels32: boolean;
  /**
   * mlx5_tc_ct_parse_match's ct_state mask: trk, est and new until "net/mlx5e: CT: Add support
   * for matching on ct_state reply flag" (v5.12) and the -rel/-inv support that followed (the
   * release of the latter, taken as 5.13, is not verified); 6.12 takes trk, est, new, rpl, rel
   * and inv, refusing only `+new`, `+rel` and `+inv`.
   */
  hwCtStateMask: 'trk-est-new' | 'trk-est-new-rpl-rel-inv';
}

/** The release as a number: '5.8' → 508. */
function releaseOf(name: ProfileName): number {
  const [major, minor] = name.split('.').map(Number);
  return major * 100 + minor;
}

function build(name: ProfileName): KernelProfile {
  const release = releaseOf(name);
  const since = (major: number, minor: number): boolean => release >= major * 100 + minor;
  return {
    name,
    release,
    hwOffloadStatus: since(5, 8),
    flowtableTimeoutSysctls: since(5, 14),
    commitSkipsFlowtable: !since(5, 13),
    zone0Template: since(5, 13),
    udpOffloadBeforeReply: since(6, 3),
    // flow_offload_fixup_ct was reworked after 5.8; the release (5.18, "netfilter: flowtable:
    // fix TCP flow teardown") is not verified against the source, only that 5.7/5.8 use pickup.
    teardownFixup: since(5, 18) ? 'state-minus-offload' : 'pickup',
    missRestore: since(6, 4) ? 'action' : 'chain',
    hwMatchesCtNew: since(6, 3),
    hwSingleCtAttr: !since(5, 9),
    hwLabels32: !since(5, 9),
    hwCtStateMask: since(5, 13) ? 'trk-est-new-rpl-rel-inv' : 'trk-est-new',
  };
}

/** Frozen: module constants are shared, not copied, by a fork (main's fork.ts). */
export const PROFILES: Readonly<Record<ProfileName, KernelProfile>> = Object.freeze({
  '5.7': Object.freeze(build('5.7')),
  '5.8': Object.freeze(build('5.8')),
  '6.12': Object.freeze(build('6.12')),
});

export function isProfileName(s: string): s is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(s);
}

/** The `sim profile` refusal, shared by the parser and the simulator. */
export const unknownProfileMessage = (value: string): string =>
  `unknown kernel profile "${value}": use ${PROFILE_NAMES.join(', ')} (the kernel to imitate; ${DEFAULT_PROFILE}, the talk's, is the default)`;
