/**
 * Tuples as conntrack sees them (struct nf_conntrack_tuple): extraction from a packet,
 * inversion (nf_ct_invert_tuple), and the human-readable forms used by events and renderers.
 * ICMP and ICMPv6 tuples keep the echo id in `sport` and `(type << 8) | code` in `dport`.
 * `family` is the tuple's l3num: an IPv6 tuple's addresses are ids (model/addr6.ts).
 */
import type { TupleView } from '../events';
import { formatAddr, type Family } from '../model/addr';
import { ICMPV6_ECHO_REPLY, ICMPV6_ECHO_REQUEST, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, type Packet } from '../model/packet';

export const ICMP_SOURCE_QUENCH = 4;
export const ICMP_REDIRECT = 5;
export const ICMP_PARAMETERPROB = 12;
/** NR_ICMP_TYPES: types above it are invalid (icmp_error). */
export const NR_ICMP_TYPES = 18;

/** A mutable tuple, reused as scratch so hot paths do not allocate. */
export class MutableTuple {
  family: Family = 4;
  proto = 0;
  src = 0;
  dst = 0;
  sport = 0;
  dport = 0;

  copyFrom(t: MutableTuple): void {
    this.family = t.family;
    this.proto = t.proto;
    this.src = t.src;
    this.dst = t.dst;
    this.sport = t.sport;
    this.dport = t.dport;
  }

  equals(t: MutableTuple): boolean {
    return this.family === t.family && this.proto === t.proto && this.src === t.src && this.dst === t.dst && this.sport === t.sport && this.dport === t.dport;
  }
}

export const hasPorts = (proto: number): boolean => proto === IPPROTO_TCP || proto === IPPROTO_UDP;

/** Whether the protocol is ICMP or ICMPv6 (tuples keyed by id, type and code). */
export const isIcmp = (proto: number): boolean => proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6;

/** ICMPv6 errors quote the offending packet; types from 128 on are informational (icmpv6_error). */
export const icmpv6IsError = (type: number): boolean => type < 128;

/**
 * noct_valid_new[] of nf_conntrack_proto_icmpv6.c: MLD and neighbour discovery (types 130–136
 * and 143) are never tracked (nf_conntrack_icmpv6_error sets them IP_CT_UNTRACKED).
 */
export const icmpv6Untracked = (type: number): boolean => (type >= 130 && type <= 136) || type === 143;

/**
 * nf_conntrack_proto_icmpv6.c invmap[] (echo 128↔129, node information 139↔140), or -1; and
 * valid_new[]: only an echo request or a node information query starts a connection.
 */
export function icmpv6ReplyType(type: number): number {
  switch (type) {
    case ICMPV6_ECHO_REQUEST:
      return ICMPV6_ECHO_REPLY;
    case ICMPV6_ECHO_REPLY:
      return ICMPV6_ECHO_REQUEST;
    case 139:
      return 140;
    case 140:
      return 139;
    default:
      return -1;
  }
}

export const icmpv6StartsConnection = (type: number): boolean => type === ICMPV6_ECHO_REQUEST || type === 139;

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
  out.family = p.family;
  out.proto = p.proto;
  out.src = p.src;
  out.dst = p.dst;
  if (hasPorts(p.proto)) {
    out.sport = p.sport;
    out.dport = p.dport;
  } else if (isIcmp(p.proto)) {
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
  out.family = t.family;
  out.proto = proto;
  out.src = dst;
  out.dst = src;
  if (isIcmp(proto)) {
    const inv = proto === IPPROTO_ICMP ? icmpReplyType(dport >> 8) : icmpv6ReplyType(dport >> 8);
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
  return proto === IPPROTO_TCP || proto === IPPROTO_UDP || isIcmp(proto) ? L4_NAMES[proto] : 'unknown';
}

/** The L4 part of a printed tuple (tcp_print_tuple / icmp_print_tuple), with its trailing space. */
export function formatL4(proto: number, sport: number, dport: number): string {
  if (hasPorts(proto)) return `sport=${sport} dport=${dport} `;
  if (isIcmp(proto)) return `type=${dport >> 8} code=${dport & 0xff} id=${sport} `;
  return '';
}

export function tupleView(family: Family, proto: number, src: number, dst: number, sport: number, dport: number): TupleView {
  const v: TupleView = { proto: protoName(proto), src: formatAddr(family, src), dst: formatAddr(family, dst) };
  if (hasPorts(proto)) {
    v.sport = sport;
    v.dport = dport;
  } else if (isIcmp(proto)) {
    v.type = dport >> 8;
    v.code = dport & 0xff;
    v.id = sport;
  }
  return v;
}
