/**
 * The packet as the datapath sees it: headers plus the metadata the kernel keeps on an skb
 * (ct + ctinfo, post_ct/zone from the tc cb, the tc skb extension, tunnel info, mark).
 * A Packet is mutated in place as it travels (NAT, decap, TTL), so its `id` stays stable.
 */
import type { Family } from './addr';

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_ARP = 0x0806;

/** TCP flag bits as in the TCP header (tcpdump letters F S R P . U E W). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

export const ICMP_ECHOREPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_ECHO = 8;
export const ICMP_TIME_EXCEEDED = 11;

export const VXLAN_DEFAULT_PORT = 4789;

/** enum ip_conntrack_info (include/uapi/linux/netfilter/nf_conntrack_common.h). */
export const enum CtInfo {
  ESTABLISHED = 0,
  RELATED = 1,
  NEW = 2,
  ESTABLISHED_REPLY = 3,
  RELATED_REPLY = 4,
  UNTRACKED = 7,
}

/** Tunnel metadata (ip_tunnel_info): set by decap, matched by flower enc_* keys. */
export interface TunnelInfo {
  id: number; // VNI / tunnel key
  src: number;
  dst: number;
  dstPort: number;
  tos: number;
  ttl: number;
}

/**
 * VXLAN encapsulation. While a packet is encapsulated, its own header fields ARE the outer
 * IPv4/UDP headers (so flower keys, conntrack and counters see what the kernel sees on the
 * underlay device) and `inner` holds the encapsulated packet. Decap copies the inner headers
 * back into the packet, which keeps its id.
 */
export interface Vxlan {
  vni: number;
  inner: Packet;
}

/** What the kernel keeps beside the headers. */
export interface SkbMeta {
  /** Conntrack entry slot attached to the skb (nf_ct_get), or -1. */
  ct: number;
  ctinfo: CtInfo;
  /** tc_skb_cb(skb)->post_ct: a ct action ran on this packet. */
  postCt: boolean;
  /**
   * skb->_nfct is IP_CT_UNTRACKED with no entry: `ct clear` (or force) took the skb's ct away.
   * Only read while `ct` is -1; a fresh skb has no ct and is not untracked.
   */
  ctUntracked: boolean;
  postCtSnat: boolean;
  postCtDnat: boolean;
  /** tc_skb_cb(skb)->zone: zone of the last ct action (reported as ct_zone when the packet is invalid). */
  zone: number;
  /** TC skb extension: chain to resume classification from, or -1 when there is none. */
  extChain: number;
  /** Tunnel info (metadata dst) attached by decap or by tunnel_key set. */
  tunnel: TunnelInfo | null;
  /** skb->mark. */
  mark: number;
  /** Device the packet was received on (flower `indev`). */
  indev: string;
}

export interface IcmpHeader {
  type: number;
  code: number;
  id: number;
  seq: number;
  /** The offending packet quoted by an ICMP error (for RELATED). */
  inner: Packet | null;
}

export interface Packet {
  /** Stable across NAT, encap and decap. */
  id: number;
  family: Family;
  srcMac: number;
  dstMac: number;
  ethType: number;
  src: number;
  dst: number;
  proto: number;
  ttl: number;
  tos: number;
  /** TCP/UDP ports; 0 for other protocols. */
  sport: number;
  dport: number;
  tcpFlags: number;
  seq: number;
  ack: number;
  win: number;
  /** L4 payload length in bytes. */
  payloadLen: number;
  icmp: IcmpHeader | null;
  /** Set while the packet is VXLAN-encapsulated (the header fields above are then the outer ones). */
  vxlan: Vxlan | null;
  meta: SkbMeta;
}

export function newMeta(indev: string): SkbMeta {
  return {
    ct: -1,
    ctinfo: CtInfo.UNTRACKED,
    postCt: false,
    ctUntracked: false,
    postCtSnat: false,
    postCtDnat: false,
    zone: 0,
    extChain: -1,
    tunnel: null,
    mark: 0,
    indev,
  };
}

/** An IPv4 packet with every header field zero (TTL 64) and fresh skb metadata, to fill in. */
export function blankPacket(id: number, proto: number, indev: string): Packet {
  return {
    id,
    family: 4,
    srcMac: 0,
    dstMac: 0,
    ethType: ETH_P_IP,
    src: 0,
    dst: 0,
    proto,
    ttl: 64,
    tos: 0,
    sport: 0,
    dport: 0,
    tcpFlags: 0,
    seq: 0,
    ack: 0,
    win: 0,
    payloadLen: 0,
    icmp: null,
    vxlan: null,
    meta: newMeta(indev),
  };
}

const ETH_HLEN = 14;
const IPV4_HLEN = 20;
const TCP_HLEN = 20;
const UDP_HLEN = 8;
const ICMP_HLEN = 8;
/** VXLAN header plus the inner Ethernet header carried in the outer UDP payload. */
const VXLAN_PAYLOAD_OVERHEAD = 8 + ETH_HLEN;

/** Bytes of the (outermost) L3 packet. */
export function ipLength(p: Packet): number {
  if (p.vxlan) return IPV4_HLEN + UDP_HLEN + VXLAN_PAYLOAD_OVERHEAD + ipLength(p.vxlan.inner);
  const l4 = p.proto === IPPROTO_TCP ? TCP_HLEN : p.proto === IPPROTO_UDP ? UDP_HLEN : ICMP_HLEN;
  const quoted = p.icmp?.inner ? ipLength(p.icmp.inner) : 0;
  return IPV4_HLEN + l4 + p.payloadLen + quoted;
}

/**
 * Bytes as software tc counts them on an ingress hook: skb->len after eth_type_trans pulled
 * the MAC header (sch_handle_ingress sets qdisc_skb_cb(skb)->pkt_len = skb->len), i.e. the
 * outermost L3 packet.
 */
export function tcIngressLength(p: Packet): number {
  return ipLength(p);
}

/** The whole Ethernet frame, as hardware counters and the line-rate model count it. */
export function frameLength(p: Packet): number {
  return ETH_HLEN + tcIngressLength(p);
}

/** tcpdump-style flag letters: S, S., ., P., F., R, R. */
export function formatTcpFlags(f: number): string {
  let s = '';
  if (f & TCP_SYN) s += 'S';
  if (f & TCP_FIN) s += 'F';
  if (f & TCP_RST) s += 'R';
  if (f & TCP_PSH) s += 'P';
  if (f & TCP_URG) s += 'U';
  if (f & TCP_ECE) s += 'E';
  if (f & TCP_CWR) s += 'W';
  if (f & TCP_ACK) s += '.';
  return s || 'none';
}
