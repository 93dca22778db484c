/**
 * The hosts at the ends of the wire and behind the VFs, reduced to what packet injection needs:
 * when a script leaves out seq/ack, the packet carries what a real TCP endpoint would send —
 * its own sequence space continued, and an ACK of what it has received so far. Endpoints learn
 * from packets delivered to them (after NAT), so replies through a NAT stay in window.
 * Not a hot path: the traffic generator builds packets itself.
 */
import type { Env } from './env';
import { formatAddr, formatIpv4 } from './model/addr';
import {
  blankPacket,
  ETH_P_IP,
  ETH_P_IPV6,
  ICMP_ECHO,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  TCP_ACK,
  TCP_FIN,
  TCP_SYN,
  formatTcpFlags,
  newMeta,
  type Packet,
} from './model/packet';
import type { PacketSpec } from './script/ast';

const key = (family: number, proto: number, src: number, sport: number, dst: number, dport: number): string =>
  `${family} ${proto} ${src}:${sport} ${dst}:${dport}`;

const PROTOCOLS = { tcp: IPPROTO_TCP, udp: IPPROTO_UDP, icmp: IPPROTO_ICMP, icmp6: IPPROTO_ICMPV6 } as const;

/** Default MACs: a locally administered address derived from the IPv4 address. */
const macOf = (ip: number): number => 0x020000000000 + ip;

const DEFAULT_WINDOW = 65535;

export class Endpoints {
  /** Next sequence number each sender uses, keyed by the tuple it sends with. */
  private sndNxt = new Map<string, number>();
  /** Next sequence number each receiver expects, keyed by the tuple the packet was delivered with. */
  private rcvNxt = new Map<string, number>();
  private nextId = 1;

  constructor(private readonly env: Env) {}

  /** Builds the packet a script line describes, filling seq/ack like a real endpoint. */
  build(spec: PacketSpec, indev: string): Packet {
    const proto = PROTOCOLS[spec.proto];
    const icmp = proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6;
    const pkt = blankPacket(this.nextId++, proto, indev);
    if (spec.family === 6) {
      pkt.family = 6;
      pkt.ethType = ETH_P_IPV6;
    }
    pkt.srcMac = spec.srcMac ?? macOf(spec.src);
    pkt.dstMac = spec.dstMac ?? macOf(spec.dst);
    pkt.src = spec.src;
    pkt.dst = spec.dst;
    pkt.ttl = spec.ttl;
    pkt.tos = spec.tos;
    pkt.payloadLen = spec.len;
    if (!icmp) {
      pkt.sport = spec.sport;
      pkt.dport = spec.dport;
    }
    if (proto === IPPROTO_TCP) this.fillTcp(pkt, spec);
    if (icmp) {
      const h = spec.icmp ?? { type: ICMP_ECHO, code: 0, id: 1, seq: 1 };
      pkt.icmp = { ...h, inner: spec.inner ? this.buildQuoted(spec.inner) : null };
    }
    if (spec.vxlan) this.encapsulate(pkt, spec.vxlan);
    return pkt;
  }

  /** A packet id never used before in this simulator. */
  newId(): number {
    return this.nextId++;
  }

  /** A copy with a new id (mirred mirror): same headers, same skb metadata. */
  clone(p: Packet): Packet {
    return { ...p, id: this.nextId++, meta: { ...p.meta }, vxlan: p.vxlan ? { ...p.vxlan } : null };
  }

  /** The endpoint that received `pkt` remembers how far the sender's sequence got. */
  learnDelivered(pkt: Packet): void {
    if (pkt.proto !== IPPROTO_TCP || pkt.vxlan) return;
    const end = (pkt.seq + pkt.payloadLen + (pkt.tcpFlags & TCP_SYN ? 1 : 0) + (pkt.tcpFlags & TCP_FIN ? 1 : 0)) >>> 0;
    const k = key(pkt.family, pkt.proto, pkt.src, pkt.sport, pkt.dst, pkt.dport);
    const prev = this.rcvNxt.get(k);
    if (prev === undefined || ((end - prev) | 0) > 0) this.rcvNxt.set(k, end);
  }

  private fillTcp(pkt: Packet, spec: PacketSpec): void {
    const flags = spec.flags ?? TCP_ACK;
    const family = spec.family ?? 4;
    const k = key(family, IPPROTO_TCP, spec.src, spec.sport, spec.dst, spec.dport);
    let seq = spec.seq;
    if (seq === undefined) seq = flags & TCP_SYN || !this.sndNxt.has(k) ? this.env.rng.u32() : this.sndNxt.get(k)!;
    let ack = spec.ack;
    if (ack === undefined) ack = flags & TCP_ACK ? (this.rcvNxt.get(key(family, IPPROTO_TCP, spec.dst, spec.dport, spec.src, spec.sport)) ?? 0) : 0;
    pkt.tcpFlags = flags;
    pkt.seq = seq >>> 0;
    pkt.ack = ack >>> 0;
    pkt.win = spec.win ?? DEFAULT_WINDOW;
    const next = (seq + spec.len + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0)) >>> 0;
    this.sndNxt.set(k, next);
  }

  private buildQuoted(spec: PacketSpec): Packet {
    const inner = this.build({ ...spec, seq: spec.seq ?? 0, ack: spec.ack ?? 0 }, '');
    inner.id = 0;
    return inner;
  }

  /** Wraps the packet in outer IPv4/UDP/VXLAN headers; the inner headers move to `vxlan.inner`. */
  encapsulate(pkt: Packet, outer: { vni: number; src: number; dst: number; dstPort: number }): void {
    const inner: Packet = { ...pkt, meta: newMeta(''), vxlan: pkt.vxlan };
    pkt.vxlan = { vni: outer.vni, inner };
    pkt.src = outer.src;
    pkt.dst = outer.dst;
    pkt.srcMac = macOf(outer.src);
    pkt.dstMac = macOf(outer.dst);
    pkt.family = 4;
    pkt.ethType = ETH_P_IP;
    pkt.proto = IPPROTO_UDP;
    // udp_flow_src_port: the outer source port is a hash of the inner flow, in the local port range.
    pkt.sport = 32768 + ((inner.src ^ inner.dst ^ (inner.sport << 16) ^ inner.dport ^ inner.proto) >>> 0) % 28232;
    pkt.dport = outer.dstPort;
    pkt.ttl = 64;
    pkt.tos = 0;
    pkt.tcpFlags = 0;
    pkt.seq = 0;
    pkt.ack = 0;
    pkt.win = 0;
    pkt.icmp = null;
    pkt.payloadLen = 0;
  }

  /** Strips the outer headers: the inner headers become the packet's own again. */
  decapsulate(pkt: Packet): void {
    const v = pkt.vxlan;
    if (!v) return;
    const { id, meta } = pkt;
    Object.assign(pkt, v.inner);
    pkt.id = id;
    pkt.meta = meta;
  }
}

/** One-line description of a packet for events and explanations (tcpdump-like). */
export function summarize(p: Packet): string {
  const outer = p.vxlan ? `${formatIpv4(p.src)}.${p.sport} > ${formatIpv4(p.dst)}.${p.dport}: VXLAN vni ${p.vxlan.vni}: ` : '';
  const q = p.vxlan ? p.vxlan.inner : p;
  const s = formatAddr(q.family, q.src);
  const d = formatAddr(q.family, q.dst);
  switch (q.proto) {
    case IPPROTO_TCP: {
      const f = q.tcpFlags;
      return `${outer}${s}.${q.sport} > ${d}.${q.dport}: tcp [${formatTcpFlags(f)}] seq ${q.seq}${f & TCP_ACK ? ` ack ${q.ack}` : ''} win ${q.win} length ${q.payloadLen}`;
    }
    case IPPROTO_UDP:
      return `${outer}${s}.${q.sport} > ${d}.${q.dport}: udp length ${q.payloadLen}`;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
      return `${outer}${s} > ${d}: ${q.proto === IPPROTO_ICMP ? 'icmp' : 'icmp6'} type ${q.icmp?.type} code ${q.icmp?.code} id ${q.icmp?.id}`;
    default:
      return `${outer}${s} > ${d}: proto ${q.proto}`;
  }
}

