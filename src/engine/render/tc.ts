/**
 * `tc [-s] filter show dev D ingress|egress [chain N]` and `tc [-s] actions ls action K`, as
 * iproute2 prints what the kernel dumps (tc/tc_filter.c print_filter, tc/f_flower.c
 * flower_print_opt, tc/m_action.c tc_print_action / tc_print_one_action, tc/tc_util.c print_tm
 * and print_tcstats2_attr, and each action's print function), tabs, trailing spaces and blank
 * lines included.
 */
import { wholeSeconds, type Micros } from '../clock';
import { formatIpv4, formatMac } from '../model/addr';
import { ETH_P_ARP, ETH_P_IP, ETH_P_IPV6, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from '../model/packet';
import type { Hook } from '../script/ast';
import { ETH_P_ALL, IPPROTO_ICMPV6, IPPROTO_SCTP } from '../script/protocols';
import type { TcAction } from '../tc/actions/action';
import { labelHex } from '../tc/actions/ct';
import type { TcBehaviour } from '../tc/features';
import {
  ctStateString,
  K_CT_LABEL,
  K_CT_MARK,
  K_CT_STATE,
  K_CT_ZONE,
  K_DST_IP,
  K_DST_MAC,
  K_DST_PORT,
  K_ENC_DST_IP,
  K_ENC_DST_PORT,
  K_ENC_KEY_ID,
  K_ENC_SRC_IP,
  K_ENC_TOS,
  K_ENC_TTL,
  K_ETH_TYPE,
  K_INDEV,
  K_IP_PROTO,
  K_IP_TOS,
  K_IP_TTL,
  K_SRC_IP,
  K_SRC_MAC,
  K_SRC_PORT,
  K_TCP_FLAGS,
  type FlowerMatch,
} from '../tc/flower';
import type { Block, Filter, Proto } from '../tc/objects';

export interface FilterShowOptions {
  hook: Hook;
  stats: boolean;
  /** `chain N`, `protocol P`, `pref N`: only those filters, and the header lines leave them out. */
  chain?: number;
  protocol?: number;
  prio?: number;
  now: Micros;
  behaviour: TcBehaviour;
}

export function renderFilters(block: Block, o: FilterShowOptions): string {
  let out = '';
  for (const chain of block.chains) {
    if (o.chain !== undefined && chain.index !== o.chain) continue;
    for (const tp of chain.tps) {
      if (!shown(tp, o)) continue;
      const head = filterHead(block, tp, o);
      out += `${head}\n`;
      for (const f of tp.filters) out += renderFilter(head, f, o);
    }
  }
  return out;
}

/** tcf_chain_dump: a protocol or priority in the request (tcm_info) skips the other tcf_protos. */
export function shown(tp: Proto, o: FilterShowOptions): boolean {
  return (o.protocol === undefined || tp.protocol === o.protocol) && (o.prio === undefined || tp.prio === o.prio);
}

/** One filter's lines under the `head` of its tcf_proto (filterHead). */
function renderFilter(head: string, f: Filter, o: FilterShowOptions): string {
  return `${head}handle 0x${f.handle.toString(16)} ${flowerOptions(f)}${actionList(f, o)}\n`;
}

/** One filter as `tc [-s] filter show` prints it, for a view that lists filters one by one. */
export function renderOneFilter(block: Block, tp: Proto, f: Filter, o: FilterShowOptions): string {
  return renderFilter(filterHead(block, tp, o), f, o);
}

/** print_filter: what the request did not already say (parent, protocol, pref, chain). */
export function filterHead(block: Block, tp: Proto, o: FilterShowOptions): string {
  let out = 'filter ';
  if (block.classidHook && block.classidHook !== o.hook) out += `${block.classidHook} `;
  if (o.protocol === undefined) out += `protocol ${protocolName(tp.protocol)} `;
  if (tp.prio && o.prio === undefined) out += `pref ${tp.prio} `;
  out += 'flower ';
  if (o.chain === undefined) out += `chain ${tp.chain.index} `;
  return out;
}

/** ll_proto_n2a. */
export function protocolName(p: number): string {
  switch (p) {
    case ETH_P_IP:
      return 'ip';
    case ETH_P_IPV6:
      return 'ipv6';
    case ETH_P_ARP:
      return 'arp';
    case ETH_P_ALL:
      return 'all';
    case 0x8100:
      return '802.1Q';
    case 0x88a8:
      return '802.1ad';
    default:
      return `[${p}]`;
  }
}

/** flower_print_opt: one `  key value` line per key in iproute2's order, then the flags. */
function flowerOptions(f: Filter): string {
  const m = f.match;
  const p = m.present;
  const lines: string[] = [];
  const line = (name: string, value: string | number): number => lines.push(`  ${name} ${value}`);
  if (p & K_INDEV) line('indev', m.indev);
  if (p & K_DST_MAC) line('dst_mac', maskedMac(f.keys.dstMac!.value, f.keys.dstMac!.mask));
  if (p & K_SRC_MAC) line('src_mac', maskedMac(f.keys.srcMac!.value, f.keys.srcMac!.mask));
  if (p & K_ETH_TYPE) line('eth_type', ethTypeName(m.ethType));
  if (p & K_IP_PROTO) line('ip_proto', ipProtoName(m.ipProto));
  if (p & K_IP_TOS) line('ip_tos', masked(m.tos, m.tosMask, 0xff));
  if (p & K_IP_TTL) line('ip_ttl', masked(m.ttl, m.ttlMask, 0xff));
  // flower_print_ip_addr decides the family from eth_type: no address lines without it.
  if (m.ethType === ETH_P_IP) {
    if (p & K_DST_IP) line('dst_ip', prefix(m.dstIp, m.dstIpMask));
    if (p & K_SRC_IP) line('src_ip', prefix(m.srcIp, m.srcIpMask));
  }
  if (p & K_DST_PORT) line('dst_port', portText(m.dstPortMin, m.dstPortMax));
  if (p & K_SRC_PORT) line('src_port', portText(m.srcPortMin, m.srcPortMax));
  if (p & K_TCP_FLAGS) line('tcp_flags', `0x${m.tcpFlags.toString(16)}/${m.tcpFlagsMask.toString(16)}`);
  if (p & K_ENC_DST_IP) line('enc_dst_ip', prefix(m.encDstIp, m.encDstIpMask));
  if (p & K_ENC_SRC_IP) line('enc_src_ip', prefix(m.encSrcIp, m.encSrcIpMask));
  if (p & K_ENC_KEY_ID) line('enc_key_id', m.encKeyId);
  if (p & K_ENC_DST_PORT) line('enc_dst_port', m.encDstPort);
  if (p & K_ENC_TOS) line('enc_tos', masked(m.encTos, m.encTosMask, 0xff));
  if (p & K_ENC_TTL) line('enc_ttl', masked(m.encTtl, m.encTtlMask, 0xff));
  if (p & K_CT_STATE) line('ct_state', ctStateString(m.ctState, m.ctStateMask));
  if (p & K_CT_ZONE) line('ct_zone', masked(m.ctZone, m.ctZoneMask, 0xffff));
  if (p & K_CT_MARK) line('ct_mark', masked(m.ctMark, m.ctMarkMask, 0xffffffff));
  if (p & K_CT_LABEL) line('ct_label', labelText(m));
  if (f.skipHw) lines.push('  skip_hw');
  if (f.skipSw) lines.push('  skip_sw');
  lines.push(f.inHwCount > 0 ? `  in_hw in_hw_count ${f.inHwCount}` : '  not_in_hw');
  return `\n${lines.join('\n')}`;
}

/** print_masked_type: the value in decimal, the mask in hex when it is not all ones. */
function masked(value: number, mask: number, all: number): string {
  return (mask >>> 0) === all ? String(value >>> 0) : `${value >>> 0}/0x${(mask >>> 0).toString(16)}`;
}

/** __mask_bits: a (contiguous) mask prints as its length, omitted when full. */
export function prefix(addr: number, mask: number): string {
  const len = Math.clz32(~mask);
  return len < 32 ? `${formatIpv4(addr)}/${len}` : formatIpv4(addr);
}

export function maskedMac(value: number, mask: number): string {
  if (mask === 2 ** 48 - 1) return formatMac(value);
  const bits = macPrefixBits(mask);
  return bits < 0 ? `${formatMac(value)}/${formatMac(mask)}` : `${formatMac(value)}/${bits}`;
}

/** The length of a contiguous 48-bit mask, or -1 when it has holes (or is zero). */
function macPrefixBits(mask: number): number {
  let bits = 0;
  for (let i = 47; i >= 0 && Math.floor(mask / 2 ** i) % 2 === 1; i--) bits++;
  const prefixValue = bits === 0 ? 0 : (2 ** bits - 1) * 2 ** (48 - bits);
  return bits > 0 && prefixValue === mask ? bits : -1;
}

export const portText = (min: number, max: number): string => (min === max ? String(min) : `${min}-${max}`);

export function ethTypeName(t: number): string {
  if (t === ETH_P_IP) return 'ipv4';
  if (t === ETH_P_IPV6) return 'ipv6';
  if (t === ETH_P_ARP) return 'arp';
  if (t === 0x8035) return 'rarp';
  return t.toString(16).padStart(4, '0');
}

export function ipProtoName(p: number): string {
  if (p === IPPROTO_TCP) return 'tcp';
  if (p === IPPROTO_UDP) return 'udp';
  if (p === IPPROTO_SCTP) return 'sctp';
  if (p === IPPROTO_ICMP) return 'icmp';
  if (p === IPPROTO_ICMPV6) return 'icmpv6';
  return p.toString(16).padStart(2, '0');
}

export function labelText(m: FlowerMatch): string {
  const full = m.ctLabelMask.every((w) => w >>> 0 === 0xffffffff);
  return full ? labelHex(m.ctLabel) : `${labelHex(m.ctLabel)}/${labelHex(m.ctLabelMask)}`;
}

/** tc_print_action over a filter's actions, numbered from 1. */
function actionList(f: Filter, o: FilterShowOptions): string {
  const usedHw = o.behaviour.usedHwStats && f.inHwCount > 0;
  return f.actions.map((a, i) => `\n\taction order ${i + 1}: ${actionText(a, o.stats, o.now)}${usedHw ? '\tused_hw_stats delayed\n' : ''}`).join('');
}

/**
 * `tc actions ls`: the count, then each action numbered from 0 with its plain reference counts;
 * current kernels add each standalone action's hardware state.
 */
export function renderActionList(actions: readonly TcAction[], stats: boolean, now: Micros, behaviour: TcBehaviour): string {
  if (actions.length === 0) return '';
  const inHw = behaviour.actionInHwCount ? '\tnot_in_hw\n' : '';
  return `total acts ${actions.length}\n${actions.map((a, i) => `\n\taction order ${i}: ${actionText(a, stats, now)}${inHw}`).join('')}`;
}

/** One action: its own print function, then (with -s) print_tm and the statistics block. */
function actionText(a: TcAction, stats: boolean, now: Micros): string {
  let out = `${a.head()}\n${a.indexLead}${a.index} ref ${a.refcnt} bind ${a.bindcnt}`;
  if (stats) out += times(a, now);
  out += `${a.trailer()}\n`;
  if (stats) out += statistics(a);
  return out;
}

/**
 * print_tm: seconds since install, last use and first use (the last only once used). The
 * kernel reports 0 — and iproute2 omits the field — only within one clock tick, which real
 * commands never manage, so install and last use always print here.
 */
function times(a: TcAction, now: Micros): string {
  let out = ` installed ${wholeSeconds(now - a.installed)} sec used ${wholeSeconds(now - a.lastUse)} sec`;
  if (a.firstUse >= 0) out += ` firstused ${wholeSeconds(now - a.firstUse)} sec`;
  return out;
}

/** print_tcstats2_attr: totals, the software/hardware split when hardware counted anything, the queue. */
function statistics(a: TcAction): string {
  const packets = a.swPackets + a.hwPackets;
  const bytes = a.swBytes + a.hwBytes;
  let out = `\tAction statistics:\n\tSent ${bytes} bytes ${packets} pkt (dropped ${a.drops}, overlimits ${a.overlimits} requeues 0) `;
  if (a.hwPackets || a.hwBytes) {
    out += `\n\tSent software ${a.swBytes} bytes ${a.swPackets} pkt\n\tSent hardware ${a.hwBytes} bytes ${a.hwPackets} pkt`;
  }
  return `${out}\n\tbacklog 0b 0p requeues 0\n`;
}
