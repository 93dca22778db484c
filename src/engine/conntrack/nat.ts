/**
 * NAT as act_ct drives it: nf_ct_nat() (net/netfilter/nf_nat_ovs.c) on top of nf_nat_core.c
 * (nf_nat_setup_info, get_unique_tuple, find_best_ips_proto, nf_nat_l4proto_unique_tuple,
 * nf_nat_packet, nf_nat_icmp_reply_translation).
 *
 * A mapping is set up once, on the unconfirmed entry of a connection's first packet: the
 * reply tuple is altered (nf_conntrack_alter_reply) so replies hash to the entry, and every
 * later packet is mangled from the two tuples: a packet in direction `dir` is rewritten
 * towards invert(tuple[!dir]).
 */
import type { Env } from '../env';
import type { TupleView } from '../events';
import type { Family } from '../model/addr';
import { compare6, intern6, word6 } from '../model/addr6';
import { CtInfo, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, type Packet } from '../model/packet';
import { hashTuple } from '../model/hash';
import type { NatSpec } from '../script/ast';
import type { CtBehaviour } from './behaviour';
import { F_BYSRC, F_IPV6, type CtStore } from './storage';
import { ICMP_REDIRECT, MutableTuple, hasPorts, invertTuple, isIcmp, tupleView } from './tuple';
import {
  DIR_ORIGINAL,
  DIR_REPLY,
  IPS_CONFIRMED,
  IPS_DST_NAT,
  IPS_DST_NAT_DONE,
  IPS_NAT_MASK,
  IPS_SRC_NAT,
  IPS_SRC_NAT_DONE,
  type Dir,
  type NfVerdict,
} from './types';
import { H8, H16, H32, H_CT_ID, H_STATUS, H_ZONE, H_FLAGS, H_PROTO, N16, N32, N_SRC, N_DST, N_SPORT, N_DPORT } from './storage';

const MANIP_SRC = 0;
const MANIP_DST = 1;
type Manip = typeof MANIP_SRC | typeof MANIP_DST;

export interface NatHost {
  readonly store: CtStore;
  readonly env: Env;
  readonly behaviour: CtBehaviour;
  /** nf_conntrack_tuple_taken(): does another confirmed entry hold tuple `t` (in the zone of `ignored`)? */
  tupleTaken(t: MutableTuple, ignored: number): boolean;
}

/**
 * union nf_inet_addr's view of an address of the other family: an IPv4 address fills the first
 * word (the rest zero), an IPv6 address read as IPv4 is its first word. act_ct stores the range
 * as given (tcf_ct_fill_params_nat) and nf_nat reads it with the connection's family.
 */
function asFamily(addr: number, from: Family, to: Family): number {
  if (from === to) return addr;
  return to === 4 ? word6(addr, 0) : intern6(addr, 0, 0, 0);
}

/** struct nf_nat_range2 in the connection's family (IPv6 addresses are ids, model/addr6.ts). */
class NatRange {
  family: Family = 4;
  mapIps = false; // NF_NAT_RANGE_MAP_IPS
  minIp = 0;
  maxIp = 0;
  protoSpecified = false; // NF_NAT_RANGE_PROTO_SPECIFIED
  minPort = 0;
  maxPort = 0;

  fromSpec(spec: NatSpec, family: Family): this {
    const given = spec.family ?? 4;
    this.family = family;
    this.mapIps = spec.addrMin !== undefined;
    this.minIp = spec.addrMin === undefined ? 0 : asFamily(spec.addrMin, given, family);
    this.maxIp = spec.addrMax === undefined ? this.minIp : asFamily(spec.addrMax, given, family);
    this.protoSpecified = spec.portMin !== undefined;
    this.minPort = spec.portMin ?? 0;
    this.maxPort = spec.portMax ?? this.minPort;
    return this;
  }

  /** The range __nf_nat_alloc_null_binding() uses: this one address, ports left to the protocol. */
  nullBinding(ip: number, family: Family): this {
    this.family = family;
    this.mapIps = true;
    this.minIp = this.maxIp = ip;
    this.protoSpecified = false;
    this.minPort = this.maxPort = 0;
    return this;
  }
}

const rol32 = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** jhash2() (include/linux/jhash.h) of one nf_inet_addr holding IPv4: the first word, three zero words. */
export function jhashAddr(word0: number, initval: number): number {
  return jhashAddr6(word0, 0, 0, 0, initval);
}

/** jhash2() of the four 32-bit words of an nf_inet_addr (as the CPU reads them from memory). */
export function jhashAddr6(w0: number, w1: number, w2: number, w3: number, initval: number): number {
  let a = (0xdeadbeef + (4 << 2) + initval) | 0;
  let b = a;
  let c = a;
  a = (a + w0) | 0;
  b = (b + w1) | 0;
  c = (c + w2) | 0;
  // __jhash_mix
  a = (a - c) | 0; a ^= rol32(c, 4); c = (c + b) | 0;
  b = (b - a) | 0; b ^= rol32(a, 6); a = (a + c) | 0;
  c = (c - b) | 0; c ^= rol32(b, 8); b = (b + a) | 0;
  a = (a - c) | 0; a ^= rol32(c, 16); c = (c + b) | 0;
  b = (b - a) | 0; b ^= rol32(a, 19); a = (a + c) | 0;
  c = (c - b) | 0; c ^= rol32(b, 4); b = (b + a) | 0;
  a = (a + w3) | 0; // the last word, then __jhash_final
  c ^= b; c = (c - rol32(b, 14)) | 0;
  a ^= c; a = (a - rol32(c, 11)) | 0;
  b ^= a; b = (b - rol32(a, 25)) | 0;
  c ^= b; c = (c - rol32(b, 16)) | 0;
  a ^= c; a = (a - rol32(c, 4)) | 0;
  b ^= a; b = (b - rol32(a, 14)) | 0;
  c ^= b; c = (c - rol32(b, 24)) | 0;
  return c >>> 0;
}

/** The in-memory (network byte order) IPv4 word as a little-endian CPU reads it. */
const bswap32 = (x: number): number =>
  (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

/** reciprocal_scale(val, ep_ro) = (u64)val * ep_ro >> 32, computed exactly in doubles. */
export function reciprocalScale(val: number, range: number): number {
  const hi = Math.floor(val / 65536) * range;
  const lo = (val % 65536) * range;
  return Math.floor((hi + Math.floor(lo / 65536)) / 65536);
}

export class NatEngine {
  // nf_nat_bysource: entries with a SRC mapping, by original source (zone, proto, addr, port).
  private bysrcNext: Int32Array | null = null;
  private bysrcHeads: Int32Array | null = null;
  private readonly range = new NatRange();
  private readonly curr = new MutableTuple();
  private readonly cand = new MutableTuple();
  private readonly scratch = new MutableTuple();

  constructor(private readonly host: NatHost) {}

  /**
   * nf_ct_nat(): restores an existing mapping, or sets one up on a new connection, then
   * mangles the packet; sets post_ct_snat / post_ct_dnat for each manip type executed.
   */
  nat(pkt: Packet, slot: number, spec: NatSpec, commit: boolean): NfVerdict {
    const s = this.host.store;
    const ctinfo = pkt.meta.ctinfo;
    const dir: Dir = ctinfo >= CtInfo.ESTABLISHED_REPLY ? DIR_REPLY : DIR_ORIGINAL;
    const status = s.h16[slot * H16 + H_STATUS];
    let manip: Manip;
    if (ctinfo !== CtInfo.NEW && status & IPS_NAT_MASK && (ctinfo !== CtInfo.RELATED || commit)) {
      // NAT an established or related connection like before; the reply direction gets the reverse.
      const srcNat = (status & IPS_SRC_NAT) !== 0;
      manip = dir === DIR_REPLY ? (srcNat ? MANIP_DST : MANIP_SRC) : srcNat ? MANIP_SRC : MANIP_DST;
    } else if (spec.type === 'src') {
      manip = MANIP_SRC;
    } else if (spec.type === 'dst') {
      manip = MANIP_DST;
    } else {
      return 'accept';
    }
    const range = this.range.fromSpec(spec, s.h8[slot * H8 + H_FLAGS] & F_IPV6 ? 6 : 4);
    let verdict = this.execute(pkt, slot, ctinfo, range, manip);
    if (verdict === 'accept' && s.h16[slot * H16 + H_STATUS] & IPS_DST_NAT) {
      if (s.h16[slot * H16 + H_STATUS] & IPS_SRC_NAT) {
        verdict = this.execute(pkt, slot, ctinfo, range, manip === MANIP_SRC ? MANIP_DST : MANIP_SRC);
      } else if (dir === DIR_ORIGINAL && this.host.behaviour.dnatSrcNullBinding) {
        // A DNAT'ed tuple may collide with an existing connection: a SRC null binding
        // moves the source port if it does.
        verdict = this.execute(pkt, slot, ctinfo, null, MANIP_SRC);
      }
    }
    return verdict;
  }

  /** nf_nat_cleanup_conntrack(): the entry leaves the by-source index. */
  forget(slot: number): void {
    const s = this.host.store;
    if (!(s.h8[slot * H8 + H_FLAGS] & F_BYSRC)) return;
    const next = this.bysrcNext!;
    const b = this.bysrcBucket(slot);
    let n = this.bysrcHeads![b];
    if (n === slot) {
      this.bysrcHeads![b] = next[slot];
    } else {
      while (n >= 0 && next[n] !== slot) n = next[n];
      if (n >= 0) next[n] = next[slot];
    }
    s.h8[slot * H8 + H_FLAGS] &= ~F_BYSRC;
  }

  /** The store grew: the by-source index follows its capacity. */
  onGrow(capacity: number): void {
    if (!this.bysrcHeads) return;
    this.allocBysrc(capacity);
    const s = this.host.store;
    for (let slot = 0; slot < s.top; slot++) if (s.h8[slot * H8 + H_FLAGS] & F_BYSRC) this.linkBysrc(slot);
  }

  // ---- nf_ct_nat_execute -----------------------------------------------------------------

  private execute(pkt: Packet, slot: number, ctinfo: CtInfo, range: NatRange | null, manip: Manip): NfVerdict {
    const related = ctinfo === CtInfo.RELATED || ctinfo === CtInfo.RELATED_REPLY;
    if (related && isIcmp(pkt.proto)) {
      return this.icmpReplyTranslation(pkt, slot, ctinfo, manip) ? 'accept' : 'drop';
    }
    if (related || ctinfo === CtInfo.NEW) {
      // First packet (or a non-ICMP related one): set the mapping up once per manip type.
      if (!this.initialized(slot, manip)) {
        if (range?.mapIps) this.setupInfo(slot, range, manip);
        else this.allocNullBinding(slot, manip);
      }
    } else if (ctinfo !== CtInfo.ESTABLISHED && ctinfo !== CtInfo.ESTABLISHED_REPLY) {
      return 'drop';
    }
    this.natPacket(pkt, slot, ctinfo, manip);
    if (manip === MANIP_SRC) pkt.meta.postCtSnat = true;
    else pkt.meta.postCtDnat = true;
    return 'accept';
  }

  private initialized(slot: number, manip: Manip): boolean {
    return (this.host.store.h16[slot * H16 + H_STATUS] & (manip === MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE)) !== 0;
  }

  private allocNullBinding(slot: number, manip: Manip): void {
    const s = this.host.store;
    const reply = 2 * slot + 1;
    const family: Family = s.h8[slot * H8 + H_FLAGS] & F_IPV6 ? 6 : 4;
    this.setupInfo(slot, this.range.nullBinding(manip === MANIP_SRC ? s.n32[reply * N32 + N_DST] : s.n32[reply * N32 + N_SRC], family), manip);
  }

  /** nf_nat_setup_info(): choose the mapping and alter the reply tuple (unconfirmed entries only). */
  private setupInfo(slot: number, range: NatRange, manip: Manip): void {
    const s = this.host.store;
    if (s.h16[slot * H16 + H_STATUS] & IPS_CONFIRMED) return; // can't set up NAT on a confirmed entry
    const curr = this.curr;
    this.readTuple(2 * slot + 1, this.scratch);
    invertTuple(this.scratch, curr);
    const chosen = this.cand;
    this.getUniqueTuple(chosen, curr, range, slot, manip);
    if (!chosen.equals(curr)) {
      invertTuple(chosen, this.scratch);
      this.writeTuple(2 * slot + 1, this.scratch); // nf_conntrack_alter_reply
      s.h16[slot * H16 + H_STATUS] |= manip === MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
    }
    if (manip === MANIP_SRC) this.linkBysrc(slot);
    s.h16[slot * H16 + H_STATUS] |= manip === MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE;
  }

  /** get_unique_tuple(). */
  private getUniqueTuple(out: MutableTuple, orig: MutableTuple, range: NatRange, slot: number, manip: Manip): void {
    // 1) SRC: keep the original source if it is in range and free, or reuse the mapping
    // already given to this source.
    if (manip === MANIP_SRC) {
      if (this.inRange(orig, range)) {
        if (!this.usedTuple(orig, slot)) {
          out.copyFrom(orig);
          return;
        }
      } else if (this.findAppropriateSrc(slot, orig, out, range) && !this.usedTuple(out, slot)) {
        return;
      }
    }
    // 2) Pick the address in range.
    out.copyFrom(orig);
    this.findBestIps(out, range, slot, manip);
    // 3) Keep the port when it is in range and the tuple is free (or the range is one port).
    if (range.protoSpecified) {
      if (this.l4InRange(out, manip, range) && (range.minPort === range.maxPort || !this.usedTuple(out, slot))) return;
    } else if (!this.usedTuple(out, slot)) {
      return;
    }
    this.l4UniqueTuple(out, range, manip, slot);
  }

  /** in(): would this tuple, as a SRC mapping, satisfy the range? */
  private inRange(t: MutableTuple, range: NatRange): boolean {
    if (range.mapIps) {
      const out = range.family === 6 ? compare6(t.src, range.minIp) < 0 || compare6(t.src, range.maxIp) > 0 : t.src < range.minIp || t.src > range.maxIp;
      if (out) return false;
    }
    if (!range.protoSpecified) return true;
    return this.l4InRange(t, MANIP_SRC, range);
  }

  /** l4proto_in_range(). */
  private l4InRange(t: MutableTuple, manip: Manip, range: NatRange): boolean {
    let port: number;
    if (isIcmp(t.proto)) port = t.sport;
    else if (hasPorts(t.proto)) port = manip === MANIP_SRC ? t.sport : t.dport;
    else return true;
    return port >= range.minPort && port <= range.maxPort;
  }

  /** nf_nat_used_tuple(): is the reply of this tuple already in the table? */
  private usedTuple(t: MutableTuple, slot: number): boolean {
    if (!invertTuple(t, this.scratch)) return false;
    return this.host.tupleTaken(this.scratch, slot);
  }

  /** find_appropriate_src(): reuse the mapping of another connection from the same source. */
  private findAppropriateSrc(slot: number, t: MutableTuple, result: MutableTuple, range: NatRange): boolean {
    if (!this.bysrcHeads) return false;
    const s = this.host.store;
    const zone = s.h16[slot * H16 + H_ZONE];
    for (let e = this.bysrcHeads[this.bucket(zone, t.proto, t.src, t.sport)]; e >= 0; e = this.bysrcNext![e]) {
      const o = 2 * e;
      if (s.h8[e * H8 + H_PROTO] !== t.proto || s.n32[o * N32 + N_SRC] !== t.src || s.n16[o * N16 + N_SPORT] !== t.sport || s.h16[e * H16 + H_ZONE] !== zone) continue;
      if ((s.h8[e * H8 + H_FLAGS] & F_IPV6 ? 6 : 4) !== t.family) continue; // same_src() compares the l3num too
      this.readTuple(o + 1, this.scratch);
      invertTuple(this.scratch, result);
      result.dst = t.dst;
      result.dport = t.dport;
      if (this.inRange(result, range)) return true;
    }
    return false;
  }

  /** find_best_ips_proto(): a deterministic address in range (jhash of src, seeded by dst ^ zone). */
  private findBestIps(t: MutableTuple, range: NatRange, slot: number, manip: Manip): void {
    if (!range.mapIps) return;
    let ip = range.minIp;
    if (range.family === 6 && range.minIp !== range.maxIp) {
      ip = this.bestIp6(t, range, this.host.store.h16[slot * H16 + H_ZONE]);
    } else if (range.minIp !== range.maxIp) {
      const j = jhashAddr(bswap32(t.src), (bswap32(t.dst) ^ this.host.store.h16[slot * H16 + H_ZONE]) >>> 0);
      ip = (range.minIp + reciprocalScale(j, range.maxIp - range.minIp + 1)) >>> 0;
    }
    if (manip === MANIP_SRC) t.src = ip;
    else t.dst = ip;
  }

  /**
   * find_best_ips_proto() for IPv6 (nf_nat_core.c): j = jhash2 of the source seeded by the
   * destination's last word ^ zone; word by word, while the words chosen so far equal the
   * range's maximum the next one is scaled into [min, max] of that word, after that into the
   * whole word; j is mixed with the destination's word each step.
   */
  private bestIp6(t: MutableTuple, range: NatRange, zone: number): number {
    const mem = (id: number, i: number): number => bswap32(word6(id, i));
    let j = jhashAddr6(mem(t.src, 0), mem(t.src, 1), mem(t.src, 2), mem(t.src, 3), (mem(t.dst, 3) ^ zone) >>> 0);
    const w = [0, 0, 0, 0];
    let fullRange = false;
    for (let i = 0; i < 4; i++) {
      let minip = 0;
      let dist = 0xffffffff;
      if (!fullRange) {
        minip = word6(range.minIp, i);
        dist = (word6(range.maxIp, i) - minip + 1) >>> 0;
      }
      w[i] = (minip + reciprocalScale(j, dist)) >>> 0;
      if (w[i] !== word6(range.maxIp, i)) fullRange = true;
      j = (j ^ mem(t.dst, i)) >>> 0;
    }
    return intern6(w[0], w[1], w[2], w[3]);
  }

  /**
   * nf_nat_l4proto_unique_tuple(): search the port (ICMP: id) range from a random offset
   * for a free tuple, at most 128 tries, then ever smaller windows from new offsets.
   */
  private l4UniqueTuple(t: MutableTuple, range: NatRange, manip: Manip, slot: number): void {
    let min: number;
    let size: number;
    const icmp = isIcmp(t.proto);
    if (icmp) {
      min = range.protoSpecified ? range.minPort : 0;
      size = range.protoSpecified ? range.maxPort - range.minPort + 1 : 65536;
    } else if (t.proto === IPPROTO_TCP || t.proto === IPPROTO_UDP) {
      if (range.protoSpecified) {
        const lo = Math.min(range.minPort, range.maxPort);
        min = lo;
        size = Math.max(range.minPort, range.maxPort) - lo + 1;
      } else {
        if (manip === MANIP_DST) return; // a DNAT without ports never changes the port
        const port = t.sport;
        if (port < 1024) {
          // Loose convention: ports below 512 stay below 512 (credential passing).
          min = port < 512 ? 1 : 600;
          size = port < 512 ? 511 : 1023 - 600 + 1;
        } else {
          min = 1024;
          size = 65535 - 1024 + 1;
        }
      }
    } else {
      return;
    }
    const keyIsSport = icmp || manip === MANIP_SRC;
    const rng = this.host.env.rng;
    let off = rng.u32() & 0xffff;
    let attempts = Math.min(size, 128);
    for (;;) {
      for (let i = 0; i < attempts; i++, off = (off + 1) & 0xffff) {
        if (keyIsSport) t.sport = min + (off % size);
        else t.dport = min + (off % size);
        if (!this.usedTuple(t, slot)) return;
      }
      if (attempts >= size || attempts < 16) return; // give up: the clash fails at confirm
      attempts >>= 1;
      off = rng.u32() & 0xffff;
    }
  }

  // ---- packet mangling -------------------------------------------------------------------

  /** nf_nat_packet(): mangle if this manip type applies in the packet's direction. */
  private natPacket(pkt: Packet, slot: number, ctinfo: CtInfo, manip: Manip): void {
    const dir: Dir = ctinfo >= CtInfo.ESTABLISHED_REPLY ? DIR_REPLY : DIR_ORIGINAL;
    let bit = manip === MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
    if (dir === DIR_REPLY) bit ^= IPS_NAT_MASK;
    if (this.host.store.h16[slot * H16 + H_STATUS] & bit) this.manipPkt(pkt, slot, manip, dir);
  }

  /** nf_nat_manip_pkt(): rewrite towards invert(tuple[!dir]). */
  private manipPkt(pkt: Packet, slot: number, manip: Manip, dir: Dir): void {
    const s = this.host.store;
    const other = 2 * slot + (dir ^ 1);
    const events = this.host.env.events;
    const before = events.active ? this.packetView(pkt) : null;
    if (manip === MANIP_SRC) {
      pkt.src = s.n32[other * N32 + N_DST];
      if (hasPorts(pkt.proto)) pkt.sport = s.n16[other * N16 + N_DPORT];
    } else {
      pkt.dst = s.n32[other * N32 + N_SRC];
      if (hasPorts(pkt.proto)) pkt.dport = s.n16[other * N16 + N_SPORT];
    }
    if (isIcmp(pkt.proto) && pkt.icmp) pkt.icmp.id = s.n16[other * N16 + N_SPORT]; // icmp_manip_pkt / icmpv6_manip_pkt: the id
    if (before) this.emitNat(pkt, slot, manip, before);
  }

  /**
   * nf_nat_icmp_reply_translation(): an ICMP error about a NATed connection. The quoted
   * packet travelled the other way, so it gets the opposite manip from tuple[!dir]; the outer
   * header gets this manip. Redirects about NATed connections are dropped.
   */
  private icmpReplyTranslation(pkt: Packet, slot: number, ctinfo: CtInfo, manip: Manip): boolean {
    const s = this.host.store;
    const inner = pkt.icmp?.inner;
    if (!pkt.icmp || !inner) return true;
    if (pkt.proto === IPPROTO_ICMP && pkt.icmp.type === ICMP_REDIRECT && s.h16[slot * H16 + H_STATUS] & IPS_NAT_MASK) return false;
    const dir: Dir = ctinfo === CtInfo.RELATED_REPLY ? DIR_REPLY : DIR_ORIGINAL;
    let bit = manip === MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
    if (dir === DIR_REPLY) bit ^= IPS_NAT_MASK;
    if (!(s.h16[slot * H16 + H_STATUS] & bit)) return true;
    const other = 2 * slot + (dir ^ 1);
    const before = this.host.env.events.active ? this.packetView(pkt) : null;
    if (manip === MANIP_DST) {
      // the quoted packet gets the SRC manip, straight from tuple[!dir]; the outer header DST
      inner.src = s.n32[other * N32 + N_SRC];
      if (hasPorts(inner.proto)) inner.sport = s.n16[other * N16 + N_SPORT];
      pkt.dst = s.n32[other * N32 + N_SRC];
    } else {
      inner.dst = s.n32[other * N32 + N_DST];
      if (hasPorts(inner.proto)) inner.dport = s.n16[other * N16 + N_DPORT];
      pkt.src = s.n32[other * N32 + N_DST];
    }
    if (isIcmp(inner.proto) && inner.icmp) inner.icmp.id = s.n16[other * N16 + N_SPORT];
    if (before) this.emitNat(pkt, slot, manip, before);
    return true;
  }

  private packetView(p: Packet): TupleView {
    return tupleView(p.family, p.proto, p.src, p.dst, p.icmp ? p.icmp.id : p.sport, p.icmp ? (p.icmp.type << 8) | p.icmp.code : p.dport);
  }

  private emitNat(pkt: Packet, slot: number, manip: Manip, before: TupleView): void {
    const env = this.host.env;
    env.events.emit({
      kind: 'ct.nat',
      t: env.now(),
      pkt: env.pkt,
      ctId: this.host.store.h32[slot * H32 + H_CT_ID],
      manip: manip === MANIP_SRC ? 'src' : 'dst',
      before,
      after: this.packetView(pkt),
    });
  }

  // ---- tuples and the by-source index ------------------------------------------------------

  private readTuple(node: number, out: MutableTuple): void {
    const s = this.host.store;
    out.family = s.h8[(node >> 1) * H8 + H_FLAGS] & F_IPV6 ? 6 : 4;
    out.proto = s.h8[(node >> 1) * H8 + H_PROTO];
    out.src = s.n32[node * N32 + N_SRC];
    out.dst = s.n32[node * N32 + N_DST];
    out.sport = s.n16[node * N16 + N_SPORT];
    out.dport = s.n16[node * N16 + N_DPORT];
  }

  private writeTuple(node: number, t: MutableTuple): void {
    const s = this.host.store;
    s.n32[node * N32 + N_SRC] = t.src;
    s.n32[node * N32 + N_DST] = t.dst;
    s.n16[node * N16 + N_SPORT] = t.sport;
    s.n16[node * N16 + N_DPORT] = t.dport;
  }

  private bucket(zone: number, proto: number, src: number, sport: number): number {
    return hashTuple(zone, proto, src, 0, sport, 0) & (this.bysrcHeads!.length - 1);
  }

  private bysrcBucket(slot: number): number {
    const s = this.host.store;
    return this.bucket(s.h16[slot * H16 + H_ZONE], s.h8[slot * H8 + H_PROTO], s.n32[(2 * slot) * N32 + N_SRC], s.n16[(2 * slot) * N16 + N_SPORT]);
  }

  private allocBysrc(capacity: number): void {
    this.bysrcNext = new Int32Array(capacity).fill(-1);
    this.bysrcHeads = new Int32Array(capacity).fill(-1);
  }

  private linkBysrc(slot: number): void {
    const s = this.host.store;
    if (!this.bysrcHeads) this.allocBysrc(s.capacity);
    const b = this.bysrcBucket(slot);
    this.bysrcNext![slot] = this.bysrcHeads![b];
    this.bysrcHeads![b] = slot;
    s.h8[slot * H8 + H_FLAGS] |= F_BYSRC;
  }
}
