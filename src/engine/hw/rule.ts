/**
 * What the driver makes of a tc filter it is offered (mlx5e_configure_flower →
 * parse_tc_fdb_actions, mlx5_tc_ct_match_add, mlx5_tc_ct_parse_action): either a hardware rule
 * — the flower match plus a list of hardware steps, one per tc action — or the driver's refusal,
 * worded as mlx5 words it in the extack (`mlx5_core: …`).
 */
import type { Device, Devices } from '../model/devices';
import type { TunnelInfo } from '../model/packet';
import type { KernelProfile } from '../profile';
import { CT_FLAG_ESTABLISHED, CT_FLAG_INVALID, CT_FLAG_NEW, CT_FLAG_RELATED, CT_FLAG_REPLY, CT_FLAG_TRACKED } from '../script/ast';
import type { TcAction } from '../tc/actions/action';
import { CtAction } from '../tc/actions/ct';
import { MirredAction } from '../tc/actions/mirred';
import { PeditAction } from '../tc/actions/pedit';
import { TunnelKeyAction } from '../tc/actions/tunnel_key';
import { K_CT_LABEL, K_CT_STATE, K_ENC_DST_PORT, K_ENC_DST_IP, K_ENC_KEY_ID, K_ENC_SRC_IP } from '../tc/flower';
import type { Filter } from '../tc/objects';
import { TC_ACT_OK, TC_ACT_PIPE, TC_ACT_SHOT, TC_ACT_STOLEN, TC_ACT_TRAP, gotoTarget, isGotoChain } from '../tc/verdict';

/** Hardware steps, in the order of the filter's actions. */
export const enum StepKind {
  /** Jump to the CT (or CT-NAT) table of a zone; continue in post_act on a hit. */
  Ct,
  /** `ct clear`: zero the ct registers. */
  CtClear,
  /** Header rewrite (modify header). */
  Pedit,
  /** Implicit in hardware (csum is recomputed by the NIC with the rewrite). */
  Nop,
  /** Encapsulation parameters for a later redirect to a tunnel device. */
  TunnelSet,
  /** `tunnel_key unset` on a tunnel device's filter: decap already happened. */
  TunnelUnset,
  Redirect,
  Mirror,
}

export interface HwStep {
  kind: StepKind;
  /** The tc action this step implements, and its 0-based position in the filter. */
  action: TcAction;
  index: number;
  zone: number;
  nat: boolean;
  /** Redirect/mirror target (an eswitch port, or a tunnel device with encap). */
  dev: string;
  tunnel: TunnelInfo | null;
  /** `dev` as the datapath last resolved it, for Devices.generation `targetGeneration` (-1: never). */
  target: Device | undefined;
  targetGeneration: number;
}

/** The rule the driver installed for a filter. */
export interface HwRule {
  readonly filter: Filter;
  readonly steps: readonly HwStep[];
  /**
   * The eswitch port whose packets the rule sees: the filter's device, or the uplink for a
   * tunnel device's filter (mlx5 offloads those through the indirect block as decap rules).
   */
  readonly port: string;
  /** A tunnel device's filter: matches encapsulated packets and decapsulates them. */
  readonly decap: boolean;
  /** Zones of the rule's ct actions (the driver registers on those flowtables). */
  readonly zones: readonly number[];
  /** Verdict when the steps run out: the last action's control (TC_ACT_*). */
  readonly control: number;
  /** The chain that control jumps to, or -1. */
  readonly gotoChain: number;
  /** The step that forwards the packet (mirred redirect), if any: it ends the rule. */
  readonly redirect: HwStep | null;
}

const MLX5 = 'mlx5_core: ';
export const TC_OFFLOAD_DISABLED = 'TC offload is disabled on net device';
const UNSUPPORTED_ACTION = `${MLX5}The offload action is not supported`;

/** The uplink: the port a tunnel device's traffic enters the NIC on. */
export const UPLINK = 'uplink';

/**
 * Offers a filter to the driver. `dev` is the filter's device: a NIC port, or a tunnel device
 * (reached through the uplink's indirect block). Returns the rule or the refusal text.
 */
export function translateFilter(filter: Filter, dev: Device, devices: Devices, profile: KernelProfile): HwRule | string {
  const decap = dev.kind === 'vxlan';
  const port = decap ? UPLINK : dev.name;
  const m = filter.match;
  // mlx5e_tc_tun_parse_udp_ports: a decap rule must pin the tunnel's UDP port.
  if (decap && filter.chain === 0 && !(m.present & K_ENC_DST_PORT)) return `${MLX5}UDP tunnel decap filter must include enc_dst_port condition`;
  if (!decap && m.present & (K_ENC_DST_IP | K_ENC_SRC_IP | K_ENC_KEY_ID | K_ENC_DST_PORT)) return `${MLX5}Tunnel key match on a non-tunnel device isn't supported`;
  const ctProblem = ctMatchProblem(filter, profile);
  if (ctProblem) return ctProblem;

  const steps: HwStep[] = [];
  const zones: number[] = [];
  let control = TC_ACT_PIPE;
  let tunnel: TunnelInfo | null = null;
  const hasCt = filter.actions.some((a) => a instanceof CtAction && !a.spec.clear);
  let seenCt = false;
  for (let i = 0; i < filter.actions.length; i++) {
    const a = filter.actions[i];
    const step: HwStep = { kind: StepKind.Nop, action: a, index: i, zone: 0, nat: false, dev: '', tunnel: null, target: undefined, targetGeneration: -1 };
    if (a instanceof CtAction) {
      if (a.spec.helper) return `${MLX5}ct helper isn't supported`;
      if (a.spec.clear) {
        step.kind = StepKind.CtClear;
      } else {
        step.kind = StepKind.Ct;
        step.zone = a.spec.zone;
        step.nat = a.spec.nat !== undefined;
        if (!zones.includes(step.zone)) zones.push(step.zone);
        seenCt = true;
      }
    } else if (a instanceof PeditAction) {
      // Before v6.4 a miss in the CT table restarted software at the chain, which no longer
      // matches a rewritten packet: mlx5 refused header rewrites ahead of ct.
      if (hasCt && !seenCt && profile.missRestore === 'chain') return `${MLX5}Header rewrite before ct isn't supported`;
      step.kind = StepKind.Pedit;
    } else if (a.kind === 'csum') {
      // mlx5e tc act csum: the NIC fixes checksums as part of a header rewrite only.
      if (!filter.actions.some((x) => x instanceof PeditAction)) return `${MLX5}TC csum action is only offloaded with pedit action`;
      step.kind = StepKind.Nop;
    } else if (a instanceof TunnelKeyAction) {
      if (a.spec.op === 'set') {
        tunnel = Object.freeze({ id: a.spec.id ?? 0, src: a.spec.src ?? 0, dst: a.spec.dst ?? 0, dstPort: a.spec.dstPort ?? 0, tos: a.spec.tos ?? 0, ttl: a.spec.ttl ?? 0 });
        step.kind = StepKind.TunnelSet;
        step.tunnel = tunnel;
      } else {
        if (!decap) return UNSUPPORTED_ACTION;
        step.kind = StepKind.TunnelUnset;
      }
    } else if (a instanceof MirredAction) {
      const problem = mirredProblem(a, dev, devices, tunnel, hasCt);
      if (problem) return problem;
      step.kind = a.redirect ? StepKind.Redirect : StepKind.Mirror;
      step.dev = a.spec.dev.value;
      step.tunnel = tunnel;
    } else if (a.kind === 'gact') {
      if (!isOffloadableControl(a.control)) return UNSUPPORTED_ACTION;
    } else {
      return UNSUPPORTED_ACTION;
    }
    if (!isOffloadableControl(a.control) && a.control !== TC_ACT_PIPE) return UNSUPPORTED_ACTION;
    // mlx5 chains only jump forward (parse_tc_fdb_actions / mlx5e_tc_act_goto).
    if (isGotoChain(a.control) && gotoTarget(a.control) <= filter.chain) return `${MLX5}Goto lower numbered chain isn't supported`;
    steps.push(step);
    control = a.control;
    if (a.control !== TC_ACT_PIPE) break;
  }
  if (control === TC_ACT_PIPE) control = TC_ACT_OK;
  if (profile.hwSingleCtAttr) collapseCtSteps(steps, zones);
  const redirect = steps.find((st) => st.kind === StepKind.Redirect) ?? null;
  return { filter, steps, port, decap, zones, control, gotoChain: isGotoChain(control) ? gotoTarget(control) : -1, redirect };
}

/**
 * parse_tc_fdb_actions of v5.7/v5.8: every FLOW_ACTION_CT overwrites the rule's single ct_attr
 * (mlx5_tc_ct_parse_action), with no check for a second one, and __mlx5_tc_ct_flow_offload sends
 * the rule through one CT table: a rule with several ct actions is accepted and looks up only
 * the last one's zone (with its nat flag), at the place of the first.
 */
function collapseCtSteps(steps: HwStep[], zones: number[]): void {
  const cts = steps.filter((st) => st.kind === StepKind.Ct);
  if (cts.length < 2) return;
  const last = cts[cts.length - 1];
  cts[0].zone = last.zone;
  cts[0].nat = last.nat;
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i].kind === StepKind.Ct && steps[i] !== cts[0]) steps.splice(i, 1);
  zones.splice(0, zones.length, last.zone);
}

/** Controls a hardware rule can end with: forward/drop/accept/trap, or a jump to another chain. */
function isOffloadableControl(c: number): boolean {
  return c === TC_ACT_SHOT || c === TC_ACT_OK || c === TC_ACT_STOLEN || c === TC_ACT_TRAP || (isGotoChain(c) && gotoTarget(c) >= 0);
}

/**
 * mlx5_tc_ct_parse_match (v5.7/v5.8) / mlx5_tc_ct_match_add (6.12): which ct matches the driver
 * can express in its registers, checked in the driver's order. Before v6.3 `-new` passes and is not
 * matched (post-ct packets are never new in hardware) and `+new` is refused.
 */
function ctMatchProblem(filter: Filter, profile: KernelProfile): string | null {
  const m = filter.match;
  if (m.present & K_CT_STATE) {
    const current = profile.hwCtStateMask !== 'trk-est-new';
    const allowed = CT_FLAG_TRACKED | CT_FLAG_ESTABLISHED | CT_FLAG_NEW | (current ? CT_FLAG_REPLY | CT_FLAG_RELATED | CT_FLAG_INVALID : 0);
    if (m.ctStateMask & ~allowed) {
      return current ? `${MLX5}only ct_state trk, est, new and rpl are supported for offload` : `${MLX5}only ct_state trk, est and new are supported for offload`;
    }
  }
  if (m.present & K_CT_LABEL && profile.hwLabels32) {
    const mask = m.ctLabelMask;
    if (mask[1] | mask[2] | mask[3]) return `${MLX5}only lower 32bits of ct_labels are supported for offload`;
  }
  if (!(m.present & K_CT_STATE)) return null;
  const on = m.ctState & m.ctStateMask;
  if (on & CT_FLAG_RELATED) return `${MLX5}matching on ct_state +rel isn't supported`;
  if (on & CT_FLAG_INVALID) return `${MLX5}matching on ct_state +inv isn't supported`;
  if (on & CT_FLAG_NEW && !profile.hwMatchesCtNew) return `${MLX5}matching on ct_state +new isn't supported`;
  return null;
}

/** parse_tc_fdb_actions / mlx5e_tc_act mirred: forwarding stays inside the eswitch (or into a tunnel). */
function mirredProblem(a: MirredAction, dev: Device, devices: Devices, tunnel: TunnelInfo | null, hasCt: boolean): string | null {
  if (a.spec.direction === 'ingress') return `${MLX5}mirred ingress isn't supported`;
  if (!a.redirect && hasCt) return `${MLX5}Can't offload mirroring with action ct`;
  const target = devices.get(a.spec.dev.value);
  if (!target) return UNSUPPORTED_ACTION;
  if (target.kind === 'vxlan') return tunnel ? null : `${MLX5}redirect to a tunnel device needs tunnel_key set (encap)`;
  if (!target.onNic) return `${MLX5}devices ${dev.name} ${target.name} not on same switch HW, can't offload forwarding`;
  return null;
}
