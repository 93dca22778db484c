/**
 * Flower match keys (iproute2 tc/f_flower.c flower_parse_opt): a keyword loop that runs until
 * the first `action`. Keys are checked against the filter's protocol the way iproute2 does:
 * IP keys need `protocol ip`, ports need an earlier `ip_proto tcp|udp|sctp`.
 */
import {
  CT_FLAG_ESTABLISHED,
  CT_FLAG_INVALID,
  CT_FLAG_NEW,
  CT_FLAG_RELATED,
  CT_FLAG_REPLY,
  CT_FLAG_TRACKED,
  type FlowerKeys,
  type Masked,
  type PortRange,
  type Span,
} from './ast';
import type { Prefix } from '../model/addr';
import { ETH_P_IP, ETH_P_IPV6, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from '../model/packet';
import { Cursor, exact, keywordOf, matches, Once, positionIn, prefix, spanOf } from './cursor';
import { failAt } from './errors';
import type { Token } from './lexer';
import { ETH_P_ALL, IPPROTO_ICMPV6, IPPROTO_SCTP } from './protocols';
import { ifname, maskedLabel, maskedMac, maskedUint, prefix as ipPrefix, uint, uintSlice, U16, U32, U8 } from './values';

export interface FlowerOptions {
  keys: FlowerKeys;
  skipHw: boolean;
  skipSw: boolean;
  verbose: boolean;
  /** The ct_state value, set only when there is one: the kernel may refuse it (see FilterSpec). */
  ctStateSpan?: Span;
}

/** flower_parse_opt's if-chain, in order, so abbreviations resolve as in iproute2. */
const FLOWER_CHAIN = [
  ...prefix(
    'classid', 'flowid', 'hw_tc', 'ip_flags', 'l2_miss', 'verbose', 'skip_hw', 'skip_sw',
    'ct_state', 'ct_zone', 'ct_mark', 'ct_label', 'indev', 'num_of_vlans',
    'vlan_id', 'vlan_prio', 'vlan_ethtype', 'cvlan_id', 'cvlan_prio', 'cvlan_ethtype',
    'mpls', 'mpls_label', 'mpls_tc', 'mpls_bos', 'mpls_ttl', 'dst_mac', 'src_mac',
    'ip_proto', 'ip_tos', 'ip_ttl', 'dst_ip', 'src_ip', 'dst_port', 'src_port', 'tcp_flags',
    'type', 'code', 'arp_tip', 'arp_sip', 'arp_op', 'arp_tha', 'arp_sha',
    'enc_dst_ip', 'enc_src_ip', 'enc_key_id', 'enc_dst_port', 'enc_tos', 'enc_ttl', 'enc_flags',
    'geneve_opts', 'vxlan_opts', 'erspan_opts', 'gtp_opts', 'action',
  ),
  ...exact('help'),
];

/** Words users often try in place of real flower syntax. */
const UNKNOWN_KEY_HINTS = new Map([
  ['eth_type', ': flower takes the ethertype from "protocol" (e.g. "protocol ip")'],
  ['actions', ': flower takes "action"'],
]);

/** flower_ct_states[]: the ct_state flag names, in iproute2's print order. */
export const CT_STATE_FLAGS: readonly (readonly [string, number])[] = [
  ['trk', CT_FLAG_TRACKED],
  ['new', CT_FLAG_NEW],
  ['est', CT_FLAG_ESTABLISHED],
  ['rel', CT_FLAG_RELATED],
  ['inv', CT_FLAG_INVALID],
  ['rpl', CT_FLAG_REPLY],
];

/**
 * `+trk+est-rpl`: `+` sets the bit in key and mask, `-` only in the mask (flower_parse_ct_state).
 * Only the syntax is checked here, as iproute2 does: whether the flags make sense is the kernel's
 * fl_validate_ct_state, which depends on the kernel version, so tc applies it per profile.
 */
export function parseCtState(t: Token): Masked {
  const s = t.text;
  let value = 0;
  let mask = 0;
  let i = 0;
  while (i < s.length) {
    const sign = s[i];
    if (sign !== '+' && sign !== '-') failAt(positionIn(t, i), `Illegal "ct_state": expected +flag or -flag at "${s.slice(i)}"`);
    const flag = CT_STATE_FLAGS.find(([name]) => s.startsWith(name, i + 1));
    if (!flag) {
      let stop = i + 1;
      while (stop < s.length && s[stop] !== '+' && s[stop] !== '-') stop++;
      failAt(positionIn(t, i), `unknown ct_state flag "${s.slice(i, stop)}": use trk, new, est, rel, inv or rpl`);
    }
    if (sign === '+') value |= flag[1];
    mask |= flag[1];
    i += 1 + flag[0].length;
  }
  return { value, mask };
}

const isIp = (protocol: number) => protocol === ETH_P_IP || protocol === ETH_P_IPV6;

/** ip_proto NAME|HEX (flower_parse_ip_proto: numbers are hexadecimal). */
function parseIpProto(kw: Token, v: Token, protocol: number): number {
  const illegal = () => failAt(kw, 'Illegal "eth_type" for ip proto: put "protocol ip" before "flower"');
  if (!isIp(protocol)) illegal();
  if (matches(v.text, 'tcp')) return IPPROTO_TCP;
  if (matches(v.text, 'udp')) return IPPROTO_UDP;
  if (matches(v.text, 'sctp')) return IPPROTO_SCTP;
  if (matches(v.text, 'icmp')) return protocol === ETH_P_IP ? IPPROTO_ICMP : illegal();
  if (matches(v.text, 'icmpv6')) return protocol === ETH_P_IPV6 ? IPPROTO_ICMPV6 : illegal();
  return uint(v, 'ip_proto', U8, 16);
}

/**
 * dst_ip/src_ip (flower_parse_ip_addr): the family follows the filter's protocol — IPv4 with
 * `protocol ip`, IPv6 with `protocol ipv6`, either when none was given (`change`).
 */
function parseIpKey(kw: Token, v: Token, protocol: number): Prefix {
  if (protocol !== ETH_P_IP && protocol !== ETH_P_IPV6 && protocol !== 0) failAt(kw, `Illegal "${kw.text}": IP address matches need "protocol ip" or "protocol ipv6" before "flower"`);
  const p = ipPrefix(v, kw.text);
  if (protocol === ETH_P_IPV6 && p.family !== 6) failAt(v, `Illegal "${kw.text}": "protocol ipv6" needs an IPv6 address`);
  if (protocol === ETH_P_IP && p.family !== 4) failAt(v, `Illegal "${kw.text}": "protocol ip" needs an IPv4 address`);
  return p;
}

/** enc_src_ip/enc_dst_ip: the simulator's tunnels run over IPv4 only. */
function tunnelPrefix(v: Token, what: string): Prefix {
  const p = ipPrefix(v, what);
  if (p.family === 6) failAt(v, `tunnels over IPv6 are not supported by the simulator: "${v.text}"`);
  return p;
}

/** P or MIN-MAX (flower_parse_port): port 0 is rejected and a range must grow. */
function parsePort(kw: Token, v: Token, ipProto: number): PortRange {
  const what = kw.text;
  if (ipProto !== IPPROTO_TCP && ipProto !== IPPROTO_UDP && ipProto !== IPPROTO_SCTP) failAt(kw, `Illegal "${what}": put "ip_proto tcp", "udp" or "sctp" before it`);
  if (v.text.includes('/')) failAt(v, `masked ports ("${v.text}") are not supported by the simulator`);
  const dash = v.text.indexOf('-');
  if (dash < 0) {
    const port = uint(v, what, U16, 10, 1);
    return { min: port, max: port };
  }
  const min = uintSlice(v, 0, dash, what, U16, 10, 1);
  const max = uintSlice(v, dash + 1, v.text.length, what, U16, 10, 1);
  if (max <= min) failAt(positionIn(v, dash + 1), 'max value should be greater than min value');
  return { min, max };
}

/** Reads flower keys up to the first `action` (left for the caller) or the end of the command. */
export function parseFlower(c: Cursor, protocol: number): FlowerOptions {
  const keys: FlowerKeys = {};
  if (protocol !== ETH_P_ALL && protocol !== 0) keys.ethType = protocol;
  const opts: FlowerOptions = { keys, skipHw: false, skipSw: false, verbose: false };
  const once = new Once();
  for (let kw = c.peek(); kw; kw = c.peek()) {
    const key = keywordOf(kw, FLOWER_CHAIN);
    if (key === 'action') break;
    c.take();
    if (key === undefined) {
      failAt(kw, `What is "${kw.text}"?${UNKNOWN_KEY_HINTS.get(kw.text) ?? ''}`);
    }
    once.mark(key, kw);
    switch (key) {
      case 'verbose':
        opts.verbose = true;
        break;
      case 'skip_hw':
      case 'skip_sw':
        if (key === 'skip_hw') opts.skipHw = true;
        else opts.skipSw = true;
        // The kernel's tc_flags_valid rejects both at once.
        if (opts.skipHw && opts.skipSw) failAt(kw, 'skip_hw and skip_sw are mutually exclusive');
        break;
      case 'ct_state': {
        const value = c.value(kw);
        keys.ctState = parseCtState(value);
        opts.ctStateSpan = spanOf(value);
        break;
      }
      case 'ct_zone':
        keys.ctZone = maskedUint(c.value(kw), 'ct_zone', U16, 0);
        break;
      case 'ct_mark':
        keys.ctMark = maskedUint(c.value(kw), 'ct_mark', U32, 0);
        break;
      case 'ct_label':
        keys.ctLabel = maskedLabel(c.value(kw), 'ct_label');
        break;
      case 'indev':
        keys.indev = ifname(c.value(kw)).value;
        break;
      case 'dst_mac':
        keys.dstMac = maskedMac(c.value(kw), 'dst_mac');
        break;
      case 'src_mac':
        keys.srcMac = maskedMac(c.value(kw), 'src_mac');
        break;
      case 'ip_proto':
        keys.ipProto = parseIpProto(kw, c.value(kw), protocol);
        break;
      case 'ip_tos':
        keys.ipTos = maskedUint(c.value(kw), 'ip_tos', U8, 'dec-or-hex', 16);
        break;
      case 'ip_ttl':
        keys.ipTtl = maskedUint(c.value(kw), 'ip_ttl', U8, 'dec-or-hex', 16);
        break;
      case 'dst_ip':
        keys.dstIp = parseIpKey(kw, c.value(kw), protocol);
        break;
      case 'src_ip':
        keys.srcIp = parseIpKey(kw, c.value(kw), protocol);
        break;
      case 'dst_port':
        keys.dstPort = parsePort(kw, c.value(kw), keys.ipProto ?? -1);
        break;
      case 'src_port':
        keys.srcPort = parsePort(kw, c.value(kw), keys.ipProto ?? -1);
        break;
      case 'tcp_flags':
        keys.tcpFlags = maskedUint(c.value(kw), 'tcp_flags', 0xfff, 16);
        break;
      case 'enc_dst_ip':
        keys.encDstIp = tunnelPrefix(c.value(kw), 'enc_dst_ip');
        break;
      case 'enc_src_ip':
        keys.encSrcIp = tunnelPrefix(c.value(kw), 'enc_src_ip');
        break;
      case 'enc_key_id':
        keys.encKeyId = uint(c.value(kw), 'enc_key_id', U32, 10);
        break;
      case 'enc_dst_port':
        keys.encDstPort = uint(c.value(kw), 'enc_dst_port', U16, 10);
        break;
      case 'enc_tos':
        keys.encTos = maskedUint(c.value(kw), 'enc_tos', U8, 'dec-or-hex', 16);
        break;
      case 'enc_ttl':
        keys.encTtl = maskedUint(c.value(kw), 'enc_ttl', U8, 'dec-or-hex', 16);
        break;
      default:
        failAt(kw, `flower key "${key}" is not supported by the simulator`);
    }
  }
  return opts;
}
