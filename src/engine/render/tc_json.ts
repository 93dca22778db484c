/**
 * `tc -j [-p] [-s] filter show …` and `tc -j [-p] [-s] actions ls …`: the same dump as the text
 * renderer (render/tc.ts) in iproute2's JSON context — print_filter (tc/tc_filter.c),
 * flower_print_opt (tc/f_flower.c: `indev`, then the keys in a "keys" object, then the flags
 * and the "actions" array), tc_dump_action / tc_print_one_action (tc/m_action.c), print_tm and
 * print_tcstats2_attr (tc/tc_util.c) and each action's print function (jsonHead). Value types
 * follow the print_* helper each field goes through: print_uint → number, print_hex → hex string
 * without 0x, print_string → string, print_bool → true.
 */
import { wholeSeconds, type Micros } from '../clock';
import type { TcAction } from '../tc/actions/action';
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
} from '../tc/flower';
import type { TcBehaviour } from '../tc/features';
import type { Block, Filter, Proto } from '../tc/objects';
import { ETH_P_IP } from '../model/packet';
import { renderJsonDocument, type JsonObject, type JsonValue } from './json_writer';
import { ethTypeName, ipProtoName, labelText, maskedMac, prefix, protocolName, shown, type FilterShowOptions } from './tc';

/** print_masked_type: the value as a number, `<name>_mask` as a hex string when not all ones. */
function masked(out: JsonObject, name: string, value: number, mask: number, all: number): void {
  out[name] = value >>> 0;
  if (mask >>> 0 !== all) out[`${name}_mask`] = (mask >>> 0).toString(16);
}

/** flower_print_port (a number) or flower_print_port_range (an object of start and end). */
function port(out: JsonObject, name: string, min: number, max: number): void {
  out[name] = min === max ? min : { start: min, end: max };
}

function flowerKeys(f: Filter): JsonObject {
  const m = f.match;
  const p = m.present;
  const k: JsonObject = {};
  if (p & K_DST_MAC) k.dst_mac = maskedMac(f.keys.dstMac!.value, f.keys.dstMac!.mask);
  if (p & K_SRC_MAC) k.src_mac = maskedMac(f.keys.srcMac!.value, f.keys.srcMac!.mask);
  if (p & K_ETH_TYPE) k.eth_type = ethTypeName(m.ethType);
  if (p & K_IP_PROTO) k.ip_proto = ipProtoName(m.ipProto);
  if (p & K_IP_TOS) masked(k, 'ip_tos', m.tos, m.tosMask, 0xff);
  if (p & K_IP_TTL) masked(k, 'ip_ttl', m.ttl, m.ttlMask, 0xff);
  if (m.ethType === ETH_P_IP) {
    if (p & K_DST_IP) k.dst_ip = prefix(m.dstIp, m.dstIpMask);
    if (p & K_SRC_IP) k.src_ip = prefix(m.srcIp, m.srcIpMask);
  }
  if (p & K_DST_PORT) port(k, 'dst_port', m.dstPortMin, m.dstPortMax);
  if (p & K_SRC_PORT) port(k, 'src_port', m.srcPortMin, m.srcPortMax);
  if (p & K_TCP_FLAGS) k.tcp_flags = `0x${m.tcpFlags.toString(16)}/${m.tcpFlagsMask.toString(16)}`;
  if (p & K_ENC_DST_IP) k.enc_dst_ip = prefix(m.encDstIp, m.encDstIpMask);
  if (p & K_ENC_SRC_IP) k.enc_src_ip = prefix(m.encSrcIp, m.encSrcIpMask);
  if (p & K_ENC_KEY_ID) k.enc_key_id = m.encKeyId;
  if (p & K_ENC_DST_PORT) k.enc_dst_port = m.encDstPort;
  if (p & K_ENC_TOS) masked(k, 'enc_tos', m.encTos, m.encTosMask, 0xff);
  if (p & K_ENC_TTL) masked(k, 'enc_ttl', m.encTtl, m.encTtlMask, 0xff);
  if (p & K_CT_STATE) k.ct_state = ctStateString(m.ctState, m.ctStateMask);
  if (p & K_CT_ZONE) masked(k, 'ct_zone', m.ctZone, m.ctZoneMask, 0xffff);
  if (p & K_CT_MARK) masked(k, 'ct_mark', m.ctMark, m.ctMarkMask, 0xffffffff);
  if (p & K_CT_LABEL) k.ct_label = labelText(m);
  return k;
}

/** One action object: `order`, the action's own keys, then (with -s) `stats`, the hardware keys. */
function actionJson(a: TcAction, order: number, o: { stats: boolean; now: Micros }, extra: JsonObject): JsonObject {
  const out: JsonObject = { order, ...a.jsonHead(), index: a.index, ref: a.refcnt, bind: a.bindcnt };
  if (o.stats) {
    out.installed = wholeSeconds(o.now - a.installed);
    out.last_used = wholeSeconds(o.now - a.lastUse);
    if (a.firstUse >= 0) out.first_used = wholeSeconds(o.now - a.firstUse);
  }
  Object.assign(out, a.jsonTail());
  if (o.stats) out.stats = statsJson(a);
  return Object.assign(out, extra);
}

/** print_tcstats2_attr: totals, the queue, the software/hardware split when hardware counted, the backlog. */
function statsJson(a: TcAction): JsonObject {
  const out: JsonObject = {
    bytes: a.swBytes + a.hwBytes,
    packets: a.swPackets + a.hwPackets,
    drops: a.drops,
    overlimits: a.overlimits,
    requeues: 0,
  };
  if (a.hwPackets || a.hwBytes) Object.assign(out, { sw_bytes: a.swBytes, sw_packets: a.swPackets, hw_bytes: a.hwBytes, hw_packets: a.hwPackets });
  return Object.assign(out, { backlog: 0, qlen: 0 });
}

/** print_filter: what the request did not say (parent, protocol, pref, chain), then the options. */
function filterJson(block: Block, tp: Proto, o: FilterShowOptions, f?: Filter): JsonObject {
  const out: JsonObject = {};
  if (block.classidHook && block.classidHook !== o.hook) out[block.classidHook] = true;
  if (o.protocol === undefined) out.protocol = protocolName(tp.protocol);
  if (tp.prio && o.prio === undefined) out.pref = tp.prio;
  out.kind = 'flower';
  if (o.chain === undefined) out.chain = tp.chain.index;
  if (!f) return out;
  const opts: JsonObject = { handle: f.handle };
  if (f.match.present & K_INDEV) opts.indev = f.match.indev;
  opts.keys = flowerKeys(f);
  if (f.skipHw) opts.skip_hw = true;
  if (f.skipSw) opts.skip_sw = true;
  if (f.inHwCount > 0) Object.assign(opts, { in_hw: true, in_hw_count: f.inHwCount });
  else opts.not_in_hw = true;
  const usedHw: JsonObject = o.behaviour.usedHwStats && f.inHwCount > 0 ? { used_hw_stats: ['delayed'] } : {};
  opts.actions = f.actions.map((a, i) => actionJson(a, i + 1, o, usedHw));
  out.options = opts;
  return out;
}

export function renderFiltersJson(block: Block | null, o: FilterShowOptions, pretty: boolean): string {
  const messages: JsonValue[] = [];
  for (const chain of block?.chains ?? []) {
    if (o.chain !== undefined && chain.index !== o.chain) continue;
    for (const tp of chain.tps) {
      if (!shown(tp, o)) continue;
      messages.push(filterJson(block!, tp, o));
      for (const f of tp.filters) messages.push(filterJson(block!, tp, o, f));
    }
  }
  return renderJsonDocument(messages, pretty);
}

/** print_action: `{"total acts": N}`, then the actions (numbered from 0) in their own object. */
export function renderActionListJson(actions: readonly TcAction[], stats: boolean, now: Micros, behaviour: TcBehaviour, pretty: boolean): string {
  if (actions.length === 0) return renderJsonDocument([], pretty);
  const inHw: JsonObject = behaviour.actionInHwCount ? { not_in_hw: true } : {};
  const list = actions.map((a, i) => actionJson(a, i, { stats, now }, inHw));
  return renderJsonDocument([{ 'total acts': actions.length }, { actions: list }], pretty);
}
