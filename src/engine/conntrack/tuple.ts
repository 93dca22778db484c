/**
 * Tuples as conntrack sees them (struct nf_conntrack_tuple): extraction from a packet,
 * inversion (nf_ct_invert_tuple), and the human-readable forms used by events and renderers.
 * ICMP tuples keep the echo id in `sport` and `(type << 8) | code` in `dport`.
 */
import type { TupleView } from '../events';
import { formatIpv4 } from '../model/addr';
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, type Packet } from '../model/packet';

export const ICMP_SOURCE_QUENCH = 4;
export const ICMP_REDIRECT = 5;
export const ICMP_PARAMETERPROB = 12;
/** NR_ICMP_TYPES: types above it are invalid (icmp_error). */
export const NR_ICMP_TYPES = 18;

/** A mutable tuple, reused as scratch so hot paths do not allocate. */
export class MutableTuple {
  proto = 0;
  src = 0;
  dst = 0;
  sport = 0;
  dport = 0;

  copyFrom(t: MutableTuple): void {
    this.proto = t.proto;
    this.src = t.src;
    this.dst = t.dst;
    this.sport = t.sport;
    this.dport = t.dport;
  }

  equals(t: MutableTuple): boolean {
    return this.proto === t.proto && this.src === t.src && this.dst === t.dst && this.sport === t.sport && this.dport === t.dport;
  }
}

export const hasPorts = (proto: number): boolean => proto === IPPROTO_TCP || proto === IPPROTO_UDP;

/** icmp_is_err(): ICMP types that quote an offending packet. */
export function icmpIsError(type: number): boolean {
  return (
    type === 3 /* DEST_UNREACH */ ||
    type === ICMP_SOURCE_QUENCH ||
    type === ICMP_REDIRECT ||
    type === 11 /* TIME_EXCEEDED */ ||
    type === ICMP_PARAMETERPROB
  );
}

/**
 * nf_conntrack_proto_icmp.c invmap[]: the reply type of each query type, or -1 when the
 * type has no reply (such a tuple cannot be inverted, so no connection is created).
 */
export function icmpReplyType(type: number): number {
  switch (type) {
    case 8:
      return 0; // echo → echo reply
    case 0:
      return 8;
    case 13:
      return 14; // timestamp
    case 14:
      return 13;
    case 15:
      return 16; // info request
    case 16:
      return 15;
    case 17:
      return 18; // address mask
    case 18:
      return 17;
    default:
      return -1;
  }
}

/** icmp_packet()'s valid_new[]: query types that may start a connection. */
export function icmpStartsConnection(type: number): boolean {
  return type === 8 || type === 13 || type === 15 || type === 17;
}

/**
 * nf_ct_get_tuple for one packet (the inner packet of an ICMP error too). Returns false
 * when the packet carries no usable L4 header.
 */
export function tupleFromPacket(p: Packet, out: MutableTuple): boolean {
  out.proto = p.proto;
  out.src = p.src;
  out.dst = p.dst;
  if (hasPorts(p.proto)) {
    out.sport = p.sport;
    out.dport = p.dport;
  } else if (p.proto === IPPROTO_ICMP) {
    if (!p.icmp) return false;
    out.sport = p.icmp.id & 0xffff;
    out.dport = ((p.icmp.type & 0xff) << 8) | (p.icmp.code & 0xff);
  } else {
    out.sport = 0;
    out.dport = 0;
  }
  return true;
}

/** nf_ct_invert_tuple(); false when the ICMP type has no inverse. */
export function invertTuple(t: MutableTuple, out: MutableTuple): boolean {
  const { proto, src, dst, sport, dport } = t;
  out.proto = proto;
  out.src = dst;
  out.dst = src;
  if (proto === IPPROTO_ICMP) {
    const inv = icmpReplyType(dport >> 8);
    if (inv < 0) return false;
    out.sport = sport;
    out.dport = (inv << 8) | (dport & 0xff);
  } else {
    out.sport = dport;
    out.dport = sport;
  }
  return true;
}

const L4_NAMES: Record<number, string> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  33: 'dccp',
  47: 'gre',
  58: 'icmpv6',
  132: 'sctp',
  136: 'udplite',
};

/** libnetfilter_conntrack's __proto2str (conntrack -L column 1). */
export function protoName(proto: number): string {
  return L4_NAMES[proto] ?? 'unknown';
}

/**
 * Name of the kernel tracker that handles `proto` (/proc column 3). Protocols other than
 * TCP/UDP/ICMP are tracked generically here, and the generic tracker is called "unknown".
 */
export function trackerName(proto: number): string {
  return proto === IPPROTO_TCP || proto === IPPROTO_UDP || proto === IPPROTO_ICMP ? L4_NAMES[proto] : 'unknown';
}

/** The L4 part of a printed tuple (tcp_print_tuple / icmp_print_tuple), with its trailing space. */
export function formatL4(proto: number, sport: number, dport: number): string {
  if (hasPorts(proto)) return `sport=${sport} dport=${dport} `;
  if (proto === IPPROTO_ICMP) return `type=${dport >> 8} code=${dport & 0xff} id=${sport} `;
  return '';
}

export function tupleView(proto: number, src: number, dst: number, sport: number, dport: number): TupleView {
  const v: TupleView = { proto: protoName(proto), src: formatIpv4(src), dst: formatIpv4(dst) };
  if (hasPorts(proto)) {
    v.sport = sport;
    v.dport = dport;
  } else if (proto === IPPROTO_ICMP) {
    v.type = dport >> 8;
    v.code = dport & 0xff;
    v.id = sport;
  }
  return v;
}
