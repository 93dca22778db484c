/**
 * act_ct (net/sched/act_ct.c): the tc action that calls conntrack, applies NAT, commits, and
 * uses/feeds the zone's nf_flowtable. (Contract stub: the tc subsystem calls these; the
 * behaviour is implemented by the conntrack/flowtable integration.)
 */
import type { Packet } from '../model/packet';
import type { CtActionSpec } from '../script/ast';

/** A ct action instance's parameters (struct tcf_ct_params) with its flowtable reference. */
export interface CtActionState {
  readonly spec: CtActionSpec;
}

export interface ActCtApi {
  /** tcf_ct_init: validates and takes a reference on the zone's flowtable. Returns an error message or the state. */
  init(spec: CtActionSpec): CtActionState | string;
  /** tcf_ct_cleanup: drops the flowtable reference. */
  release(state: CtActionState): void;
  /**
   * tcf_ct_act: runs the action on the packet and returns the TC_ACT_* result (the action's
   * control verdict, or TC_ACT_SHOT / TC_ACT_CONSUMED). `place` says where it runs for events.
   */
  act(state: CtActionState, pkt: Packet, control: number): number;
}
