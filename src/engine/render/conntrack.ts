/**
 * Conntrack table text as the real tools print it:
 * - `conntrack -L`: libnetfilter_conntrack's __snprintf_conntrack_default (snprintf_default.c)
 *   over what ctnetlink dumps (ctnetlink_dump_info: no timeout and no TCP state for
 *   offloaded entries, no zone for zone 0);
 * - `/proc/net/nf_conntrack`: ct_seq_show (nf_conntrack_standalone.c), which always prints
 *   the zone and reports one more reference, its own;
 * - `conntrack -C`: the entry count.
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
import { formatL4, protoName, trackerName } from '../conntrack/tuple';
import { TCP_STATE_NAMES } from '../conntrack/types';
import { formatAddr, type Family } from '../model/addr';
import { word6 } from '../model/addr6';
import { IPPROTO_TCP } from '../model/packet';

export interface ConntrackFilter {
  zone?: number;
  proto?: number;
  /**
   * `-f ipv4|ipv6`. Without it conntrack-tools dumps every family: conntrack.c's "default family
   * only for the following commands" leaves CT_LIST at AF_UNSPEC (releases before that change
   * defaulted to AF_INET, as the man page still says).
   */
  family?: Family;
}

/** `%-8s %u `: a name padded to 8 columns, then the number. */
const column = (name: string, num: number): string => `${name.padEnd(8)} ${num} `;

/**
 * `%pI6`, as /proc prints IPv6 tuples (print_tuple in nf_conntrack_standalone.c): eight
 * groups of four hex digits, nothing compressed.
 */
function procIpv6(id: number): string {
  const g: string[] = [];
  for (let i = 0; i < 4; i++) {
    const w = word6(id, i);
    g.push((w >>> 16).toString(16).padStart(4, '0'), (w & 0xffff).toString(16).padStart(4, '0'));
  }
  return g.join(':');
}

/** A tuple: conntrack-tools prints addresses with inet_ntop, /proc IPv6 with %pI6. */
function tupleText(ct: Conntrack, slot: number, dir: Dir, proc: boolean): string {
  const t = ct.tuple(slot, dir);
  const addr = (a: number): string => (proc && t.family === 6 ? procIpv6(a) : formatAddr(t.family, a));
  return `src=${addr(t.src)} dst=${addr(t.dst)} ${formatL4(t.proto, t.sport, t.dport)}`;
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

/** The part both formats share: timeout, state, both tuples with counters, [UNREPLIED], the tag, mark. */
function body(ct: Conntrack, slot: number, proc: boolean): string {
  const status = ct.status(slot);
  let line = '';
  if (!(status & IPS_OFFLOAD)) {
    line += `${wholeSeconds(ct.expiresIn(slot))} `;
    if (ct.proto(slot) === IPPROTO_TCP) line += `${TCP_STATE_NAMES[ct.tcpState(slot)]} `;
  }
  line += tupleText(ct, slot, DIR_ORIGINAL, proc) + countersText(ct, slot, DIR_ORIGINAL);
  if (!(status & IPS_SEEN_REPLY)) line += '[UNREPLIED] ';
  line += tupleText(ct, slot, DIR_REPLY, proc) + countersText(ct, slot, DIR_REPLY);
  return `${line}${statusTag(status)}mark=${ct.mark(slot)} `;
}

export function renderConntrackList(ct: Conntrack, filter: ConntrackFilter = {}): string {
  let out = '';
  ct.forEach((slot) => {
    if (filter.zone !== undefined && ct.zone(slot) !== filter.zone) return;
    if (filter.proto !== undefined && ct.proto(slot) !== filter.proto) return;
    if (filter.family !== undefined && ct.family(slot) !== filter.family) return;
    out += `${renderConntrackEntry(ct, slot)}\n`;
  });
  return out;
}

/** One entry's `conntrack -L` line, without its newline. */
export function renderConntrackEntry(ct: Conntrack, slot: number): string {
  const zone = ct.zone(slot) === 0 ? '' : `zone=${ct.zone(slot)} `;
  return `${column(protoName(ct.proto(slot)), ct.proto(slot))}${body(ct, slot, false)}${zone}use=${ct.use(slot)}`;
}

export function renderProcConntrack(ct: Conntrack): string {
  let out = '';
  ct.forEach((slot) => {
    const proto = ct.proto(slot);
    // ct_seq_show: the l3 name and number (NFPROTO_IPV4 2, NFPROTO_IPV6 10).
    const l3 = ct.family(slot) === 6 ? column('ipv6', 10) : column('ipv4', 2);
    out += `${l3}${column(trackerName(proto), proto)}${body(ct, slot, true)}zone=${ct.zone(slot)} use=${ct.use(slot) + 1}\n`;
  });
  return out;
}

export function renderConntrackCount(ct: Conntrack): string {
  return `${ct.count()}\n`;
}
