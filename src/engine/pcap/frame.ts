/**
 * A packet as the bytes on the wire: Ethernet II, IPv4, TCP / UDP / ICMP with correct
 * checksums, and VXLAN (outer Ethernet/IPv4/UDP, the VXLAN header, the inner frame). What the
 * packet model does not carry is filled in the way Linux fills it: IP ID 0 with DF set (as
 * for a connected socket with PMTU discovery), TCP without options (data offset 5), the
 * payload as zero bytes, and a VXLAN outer UDP checksum of 0 (vxlan's default `noudpcsum`
 * over IPv4). Lengths agree with the model's own (frameLength, ipLength).
 *
 * IPv6: the network layer is chosen by `family`; an IPv6 branch goes in `writeIp`.
 */
import { frameLength, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, ipLength, type Packet } from '../model/packet';

const ETH_HLEN = 14;
const IPV4_HLEN = 20;
const TCP_HLEN = 20;
const UDP_HLEN = 8;
const ICMP_HLEN = 8;
const VXLAN_HLEN = 8;
const IP_DF = 0x4000;
const VXLAN_FLAG_VNI = 0x08;

/** RFC 1071 sum of big-endian 16-bit words, not yet folded or complemented. */
function sum16(b: Uint8Array, from: number, to: number, acc = 0): number {
  let s = acc;
  for (let i = from; i + 1 < to; i += 2) s += (b[i] << 8) | b[i + 1];
  if ((to - from) & 1) s += b[to - 1] << 8;
  return s;
}

/** The one's complement of the folded sum: the value a checksum field holds. */
export function checksum(b: Uint8Array, from: number, to: number, acc = 0): number {
  let s = sum16(b, from, to, acc);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** The IPv4 pseudo header of a TCP/UDP checksum, as a partial sum. */
export function pseudoHeaderSum(src: number, dst: number, proto: number, l4len: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + l4len;
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

function put32(b: Uint8Array, at: number, v: number): void {
  put16(b, at, (v >>> 16) & 0xffff);
  put16(b, at + 2, v & 0xffff);
}

function putMac(b: Uint8Array, at: number, mac: number): void {
  for (let i = 5; i >= 0; i--) {
    b[at + i] = mac % 256;
    mac = Math.floor(mac / 256);
  }
}

/** Ethernet header, then the (outermost) network packet. Returns the offset after the frame. */
function writeFrame(b: Uint8Array, at: number, p: Packet): number {
  putMac(b, at, p.dstMac);
  putMac(b, at + 6, p.srcMac);
  put16(b, at + 12, p.ethType);
  return writeIp(b, at + ETH_HLEN, p);
}

function writeIp(b: Uint8Array, at: number, p: Packet): number {
  switch (p.family) {
    case 4:
      return writeIpv4(b, at, p);
    default:
      throw new Error(`pcap: family ${p.family} is not encoded`);
  }
}

function writeIpv4(b: Uint8Array, at: number, p: Packet): number {
  const total = ipLength(p);
  const proto = p.vxlan ? IPPROTO_UDP : p.proto;
  b[at] = 0x45;
  b[at + 1] = p.tos;
  put16(b, at + 2, total);
  put16(b, at + 4, 0);
  put16(b, at + 6, IP_DF);
  b[at + 8] = p.ttl;
  b[at + 9] = proto;
  put32(b, at + 12, p.src);
  put32(b, at + 16, p.dst);
  put16(b, at + 10, checksum(b, at, at + IPV4_HLEN));
  const l4 = at + IPV4_HLEN;
  const end = at + total;
  if (p.vxlan) writeVxlan(b, l4, end, p);
  else if (proto === IPPROTO_TCP) writeTcp(b, l4, end, p);
  else if (proto === IPPROTO_UDP) writeUdp(b, l4, end, p);
  else if (proto === IPPROTO_ICMP) writeIcmp(b, l4, end, p);
  return end;
}

function writeTcp(b: Uint8Array, at: number, end: number, p: Packet): void {
  put16(b, at, p.sport);
  put16(b, at + 2, p.dport);
  put32(b, at + 4, p.seq);
  put32(b, at + 8, p.ack);
  b[at + 12] = (TCP_HLEN / 4) << 4;
  b[at + 13] = p.tcpFlags;
  put16(b, at + 14, p.win);
  put16(b, at + 18, 0);
  put16(b, at + 16, checksum(b, at, end, pseudoHeaderSum(p.src, p.dst, IPPROTO_TCP, end - at)));
}

function writeUdp(b: Uint8Array, at: number, end: number, p: Packet, withChecksum = true): void {
  put16(b, at, p.sport);
  put16(b, at + 2, p.dport);
  put16(b, at + 4, end - at);
  if (!withChecksum) return;
  // A computed 0 goes on the wire as all ones (RFC 768); 0 means "no checksum".
  put16(b, at + 6, checksum(b, at, end, pseudoHeaderSum(p.src, p.dst, IPPROTO_UDP, end - at)) || 0xffff);
}

/** Echo and echo reply carry id and sequence; errors carry 4 unused bytes and the quoted packet. */
function writeIcmp(b: Uint8Array, at: number, end: number, p: Packet): void {
  const icmp = p.icmp;
  if (icmp) {
    b[at] = icmp.type;
    b[at + 1] = icmp.code;
    if (icmp.inner) writeIpv4(b, at + ICMP_HLEN, icmp.inner);
    else {
      put16(b, at + 4, icmp.id);
      put16(b, at + 6, icmp.seq);
    }
  }
  put16(b, at + 2, checksum(b, at, end));
}

/** The outer UDP datagram: VXLAN header (I flag, VNI), then the inner Ethernet frame. */
function writeVxlan(b: Uint8Array, at: number, end: number, p: Packet): void {
  const vx = p.vxlan!;
  writeUdp(b, at, end, p, false);
  const h = at + UDP_HLEN;
  b[h] = VXLAN_FLAG_VNI;
  put32(b, h + 4, (vx.vni << 8) >>> 0);
  writeFrame(b, h + VXLAN_HLEN, vx.inner);
}

/** The frame of a packet in its current state (a copy: the packet goes on changing). */
export function encodeFrame(p: Packet): Uint8Array {
  const b = new Uint8Array(frameLength(p));
  writeFrame(b, 0, p);
  return b;
}

export { ETH_HLEN, IPV4_HLEN, TCP_HLEN, UDP_HLEN, ICMP_HLEN, VXLAN_HLEN };
