/**
 * What every tc action shares (struct tc_action in include/net/act_api.h): its index in its
 * kind's table, the control verdict it returns, reference and bind counts, statistics kept in
 * software and hardware halves, and the tcf_t timestamps.
 */
import type { Micros } from '../../clock';
import type { Packet } from '../../model/packet';
import type { JsonObject } from '../../render/json_writer';
import type { TcHost } from '../host';
import type { Chain } from '../objects';

export type ActionKind = 'ct' | 'gact' | 'mirred' | 'tunnel_key' | 'pedit' | 'csum';

/** What an action sees while it runs on a packet: one per classification nesting level. */
export interface ActionRun {
  pkt: Packet;
  where: 'sw' | 'hw';
  /** Bytes this packet counts for (qdisc_pkt_len on the hook, or the frame in hardware). */
  bytes: number;
  now: Micros;
  host: TcHost;
  /** A redirect handed the packet to another device. */
  redirected: boolean;
  /** Why the packet is dropped, when an action knows better than "returned drop". */
  dropReason: string;
}

export abstract class TcAction {
  abstract readonly kind: ActionKind;
  /** The chain a `goto chain N` control jumps to (a->goto_chain, held by the action). */
  gotoChain: Chain | null = null;
  refcnt = 1;
  swPackets = 0;
  swBytes = 0;
  hwPackets = 0;
  hwBytes = 0;
  drops = 0;
  overlimits = 0;
  lastUse: Micros;
  /** -1 until the action first runs (tcf_t.firstuse == 0). */
  firstUse: Micros = -1;

  constructor(
    readonly index: number,
    /** TC_ACT_* the action returns when it runs normally. */
    public control: number,
    public bindcnt: number,
    readonly installed: Micros,
  ) {
    this.lastUse = installed;
  }

  /** Runs the action on the packet and returns its TC_ACT_* verdict. */
  abstract exec(run: ActionRun): number;

  /** The action as iproute2 prints it, from its kind up to its control verdict (may span lines). */
  abstract head(): string;

  /**
   * The action as `tc -j` prints it (print_<kind> in JSON context): the keys from `kind` up to
   * `control_action`; index, ref, bind and the times follow.
   */
  abstract jsonHead(): JsonObject;

  /** Keys print_<kind> writes after the times (pedit's keys). */
  jsonTail(): JsonObject {
    return {};
  }

  /** How iproute2 starts the line with index, ref and bind (print_<kind> differ in spacing). */
  get indexLead(): string {
    return '\t index ';
  }

  /** Lines iproute2 prints after the index line (pedit's keys). */
  trailer(): string {
    return '';
  }

  /** One line for the trace. */
  summary(): string {
    return this.head().replace(/\s*\n\t\s*/g, ' ');
  }

  /** Frees what the action's parameters hold (tc_action_ops.cleanup). */
  release(_host: TcHost): void {}

  /**
   * `replace` of an existing action: it keeps its index, references and counters and takes the
   * control and parameters of `from`, a freshly initialised action of the same kind (whose
   * resources it inherits, so `from` is dropped without release).
   */
  adopt(from: TcAction, host: TcHost): void {
    this.control = from.control;
    this.takeParams(from, host);
  }

  protected abstract takeParams(from: TcAction, host: TcHost): void;

  /** tcf_action_update_bstats + tcf_lastuse_update: every action counts the packets it runs on. */
  protected use(run: ActionRun): void {
    if (run.where === 'sw') {
      this.swPackets++;
      this.swBytes += run.bytes;
    } else {
      this.hwPackets++;
      this.hwBytes += run.bytes;
    }
    if (run.now > this.lastUse) this.lastUse = run.now;
    // Hardware counters only move lastuse (tcf_action_update_stats); firstuse is software's.
    if (this.firstUse < 0 && run.where === 'sw') this.firstUse = run.now;
  }
}
