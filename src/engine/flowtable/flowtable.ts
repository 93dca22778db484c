/**
 * One nf_flowtable (net/netfilter/nf_flow_table_core.c): the table of offloaded flows of one
 * ct zone. Storage is struct-of-arrays indexed by flow slot; each flow is hashed twice (one
 * node per direction, node = slot * 2 + dir) by its direction's 5-tuple. The zone is not part
 * of the key: the table itself belongs to one zone (tcf_ct_flow_table_get).
 */
import type { Conntrack } from '../conntrack/conntrack';
import { IPS_DST_NAT, IPS_HW_OFFLOAD, IPS_OFFLOAD, IPS_SEEN_REPLY, IPS_SRC_NAT } from '../conntrack/conntrack';
import type { Env } from '../env';
import { hashTuple } from '../model/hash';
import { IPPROTO_TCP } from '../model/packet';
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

export type TeardownReason = 'fin' | 'rst' | 'expired' | 'ct-dying' | 'outdated' | 'table-freed' | 'device';

const INITIAL_CAPACITY = 64;
/** NF_CT_DAY: nf_ct_offload_timeout keeps an offloaded conntrack alive for a day at a time. */
const CT_DAY_US = 86400 * 1_000_000;

export class FlowTable {
  /** act_ct references (tcf_ct_flow_table_get/put) plus driver callbacks (flowtable_ct.get). */
  refs = 1;
  /** Driver block callbacks registered on this table (nf_flow_table_offload_add_cb). */
  readonly callbacks: FlowOffloadCallback[] = [];

  private cap = 0;
  private used = 0;
  private ctOf = new Int32Array(0); // -1 = free slot
  private timeoutAt = new Float64Array(0);
  private flagsOf = new Uint16Array(0);
  private protoOf = new Uint8Array(0);
  // Per direction (index slot * 2 + dir).
  private srcOf = new Uint32Array(0);
  private dstOf = new Uint32Array(0);
  private portsOf = new Uint32Array(0);
  private nextNode = new Int32Array(0);
  private heads = new Int32Array(0);
  private freeList: number[] = [];
  private highWater = 0;

  /** Direction of the last successful lookup (avoids returning a tuple object). */
  lastDir: 0 | 1 = 0;

  constructor(
    readonly zone: number,
    private readonly env: Env,
    private readonly conntrack: Conntrack,
    private readonly queue: OffloadQueue,
  ) {
    this.grow(INITIAL_CAPACITY);
  }

  get size(): number {
    return this.used;
  }

  ct(flow: number): number {
    return this.ctOf[flow];
  }

  flags(flow: number): number {
    return this.flagsOf[flow];
  }

  setFlags(flow: number, bits: number): void {
    this.flagsOf[flow] |= bits;
  }

  clearFlags(flow: number, bits: number): void {
    this.flagsOf[flow] &= ~bits;
  }

  timeout(flow: number): number {
    return this.timeoutAt[flow];
  }

  setTimeout(flow: number, at: number): void {
    this.timeoutAt[flow] = at;
  }

  /** Per-protocol flow timeout (flow_offload_get_timeout), in µs. */
  offloadTimeout(flow: number): number {
    const key = this.protoOf[flow] === IPPROTO_TCP ? 'net.netfilter.nf_flowtable_tcp_timeout' : 'net.netfilter.nf_flowtable_udp_timeout';
    return this.env.sysctl.get(key) * 1_000_000;
  }

  /**
   * flow_offload_lookup: finds the flow whose `dir` tuple equals the packet's headers.
   * Returns the flow slot (and sets lastDir) or -1. Torn-down flows and flows of dying
   * conntracks are not returned.
   */
  lookup(proto: number, src: number, dst: number, sport: number, dport: number): number {
    const ports = (((sport & 0xffff) << 16) | (dport & 0xffff)) >>> 0;
    let node = this.heads[hashTuple(0, proto, src, dst, sport, dport) & (this.heads.length - 1)];
    while (node >= 0) {
      const flow = node >> 1;
      if (this.srcOf[node] === src && this.dstOf[node] === dst && this.portsOf[node] === ports && this.protoOf[flow] === proto) {
        if (this.flagsOf[flow] & NF_FLOW_TEARDOWN || !this.conntrack.isAlive(this.ctOf[flow])) return -1;
        this.lastDir = (node & 1) as 0 | 1;
        return flow;
      }
      node = this.nextNode[node];
    }
    return -1;
  }

  /** Finds the flow that holds conntrack entry `ct` (by its original tuple), torn down or not. */
  flowOfCt(ct: number): number {
    const t = this.conntrack.tuple(ct, 0);
    const ports = (((t.sport & 0xffff) << 16) | (t.dport & 0xffff)) >>> 0;
    let node = this.heads[hashTuple(0, t.proto, t.src, t.dst, t.sport, t.dport) & (this.heads.length - 1)];
    while (node >= 0) {
      if ((node & 1) === 0 && this.ctOf[node >> 1] === ct && this.portsOf[node] === ports) return node >> 1;
      node = this.nextNode[node];
    }
    return -1;
  }

  /**
   * flow_offload_alloc + flow_offload_add: both direction tuples from the conntrack entry,
   * timeout = now + offload timeout, the conntrack kept alive (nf_ct_offload_timeout), and
   * a hardware add queued (act_ct flowtables always carry NF_FLOWTABLE_HW_OFFLOAD).
   */
  add(ct: number, bidirectional: boolean): number {
    if (this.used === this.cap) this.grow(this.cap * 2);
    const flow = this.freeList.length ? this.freeList.pop()! : this.highWater++;
    const status = this.conntrack.status(ct);
    this.ctOf[flow] = ct;
    this.flagsOf[flow] =
      NF_FLOW_HW |
      (bidirectional ? NF_FLOW_HW_BIDIRECTIONAL : 0) |
      (status & IPS_SRC_NAT ? NF_FLOW_SNAT : 0) |
      (status & IPS_DST_NAT ? NF_FLOW_DNAT : 0);
    for (const dir of [0, 1] as const) {
      const t = this.conntrack.tuple(ct, dir);
      const node = flow * 2 + dir;
      this.protoOf[flow] = t.proto;
      this.srcOf[node] = t.src;
      this.dstOf[node] = t.dst;
      this.portsOf[node] = (((t.sport & 0xffff) << 16) | (t.dport & 0xffff)) >>> 0;
      const b = hashTuple(0, t.proto, t.src, t.dst, t.sport, t.dport) & (this.heads.length - 1);
      this.nextNode[node] = this.heads[b];
      this.heads[b] = node;
    }
    this.used++;
    const now = this.env.now();
    this.timeoutAt[flow] = now + this.offloadTimeout(flow);
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
    if (!force && at - this.timeoutAt[flow] <= 1_000_000) return false;
    this.timeoutAt[flow] = at;
    this.queue.add(this, flow);
    return true;
  }

  /**
   * flow_offload_teardown: marks the flow and hands the connection back to conntrack with the
   * profile's timeout fix-up. Current kernels clear IPS_OFFLOAD here; 5.7 cleared it only when
   * the GC deleted the flow (flow_offload_del).
   */
  teardown(flow: number, reason: TeardownReason): void {
    if (this.flagsOf[flow] & NF_FLOW_TEARDOWN) return;
    this.flagsOf[flow] |= NF_FLOW_TEARDOWN;
    const ct = this.ctOf[flow];
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
    const ct = this.ctOf[flow];
    // Current kernels cleared IPS_OFFLOAD at teardown already; 5.7 clears it here (and a profile
    // switch between the two must not leave it set).
    this.conntrack.clearStatus(ct, IPS_OFFLOAD);
    if (this.env.profile.teardownFixup === 'pickup') {
      // 5.7 flow_offload_del: an expired flow gets the whole fix-up, a torn-down one the
      // timeout part (flow_offload_fixup_ct_timeout) — conntrack's GC may have pushed the
      // timeout back to a day while IPS_OFFLOAD was still set.
      const expired = this.timeoutAt[flow] - this.env.now() <= 0;
      this.conntrack.offloadFixup(ct, expired ? 'pickup' : 'pickup-timeout', this.offloadTimeout(flow) / 1_000_000);
    }
    this.conntrack.clearStatus(ct, IPS_HW_OFFLOAD);
    for (const dir of [0, 1] as const) this.unhash(flow * 2 + dir, flow);
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'ft.free', t: this.env.now(), pkt: this.env.pkt, zone: this.zone, ctId: this.conntrack.ctId(ct) });
    }
    this.ctOf[flow] = -1;
    this.flagsOf[flow] = 0;
    this.used--;
    this.freeList.push(flow);
  }

  /**
   * One pass of nf_flow_offload_gc_step over every flow (the 1 s GC work): expired or dying
   * flows are torn down; a torn-down flow that was handed to hardware needs a FLOW_CLS_DESTROY
   * first (HW_DYING) and is freed on a later pass once that work completed (HW_DEAD), so a
   * hardware flow takes two passes; other live hardware flows get a stats request.
   */
  gc(): void {
    const now = this.env.now();
    for (let flow = 0; flow < this.highWater; flow++) {
      const ct = this.ctOf[flow];
      if (ct < 0) continue;
      if (!(this.flagsOf[flow] & NF_FLOW_TEARDOWN)) {
        if (this.timeoutAt[flow] - now <= 0) this.teardown(flow, 'expired');
        else if (!this.conntrack.isAlive(ct)) this.teardown(flow, 'ct-dying');
        else if (this.isOutdated(flow)) this.teardown(flow, 'outdated');
      }
      const f = this.flagsOf[flow];
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
    const f = this.flagsOf[flow];
    if (f & NF_FLOW_HW_BIDIRECTIONAL) return false;
    const status = this.conntrack.status(this.ctOf[flow]);
    return (status & IPS_HW_OFFLOAD) !== 0 && (status & IPS_SEEN_REPLY) !== 0 && !(f & NF_FLOW_HW_PENDING);
  }

  /** Every live flow slot, in slot order. */
  forEach(fn: (flow: number) => void): void {
    for (let flow = 0; flow < this.highWater; flow++) if (this.ctOf[flow] >= 0) fn(flow);
  }

  private unhash(node: number, flow: number): void {
    const b =
      hashTuple(0, this.protoOf[flow], this.srcOf[node], this.dstOf[node], this.portsOf[node] >>> 16, this.portsOf[node] & 0xffff) &
      (this.heads.length - 1);
    let prev = -1;
    let cur = this.heads[b];
    while (cur >= 0 && cur !== node) {
      prev = cur;
      cur = this.nextNode[cur];
    }
    if (cur < 0) return;
    if (prev < 0) this.heads[b] = this.nextNode[node];
    else this.nextNode[prev] = this.nextNode[node];
  }

  private grow(cap: number): void {
    const copy = <T extends Int32Array | Float64Array | Uint16Array | Uint8Array | Uint32Array>(old: T, n: number, fill?: number): T => {
      const C = old.constructor as new (n: number) => T;
      const next = new C(n);
      next.set(old);
      if (fill !== undefined) next.fill(fill, old.length);
      return next;
    };
    this.ctOf = copy(this.ctOf, cap, -1);
    this.timeoutAt = copy(this.timeoutAt, cap);
    this.flagsOf = copy(this.flagsOf, cap);
    this.protoOf = copy(this.protoOf, cap);
    this.srcOf = copy(this.srcOf, cap * 2);
    this.dstOf = copy(this.dstOf, cap * 2);
    this.portsOf = copy(this.portsOf, cap * 2);
    this.nextNode = copy(this.nextNode, cap * 2, -1);
    this.cap = cap;
    this.rehash(cap * 2);
  }

  /** Buckets: a power of two at least the node count, rebuilt when the table grows. */
  private rehash(nodes: number): void {
    let n = 1;
    while (n < nodes) n <<= 1;
    this.heads = new Int32Array(n).fill(-1);
    for (let flow = 0; flow < this.highWater; flow++) {
      if (this.ctOf[flow] < 0) continue;
      for (const dir of [0, 1] as const) {
        const node = flow * 2 + dir;
        const b = hashTuple(0, this.protoOf[flow], this.srcOf[node], this.dstOf[node], this.portsOf[node] >>> 16, this.portsOf[node] & 0xffff) & (n - 1);
        this.nextNode[node] = this.heads[b];
        this.heads[b] = node;
      }
    }
  }
}
