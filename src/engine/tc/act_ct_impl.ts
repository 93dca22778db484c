/**
 * act_ct's behaviour (net/sched/act_ct.c tcf_ct_act and friends), in the kernel profile's
 * variant: cached-ct reuse, the flowtable fast path, nf_conntrack_in, NAT, commit, and adding
 * established connections to the zone's flowtable.
 */
import type { Conntrack } from '../conntrack/conntrack';
import { IPS_ASSURED, IPS_OFFLOAD, IPS_SEEN_REPLY, IPS_SEQ_ADJUST, TcpState } from '../conntrack/conntrack';
import type { Env } from '../env';
import { NF_FLOW_HW_BIDIRECTIONAL, NF_FLOW_HW_ESTABLISHED } from '../flowtable/flags';
import type { FlowTable } from '../flowtable/flowtable';
import type { Flowtables } from '../flowtable/flowtables';
import { CtInfo, ETH_P_IP, IPPROTO_TCP, IPPROTO_UDP, TCP_FIN, TCP_RST, ipLength, type Packet } from '../model/packet';
import type { ProfileName } from '../profile';
import type { CtActionSpec } from '../script/ast';
import type { ActCtApi, CtActionState } from './act_ct';
import { TC_ACT_SHOT } from './verdict';

/** How act_ct's flowtable use changed since the talk's kernel; each field names the change. */
interface ActCtBehaviour {
  /**
   * "net/sched: act_ct: Offload only ASSURED connections" (v5.17): before it, any connection
   * seen with established ctinfo (TCP: in state ESTABLISHED) entered the flowtable — a UDP
   * flow on its first reply, before conntrack calls it ASSURED.
   */
  offloadOnlyAssured: boolean;
  /**
   * "net/sched: act_ct: offload UDP NEW connections" (v6.3): one-way flows
   * (NF_FLOW_HW_BIDIRECTIONAL / NF_FLOW_HW_ESTABLISHED), ctinfo NEW on the fast path until a
   * reply was seen, and fast-path hits of a not yet ASSURED connection sent on to conntrack
   * so it can be promoted. Before, a hit was always established and always final.
   */
  oneWayFlows: boolean;
}

/** Frozen, as the profiles are (shared, not copied, by a fork). */
const TALK_ERA: ActCtBehaviour = Object.freeze({ offloadOnlyAssured: false, oneWayFlows: false });
const ACT_CT_BEHAVIOUR: Readonly<Record<ProfileName, ActCtBehaviour>> = Object.freeze({
  '5.7': TALK_ERA,
  '5.8': TALK_ERA,
  '6.12': Object.freeze({ offloadOnlyAssured: true, oneWayFlows: true }),
});

interface CtState extends CtActionState {
  /** The zone's flowtable this action holds a reference on. */
  readonly ft: FlowTable;
}

const isReplyInfo = (ctinfo: CtInfo): boolean => ctinfo === CtInfo.ESTABLISHED_REPLY || ctinfo === CtInfo.RELATED_REPLY;

export class ActCt implements ActCtApi {
  constructor(
    private readonly env: Env,
    private readonly conntrack: Conntrack,
    private readonly flowtables: Flowtables,
  ) {}

  init(spec: CtActionSpec): CtActionState | string {
    if (spec.nat && spec.nat.type !== 'restore' && !spec.commit) return 'nat src/dst requires commit';
    if (spec.helper) return `ct helper "${spec.helper}" is not supported by the simulator`;
    // tcf_ct_flow_table_get runs for every ct action, `clear` included (it takes zone 0's table).
    const ft = this.flowtables.acquire(spec.clear ? 0 : spec.zone);
    const state: CtState = { spec, ft };
    return state;
  }

  release(state: CtActionState): void {
    this.flowtables.release((state as CtState).ft);
  }

  act(state: CtActionState, pkt: Packet, control: number): number {
    const { spec, ft } = state as CtState;
    const meta = pkt.meta;
    if (spec.clear) {
      // nf_reset_ct: flower then sees ct_state 0 (-trk).
      this.dropSkbCt(pkt);
      meta.postCt = false;
      return control;
    }
    // Only IPv4/IPv6 can be tracked: anything else (ARP…) is dropped.
    if (pkt.ethType !== ETH_P_IP) return TC_ACT_SHOT;

    const commit = spec.commit;
    const profile = this.env.profile;
    // tcf_ct_fill_params before v5.13 allocates no conntrack template for zone 0 (see KernelProfile).
    const noTemplate = spec.zone === 0 && !profile.zone0Template;
    let skipAdd = false;
    if (!this.cached(pkt, spec, noTemplate)) {
      const mayUseFlowtable = !(commit && profile.commitSkipsFlowtable);
      if (mayUseFlowtable && this.flowtableLookup(ft, pkt)) {
        skipAdd = true;
      } else if (noTemplate && (meta.ct >= 0 || meta.ctUntracked)) {
        // No template replaces what the skb carries, and nf_conntrack_in ignores a non-template
        // ct or IP_CT_UNTRACKED: NAT, commit and mark below act on the other zone's entry, or,
        // with no entry (after ct clear), nothing happens at all.
        this.conntrack.traceIgnored(pkt, spec.zone);
      } else {
        meta.ctUntracked = false;
        if (this.conntrack.in(pkt, spec.zone) === 'drop') return TC_ACT_SHOT;
      }
    }
    if (meta.ct >= 0) {
      if (spec.nat && this.conntrack.nat(pkt, spec.nat, commit) === 'drop') return TC_ACT_SHOT;
      if (commit) {
        if (this.conntrack.commit(pkt, spec.mark, spec.label) === 'drop') return TC_ACT_SHOT;
        if (meta.ct < 0) skipAdd = true;
        // 5.7: a ct action with commit never adds the connection to the flowtable.
        if (profile.commitSkipsFlowtable) skipAdd = true;
      }
      if (!skipAdd) this.processConn(ft, meta.ct, meta.ctinfo);
    }
    meta.postCt = true;
    meta.zone = spec.zone;
    return control;
  }

  /**
   * tcf_ct_skb_nfct_cached: a ct already on the skb from the same zone is reused without a new
   * lookup. Another zone's ct is dropped from the skb; with `force`, a ct seen in the reply
   * direction is killed (when confirmed) and the packet is tracked anew.
   */
  private cached(pkt: Packet, spec: CtActionSpec, noTemplate: boolean): boolean {
    const ct = pkt.meta.ct;
    if (ct < 0) return false;
    const alive = this.conntrack.isAlive(ct);
    if (!alive || this.conntrack.zone(ct) !== spec.zone) {
      // Before v5.13 a zone mismatch leaves the ct on the skb: a template replaces it, and
      // without one (zone 0) it stays.
      if (!alive || !noTemplate) this.dropSkbCt(pkt);
      return false;
    }
    if (spec.force && isReplyInfo(pkt.meta.ctinfo)) {
      if (this.conntrack.isConfirmed(ct)) this.conntrack.kill(ct, 'killed');
      this.dropSkbCt(pkt);
      return false;
    }
    this.conntrack.traceCached(pkt);
    return true;
  }

  /** nf_ct_set(skb, NULL, IP_CT_UNTRACKED) after putting the skb's ct, if it had one. */
  private dropSkbCt(pkt: Packet): void {
    if (pkt.meta.ct >= 0) {
      this.conntrack.releaseSkb(pkt);
      pkt.meta.ctUntracked = true;
    }
    pkt.meta.ct = -1;
    pkt.meta.ctinfo = CtInfo.UNTRACKED;
  }

  /**
   * tcf_ct_flow_table_lookup: the software fast path. A hit restores ct + ctinfo on the skb and
   * bypasses conntrack. TCP FIN/RST tear the flow down and take the slow path; a flow whose
   * connection is not yet ASSURED keeps going through conntrack so it can be promoted.
   */
  private flowtableLookup(ft: FlowTable, pkt: Packet): boolean {
    // tcf_ct_flow_table_fill_tuple_ipv4: TCP/UDP only, and TTL <= 1 goes the slow way.
    if ((pkt.proto !== IPPROTO_TCP && pkt.proto !== IPPROTO_UDP) || pkt.ttl <= 1 || pkt.vxlan) return false;
    const flow = ft.lookup(pkt);
    if (flow < 0) {
      this.emitFtLookup(ft, pkt, false, -1, 'no flow for this tuple');
      return false;
    }
    const dir = ft.lastDir;
    const ct = ft.ct(flow);
    const status = this.conntrack.status(ct);
    const oneWayFlows = ACT_CT_BEHAVIOUR[this.env.profile.name].oneWayFlows;
    if (oneWayFlows && dir === 1 && !(ft.flags(flow) & NF_FLOW_HW_BIDIRECTIONAL)) {
      if (status & IPS_ASSURED) {
        ft.setFlags(flow, NF_FLOW_HW_BIDIRECTIONAL);
        ft.refresh(flow, true);
      } else if (ft.flags(flow) & NF_FLOW_HW_ESTABLISHED) {
        this.emitFtLookup(ft, pkt, false, ct, 'reply of a one-way flow already established in hardware');
        return false;
      }
    }
    if (pkt.proto === IPPROTO_TCP && pkt.tcpFlags & (TCP_FIN | TCP_RST)) {
      ft.teardown(flow, pkt.tcpFlags & TCP_RST ? 'rst' : 'fin');
      this.emitFtLookup(ft, pkt, false, ct, 'TCP FIN/RST: flow torn down, packet goes to conntrack');
      return false;
    }
    const ctinfo =
      dir === 1 ? CtInfo.ESTABLISHED_REPLY : !oneWayFlows || status & IPS_SEEN_REPLY ? CtInfo.ESTABLISHED : CtInfo.NEW;
    const refreshed = ft.refresh(flow, false);
    if (refreshed && this.env.events.active) {
      this.env.events.emit({ kind: 'ft.refresh', t: this.env.now(), pkt: pkt.id, zone: ft.zone, ctId: this.conntrack.ctId(ct), timeout: ft.timeout(flow) });
    }
    if (oneWayFlows && !(status & IPS_ASSURED)) {
      this.emitFtLookup(ft, pkt, false, ct, 'connection not assured yet: processed by conntrack so it can be promoted');
      return false;
    }
    this.conntrack.attach(pkt, ct, ctinfo);
    if (this.env.sysctl.hot.acct) this.conntrack.acct(ct, dir, 1, ipLength(pkt));
    this.emitFtLookup(ft, pkt, true, ct);
    return true;
  }

  private emitFtLookup(ft: FlowTable, pkt: Packet, hit: boolean, ct: number, reason?: string): void {
    if (!this.env.events.active) return;
    this.env.events.emit({
      kind: 'ft.lookup',
      t: this.env.now(),
      pkt: pkt.id,
      zone: ft.zone,
      hit,
      ctId: ct >= 0 ? this.conntrack.ctId(ct) : 0,
      ...(reason ? { reason } : {}),
    });
  }

  /**
   * tcf_ct_flow_table_process_conn: which connections enter the flowtable. TCP: established
   * ctinfo and state ESTABLISHED (plus ASSURED since v5.17). UDP: 5.7 takes it on established
   * ctinfo, i.e. from the first reply on; current kernels take any confirmed UDP connection,
   * one-way until it is ASSURED. Connections with a helper or sequence adjustment never enter.
   */
  private processConn(ft: FlowTable, ct: number, ctinfo: CtInfo): void {
    const status = this.conntrack.status(ct);
    if (status & IPS_SEQ_ADJUST) return;
    const established = ctinfo === CtInfo.ESTABLISHED || ctinfo === CtInfo.ESTABLISHED_REPLY;
    const assuredOk = (status & IPS_ASSURED) !== 0 || !ACT_CT_BEHAVIOUR[this.env.profile.name].offloadOnlyAssured;
    let bidirectional = true;
    switch (this.conntrack.proto(ct)) {
      case IPPROTO_TCP:
        if (!established || !assuredOk || this.conntrack.tcpState(ct) !== TcpState.ESTABLISHED) return;
        break;
      case IPPROTO_UDP:
        if (this.env.profile.udpOffloadBeforeReply) {
          if (!this.conntrack.isConfirmed(ct)) return;
          bidirectional = (status & IPS_ASSURED) !== 0;
        } else if (!established || !assuredOk) {
          return;
        }
        break;
      default:
        return;
    }
    // tcf_ct_flow_table_add: IPS_OFFLOAD is the "already in a flowtable" bit.
    if (status & IPS_OFFLOAD) return;
    this.conntrack.setStatus(ct, IPS_OFFLOAD);
    if (this.conntrack.proto(ct) === IPPROTO_TCP) this.conntrack.setTcpBeLiberal(ct);
    if (ft.add(ct, bidirectional) < 0) {
      // __tcf_ct_flow_table_add: a failed flow_offload_add gives the bit back.
      this.conntrack.clearStatus(ct, IPS_OFFLOAD);
      return;
    }
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'ft.add', t: this.env.now(), pkt: this.env.pkt, zone: ft.zone, ctId: this.conntrack.ctId(ct), bidirectional });
    }
  }
}
