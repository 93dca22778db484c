/**
 * The simulator's traffic commands: `send` (packets described field by field, TCP flags in
 * tcpdump's letters) and `connect` (a whole exchange).
 */
import type { Command, PacketSpec, Spanned } from './ast';
import type { Family } from '../model/addr';
import { ICMP_DEST_UNREACH, ICMP_TIME_EXCEEDED, ICMPV6_DEST_UNREACH, ICMPV6_ECHO_REQUEST, ICMPV6_PARAMPROB, ICMPV6_PKT_TOOBIG, ICMPV6_TIME_EXCEED, TCP_ACK, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG, VXLAN_DEFAULT_PORT } from '../model/packet';
import { Cursor, Once, positionIn, spanOf } from './cursor';
import { failAt } from './errors';
import type { Token } from './lexer';
import { ifname, ipAddr, ipSlice, ipv4, mac, readUint, seconds, uint, uintSlice, U16, U32, U8 } from './values';

export const MAX_SEND_COUNT = 1_000_000;
export const MAX_PAYLOAD_LEN = 65_000;
/** Ten years, the longest wait `sleep` and `interval` accept. */
export const MAX_WAIT_SECONDS = 10 * 365 * 86_400;

const NUM = 'dec-or-0x';
const VNI_MAX = 0xffffff;

/** ICMP types whose payload quotes the offending packet (RFC 792), so that conntrack finds it RELATED. */
const ICMP_ERROR_TYPES = new Set([ICMP_DEST_UNREACH, 4, 5, ICMP_TIME_EXCEEDED, 12]);
/** ICMPv6 errors (RFC 4443), which quote the offending packet likewise. */
const ICMPV6_ERROR_TYPES = new Set([ICMPV6_DEST_UNREACH, ICMPV6_PKT_TOOBIG, ICMPV6_TIME_EXCEED, ICMPV6_PARAMPROB]);

/** tcpdump's flag letters; `.` is ACK. */
const TCP_FLAG_LETTERS = new Map<string, number>([
  ['F', TCP_FIN],
  ['S', TCP_SYN],
  ['R', TCP_RST],
  ['P', TCP_PSH],
  ['.', TCP_ACK],
  ['U', TCP_URG],
  ['E', TCP_ECE],
  ['W', TCP_CWR],
]);

function tcpFlags(t: Token): number {
  if (t.text === 'none') return 0;
  if (t.text === '') failAt(t, 'missing TCP flags');
  let flags = 0;
  for (let i = 0; i < t.text.length; i++) {
    const letter = t.text[i];
    const bit = TCP_FLAG_LETTERS.get(letter);
    if (bit === undefined) failAt(positionIn(t, i), `unknown TCP flag "${letter}" in "${t.text}": use tcpdump letters S F R P U E W and . for ACK`);
    if (flags & bit) failAt(positionIn(t, i), `duplicate TCP flag "${letter}" in "${t.text}"`);
    flags |= bit;
  }
  return flags;
}

export type Proto = PacketSpec['proto'];

type Endpoint = { family: Family; addr: number; port: number };

/**
 * `IP:PORT` for TCP and UDP, a plain `IP` for ICMP. An IPv6 address with a port is written in
 * brackets, `[2001:db8::1]:80` (RFC 3986), and may be bracketed without one too. With
 * `anyPort` (a tuple to look up, not a packet to build) a TCP or UDP port may be left out: -1.
 */
export function endpoint(t: Token, proto: Proto, what: 'source' | 'destination', anyPort = false): Endpoint {
  const text = t.text;
  const icmp = proto === 'icmp' || proto === 'icmp6';
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) failAt(t, `missing "]" after the IPv6 address in "${text}"`);
    const { family, addr } = ipSlice(t, 1, close, `${what} address`);
    if (family !== 6) failAt(positionIn(t, 1), `only an IPv6 address goes in brackets: "${text}"`);
    if (close === text.length - 1) {
      if (!icmp && anyPort) return { family, addr, port: -1 };
      if (!icmp) failAt(t, `expected ${what} [IPv6]:PORT, got "${text}"`);
      return { family, addr, port: 0 };
    }
    if (icmp) failAt(positionIn(t, close + 1), `an ${proto} ${what} has no port: "${text}"`);
    if (text[close + 1] !== ':') failAt(positionIn(t, close + 1), `expected ":PORT" after "]" in "${text}"`);
    return { family, addr, port: uintSlice(t, close + 2, text.length, 'port', U16, 10) };
  }
  const colon = text.indexOf(':');
  if (icmp) {
    if (colon >= 0 && colon === text.lastIndexOf(':')) failAt(positionIn(t, colon), `an icmp ${what} has no port: "${text}"`);
    return { ...ipAddr(t, `${what} address`), port: 0 };
  }
  if (colon >= 0 && colon !== text.lastIndexOf(':')) failAt(t, `an IPv6 ${what} with a port is written [ADDRESS]:PORT, got "${text}"`);
  if (colon < 0 && anyPort) return { ...ipAddr(t, `${what} address`), port: -1 };
  if (colon < 0) failAt(t, `expected ${what} IP:PORT, got "${text}"`);
  return { family: 4, addr: ipv4(t, `${what} address`, colon), port: uintSlice(t, colon + 1, text.length, 'port', U16, 10) };
}

/** `PROTO SRC > DST`, the start of every packet description. */
function packetHead(c: Cursor, protoTok: Token, protos: readonly Proto[]): PacketSpec {
  const proto = protos.find((p) => p === protoTok.text && !protoTok.op);
  if (!proto) failAt(protoTok, `expected ${protos.join(', ')}, got "${protoTok.text}"`);
  const srcTok = c.value(protoTok);
  const arrow = c.take();
  if (!arrow || !arrow.op) failAt(arrow ?? srcTok, 'expected ">" between source and destination');
  const src = endpoint(srcTok, proto, 'source');
  const dstTok = c.value(arrow);
  const dst = endpoint(dstTok, proto, 'destination');
  if (dst.family !== src.family) failAt(dstTok, `the source is IPv${src.family} and the destination IPv${dst.family}: both ends must be of one family`);
  if (proto === 'icmp' && src.family === 6) failAt(protoTok, 'ICMP over IPv6 is "icmp6"');
  if (proto === 'icmp6' && src.family === 4) failAt(protoTok, '"icmp6" needs IPv6 addresses (ICMP over IPv4 is "icmp")');
  const spec: PacketSpec = { proto, src: src.addr, dst: dst.addr, sport: src.port, dport: dst.port, len: 0, ttl: 64, tos: 0 };
  if (src.family === 6) spec.family = 6;
  if (proto === 'icmp') spec.icmp = { type: 8, code: 0, id: 1, seq: 1 };
  if (proto === 'icmp6') spec.icmp = { type: ICMPV6_ECHO_REQUEST, code: 0, id: 1, seq: 1 };
  return spec;
}

interface Repeat {
  count: number;
  interval: number;
}

function countValue(t: Token): number {
  const n = readUint(t.text, NUM);
  if (n > MAX_SEND_COUNT) failAt(t, `count ${t.text} exceeds the limit of ${MAX_SEND_COUNT} packets per send`);
  return uint(t, 'count', MAX_SEND_COUNT, NUM, 1);
}

/** Options after `SRC > DST`; `repeat` is filled for an outer packet, absent for a quoted one. */
function packetOptions(c: Cursor, spec: PacketSpec, repeat?: Repeat): void {
  const once = new Once();
  const only = (kw: Token, proto: Proto) => {
    if (spec.proto !== proto && !(proto === 'icmp' && spec.proto === 'icmp6')) failAt(kw, `"${kw.text}" is only valid for ${proto} packets`);
  };
  for (let kw = c.take(); kw; kw = c.take()) {
    once.mark(kw.text, kw);
    switch (kw.op ? '' : kw.text) {
      case 'flags':
        only(kw, 'tcp');
        spec.flags = tcpFlags(c.value(kw));
        break;
      case 'seq':
        if (spec.icmp) spec.icmp.seq = uint(c.value(kw), 'seq', U16, NUM);
        else {
          only(kw, 'tcp');
          spec.seq = uint(c.value(kw), 'seq', U32, NUM);
        }
        break;
      case 'ack':
        only(kw, 'tcp');
        spec.ack = uint(c.value(kw), 'ack', U32, NUM);
        break;
      case 'win':
        only(kw, 'tcp');
        spec.win = uint(c.value(kw), 'win', U16, NUM);
        break;
      case 'len':
        spec.len = uint(c.value(kw), 'len', MAX_PAYLOAD_LEN, NUM);
        break;
      case 'ttl':
        spec.ttl = uint(c.value(kw), 'ttl', U8, NUM);
        break;
      case 'tos':
        spec.tos = uint(c.value(kw), 'tos', U8, NUM);
        break;
      case 'smac':
        spec.srcMac = mac(c.value(kw), 'smac');
        break;
      case 'dmac':
        spec.dstMac = mac(c.value(kw), 'dmac');
        break;
      case 'type':
      case 'code':
        only(kw, 'icmp');
        spec.icmp![kw.text as 'type' | 'code'] = uint(c.value(kw), kw.text, U8, NUM);
        break;
      case 'id':
        only(kw, 'icmp');
        spec.icmp!.id = uint(c.value(kw), 'id', U16, NUM);
        break;
      case 'count':
      case 'interval':
        if (!repeat) failAt(kw, `"${kw.text}" belongs to the outer packet: put it before "inner"`);
        if (kw.text === 'count') repeat.count = countValue(c.value(kw));
        else repeat.interval = seconds(c.value(kw), 'interval', MAX_WAIT_SECONDS);
        break;
      case 'inner':
        if (!repeat) failAt(kw, 'a quoted packet cannot quote another one');
        if (spec.proto === 'icmp6') {
          if (!ICMPV6_ERROR_TYPES.has(spec.icmp!.type)) failAt(kw, '"inner" is the packet an ICMPv6 error quotes: give an icmp6 error "type" (1, 2, 3 or 4) first');
        } else if (!spec.icmp || !ICMP_ERROR_TYPES.has(spec.icmp.type)) {
          failAt(kw, '"inner" is the packet an ICMP error quotes: give an icmp error "type" (3, 4, 5, 11 or 12) first');
        }
        {
          const innerTok = c.value(kw);
          spec.inner = packetHead(c, innerTok, ['tcp', 'udp', 'icmp', 'icmp6']);
          if ((spec.inner.family ?? 4) !== (spec.family ?? 4)) failAt(innerTok, 'the quoted packet must be of the error\'s IP family');
        }
        packetOptions(c, spec.inner);
        break;
      default:
        failAt(kw, `unexpected "${kw.text}"`);
    }
  }
}

/** `vxlan vni N src A dst B [dport P]`: outer headers of an encapsulated packet. */
function vxlanHeaders(c: Cursor, vxlanKw: Token): NonNullable<PacketSpec['vxlan']> {
  const once = new Once();
  const fields: { vni?: number; src?: number; dst?: number; dstPort: number } = { dstPort: VXLAN_DEFAULT_PORT };
  for (let kw = c.peek(); kw && ['vni', 'src', 'dst', 'dport'].includes(kw.text); kw = c.peek()) {
    c.take();
    once.mark(kw.text, kw);
    const v = c.value(kw);
    if (kw.text === 'vni') fields.vni = uint(v, 'vni', VNI_MAX, NUM);
    else if (kw.text === 'dport') fields.dstPort = uint(v, 'dport', U16, NUM);
    else fields[kw.text as 'src' | 'dst'] = ipv4(v, `vxlan ${kw.text}`);
  }
  const { vni, src, dst, dstPort } = fields;
  if (vni === undefined || src === undefined || dst === undefined) failAt(vxlanKw, 'vxlan needs "vni N src A dst B"');
  return { vni, src, dst, dstPort };
}

/** `dev DEVICE` right after the command word; returns the device and its token. */
function deviceAfterDev(c: Cursor, cmd: Token): [Spanned<string>, Token] {
  const devKw = c.value(cmd);
  if (devKw.text !== 'dev') failAt(devKw, `expected "dev DEVICE" after "${cmd.text}"`);
  const devTok = c.value(devKw);
  return [ifname(devTok), devTok];
}

/** `send dev DEV [vxlan …] tcp|udp|icmp|icmp6 SRC > DST [options…] [count N] [interval SEC] [inner …]`. */
export function parseSend(c: Cursor, cmd: Token): Command {
  const [dev, devTok] = deviceAfterDev(c, cmd);
  let protoTok = c.value(devTok);
  let vxlan: PacketSpec['vxlan'];
  if (protoTok.text === 'vxlan') {
    vxlan = vxlanHeaders(c, protoTok);
    protoTok = c.value(protoTok);
  }
  const packet = packetHead(c, protoTok, ['tcp', 'udp', 'icmp', 'icmp6']);
  if (vxlan) packet.vxlan = vxlan;
  const repeat: Repeat = { count: 1, interval: 0 };
  packetOptions(c, packet, repeat);
  return { kind: 'send', dev, packet, count: repeat.count, interval: repeat.interval, span: spanOf(cmd) };
}

const CLOSES = ['fin', 'rst', 'none'] as const;

/** `connect dev D tcp|udp SRC:P > DST:Q [data N] [len N] [close fin|rst|none]`. */
export function parseConnect(c: Cursor, cmd: Token): Command {
  const [dev, devTok] = deviceAfterDev(c, cmd);
  const head = packetHead(c, c.value(devTok), ['tcp', 'udp']);
  const proto = head.proto as 'tcp' | 'udp';
  let dataPackets = 1;
  let len = 100;
  let close: (typeof CLOSES)[number] = proto === 'tcp' ? 'fin' : 'none';
  const once = new Once();
  for (let kw = c.take(); kw; kw = c.take()) {
    once.mark(kw.text, kw);
    if (kw.text === 'data') dataPackets = uint(c.value(kw), 'data', MAX_SEND_COUNT, NUM);
    else if (kw.text === 'len') len = uint(c.value(kw), 'len', MAX_PAYLOAD_LEN, NUM);
    else if (kw.text === 'close' && !kw.op) {
      if (proto !== 'tcp') failAt(kw, '"close" is only valid for tcp');
      const v = c.value(kw);
      close = CLOSES.find((x) => x === v.text) ?? failAt(v, `invalid close "${v.text}": expected fin, rst or none`);
    } else failAt(kw, `unexpected "${kw.text}"`);
  }
  return { kind: 'connect', dev, proto, ...(head.family ? { family: head.family } : {}), src: head.src, dst: head.dst, sport: head.sport, dport: head.dport, dataPackets, len, close, span: spanOf(cmd) };
}
