/**
 * One nf_flowtable (net/netfilter/nf_flow_table_core.c): the table of offloaded flows of one
 * ct zone. The kernel hashes both tuplehash nodes of a flow by their direction's tuple; those
 * tuples are exactly the conntrack entry's two tuples, which conntrack already hashes by
 * zone + tuple (a flow exists only for a confirmed entry, whose tuples no longer change). So a
 * lookup walks conntrack's hash (zone + tuple → entry slot and direction), and the flow's
 * fields are in the entry's own record (records.ts: 12 bytes a connection), rather than a
 * second copy of both tuples, hash links and buckets.
 * The zone is the table's own (tcf_ct_flow_table_get: one table per act_ct zone).
 * A flow is named by its conntrack slot.
 */
import type { Conntrack } from '../conntrack/conntrack';
import { IPS_DST_NAT, IPS_HW_OFFLOAD, IPS_OFFLOAD, IPS_SEEN_REPLY, IPS_SRC_NAT } from '../conntrack/conntrack';
import type { Env } from '../env';
import { IPPROTO_TCP, type Packet } from '../model/packet';
import {
  NF_FLOW_DNAT,
  NF_FLOW_HW,
  NF_FLOW_HW_BIDIRECTIONAL,
  NF_FLOW_HW_DEAD,
  NF_FLOW_HW_DYING,
  NF_FLOW_HW_PENDING,
  NF_FLOW_SNAT,
  NF_FLOW_TEARDOWN,
} from './flags';
import type { FlowOffloadCallback, OffloadQueue } from './offload';
import type { FlowRecords } from './records';

export type TeardownReason = 'fin' | 'rst' | 'expired' | 'ct-dying' | 'outdated' | 'table-freed' | 'device';

/** NF_CT_DAY: nf_ct_offload_timeout keeps an offloaded conntrack alive for a day at a time. */
const CT_DAY_US = 86400 * 1_000_000;

export class FlowTable {
  /** act_ct references (tcf_ct_flow_table_get/put) plus driver callbacks (flowtable_ct.get). */
  refs = 1;
  /** Driver block callbacks registered on this table (nf_flow_table_offload_add_cb). */
  readonly callbacks: FlowOffloadCallback[] = [];

  private used = 0;
  /** Flows per conntrack zone whose entries are not of this table's zone (see findForeign). */
  private readonly foreignZones = new Map<number, number>();

  /** Direction of the last successful lookup (avoids returning a tuple object). */
  lastDir: 0 | 1 = 0;

  constructor(
    readonly zone: number,
    private readonly env: Env,
    private readonly conntrack: Conntrack,
    private readonly queue: OffloadQueue,
    private readonly records: FlowRecords,
  ) {}

  get size(): number {
    return this.used;
  }

  /** The conntrack entry of a flow: the flow's own name. */
  ct(flow: number): number {
    return flow;
  }

  flags(flow: number): number {
    return this.records.flags(flow);
  }

  setFlags(flow: number, bits: number): void {
    this.records.setFlags(flow, bits);
  }

  clearFlags(flow: number, bits: number): void {
    this.records.clearFlags(flow, bits);
  }

  private proto(flow: number): number {
    return this.conntrack.proto(this.ct(flow));
  }

  timeout(flow: number): number {
    return this.records.timeout(flow);
  }

  setTimeout(flow: number, at: number): void {
    this.records.setTimeout(flow, at);
  }

  /** Per-protocol flow timeout (flow_offload_get_timeout), in µs. */
  offloadTimeout(flow: number): number {
    const hot = this.env.sysctl.hot;
    return (this.proto(flow) === IPPROTO_TCP ? hot.flowtableTcpTimeout : hot.flowtableUdpTimeout) * 1_000_000;
  }

  /**
   * flow_offload_lookup: finds the flow whose `dir` tuple equals the packet's headers.
   * Returns the flow slot (and sets lastDir) or -1. Torn-down flows and flows of dying
   * conntracks are not returned.
   */
  lookup(pkt: Packet): number {
    // The packet is the key: its headers are read inside the hash walk (no boxed addresses).
    let node = this.conntrack.findNode(this.zone, pkt);
    if (node < 0) {
      if (this.foreignZones.size === 0) return -1;
      node = this.findForeign(pkt);
      if (node < 0) return -1;
    }
    const flow = node >> 1;
    if (this.records.zone(flow) !== this.zone || this.flags(flow) & NF_FLOW_TEARDOWN || !this.conntrack.isAlive(flow)) return -1;
    this.lastDir = (node & 1) as 0 | 1;
    return flow;
  }

  /**
   * A flow whose entry lives in another conntrack zone (a zone-0 ct action before v5.13 adds the
   * other zone's entry to its own flowtable). The kernel's flow tuple has no zone, so such a
   * flow is found by its tuple like any other; here, through the entry's own zone.
   */
  private findForeign(pkt: Packet): number {
    for (const zone of this.foreignZones.keys()) {
      const node = this.conntrack.findNode(zone, pkt);
      if (node >= 0 && this.records.zone(node >> 1) === this.zone) return node;
    }
    return -1;
  }

  /** The flow that holds conntrack entry `ct` in this table, torn down or not, or -1. */
  flowOfCt(ct: number): number {
    return this.records.zone(ct) === this.zone ? ct : -1;
  }

  /**
   * flow_offload_alloc + flow_offload_add: both direction tuples from the conntrack entry,
   * timeout = now + offload timeout, the conntrack kept alive (nf_ct_offload_timeout), and
   * a hardware add queued (act_ct flowtables always carry NF_FLOWTABLE_HW_OFFLOAD).
   * Returns the flow, or -1 when the connection still has a flow.
   */
  add(ct: number, bidirectional: boolean): number {
    // flow_offload_add's rhashtable insert fails with -EEXIST while a torn-down flow of the
    // same connection is still hashed (waiting for the GC to free it).
    if (this.records.zone(ct) >= 0) return -1;
    const flow = ct;
    const status = this.conntrack.status(ct);
    const flags =
      NF_FLOW_HW |
      (bidirectional ? NF_FLOW_HW_BIDIRECTIONAL : 0) |
      (status & IPS_SRC_NAT ? NF_FLOW_SNAT : 0) |
      (status & IPS_DST_NAT ? NF_FLOW_DNAT : 0);
    this.records.claim(flow, this.zone, flags);
    this.countForeign(ct, 1);
    this.conntrack.holdFlowRef(ct, true);
    this.used++;
    const now = this.env.now();
    this.setTimeout(flow, now + this.offloadTimeout(flow));
    // nf_ct_offload_timeout: the flowtable now ages the connection, conntrack must not.
    if (this.conntrack.timeoutAt(ct) - now < CT_DAY_US / 2) this.conntrack.setTimeoutAt(ct, now + CT_DAY_US);
    this.queue.add(this, flow);
    return flow;
  }

  /**
   * flow_offload_refresh: a software fast-path hit pushes the timeout out (only when it moves
   * by more than a second, unless forced) and re-queues the hardware add — this is how a
   * connection the driver refused gets another chance on later packets.
   */
  refresh(flow: number, force: boolean): boolean {
    const at = this.env.now() + this.offloadTimeout(flow);
    if (!force && at - this.timeout(flow) <= 1_000_000) return false;
    this.setTimeout(flow, at);
    this.queue.add(this, flow);
    return true;
  }

  /**
   * flow_offload_teardown: marks the flow and hands the connection back to conntrack with the
   * profile's timeout fix-up. Current kernels clear IPS_OFFLOAD here; 5.7 cleared it only when
   * the GC deleted the flow (flow_offload_del).
   */
  teardown(flow: number, reason: TeardownReason): void {
    if (this.flags(flow) & NF_FLOW_TEARDOWN) return;
    this.setFlags(flow, NF_FLOW_TEARDOWN);
    const ct = this.ct(flow);
    const profile = this.env.profile;
    if (profile.teardownFixup === 'state-minus-offload') {
      this.conntrack.clearStatus(ct, IPS_OFFLOAD);
      this.conntrack.offloadFixup(ct, 'state-minus-offload', this.offloadTimeout(flow) / 1_000_000);
    } else {
      // 5.7 flow_offload_teardown → flow_offload_fixup_ct_state; the timeout part follows at del.
      this.conntrack.offloadFixup(ct, 'pickup-state', this.offloadTimeout(flow) / 1_000_000);
    }
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'ft.teardown', t: this.env.now(), pkt: this.env.pkt, zone: this.zone, ctId: this.conntrack.ctId(ct), reason });
    }
  }

  /** flow_offload_del: unhash, give the connection back to conntrack, free the slot. */
  del(flow: number): void {
    const ct = this.ct(flow);
    // Current kernels cleared IPS_OFFLOAD at teardown already; 5.7 clears it here (and a profile
    // switch between the two must not leave it set).
    this.conntrack.clearStatus(ct, IPS_OFFLOAD);
    if (this.env.profile.teardownFixup === 'pickup') {
      // 5.7 flow_offload_del: an expired flow gets the whole fix-up, a torn-down one the
      // timeout part (flow_offload_fixup_ct_timeout) — conntrack's GC may have pushed the
      // timeout back to a day while IPS_OFFLOAD was still set.
      const expired = this.timeout(flow) - this.env.now() <= 0;
      this.conntrack.offloadFixup(ct, expired ? 'pickup' : 'pickup-timeout', this.offloadTimeout(flow) / 1_000_000);
    }
    this.conntrack.clearStatus(ct, IPS_HW_OFFLOAD);
    this.conntrack.holdFlowRef(ct, false);
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'ft.free', t: this.env.now(), pkt: this.env.pkt, zone: this.zone, ctId: this.conntrack.ctId(ct) });
    }
    if (this.flags(flow) & NF_FLOW_HW_PENDING) this.queue.forget(this, flow);
    this.countForeign(ct, -1);
    this.records.release(flow);
    this.used--;
  }

  /** Keeps `foreignZones` current as flows of other zones' entries come and go. */
  private countForeign(ct: number, delta: 1 | -1): void {
    const zone = this.conntrack.zone(ct);
    if (zone === this.zone) return;
    const n = (this.foreignZones.get(zone) ?? 0) + delta;
    if (n > 0) this.foreignZones.set(zone, n);
    else this.foreignZones.delete(zone);
  }

  /**
   * One pass of nf_flow_offload_gc_step over every flow (the 1 s GC work): expired or dying
   * flows are torn down; a torn-down flow that was handed to hardware needs a FLOW_CLS_DESTROY
   * first (HW_DYING) and is freed on a later pass once that work completed (HW_DEAD), so a
   * hardware flow takes two passes; other live hardware flows get a stats request.
   */
  gc(): void {
    const now = this.env.now();
    const records = this.records;
    for (let flow = 0; flow < records.end; flow++) {
      if (records.zone(flow) !== this.zone) continue;
      const ct = flow;
      if (!(this.flags(flow) & NF_FLOW_TEARDOWN)) {
        if (this.timeout(flow) - now <= 0) this.teardown(flow, 'expired');
        else if (!this.conntrack.isAlive(ct)) this.teardown(flow, 'ct-dying');
        else if (this.isOutdated(flow)) this.teardown(flow, 'outdated');
      }
      const f = this.flags(flow);
      if (f & NF_FLOW_TEARDOWN) {
        if (!(f & NF_FLOW_HW)) this.del(flow);
        else if (!(f & NF_FLOW_HW_DYING)) this.queue.del(this, flow);
        else if (f & NF_FLOW_HW_DEAD) this.del(flow);
      } else if (f & NF_FLOW_HW) {
        this.queue.stats(this, flow);
      }
    }
  }

  /**
   * tcf_ct_flow_is_outdated (act_ct's gc hook): a flow offloaded one-way while the connection
   * was new is torn down once the connection has seen a reply and hardware holds it, so that
   * it is re-added bidirectionally.
   */
  private isOutdated(flow: number): boolean {
    const f = this.flags(flow);
    if (f & NF_FLOW_HW_BIDIRECTIONAL) return false;
    const status = this.conntrack.status(this.ct(flow));
    return (status & IPS_HW_OFFLOAD) !== 0 && (status & IPS_SEEN_REPLY) !== 0 && !(f & NF_FLOW_HW_PENDING);
  }

  /** Every flow of the table, in conntrack slot order. */
  forEach(fn: (flow: number) => void): void {
    for (let flow = 0; flow < this.records.end; flow++) if (this.records.zone(flow) === this.zone) fn(flow);
  }
}
