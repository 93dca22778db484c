/**
 * nf_conntrack: the connection table (all zones), per-protocol trackers, NAT, timeouts.
 *
 * CONTRACT (used by act_ct, the flowtable, renderers and the simulator). Entries are
 * addressed by a slot number (`ct`, an index into struct-of-arrays storage, reused after the
 * entry is freed) and carry a `ctId` that is never reused (for events and the UI).
 *
 * Reference counting follows the kernel: the table holds an entry while it is hashed, and
 * every packet holding it (skb->_nfct) holds a reference too. A killed or expired entry
 * leaves the table at once but its slot is freed only when the last packet lets go of it
 * (releaseSkb), so a packet never sees its entry replaced under it. Packets get entries
 * through in() or attach(), and give them back through releaseSkb() or the next in().
 */
import { US_PER_SEC, wholeSeconds } from '../clock';
import type { Env } from '../env';
import type { Family } from '../model/addr';
import { CtInfo, ETH_P_IP, ETH_P_IPV6, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, ipLength, type Packet } from '../model/packet';
import type { Label, Masked, MaskedLabel, NatSpec } from '../script/ast';
import { CT_BEHAVIOUR, type CtBehaviour } from './behaviour';
import { genericPacket } from './generic';
import { TupleHash, type TupleKey } from './hash';
import { icmpPacket, icmpv6Packet } from './icmp';
import { LabelTable, formatLabel } from './labels';
import { L4_INVALID, L4_REPEAT, type L4Host, type L4Verdict } from './l4';
import { NatEngine, type NatHost } from './nat';
import { CtStore, F_ACCT, F_ECACHE, F_FLOW, F_IPV6 } from './storage';
import { CtStats } from './stats';
import { CTNETLINK_CHANGE_EVENTS, IPCT_ASSURED, IPCT_DESTROY, IPCT_LABEL, IPCT_MARK, IPCT_NEW, IPCT_PROTOINFO, IPCT_REPLY, type CtEventSink } from './ecache';
import { tcpOffloadFixup, tcpPacket, tcpSetBeLiberal } from './tcp';
import { udpPacket } from './udp';
import { ExpiryWheel, NF_CT_DAY_US, TCP_STATE_TIMEOUT, TCP_SYN_SENT2_TIMEOUT_SEC, UDP_TIMEOUT, UDP_TIMEOUT_STREAM, tcpStateTimeoutKey } from './timeouts';
import { MutableTuple, NR_ICMP_TYPES, icmpIsError, icmpv6IsError, icmpv6Untracked, invertTuple, tupleFromPacket, tupleView } from './tuple';
import {
  IPS_ASSURED,
  IPS_CONFIRMED,
  IPS_DYING,
  IPS_FIXED_TIMEOUT,
  IPS_HW_OFFLOAD,
  IPS_OFFLOAD,
  IPS_SEEN_REPLY,
  STATUS_NAMES,
  TCP_STATE_NAMES,
  TcpState,
  type CtTuple,
  type DestroyReason,
  type Dir,
  type NfVerdict,
} from './types';
import { H8, H16, H32, H64, H_CT_ID, H_TIMEOUT_AT, H_STATUS, H_ZONE, H_SKB_REFS, H_FLAGS, H_PROTO, H_TCP_STATE, H_MARK, N16, N32, N_SRC, N_DST, N_SPORT, N_DPORT, N_NEXT } from './storage';

export {
  DIR_ORIGINAL,
  DIR_REPLY,
  IPS_ASSURED,
  IPS_CONFIRMED,
  IPS_DST_NAT,
  IPS_DST_NAT_DONE,
  IPS_DYING,
  IPS_EXPECTED,
  IPS_FIXED_TIMEOUT,
  IPS_HW_OFFLOAD,
  IPS_NAT_CLASH,
  IPS_NAT_MASK,
  IPS_OFFLOAD,
  IPS_SEEN_REPLY,
  IPS_SEQ_ADJUST,
  IPS_SRC_NAT,
  IPS_SRC_NAT_DONE,
  TcpState,
} from './types';
export type { CtTuple, DestroyReason, Dir, NfVerdict } from './types';

const HALF_DAY_US = NF_CT_DAY_US / 2;
/** Which statistics a failure of nf_conntrack_in() counts. */
const STAT_INVALID = 1;
const STAT_ERROR = 2;
const EARLY_DROP_BUCKETS = 8; // NF_CT_EVICTION_RANGE

/** fl_ct_info_to_flower_map, as tc prints ct_state. */
const CT_STATE_TEXT: Record<number, string> = {
  [CtInfo.NEW]: '+trk+new',
  [CtInfo.ESTABLISHED]: '+trk+est',
  [CtInfo.ESTABLISHED_REPLY]: '+trk+est+rpl',
  [CtInfo.RELATED]: '+trk+rel',
  [CtInfo.RELATED_REPLY]: '+trk+rel+rpl',
};

/**
 * flow_offload_fixup_ct variants. 5.7 split it: teardown forced the TCP state back to
 * ESTABLISHED (flow_offload_fixup_ct_state, 'pickup-state'), the GC's delete lowered the
 * timeout to the pickup timeout (flow_offload_fixup_ct_timeout, 'pickup-timeout'), and an
 * expired flow got both ('pickup'). Current kernels: 'state-minus-offload'.
 */
export type OffloadFixupMode = 'pickup' | 'pickup-state' | 'pickup-timeout' | 'state-minus-offload';

export class Conntrack implements L4Host, NatHost {
  readonly store = new CtStore();
  /** `conntrack -S`: the statistics of the one simulated CPU. */
  readonly stats = new CtStats();
  /**
   * The ctnetlink event listener (`conntrack -E`), or null when nobody listens: every event
   * path is behind this check, so the packet path does no event work without a listener.
   */
  private ecache: CtEventSink | null = null;
  /** IPCT_* bits cached per entry slot until delivery (nf_conntrack_ecache's e->cache). */
  private readonly cachedEvents = new Map<number, number>();
  readonly tcpStateTimeout: readonly number[];
  private readonly hash: TupleHash;
  private readonly wheel: ExpiryWheel;
  private readonly labels: LabelTable;
  private readonly natEngine: NatEngine;
  /** Why the current packet was invalid, ignored or dropped (for events). */
  reason = '';
  private nextId = 1;
  private confirmedCount = 0;
  // scratch tuples: no allocation per packet
  private readonly tuple0 = new MutableTuple();
  private readonly tuple1 = new MutableTuple();
  private readonly victims = new Int32Array(64);

  constructor(readonly env: Env) {
    this.tcpStateTimeout = env.sysctl.indexed(TCP_STATE_TIMEOUT, TCP_SYN_SENT2_TIMEOUT_SEC);
    this.hash = new TupleHash(this.store);
    this.wheel = new ExpiryWheel(this.store, env.clock, (slot) => this.onDue(slot));
    this.labels = new LabelTable(this.store);
    this.natEngine = new NatEngine(this);
    this.store.onGrow = (capacity) => {
      this.hash.rebuild(capacity, (slot) => this.isHashed(slot));
      this.natEngine.onGrow(capacity);
    };
  }

  get behaviour(): CtBehaviour {
    return CT_BEHAVIOUR[this.env.profile.name];
  }

  /**
   * nf_conntrack_in() for one packet in `zone` (resolve_normal_ct + the L4 tracker).
   * Finds the entry (original or reply direction), or creates an unconfirmed one when the
   * L4 tracker allows a new connection; RELATED for ICMP errors quoting a known connection.
   * Sets pkt.meta.ct / pkt.meta.ctinfo; an invalid packet leaves pkt.meta.ct = -1.
   * Emits ct.lookup (and ct.new / ct.state). Returns 'drop' only where the kernel returns NF_DROP.
   */
  in(pkt: Packet, zone: number): NfVerdict {
    this.releaseSkb(pkt);
    this.reason = '';
    // nf_conntrack_in(): get_l4proto() failing counts error and invalid; the ICMP error
    // handler failing counts error only (nf_conntrack_handle_icmp).
    if (pkt.ethType !== (pkt.family === 6 ? ETH_P_IPV6 : ETH_P_IP)) return this.invalid(pkt, zone, 'not an IPv4 or IPv6 packet', '', STAT_ERROR | STAT_INVALID);
    if (pkt.icmp !== null) {
      const v = this.icmpError(pkt, zone);
      if (v !== null) return v;
    }
    const t = this.tuple0;
    if (!tupleFromPacket(pkt, t)) return this.invalid(pkt, zone, 'no L4 header', '', STAT_ERROR | STAT_INVALID);
    for (;;) {
      const node = this.lookup(zone, t);
      let slot: number;
      let dir: Dir = 0;
      let ctinfo: CtInfo;
      if (node >= 0) {
        slot = node >> 1;
        dir = (node & 1) as Dir;
        ctinfo = dir ? CtInfo.ESTABLISHED_REPLY : this.store.h16[slot * H16 + H_STATUS] & IPS_SEEN_REPLY ? CtInfo.ESTABLISHED : CtInfo.NEW;
      } else {
        if (!invertTuple(t, this.tuple1)) return this.invalid(pkt, zone, "can't invert tuple", '', STAT_INVALID);
        slot = this.create(zone, t, this.tuple1);
        if (slot < 0) return this.tableFull(pkt, zone);
        ctinfo = CtInfo.NEW;
      }
      const isNew = node < 0;
      const stateBefore = this.env.events.active ? (isNew ? 'NONE' : this.stateName(slot)) : '';
      const visibleBefore = this.visibleState(slot);
      this.attach(pkt, slot, ctinfo);
      const verdict: L4Verdict = this.l4Packet(slot, dir, pkt, !isNew);
      if (verdict === L4_REPEAT) {
        this.stats.invalid++; // counted before the REPEAT check, as nf_conntrack_in does
        this.put(pkt, false); // the old connection was killed: look the packet up again
        continue;
      }
      if (verdict === L4_INVALID) {
        this.put(pkt, false);
        return this.invalid(pkt, zone, this.reason, stateBefore, STAT_INVALID);
      }
      if (ctinfo === CtInfo.ESTABLISHED_REPLY) this.store.h16[slot * H16 + H_STATUS] |= IPS_SEEN_REPLY;
      if (this.ecache !== null) this.cacheTrackerEvents(slot, visibleBefore);
      if (this.env.events.active) this.emitIn(pkt, zone, slot, isNew, dir, stateBefore, visibleBefore);
      return 'accept';
    }
  }

  /** nf_ct_nat() as act_ct calls it for the packet's attached entry (kernel-facts §f); mangles the packet. */
  nat(pkt: Packet, spec: NatSpec, commit: boolean): NfVerdict {
    const slot = pkt.meta.ct;
    if (slot < 0 || !this.store.isUsed(slot)) return 'accept';
    return this.natEngine.nat(pkt, slot, spec, commit);
  }

  /** act_ct commit: set mark/labels (tcf_ct_act_set_mark/labels), then nf_conntrack_confirm(). */
  commit(pkt: Packet, mark: Masked | undefined, label: MaskedLabel | undefined): NfVerdict {
    const slot = pkt.meta.ct;
    if (slot < 0 || !this.store.isUsed(slot)) return 'accept';
    const s = this.store;
    const confirmed = (s.h16[slot * H16 + H_STATUS] & IPS_CONFIRMED) !== 0;
    if (mark && mark.mask !== 0) {
      const next = (mark.value | (s.h32[slot * H32 + H_MARK] & ~mark.mask)) >>> 0;
      // tcf_ct_act_set_mark(): IPCT_MARK only for a change of a confirmed entry.
      if (this.ecache !== null && confirmed && next !== s.h32[slot * H32 + H_MARK]) this.cacheEvent(slot, IPCT_MARK);
      s.h32[slot * H32 + H_MARK] = next;
    }
    if (label) {
      const before = this.ecache !== null ? formatLabel(this.labels.get(slot)) : '';
      this.labels.replace(slot, label.value, label.mask);
      // nf_connlabels_replace() caches IPCT_LABEL when a word changed.
      if (this.ecache !== null && before !== formatLabel(this.labels.get(slot))) this.cacheEvent(slot, IPCT_LABEL);
    }
    if (!confirmed) return this.confirm(slot);
    // nf_conntrack_confirm() on a confirmed entry still delivers its cached events.
    if (this.ecache !== null) this.deliverCachedEvents(slot);
    return 'accept';
  }

  /**
   * ctnetlink's change of the mark (`conntrack -U --mark`, ctnetlink_change_mark):
   * (mark & ~mask) ^ value, reported at once as ctnetlink_new_conntrack does.
   */
  changeMark(ct: number, mark: Masked, portid: number): void {
    const s = this.store;
    s.h32[ct * H32 + H_MARK] = ((s.h32[ct * H32 + H_MARK] & ~mark.mask) ^ mark.value) >>> 0;
    if (this.ecache !== null) this.report(ct, CTNETLINK_CHANGE_EVENTS, portid);
  }

  /** The skb is gone (delivered or dropped): an unconfirmed entry attached to it is destroyed. */
  releaseSkb(pkt: Packet): void {
    this.put(pkt, true);
  }

  /**
   * nf_ct_set() with a reference: attaches an entry to a packet, as the flowtable fast path
   * and the hardware-miss restore do. The packet gives it back through releaseSkb().
   */
  attach(pkt: Packet, ct: number, ctinfo: CtInfo): void {
    if (pkt.meta.ct === ct && ct >= 0) {
      pkt.meta.ctinfo = ctinfo;
      return;
    }
    if (pkt.meta.ct >= 0) this.put(pkt, true);
    pkt.meta.ct = ct;
    pkt.meta.ctinfo = ctinfo;
    if (this.store.h16[ct * H16 + H_SKB_REFS] < 0xffff) this.store.h16[ct * H16 + H_SKB_REFS]++;
  }

  /** nf_ct_kill(), or nf_ct_delete() for ctnetlink (`portid` of the asking process): removes a confirmed entry now. */
  kill(ct: number, reason: DestroyReason, portid = 0): void {
    if (this.isAlive(ct)) this.destroy(ct, reason, portid);
  }

  // ---- accessors (cheap, no allocation) --------------------------------------------------
  ctId(ct: number): number {
    return this.store.h32[ct * H32 + H_CT_ID];
  }
  zone(ct: number): number {
    return this.store.h16[ct * H16 + H_ZONE];
  }
  proto(ct: number): number {
    return this.store.h8[ct * H8 + H_PROTO];
  }
  /** The entry's l3num: 4, or 6 (its addresses are then ids, model/addr6.ts). */
  family(ct: number): Family {
    return this.store.h8[ct * H8 + H_FLAGS] & F_IPV6 ? 6 : 4;
  }
  status(ct: number): number {
    return this.store.h16[ct * H16 + H_STATUS];
  }
  /**
   * The status ctnetlink and /proc dump. The hardware-accepted bit is kept internally on every
   * profile (the driver's state), but IPS_HW_OFFLOAD only exists since 5.8: before, an entry in
   * hardware shows as [OFFLOAD].
   */
  dumpedStatus(ct: number): number {
    const status = this.status(ct);
    return this.env.profile.hwOffloadStatus ? status : status & ~IPS_HW_OFFLOAD;
  }

  /** Sets status bits; IPS_OFFLOAD also applies nf_ct_offload_timeout() (flow_offload_add does). */
  setStatus(ct: number, bits: number): void {
    const s = this.store;
    const was = s.h16[ct * H16 + H_STATUS];
    s.h16[ct * H16 + H_STATUS] = was | bits;
    if (bits & IPS_OFFLOAD && !(was & IPS_OFFLOAD)) {
      this.offloadTimeout(ct);
      this.reschedule(ct);
    }
  }
  clearStatus(ct: number, bits: number): void {
    this.store.h16[ct * H16 + H_STATUS] &= ~bits;
  }
  tcpState(ct: number): TcpState {
    return this.store.h8[ct * H8 + H_TCP_STATE] as TcpState;
  }
  mark(ct: number): number {
    return this.store.h32[ct * H32 + H_MARK];
  }
  label(ct: number): Label {
    return this.labels.get(ct);
  }
  isConfirmed(ct: number): boolean {
    return (this.store.h16[ct * H16 + H_STATUS] & IPS_CONFIRMED) !== 0;
  }
  /** Whether the slot holds a live entry (not freed, not dying). */
  isAlive(ct: number): boolean {
    return this.store.isUsed(ct) && !(this.store.h16[ct * H16 + H_STATUS] & IPS_DYING);
  }
  /**
   * The hashed node (slot * 2 + dir) holding this tuple in `zone`, or -1: a bare hash walk
   * (no reaping of expired entries) for tables that index flows by conntrack entry.
   */
  findNode(zone: number, key: TupleKey): number {
    return this.hash.find(zone, key);
  }
  /** The hash bucket `key` hashes to in `zone`, and the buckets' heads (for the cache warm-up, see warmup.ts). */
  bucketOf(zone: number, key: TupleKey): number {
    return this.hash.bucketOfKey(zone, key);
  }
  get bucketHeads(): Int32Array {
    return this.hash.heads;
  }
  /** Tuple of one direction (allocates: for renderers, events and hardware rules, not per packet). */
  tuple(ct: number, dir: Dir): CtTuple {
    const s = this.store;
    const n = 2 * ct + dir;
    return { family: this.family(ct), proto: s.h8[ct * H8 + H_PROTO], src: s.n32[n * N32 + N_SRC], dst: s.n32[n * N32 + N_DST], sport: s.n16[n * N16 + N_SPORT], dport: s.n16[n * N16 + N_DPORT] };
  }
  /** Absolute expiry time (µs). */
  timeoutAt(ct: number): number {
    return this.store.hf64[ct * H64 + H_TIMEOUT_AT];
  }
  setTimeoutAt(ct: number, at: number): void {
    this.store.hf64[ct * H64 + H_TIMEOUT_AT] = at;
    this.reschedule(ct);
  }
  /** Per-direction BE_LIBERAL (act_ct sets it on both directions when it adds a TCP flow). */
  setTcpBeLiberal(ct: number): void {
    tcpSetBeLiberal(this.store, ct);
  }
  /**
   * flow_offload_fixup_ct(): the flowtable hands the entry back to conntrack (kernel-facts
   * §c.5 and the talk-era variant). 'pickup' (5.7): TCP state forced to ESTABLISHED, window
   * maxwin cleared, timeout lowered to 120 s (TCP) / 30 s (UDP) if larger.
   * 'state-minus-offload' (current): timeout lowered to timeouts[state] - offloadTimeoutSec
   * (UDP: the stream timeout once a reply was seen, else the unreplied one, minus
   * offloadTimeoutSec), clamped at 0, only if that is lower; TCP MAXACK_SET cleared.
   */
  offloadFixup(ct: number, mode: OffloadFixupMode, offloadTimeoutSec: number): void {
    const s = this.store;
    const proto = s.h8[ct * H8 + H_PROTO];
    if (proto !== IPPROTO_TCP && proto !== IPPROTO_UDP) return;
    const sysctl = this.env.sysctl;
    let timeoutSec: number;
    const pickup = mode !== 'state-minus-offload';
    if (proto === IPPROTO_TCP && mode !== 'pickup-timeout') tcpOffloadFixup(s, ct, pickup);
    if (mode === 'pickup-state') return;
    if (proto === IPPROTO_TCP) {
      if (pickup) {
        timeoutSec = 120; // NF_FLOWTABLE_TCP_PICKUP_TIMEOUT
      } else {
        const key = tcpStateTimeoutKey(s.h8[ct * H8 + H_TCP_STATE] as TcpState);
        timeoutSec = (key ? sysctl.get(key) : 120) - offloadTimeoutSec;
      }
    } else if (pickup) {
      timeoutSec = 30; // NF_FLOWTABLE_UDP_PICKUP_TIMEOUT
    } else {
      timeoutSec = sysctl.get(s.h16[ct * H16 + H_STATUS] & IPS_SEEN_REPLY ? UDP_TIMEOUT_STREAM : UDP_TIMEOUT) - offloadTimeoutSec;
    }
    const timeoutUs = Math.max(0, timeoutSec) * US_PER_SEC;
    const now = this.env.now();
    if (s.hf64[ct * H64 + H_TIMEOUT_AT] - now > timeoutUs) this.setTimeoutAt(ct, now + timeoutUs);
  }
  /** nf_ct_acct_add: add packets/bytes to one direction's counters. */
  acct(ct: number, dir: Dir, packets: number, bytes: number): void {
    const s = this.store;
    if (!(s.h8[ct * H8 + H_FLAGS] & F_ACCT)) return;
    s.acctPackets![2 * ct + dir] += packets;
    s.acctBytes![2 * ct + dir] += bytes;
  }
  /** Whether the entry has counters (nf_conntrack_acct was 1 when it was created). */
  hasAcct(ct: number): boolean {
    return (this.store.h8[ct * H8 + H_FLAGS] & F_ACCT) !== 0;
  }
  packets(ct: number, dir: Dir): number {
    return this.hasAcct(ct) ? this.store.acctPackets![2 * ct + dir] : 0;
  }
  bytes(ct: number, dir: Dir): number {
    return this.hasAcct(ct) ? this.store.acctBytes![2 * ct + dir] : 0;
  }
  /**
   * The reference count ctnetlink reports: the table's, plus the flowtable's. The flow holds
   * its reference from flow_offload_alloc until the GC frees it (flow_offload_free), which
   * current kernels do a while after teardown cleared IPS_OFFLOAD.
   */
  use(ct: number): number {
    return 1 + (this.store.h8[ct * H8 + H_FLAGS] & F_FLOW ? 1 : 0);
  }
  /** flow_offload_alloc takes a reference on the entry (held); flow_offload_free drops it. */
  holdFlowRef(ct: number, held: boolean): void {
    if (held) this.store.h8[ct * H8 + H_FLAGS] |= F_FLOW;
    else this.store.h8[ct * H8 + H_FLAGS] &= ~F_FLOW;
  }
  /** nf_ct_expires(): µs left before expiry (0 when past). */
  expiresIn(ct: number): number {
    return Math.max(0, this.store.hf64[ct * H64 + H_TIMEOUT_AT] - this.env.now());
  }

  // ---- table-wide ---------------------------------------------------------------------
  /** Confirmed, unexpired entries. */
  count(): number {
    let expired = 0;
    this.wheel.forEachFiledUpTo(Math.ceil(this.env.now() / US_PER_SEC), (slot) => {
      if (this.isExpired(slot)) expired++;
    });
    return this.confirmedCount - expired;
  }
  /** Calls fn for each confirmed, unexpired entry, oldest first (expired ones are reaped first). */
  forEach(fn: (ct: number) => void): void {
    for (const slot of this.confirmedSlots(true)) if (this.isAlive(slot)) fn(slot);
  }
  /**
   * Confirmed, unexpired entries with every bit of `bits` in their status. A read: entries are
   * walked in slot order, neither sorted by age nor reaped (a count needs neither, and sorting
   * a million entries costs the page a frame's worth many times over).
   */
  countStatus(bits: number): number {
    const s = this.store;
    let n = 0;
    for (let slot = 0; slot < s.top; slot++) {
      if ((s.h16[slot * H16 + H_STATUS] & bits) === bits && this.isHashed(slot) && !this.isExpired(slot)) n++;
    }
    return n;
  }
  /**
   * conntrack -F (ctnetlink_flush_conntrack): removes every confirmed entry — but an offloaded
   * one only where ctnetlink may delete offloaded entries (`behaviour.ctnetlinkDeletesOffloaded`).
   */
  flush(portid = 0): void {
    const skipOffloaded = !this.behaviour.ctnetlinkDeletesOffloaded;
    for (const slot of this.confirmedSlots(false)) {
      if (skipOffloaded && this.store.h16[slot * H16 + H_STATUS] & IPS_OFFLOAD) continue;
      this.kill(slot, 'flush', portid);
    }
  }
  /** Called just before an entry is freed (the flowtable listens to tear its flow down). */
  onDestroy: (ct: number) => void = () => {};

  /** Second for which the GC timer is armed, or -1 when no timer is armed. */
  gcTimerSecond(): number {
    return this.wheel.armedSecond();
  }
  /** Bytes of typed-array storage the table holds (entries and indexes). */
  memoryBytes(): number {
    return this.store.byteLength() + this.hash.heads.byteLength;
  }

  // ---- L4Host / NatHost ----------------------------------------------------------------
  refreshAcct(slot: number, dir: Dir, pkt: Packet, timeoutSec: number): void {
    if (!(this.store.h16[slot * H16 + H_STATUS] & IPS_FIXED_TIMEOUT)) this.setTimeoutAt(slot, this.env.now() + timeoutSec * US_PER_SEC);
    this.account(slot, dir, pkt);
  }
  account(slot: number, dir: Dir, pkt: Packet): void {
    if (this.store.h8[slot * H8 + H_FLAGS] & F_ACCT) this.acct(slot, dir, 1, ipLength(pkt));
  }
  tupleTaken(t: MutableTuple, ignored: number): boolean {
    const s = this.store;
    const n = this.lookup(s.h16[ignored * H16 + H_ZONE], t);
    if (n < 0) return false;
    const other = n >> 1;
    if (other === ignored) return false;
    // Identical original tuples are the same flow; confirm sorts that out (nf_ct_resolve_clash).
    const a = 2 * ignored;
    const b = 2 * other;
    const taken = !(s.n32[a * N32 + N_SRC] === s.n32[b * N32 + N_SRC] && s.n32[a * N32 + N_DST] === s.n32[b * N32 + N_DST] && s.n16[a * N16 + N_SPORT] === s.n16[b * N16 + N_SPORT] && s.n16[a * N16 + N_DPORT] === s.n16[b * N16 + N_DPORT]);
    if (taken) this.stats.found++; // nf_conntrack_tuple_taken()
    return taken;
  }

  // ---- internals -------------------------------------------------------------------------

  private l4Packet(slot: number, dir: Dir, pkt: Packet, confirmed: boolean): L4Verdict {
    switch (this.store.h8[slot * H8 + H_PROTO]) {
      case IPPROTO_TCP:
        return tcpPacket(this, slot, dir, pkt, confirmed);
      case IPPROTO_UDP:
        return udpPacket(this, slot, dir, pkt, confirmed);
      case IPPROTO_ICMP:
        return icmpPacket(this, slot, dir, pkt);
      case IPPROTO_ICMPV6:
        return icmpv6Packet(this, slot, dir, pkt);
      default:
        return genericPacket(this, slot, dir, pkt);
    }
  }

  /**
   * ____nf_conntrack_find(): the node holding the tuple in `zone`; expired entries met on
   * the way are reaped (nf_ct_gc_expired).
   */
  private lookup(zone: number, t: MutableTuple): number {
    for (;;) {
      const n = this.hash.find(zone, t);
      if (n < 0 || !this.isExpired(n >> 1)) return n;
      this.destroy(n >> 1, 'expired');
    }
  }

  /** nf_ct_is_expired(); offloaded entries are kept alive by nf_ct_offload_timeout(). */
  private isExpired(slot: number): boolean {
    const s = this.store;
    return !(s.h16[slot * H16 + H_STATUS] & IPS_OFFLOAD) && s.hf64[slot * H64 + H_TIMEOUT_AT] <= this.env.now();
  }

  /** init_conntrack(): a new unconfirmed entry, or -1 when the table is full. */
  private create(zone: number, orig: MutableTuple, reply: MutableTuple): number {
    const s = this.store;
    const max = this.env.sysctl.get('net.netfilter.nf_conntrack_max');
    if (max > 0 && s.used >= max && !this.earlyDrop(zone, orig)) return -1;
    const slot = s.alloc();
    s.h32[slot * H32 + H_CT_ID] = this.nextId++;
    s.h16[slot * H16 + H_ZONE] = zone;
    s.h8[slot * H8 + H_PROTO] = orig.proto;
    if (orig.family === 6) s.h8[slot * H8 + H_FLAGS] |= F_IPV6;
    const o = 2 * slot;
    s.n32[o * N32 + N_SRC] = orig.src;
    s.n32[o * N32 + N_DST] = orig.dst;
    s.n16[o * N16 + N_SPORT] = orig.sport;
    s.n16[o * N16 + N_DPORT] = orig.dport;
    s.n32[(o + 1) * N32 + N_SRC] = reply.src;
    s.n32[(o + 1) * N32 + N_DST] = reply.dst;
    s.n16[(o + 1) * N16 + N_SPORT] = reply.sport;
    s.n16[(o + 1) * N16 + N_DPORT] = reply.dport;
    if (this.env.sysctl.hot.acct) {
      s.ensureAcct();
      s.h8[slot * H8 + H_FLAGS] |= F_ACCT;
    }
    if (this.ecache !== null) s.h8[slot * H8 + H_FLAGS] |= F_ECACHE;
    return slot;
  }

  /**
   * early_drop(): with the table full, evict unassured entries from the new tuple's bucket
   * and the next ones (NF_CT_EVICTION_RANGE); offloaded and assured entries are spared.
   */
  private earlyDrop(zone: number, t: MutableTuple): boolean {
    const s = this.store;
    let bucket = this.hash.bucketOf(zone, t.proto, t.src, t.dst, t.sport, t.dport);
    for (let i = 0; i < EARLY_DROP_BUCKETS; i++, bucket = this.hash.nextBucket(bucket)) {
      let found = 0;
      for (let n = this.hash.heads[bucket]; n >= 0 && found < this.victims.length; n = s.ni32[n * N32 + N_NEXT]) {
        const slot = n >> 1;
        if (s.h16[slot * H16 + H_STATUS] & IPS_OFFLOAD) continue;
        if (this.isExpired(slot) || !(s.h16[slot * H16 + H_STATUS] & IPS_ASSURED)) this.victims[found++] = slot;
      }
      let drops = 0;
      for (let k = 0; k < found; k++) {
        const slot = this.victims[k];
        if (!this.isAlive(slot)) continue;
        if (this.isExpired(slot)) {
          this.destroy(slot, 'expired');
        } else {
          this.destroy(slot, 'killed');
          this.stats.early_drop++;
          drops++;
        }
      }
      if (drops > 0) return true;
    }
    return false;
  }

  /** __nf_conntrack_confirm(): hash both directions unless a tuple is already taken. */
  private confirm(slot: number): NfVerdict {
    const s = this.store;
    if (s.h16[slot * H16 + H_STATUS] & IPS_DYING) {
      this.stats.insert_failed++;
      return 'drop';
    }
    for (let n = 2 * slot; n < 2 * slot + 2; n++) {
      const t = this.tuple1;
      t.family = this.family(slot);
      t.proto = s.h8[slot * H8 + H_PROTO];
      t.src = s.n32[n * N32 + N_SRC];
      t.dst = s.n32[n * N32 + N_DST];
      t.sport = s.n16[n * N16 + N_SPORT];
      t.dport = s.n16[n * N16 + N_DPORT];
      if (this.lookup(s.h16[slot * H16 + H_ZONE], t) >= 0) {
        // The kernel resolves same-flow UDP races (nf_ct_resolve_clash); a tuple taken by
        // another connection (e.g. a DNAT collision) drops the packet.
        this.reason = 'insert failed: tuple already in the table';
        this.stats.drop++; // nf_ct_resolve_clash() could not resolve it
        this.stats.insert_failed++;
        return 'drop';
      }
    }
    s.h16[slot * H16 + H_STATUS] |= IPS_CONFIRMED;
    this.hash.insert(2 * slot);
    this.hash.insert(2 * slot + 1);
    this.confirmedCount++;
    this.stats.insert++;
    this.reschedule(slot);
    if (this.ecache !== null) {
      this.cacheEvent(slot, IPCT_NEW);
      this.deliverCachedEvents(slot);
    }
    if (this.env.events.active) {
      this.env.events.emit({
        kind: 'ct.confirm',
        t: this.env.now(),
        pkt: this.env.pkt,
        ctId: s.h32[slot * H32 + H_CT_ID],
        zone: s.h16[slot * H16 + H_ZONE],
        mark: s.h32[slot * H32 + H_MARK],
        label: formatLabel(this.labels.get(slot)),
      });
    }
    return 'accept';
  }

  /** Removes the entry from the table; frees its slot once no packet holds it. */
  private destroy(slot: number, reason: DestroyReason, portid = 0): void {
    const s = this.store;
    const confirmed = (s.h16[slot * H16 + H_STATUS] & IPS_CONFIRMED) !== 0;
    if (this.ecache !== null) {
      // nf_ct_delete() reports IPCT_DESTROY for a confirmed entry; events still cached are lost.
      this.cachedEvents.delete(slot);
      if (confirmed) this.report(slot, IPCT_DESTROY, portid);
    }
    if (confirmed) this.onDestroy(slot);
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'ct.destroy', t: this.env.now(), pkt: this.env.pkt, ctId: s.h32[slot * H32 + H_CT_ID], zone: s.h16[slot * H16 + H_ZONE], reason });
    }
    s.h16[slot * H16 + H_STATUS] |= IPS_DYING;
    if (confirmed) {
      this.hash.remove(2 * slot);
      this.hash.remove(2 * slot + 1);
      this.confirmedCount--;
    }
    this.wheel.unlink(slot);
    this.natEngine.forget(slot);
    if (s.h16[slot * H16 + H_SKB_REFS] === 0) this.free(slot);
  }

  private free(slot: number): void {
    if (this.ecache !== null) this.cachedEvents.delete(slot);
    this.labels.delete(slot);
    this.store.free(slot);
  }

  /** nf_conntrack_put() for the packet's entry; an unconfirmed entry dies with it. */
  private put(pkt: Packet, announce: boolean): void {
    const slot = pkt.meta.ct;
    pkt.meta.ct = -1;
    pkt.meta.ctinfo = CtInfo.UNTRACKED;
    const s = this.store;
    if (slot < 0 || !s.isUsed(slot)) return;
    if (s.h16[slot * H16 + H_SKB_REFS] > 0) s.h16[slot * H16 + H_SKB_REFS]--;
    if (s.h16[slot * H16 + H_STATUS] & IPS_DYING) {
      if (s.h16[slot * H16 + H_SKB_REFS] === 0) this.free(slot);
    } else if (!(s.h16[slot * H16 + H_STATUS] & IPS_CONFIRMED) && s.h16[slot * H16 + H_SKB_REFS] === 0) {
      if (announce) this.destroy(slot, 'unconfirmed');
      else this.free(slot);
    }
  }

  /** The wheel reached the entry's slot: reap it, keep an offloaded one alive, or re-file it. */
  private onDue(slot: number): void {
    if (!this.isAlive(slot)) return;
    if (this.store.h16[slot * H16 + H_STATUS] & IPS_OFFLOAD) this.offloadTimeout(slot);
    else if (this.isExpired(slot)) return this.destroy(slot, 'expired');
    this.reschedule(slot);
  }

  /** nf_ct_offload_timeout(): an offloaded entry never gets closer than half a day to expiry. */
  private offloadTimeout(slot: number): void {
    const now = this.env.now();
    if (this.store.hf64[slot * H64 + H_TIMEOUT_AT] - now < HALF_DAY_US) this.store.hf64[slot * H64 + H_TIMEOUT_AT] = now + NF_CT_DAY_US;
  }

  /**
   * Files a confirmed entry in the wheel by its expiry. An offloaded entry that comes due is
   * pushed a day out instead of reaped (gc_worker's nf_ct_offload_timeout). gc_worker visits
   * an entry at no fixed moment; visiting it when it would expire keeps a short timeout that a
   * packet set while its flow was being torn down (5.7 clears IPS_OFFLOAD only when the GC
   * frees the flow) instead of racing to undo it.
   */
  private reschedule(slot: number): void {
    const s = this.store;
    if ((s.h16[slot * H16 + H_STATUS] & (IPS_CONFIRMED | IPS_DYING)) !== IPS_CONFIRMED) return;
    this.wheel.schedule(slot, s.hf64[slot * H64 + H_TIMEOUT_AT]);
  }

  private isHashed(slot: number): boolean {
    return (this.store.h16[slot * H16 + H_STATUS] & (IPS_CONFIRMED | IPS_DYING)) === IPS_CONFIRMED && this.store.isUsed(slot);
  }

  /** Confirmed entries by age (ctId); `reap` destroys the expired ones first. */
  private confirmedSlots(reap: boolean): Int32Array {
    const s = this.store;
    const out = new Int32Array(this.confirmedCount);
    let k = 0;
    for (let slot = 0; slot < s.top; slot++) {
      if (!this.isHashed(slot)) continue;
      if (reap && this.isExpired(slot)) this.destroy(slot, 'expired');
      else out[k++] = slot;
    }
    return byCtId(out.subarray(0, k), s.h32);
  }

  /**
   * The l4proto error hooks: icmp_error() / nf_conntrack_icmpv6_error(). An error message is
   * RELATED (or invalid); ICMPv6 neighbour discovery and MLD are left untracked (flower then sees
   * +trk+inv: nf_ct_get finds no entry). Null when the packet is a query for the tracker.
   */
  private icmpError(pkt: Packet, zone: number): NfVerdict | null {
    const type = pkt.icmp!.type;
    if (pkt.proto === IPPROTO_ICMP && pkt.family === 4) {
      if (type > NR_ICMP_TYPES) return this.invalid(pkt, zone, 'invalid icmp type', '', STAT_ERROR);
      if (icmpIsError(type)) return this.related(pkt, zone);
    } else if (pkt.proto === IPPROTO_ICMPV6 && pkt.family === 6) {
      // icmpv6_error() sets IP_CT_UNTRACKED and accepts: no statistic counts it.
      if (icmpv6Untracked(type)) return this.invalid(pkt, zone, 'icmpv6: neighbour discovery and MLD are not tracked', '', 0);
      if (icmpv6IsError(type)) return this.related(pkt, zone);
    }
    return null;
  }

  /**
   * icmp_error_message(): an ICMP error quoting a packet of a known connection is RELATED
   * (RELATED_REPLY when the quoted packet went in the original direction). The quoted
   * packet's tuple is inverted because the error travels back towards its sender.
   */
  private related(pkt: Packet, zone: number): NfVerdict {
    const inner = pkt.icmp!.inner;
    const quoted = this.tuple1;
    const t = this.tuple0;
    if (!inner || !tupleFromPacket(inner, quoted) || !invertTuple(quoted, t)) {
      return this.invalid(pkt, zone, 'icmp error without a quoted packet', '', STAT_ERROR);
    }
    const n = this.lookup(zone, t);
    if (n < 0) return this.invalid(pkt, zone, 'icmp error for no known connection', '', STAT_ERROR);
    const slot = n >> 1;
    if (this.store.n32[n * N32 + N_DST] !== pkt.dst) return this.invalid(pkt, zone, 'outer daddr != inner saddr', '', STAT_ERROR);
    const ctinfo = n & 1 ? CtInfo.RELATED_REPLY : CtInfo.RELATED;
    this.attach(pkt, slot, ctinfo);
    if (this.env.events.active) {
      const state = this.stateName(slot);
      this.emitLookup(pkt, zone, 'related', slot, CT_STATE_TEXT[ctinfo], state, state);
    }
    return 'accept';
  }

  private invalid(pkt: Packet, zone: number, reason: string, stateBefore: string, stats: number): NfVerdict {
    if (stats & STAT_INVALID) this.stats.invalid++;
    if (stats & STAT_ERROR) this.stats.error++;
    pkt.meta.ct = -1;
    pkt.meta.ctinfo = CtInfo.UNTRACKED;
    if (this.env.events.active) this.emitLookup(pkt, zone, 'invalid', -1, '+trk+inv', stateBefore, stateBefore, reason);
    return 'accept';
  }

  private tableFull(pkt: Packet, zone: number): NfVerdict {
    this.stats.drop++; // resolve_normal_ct() failed: "too stressed to deal"
    pkt.meta.ct = -1;
    pkt.meta.ctinfo = CtInfo.UNTRACKED;
    if (this.env.events.active) this.emitLookup(pkt, zone, 'invalid', -1, '+trk+inv', '', '', 'nf_conntrack: table full, dropping packet');
    return 'drop';
  }

  // ---- events (ecache.ts) ----------------------------------------------------------------

  /** Starts (a sink) or stops (null) event delivery; events cached so far are dropped on stop. */
  setEventSink(sink: CtEventSink | null): void {
    this.ecache = sink;
    if (!sink) this.cachedEvents.clear();
  }

  /**
   * The events nf_conntrack_in() and the trackers cache for a packet: IPCT_PROTOINFO when the
   * TCP state moved (tcp_packet), IPCT_REPLY when the first reply was seen, IPCT_ASSURED when
   * the tracker assured the entry (tcp_packet, udp_packet).
   */
  private cacheTrackerEvents(slot: number, visibleBefore: number): void {
    const now = this.visibleState(slot);
    let bits = 0;
    if (now >>> 16 !== visibleBefore >>> 16) bits |= IPCT_PROTOINFO;
    if (now & IPS_SEEN_REPLY & ~visibleBefore) bits |= IPCT_REPLY;
    if (now & IPS_ASSURED & ~visibleBefore) bits |= IPCT_ASSURED;
    if (bits) this.cacheEvent(slot, bits);
  }

  /** nf_conntrack_event_cache(). */
  private cacheEvent(slot: number, bits: number): void {
    this.cachedEvents.set(slot, (this.cachedEvents.get(slot) ?? 0) | bits);
  }

  /** nf_ct_deliver_cached_events(). */
  private deliverCachedEvents(slot: number): void {
    const bits = this.cachedEvents.get(slot);
    if (bits === undefined) return;
    this.cachedEvents.delete(slot);
    this.report(slot, bits, 0);
  }

  /**
   * nf_conntrack_eventmask_report(): hands the events to the listener — unless the entry has no
   * event extension, which since v5.19 (nf_conntrack_events=2, "autodetect") is the case for an
   * entry created while nobody listened.
   */
  private report(slot: number, bits: number, portid: number): void {
    if (this.behaviour.eventsAutodetect && !(this.store.h8[slot * H8 + H_FLAGS] & F_ECACHE)) return;
    this.ecache?.ctEvent(slot, bits, portid);
  }

  /** What users see change: the protocol state plus [UNREPLIED] / [ASSURED]. */
  private visibleState(slot: number): number {
    const s = this.store;
    return (s.h8[slot * H8 + H_TCP_STATE] << 16) | (s.h16[slot * H16 + H_STATUS] & (IPS_SEEN_REPLY | IPS_ASSURED));
  }

  /**
   * Traces act_ct reusing the entry a packet already carries (tcf_ct_skb_nfct_cached): no
   * lookup happens, but the UI still shows which entry and state the packet continues with.
   */
  traceCached(pkt: Packet): void {
    const slot = pkt.meta.ct;
    if (!this.env.events.active || slot < 0) return;
    const state = this.stateName(slot);
    this.emitLookup(pkt, this.store.h16[slot * H16 + H_ZONE], 'cached', slot, CT_STATE_TEXT[pkt.meta.ctinfo], state, state, 'the packet already carries an entry of this zone (tcf_ct_skb_nfct_cached)');
  }

  /**
   * nf_conntrack_in's "Previously seen (loopback or untracked)? Ignore.": the skb already carries
   * a non-template ct, or IP_CT_UNTRACKED, so nothing is looked up. `zone` is the ct action's.
   */
  traceIgnored(pkt: Packet, zone: number): void {
    if (!this.env.events.active) return;
    const slot = pkt.meta.ct;
    const state = slot >= 0 ? this.stateName(slot) : '';
    const why = slot >= 0 ? 'the packet carries an entry of another zone' : 'the packet carries IP_CT_UNTRACKED (ct clear)';
    this.emitLookup(pkt, zone, 'ignored', slot, slot >= 0 ? CT_STATE_TEXT[pkt.meta.ctinfo] : '', state, state, `${why} and a zone-0 ct action has no template before v5.13: nf_conntrack_in ignores it`);
  }

  /** TCP state name; UDP/ICMP/other: UNREPLIED, REPLIED or ASSURED. */
  private stateName(slot: number): string {
    const s = this.store;
    if (s.h8[slot * H8 + H_PROTO] === IPPROTO_TCP) return TCP_STATE_NAMES[s.h8[slot * H8 + H_TCP_STATE]];
    return s.h16[slot * H16 + H_STATUS] & IPS_ASSURED ? 'ASSURED' : s.h16[slot * H16 + H_STATUS] & IPS_SEEN_REPLY ? 'REPLIED' : 'UNREPLIED';
  }

  private emitIn(pkt: Packet, zone: number, slot: number, isNew: boolean, dir: Dir, stateBefore: string, visibleBefore: number): void {
    const s = this.store;
    const env = this.env;
    const alive = this.isAlive(slot);
    if (isNew) {
      const o = 2 * slot;
      env.events.emit({
        kind: 'ct.new',
        t: env.now(),
        pkt: pkt.id,
        ctId: s.h32[slot * H32 + H_CT_ID],
        zone,
        orig: tupleView(this.family(slot), s.h8[slot * H8 + H_PROTO], s.n32[o * N32 + N_SRC], s.n32[o * N32 + N_DST], s.n16[o * N16 + N_SPORT], s.n16[o * N16 + N_DPORT]),
        reply: tupleView(this.family(slot), s.h8[slot * H8 + H_PROTO], s.n32[(o + 1) * N32 + N_SRC], s.n32[(o + 1) * N32 + N_DST], s.n16[(o + 1) * N16 + N_SPORT], s.n16[(o + 1) * N16 + N_DPORT]),
      });
    }
    const stateAfter = this.stateName(slot);
    this.emitLookup(pkt, zone, isNew ? 'new' : dir ? 'reply' : 'orig', slot, CT_STATE_TEXT[pkt.meta.ctinfo], stateBefore, stateAfter, this.reason || undefined);
    if (alive && (isNew || this.visibleState(slot) !== visibleBefore)) {
      let status = '';
      for (const [bit, name] of STATUS_NAMES) if (s.h16[slot * H16 + H_STATUS] & bit) status += status ? `|${name}` : name;
      env.events.emit({
        kind: 'ct.state',
        t: env.now(),
        pkt: pkt.id,
        ctId: s.h32[slot * H32 + H_CT_ID],
        from: stateBefore,
        to: stateAfter,
        status,
        timeout: wholeSeconds(this.expiresIn(slot)),
      });
    }
  }

  private emitLookup(
    pkt: Packet,
    zone: number,
    result: 'orig' | 'reply' | 'new' | 'invalid' | 'related' | 'cached' | 'ignored',
    slot: number,
    ctState: string,
    stateBefore: string,
    stateAfter: string,
    reason?: string,
  ): void {
    const t = this.tuple0;
    tupleFromPacket(pkt, t);
    this.env.events.emit({
      kind: 'ct.lookup',
      t: this.env.now(),
      pkt: pkt.id,
      zone,
      tuple: tupleView(pkt.family, pkt.proto, pkt.src, pkt.dst, t.sport, t.dport),
      result,
      ctId: slot >= 0 ? this.store.h32[slot * H32 + H_CT_ID] : 0,
      ctState,
      stateBefore,
      stateAfter,
      ...(reason ? { reason } : {}),
    });
  }
}

/** Ids spanning at most this many times the entries are placed, not sorted (4 bytes per id of the span). */
const DENSE_IDS = 4;

/**
 * Orders slots by their entries' ctId (age). Ids are unique, and those of live entries are
 * usually dense (a table that only grew, or lost a few): then each slot is put straight at its
 * id's place in an array spanning the ids, and the array read in order — no comparison at
 * all, a few times faster than sorting a million entries (the page reads the table in this
 * order after every move). Sparse ids are sorted: each slot packed with its id into one
 * double, ctId · 2^bits + slot, and the doubles sorted by the typed array's own numeric sort
 * (a tenth of the time of a comparator call per comparison); ids too large to pack exactly
 * fall back to the comparator.
 */
function byCtId(slots: Int32Array, h32: Uint32Array): Int32Array {
  let maxSlot = 0;
  let maxId = 0;
  let minId = 0xffffffff;
  for (const slot of slots) {
    if (slot > maxSlot) maxSlot = slot;
    const id = h32[slot * H32 + H_CT_ID];
    if (id > maxId) maxId = id;
    if (id < minId) minId = id;
  }
  if (slots.length > 1 && maxId - minId < DENSE_IDS * slots.length) {
    const at = new Int32Array(maxId - minId + 1).fill(-1);
    for (const slot of slots) at[h32[slot * H32 + H_CT_ID] - minId] = slot;
    let k = 0;
    for (const slot of at) if (slot >= 0) slots[k++] = slot;
    return slots;
  }
  const scale = 2 ** Math.ceil(Math.log2(maxSlot + 2));
  if (maxId * scale + scale > Number.MAX_SAFE_INTEGER) return slots.sort((a, b) => h32[a * H32 + H_CT_ID] - h32[b * H32 + H_CT_ID]);
  const keys = new Float64Array(slots.length);
  for (let i = 0; i < slots.length; i++) keys[i] = h32[slots[i] * H32 + H_CT_ID] * scale + slots[i];
  keys.sort();
  for (let i = 0; i < keys.length; i++) slots[i] = keys[i] % scale;
  return slots;
}
