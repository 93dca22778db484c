/**
 * Kernel profiles: behaviour that changed since the talk's kernel (5.7). The default is the
 * talk's kernel; `sim profile 6.12` switches to a current kernel. Each flag names the change.
 */
export type ProfileName = '5.7' | '6.12';

export interface KernelProfile {
  name: ProfileName;
  /**
   * act_ct before "Offload established connections, regardless of the commit flag" (2021):
   * a ct action with `commit` neither looks the packet up in the flowtable nor adds the
   * connection to it.
   */
  commitSkipsFlowtable: boolean;
  /** UDP connections enter the flowtable on the first committed packet, one-way (v6.3). */
  udpOffloadBeforeReply: boolean;
  /**
   * Teardown fix-up (flow_offload_fixup_ct): 5.7 forces TCP back to ESTABLISHED and lowers the
   * timeout to the pickup timeout (120 s TCP, 30 s UDP); current kernels lower it to the
   * state's timeout minus the flowtable timeout.
   */
  teardownFixup: 'pickup' | 'state-minus-offload';
  /** mlx5 accepts flower `ct_state +new` matches (≈v6.3). */
  hwMatchesCtNew: boolean;
  /** A hardware miss after a ct action resumes at the filter's chain (5.7) or at the action (v6.4 act_miss). */
  missRestore: 'chain' | 'action';
}

/** Frozen: module constants are shared, not copied, by a fork (fork.ts). */
export const PROFILES: Readonly<Record<ProfileName, KernelProfile>> = Object.freeze({
  '5.7': Object.freeze({
    name: '5.7',
    commitSkipsFlowtable: true,
    udpOffloadBeforeReply: false,
    teardownFixup: 'pickup',
    hwMatchesCtNew: false,
    missRestore: 'chain',
  }),
  '6.12': Object.freeze({
    name: '6.12',
    commitSkipsFlowtable: false,
    udpOffloadBeforeReply: true,
    teardownFixup: 'state-minus-offload',
    hwMatchesCtNew: true,
    missRestore: 'action',
  }),
});
