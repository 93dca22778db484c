/**
 * Conntrack table text as the real tools print it:
 * - `conntrack -L`: libnetfilter_conntrack's __snprintf_conntrack_default (snprintf_default.c)
 *   over what ctnetlink dumps (ctnetlink_dump_info: no timeout and no TCP state for
 *   offloaded entries, no zone for zone 0);
 * - `/proc/net/nf_conntrack`: ct_seq_show (nf_conntrack_standalone.c), which always prints
 *   the zone and reports one more reference, its own;
 * - `conntrack -C`: the entry count; `conntrack -S`: the statistics;
 * - `conntrack -E`: event lines, from what ctnetlink_conntrack_event() sends.
 * Entries are listed oldest first. Every line ends with a newline; an empty table prints nothing.
 */
import { wholeSeconds } from '../clock';
import {
  DIR_ORIGINAL,
  DIR_REPLY,
  IPS_ASSURED,
  IPS_HW_OFFLOAD,
  IPS_OFFLOAD,
  IPS_SEEN_REPLY,
  type Conntrack,
  type Dir,
} from '../conntrack/conntrack';
import { IPCT_DESTROY, IPCT_MARK, IPCT_NEW, IPCT_PROTOINFO, IPCT_RELATED } from '../conntrack/ecache';
import type { CtStats } from '../conntrack/stats';
import { formatL4, protoName, trackerName } from '../conntrack/tuple';
import { TCP_STATE_NAMES } from '../conntrack/types';
import { formatIpv4, inPrefix } from '../model/addr';
import { IPPROTO_TCP } from '../model/packet';
import type { CtFilter, CtOutput } from '../script/ast';

/** `%-8s %u `: a name padded to 8 columns, then the number. */
const column = (name: string, num: number): string => `${name.padEnd(8)} ${num} `;

function tupleText(ct: Conntrack, slot: number, dir: Dir): string {
  const t = ct.tuple(slot, dir);
  return `src=${formatIpv4(t.src)} dst=${formatIpv4(t.dst)} ${formatL4(t.proto, t.sport, t.dport)}`;
}

function countersText(ct: Conntrack, slot: number, dir: Dir): string {
  return ct.hasAcct(slot) ? `packets=${ct.packets(slot, dir)} bytes=${ct.bytes(slot, dir)} ` : '';
}

/** __snprintf_status_assured / ct_seq_show: exactly one tag, in this priority. */
function statusTag(status: number): string {
  if (status & IPS_HW_OFFLOAD) return '[HW_OFFLOAD] ';
  if (status & IPS_OFFLOAD) return '[OFFLOAD] ';
  if (status & IPS_ASSURED) return '[ASSURED] ';
  return '';
}

/** What one printed entry carries: which attributes the netlink message had, and the output flags. */
interface EntryFormat {
  /** NFCT_T_NEW/UPDATE/DESTROY: an event's `%9s ` prefix; none for dumps. */
  msg?: EventMsg;
  /** -o extended (NFCT_OF_SHOW_LAYER3) and -o id (NFCT_OF_ID). */
  output: CtOutput;
  timeout: boolean;
  protoinfo: boolean;
  counters: boolean;
  mark: boolean;
  use: boolean;
  /** /proc/net/nf_conntrack (ct_seq_show): the tracker's name, the zone always, its own reference in use=. */
  proc?: boolean;
}

export type EventMsg = 'NEW' | 'UPDATE' | 'DESTROY';

const NO_OUTPUT_FLAGS: CtOutput = { extended: false, id: false, userspace: false };

/**
 * __snprintf_conntrack_default (libnetfilter_conntrack snprintf_default.c) in its order: the
 * message type, layer 3, protocol, timeout, TCP state, original tuple, its counters,
 * [UNREPLIED], reply tuple, its counters, the status tag, mark, zone, use, id.
 */
function entryLine(ct: Conntrack, slot: number, f: EntryFormat): string {
  // IPS_HW_OFFLOAD only where the profile's kernel has it (v5.8).
  const status = ct.dumpedStatus(slot);
  const proto = ct.proto(slot);
  let line = f.msg ? `${`[${f.msg}]`.padStart(9)} ` : '';
  if (f.output.extended) line += column('ipv4', 2);
  line += column(f.proc ? trackerName(proto) : protoName(proto), proto);
  if (f.timeout) line += `${wholeSeconds(ct.expiresIn(slot))} `;
  if (f.protoinfo && proto === IPPROTO_TCP) line += `${TCP_STATE_NAMES[ct.tcpState(slot)]} `;
  line += tupleText(ct, slot, DIR_ORIGINAL) + (f.counters ? countersText(ct, slot, DIR_ORIGINAL) : '');
  if (!(status & IPS_SEEN_REPLY)) line += '[UNREPLIED] ';
  line += tupleText(ct, slot, DIR_REPLY) + (f.counters ? countersText(ct, slot, DIR_REPLY) : '');
  line += statusTag(status);
  if (f.mark) line += `mark=${ct.mark(slot)} `;
  if (f.proc || ct.zone(slot) !== 0) line += `zone=${ct.zone(slot)} `;
  if (f.use) line += `use=${ct.use(slot) + (f.proc ? 1 : 0)} `;
  if (f.output.id) line += `id=${ct.ctId(slot)} `;
  return line.slice(0, -1);
}

/**
 * One entry as `conntrack -L`, `-D` and `-U` print it (without its newline), from what
 * ctnetlink dumps (ctnetlink_dump_info: no timeout and no TCP state for an offloaded entry;
 * mark and use always).
 */
export function renderConntrackEntry(ct: Conntrack, slot: number, output: CtOutput = NO_OUTPUT_FLAGS, proc = false): string {
  const offloaded = (ct.status(slot) & IPS_OFFLOAD) !== 0;
  return entryLine(ct, slot, { output, timeout: !offloaded, protoinfo: !offloaded, counters: true, mark: true, use: true, proc });
}

/**
 * One `conntrack -E` line from what ctnetlink_conntrack_event() puts in the message: a
 * DESTROY carries the counters but no timeout or state; NEW and UPDATE carry the timeout, the
 * TCP state only with IPCT_PROTOINFO, no counters; the mark only when set or changed; never use.
 */
export function renderConntrackEvent(ct: Conntrack, slot: number, events: number, output: CtOutput): string {
  const destroy = (events & IPCT_DESTROY) !== 0;
  const msg: EventMsg = destroy ? 'DESTROY' : events & (IPCT_NEW | IPCT_RELATED) ? 'NEW' : 'UPDATE';
  const mark = ct.mark(slot) !== 0 || (events & IPCT_MARK) !== 0;
  return entryLine(ct, slot, { msg, output, timeout: !destroy, protoinfo: !destroy && (events & IPCT_PROTOINFO) !== 0, counters: destroy, mark, use: false });
}

/** Whether an entry passes conntrack-tools' filters (nfct_filter: mark, network, comparison). */
export function matchesFilter(ct: Conntrack, slot: number, f: CtFilter): boolean {
  if (f.zone !== undefined && ct.zone(slot) !== f.zone) return false;
  if (f.proto !== undefined && ct.proto(slot) !== f.proto) return false;
  if (f.mark && ((ct.mark(slot) & f.mark.mask) >>> 0) !== f.mark.value) return false;
  if (f.status !== undefined && (ct.status(slot) & f.status) !== f.status) return false;
  if (f.origSrc || f.origDst || f.origSport !== undefined || f.origDport !== undefined) {
    const t = ct.tuple(slot, DIR_ORIGINAL);
    if (f.origSrc && !inPrefix(t.src, f.origSrc)) return false;
    if (f.origDst && !inPrefix(t.dst, f.origDst)) return false;
    if (f.origSport !== undefined && t.sport !== f.origSport) return false;
    if (f.origDport !== undefined && t.dport !== f.origDport) return false;
  }
  if (f.replySrc !== undefined || f.replyDst !== undefined || f.replySport !== undefined || f.replyDport !== undefined) {
    const t = ct.tuple(slot, DIR_REPLY);
    if (f.replySrc !== undefined && t.src !== f.replySrc) return false;
    if (f.replyDst !== undefined && t.dst !== f.replyDst) return false;
    if (f.replySport !== undefined && t.sport !== f.replySport) return false;
    if (f.replyDport !== undefined && t.dport !== f.replyDport) return false;
  }
  return true;
}

export function renderConntrackList(ct: Conntrack, filter: CtFilter = {}, output: CtOutput = NO_OUTPUT_FLAGS): string {
  let out = '';
  ct.forEach((slot) => {
    if (matchesFilter(ct, slot, filter)) out += `${renderConntrackEntry(ct, slot, output)}\n`;
  });
  return out;
}

const PROC_OUTPUT: CtOutput = { extended: true, id: false, userspace: false };

/** ct_seq_show (nf_conntrack_standalone.c): layer 3 and the zone always, and one more reference, its own. */
export function renderProcConntrack(ct: Conntrack): string {
  let out = '';
  ct.forEach((slot) => {
    out += `${renderConntrackEntry(ct, slot, PROC_OUTPUT, true)}\n`;
  });
  return out;
}

export function renderConntrackCount(ct: Conntrack): string {
  return `${ct.count()}\n`;
}

/**
 * `conntrack -S`: one line per CPU as nfct_stats_cb prints it (`cpu=%-4u\t` then `name=%u ` for
 * each attribute the kernel sent, in attribute order). Which counters a kernel sends:
 * ctnetlink_ct_stat_cpu_fill_info — `ignore` until 5.10, `clash_resolve` and `chaintoolong`
 * later; conntrack-tools 1.4.6 names attributes up to search_restart and skips the rest.
 */
export function renderConntrackStats(stats: CtStats, sendsIgnore: boolean): string {
  const fields: Array<[string, number]> = [['found', stats.found], ['invalid', stats.invalid]];
  if (sendsIgnore) fields.push(['ignore', stats.ignore]);
  fields.push(['insert', stats.insert], ['insert_failed', stats.insert_failed], ['drop', stats.drop], ['early_drop', stats.early_drop], ['error', stats.error], ['search_restart', stats.search_restart]);
  return `cpu=${'0'.padEnd(4)}\t${fields.map(([k, v]) => `${k}=${v} `).join('')}\n`;
}
