/**
 * cls_flower's match: the keys a filter was given, kept as the kernel keeps them (value and
 * mask, fl_set_key), checked against a packet with masked compares (fl_mask_lookup). A filter
 * compiles once; matching a packet allocates nothing.
 */
import type { Conntrack } from '../conntrack/conntrack';
import { prefixMask } from '../model/addr';
import { ETH_P_IP, ETH_P_IPV6, IPPROTO_TCP, IPPROTO_UDP, type Packet } from '../model/packet';
import {
  CT_FLAG_ESTABLISHED,
  CT_FLAG_INVALID,
  CT_FLAG_NEW,
  CT_FLAG_REPLY,
  CT_FLAG_TRACKED,
  type FlowerKeys,
  type Label,
  type Masked,
} from '../script/ast';
import { ETH_P_ALL, IPPROTO_SCTP } from '../script/protocols';
import type { CtKey } from './flower_ct';

export { ctStateString, packetCtState, CtKey } from './flower_ct';


// Key presence bits, in flower's print order (flower_print_opt).
export const K_INDEV = 1 << 0;
export const K_DST_MAC = 1 << 1;
export const K_SRC_MAC = 1 << 2;
export const K_ETH_TYPE = 1 << 3;
export const K_IP_PROTO = 1 << 4;
export const K_IP_TOS = 1 << 5;
export const K_IP_TTL = 1 << 6;
export const K_DST_IP = 1 << 7;
export const K_SRC_IP = 1 << 8;
export const K_DST_PORT = 1 << 9;
export const K_SRC_PORT = 1 << 10;
export const K_TCP_FLAGS = 1 << 11;
export const K_ENC_DST_IP = 1 << 12;
export const K_ENC_SRC_IP = 1 << 13;
export const K_ENC_KEY_ID = 1 << 14;
export const K_ENC_DST_PORT = 1 << 15;
export const K_ENC_TOS = 1 << 16;
export const K_ENC_TTL = 1 << 17;
export const K_CT_STATE = 1 << 18;
export const K_CT_ZONE = 1 << 19;
export const K_CT_MARK = 1 << 20;
export const K_CT_LABEL = 1 << 21;
const K_CT = K_CT_STATE | K_CT_ZONE | K_CT_MARK | K_CT_LABEL;

const MAC_LO = 2 ** 32;
const hi16 = (mac: number): number => Math.floor(mac / MAC_LO);
const lo32 = (mac: number): number => mac % MAC_LO >>> 0;
const ZERO_LABEL: Label = [0, 0, 0, 0];

/** A masked 48-bit MAC split into 16 + 32 bits so it compares with integer ops. */
interface MacMatch {
  hi: number;
  lo: number;
  maskHi: number;
  maskLo: number;
}

const macMatch = (m: Masked): MacMatch => ({
  hi: hi16(m.value),
  lo: lo32(m.value),
  maskHi: hi16(m.mask),
  maskLo: lo32(m.mask),
});

const macHits = (mac: number, m: MacMatch): boolean =>
  ((hi16(mac) ^ m.hi) & m.maskHi) === 0 && (((lo32(mac) ^ m.lo) & m.maskLo) >>> 0) === 0;

/** (x & mask) == (value & mask), for 32-bit unsigned values. */
const hits = (x: number, value: number, mask: number): boolean => ((x ^ value) & mask) === 0;

/** What a packet looks like to flower, besides the conntrack key. */
export interface FlowerView {
  pkt: Packet;
  ct: CtKey;
  conntrack: Conntrack;
}

/** The compiled keys of one filter. Fields for absent keys stay zero; `present` says which count. */
export class FlowerMatch {
  present = 0;
  indev = '';
  dstMac: MacMatch | null = null;
  srcMac: MacMatch | null = null;
  ethType = 0;
  ipProto = 0;
  tos = 0;
  tosMask = 0;
  ttl = 0;
  ttlMask = 0;
  dstIp = 0;
  dstIpMask = 0;
  srcIp = 0;
  srcIpMask = 0;
  /** An exact port has min === max; a range (PORT_DST_MIN/MAX) has min < max. */
  dstPortMin = 0;
  dstPortMax = 0;
  srcPortMin = 0;
  srcPortMax = 0;
  tcpFlags = 0;
  tcpFlagsMask = 0;
  encDstIp = 0;
  encDstIpMask = 0;
  encSrcIp = 0;
  encSrcIpMask = 0;
  encKeyId = 0;
  encDstPort = 0;
  encTos = 0;
  encTosMask = 0;
  encTtl = 0;
  encTtlMask = 0;
  ctState = 0;
  ctStateMask = 0;
  ctZone = 0;
  ctZoneMask = 0;
  ctMark = 0;
  ctMarkMask = 0;
  ctLabel: Label = ZERO_LABEL;
  ctLabelMask: Label = ZERO_LABEL;
  /** Identity of the mask (fl_flow_mask): filters with equal masks share a lookup table. */
  maskSig = '';
  /** The masked key (fl_set_masked_key): two filters of one mask may not share it. */
  keySig = '';

  get usesCt(): boolean {
    return (this.present & K_CT) !== 0;
  }

  /**
   * True when the packet matches. With `failed`, every key is checked and the names of those
   * that differ are collected in print order (for the trace); without, the first miss returns.
   */
  check(v: FlowerView, failed: string[] | null): boolean {
    let ok = true;
    for (let rest = this.present; rest !== 0; rest &= rest - 1) {
      const bit = rest & -rest;
      if (this.differs(bit, v)) {
        if (failed === null) return false;
        failed.push(KEY_NAMES[31 - Math.clz32(bit)]);
        ok = false;
      }
    }
    return ok;
  }

  /** Whether the packet differs from this filter in one key. */
  private differs(bit: number, v: FlowerView): boolean {
    const pkt = v.pkt;
    const isIp = pkt.ethType === ETH_P_IP;
    // Without tunnel info the enc keys read as zero, with no IPv4 address type (skb_flow_dissect_tunnel_info).
    const t = pkt.meta.tunnel;
    switch (bit) {
      case K_INDEV:
        return pkt.meta.indev !== this.indev;
      case K_DST_MAC:
        return !macHits(pkt.dstMac, this.dstMac!);
      case K_SRC_MAC:
        return !macHits(pkt.srcMac, this.srcMac!);
      case K_ETH_TYPE:
        return pkt.ethType !== this.ethType;
      case K_IP_PROTO:
        return (isIp ? pkt.proto : 0) !== this.ipProto;
      case K_IP_TOS:
        return !hits(isIp ? pkt.tos : 0, this.tos, this.tosMask);
      case K_IP_TTL:
        return !hits(isIp ? pkt.ttl : 0, this.ttl, this.ttlMask);
      case K_DST_IP:
        return !(isIp && hits(pkt.dst, this.dstIp, this.dstIpMask));
      case K_SRC_IP:
        return !(isIp && hits(pkt.src, this.srcIp, this.srcIpMask));
      case K_DST_PORT:
        return pkt.dport < this.dstPortMin || pkt.dport > this.dstPortMax;
      case K_SRC_PORT:
        return pkt.sport < this.srcPortMin || pkt.sport > this.srcPortMax;
      case K_TCP_FLAGS:
        return !hits(pkt.proto === IPPROTO_TCP ? pkt.tcpFlags : 0, this.tcpFlags, this.tcpFlagsMask);
      case K_ENC_DST_IP:
        return !(t !== null && hits(t.dst, this.encDstIp, this.encDstIpMask));
      case K_ENC_SRC_IP:
        return !(t !== null && hits(t.src, this.encSrcIp, this.encSrcIpMask));
      case K_ENC_KEY_ID:
        return (t ? t.id : 0) !== this.encKeyId;
      case K_ENC_DST_PORT:
        return (t ? t.dstPort : 0) !== this.encDstPort;
      case K_ENC_TOS:
        return !hits(t ? t.tos : 0, this.encTos, this.encTosMask);
      case K_ENC_TTL:
        return !hits(t ? t.ttl : 0, this.encTtl, this.encTtlMask);
      case K_CT_STATE:
        return !hits(v.ct.state, this.ctState, this.ctStateMask);
      case K_CT_ZONE:
        return !hits(v.ct.zone, this.ctZone, this.ctZoneMask);
      case K_CT_MARK:
        return !hits(v.ct.mark, this.ctMark, this.ctMarkMask);
      case K_CT_LABEL: {
        const label = v.ct.ct >= 0 ? v.conntrack.label(v.ct.ct) : ZERO_LABEL;
        const k = this.ctLabel;
        const m = this.ctLabelMask;
        return !(hits(label[0], k[0], m[0]) && hits(label[1], k[1], m[1]) && hits(label[2], k[2], m[2]) && hits(label[3], k[3], m[3]));
      }
      default:
        return false;
    }
  }
}

/** Flower key names, indexed by presence bit number. */
const KEY_NAMES = [
  'indev', 'dst_mac', 'src_mac', 'eth_type', 'ip_proto', 'ip_tos', 'ip_ttl', 'dst_ip', 'src_ip', 'dst_port',
  'src_port', 'tcp_flags', 'enc_dst_ip', 'enc_src_ip', 'enc_key_id', 'enc_dst_port', 'enc_tos', 'enc_ttl',
  'ct_state', 'ct_zone', 'ct_mark', 'ct_label',
];

export interface FlowerInput {
  keys: FlowerKeys;
  /** The filter's tcf_proto protocol (ETH_P_ALL for `protocol all`). */
  protocol: number;
  /** Whether the `indev` device exists (tcf_change_indev). */
  indevExists: boolean;
  /** fl_validate_ct_state is in the kernel (v5.12). */
  validateCtState: boolean;
}

/**
 * fl_set_key: builds the match, or returns the kernel's extack text. Keys the kernel ignores are
 * dropped as it drops them: ip_proto, ip_tos and ip_ttl need an IP eth_type, ports and
 * tcp_flags need a TCP/UDP/SCTP ip_proto. A key whose mask is all zero matches everything, is
 * left out of the dissector (FL_KEY_IS_MASKED) and is not dumped (fl_dump_key_val skips it), so
 * it is dropped too: `ct_mark 5/0` prints nothing and is nothing to a driver.
 */
export function compileFlower(input: FlowerInput): FlowerMatch | string {
  const k = input.keys;
  const m = new FlowerMatch();
  const mask: string[] = [];
  const key: string[] = [];
  const add = (bit: number, name: string, maskPart: string, keyPart: string | number): void => {
    m.present |= bit;
    mask.push(`${name}:${maskPart}`);
    key.push(String(keyPart));
  };
  if (k.indev !== undefined) {
    if (!input.indevExists) return 'Network device not found';
    m.indev = k.indev;
    add(K_INDEV, 'indev', '', k.indev);
  }
  if (k.dstMac && k.dstMac.mask !== 0) {
    m.dstMac = macMatch(k.dstMac);
    add(K_DST_MAC, 'dmac', String(k.dstMac.mask), maskedMac(k.dstMac));
  }
  if (k.srcMac && k.srcMac.mask !== 0) {
    m.srcMac = macMatch(k.srcMac);
    add(K_SRC_MAC, 'smac', String(k.srcMac.mask), maskedMac(k.srcMac));
  }
  // iproute2 sends eth_type = the filter's protocol unless it is `all`.
  const ethType = k.ethType ?? (input.protocol !== ETH_P_ALL ? input.protocol : undefined);
  if (ethType !== undefined) {
    m.ethType = ethType;
    add(K_ETH_TYPE, 'eth', '', ethType);
  }
  const ipEth = ethType === ETH_P_IP || ethType === ETH_P_IPV6;
  if (ipEth && k.ipProto !== undefined) {
    m.ipProto = k.ipProto;
    add(K_IP_PROTO, 'proto', '', k.ipProto);
  }
  if (ipEth && k.ipTos && k.ipTos.mask !== 0) {
    [m.tos, m.tosMask] = [k.ipTos.value, k.ipTos.mask];
    add(K_IP_TOS, 'tos', String(m.tosMask), m.tos & m.tosMask);
  }
  if (ipEth && k.ipTtl && k.ipTtl.mask !== 0) {
    [m.ttl, m.ttlMask] = [k.ipTtl.value, k.ipTtl.mask];
    add(K_IP_TTL, 'ttl', String(m.ttlMask), m.ttl & m.ttlMask);
  }
  if (k.dstIp && k.dstIp.len > 0) {
    [m.dstIp, m.dstIpMask] = [k.dstIp.addr, prefixMask(k.dstIp.len)];
    add(K_DST_IP, 'dip', String(m.dstIpMask), (m.dstIp & m.dstIpMask) >>> 0);
  }
  if (k.srcIp && k.srcIp.len > 0) {
    [m.srcIp, m.srcIpMask] = [k.srcIp.addr, prefixMask(k.srcIp.len)];
    add(K_SRC_IP, 'sip', String(m.srcIpMask), (m.srcIp & m.srcIpMask) >>> 0);
  }
  const ports = ipEth && (m.ipProto === IPPROTO_TCP || m.ipProto === IPPROTO_UDP || m.ipProto === IPPROTO_SCTP);
  if (ports && k.dstPort) {
    // fl_set_key_port_range: a range needs min < max.
    if (k.dstPort.min > k.dstPort.max) return 'Invalid destination port range (min must be strictly smaller than max)';
    [m.dstPortMin, m.dstPortMax] = [k.dstPort.min, k.dstPort.max];
    add(K_DST_PORT, m.dstPortMin === m.dstPortMax ? 'dport' : 'dport-range', '', `${m.dstPortMin}-${m.dstPortMax}`);
  }
  if (ports && k.srcPort) {
    if (k.srcPort.min > k.srcPort.max) return 'Invalid source port range (min must be strictly smaller than max)';
    [m.srcPortMin, m.srcPortMax] = [k.srcPort.min, k.srcPort.max];
    add(K_SRC_PORT, m.srcPortMin === m.srcPortMax ? 'sport' : 'sport-range', '', `${m.srcPortMin}-${m.srcPortMax}`);
  }
  if (ipEth && m.ipProto === IPPROTO_TCP && k.tcpFlags && k.tcpFlags.mask !== 0) {
    [m.tcpFlags, m.tcpFlagsMask] = [k.tcpFlags.value, k.tcpFlags.mask];
    add(K_TCP_FLAGS, 'tcpflags', String(m.tcpFlagsMask), m.tcpFlags & m.tcpFlagsMask);
  }
  if (k.encDstIp && k.encDstIp.len > 0) {
    [m.encDstIp, m.encDstIpMask] = [k.encDstIp.addr, prefixMask(k.encDstIp.len)];
    add(K_ENC_DST_IP, 'edip', String(m.encDstIpMask), (m.encDstIp & m.encDstIpMask) >>> 0);
  }
  if (k.encSrcIp && k.encSrcIp.len > 0) {
    [m.encSrcIp, m.encSrcIpMask] = [k.encSrcIp.addr, prefixMask(k.encSrcIp.len)];
    add(K_ENC_SRC_IP, 'esip', String(m.encSrcIpMask), (m.encSrcIp & m.encSrcIpMask) >>> 0);
  }
  if (k.encKeyId !== undefined) {
    m.encKeyId = k.encKeyId;
    add(K_ENC_KEY_ID, 'ekey', '', k.encKeyId);
  }
  if (k.encDstPort !== undefined) {
    m.encDstPort = k.encDstPort;
    add(K_ENC_DST_PORT, 'edport', '', k.encDstPort);
  }
  if (k.encTos && k.encTos.mask !== 0) {
    [m.encTos, m.encTosMask] = [k.encTos.value, k.encTos.mask];
    add(K_ENC_TOS, 'etos', String(m.encTosMask), m.encTos & m.encTosMask);
  }
  if (k.encTtl && k.encTtl.mask !== 0) {
    [m.encTtl, m.encTtlMask] = [k.encTtl.value, k.encTtl.mask];
    add(K_ENC_TTL, 'ettl', String(m.encTtlMask), m.encTtl & m.encTtlMask);
  }
  if (k.ctState) {
    const err = input.validateCtState ? ctStateProblem(k.ctState.value & k.ctState.mask) : null;
    if (err) return err;
  }
  if (k.ctState && k.ctState.mask !== 0) {
    [m.ctState, m.ctStateMask] = [k.ctState.value, k.ctState.mask];
    add(K_CT_STATE, 'ctstate', String(m.ctStateMask), m.ctState & m.ctStateMask);
  }
  if (k.ctZone && k.ctZone.mask !== 0) {
    [m.ctZone, m.ctZoneMask] = [k.ctZone.value, k.ctZone.mask];
    add(K_CT_ZONE, 'ctzone', String(m.ctZoneMask), m.ctZone & m.ctZoneMask);
  }
  if (k.ctMark && k.ctMark.mask >>> 0 !== 0) {
    [m.ctMark, m.ctMarkMask] = [k.ctMark.value >>> 0, k.ctMark.mask >>> 0];
    add(K_CT_MARK, 'ctmark', String(m.ctMarkMask), (m.ctMark & m.ctMarkMask) >>> 0);
  }
  if (k.ctLabel && k.ctLabel.mask.some((w) => w >>> 0 !== 0)) {
    m.ctLabel = k.ctLabel.value;
    m.ctLabelMask = k.ctLabel.mask;
    add(K_CT_LABEL, 'ctlabel', m.ctLabelMask.join(','), m.ctLabel.map((w, i) => (w & m.ctLabelMask[i]) >>> 0).join(','));
  }
  m.maskSig = mask.join('|');
  m.keySig = key.join('|');
  return m;
}

const maskedMac = (m: Masked): string => `${hi16(m.value) & hi16(m.mask)}:${(lo32(m.value) & lo32(m.mask)) >>> 0}`;

/**
 * fl_validate_ct_state's extack texts. It sets them with NL_SET_ERR_MSG_ATTR on the ct_state
 * attribute, so tc points them at the ct_state value rather than at the command.
 */
const CT_STATE_REFUSALS = {
  noTrk: 'no trk, so no other flag can be set',
  newEst: 'new and est are mutually exclusive',
  invAlone: 'when inv is set, only trk may be set',
  newRpl: 'new and rpl are mutually exclusive',
} as const;

const ctStateRefusalTexts: ReadonlySet<string> = new Set(Object.values(CT_STATE_REFUSALS));

/** Whether compileFlower's refusal is fl_validate_ct_state's. */
export const isCtStateRefusal = (extack: string): boolean => ctStateRefusalTexts.has(extack);

/** fl_validate_ct_state, on the flags that are both set and masked. */
function ctStateProblem(state: number): string | null {
  if (state && !(state & CT_FLAG_TRACKED)) return CT_STATE_REFUSALS.noTrk;
  if (state & CT_FLAG_NEW && state & CT_FLAG_ESTABLISHED) return CT_STATE_REFUSALS.newEst;
  if (state & CT_FLAG_INVALID && state & ~(CT_FLAG_TRACKED | CT_FLAG_INVALID)) return CT_STATE_REFUSALS.invAlone;
  if (state & CT_FLAG_NEW && state & CT_FLAG_REPLY) return CT_STATE_REFUSALS.newRpl;
  return null;
}
