/**
 * ICMP and ICMPv6 tracking (nf_conntrack_proto_icmp.c, nf_conntrack_proto_icmpv6.c): query/reply
 * pairs keyed by id, type and code, with a 30 s timeout; the reply type is the reply direction
 * of the request. Errors are handled by the table (icmp_error_message, nf_conntrack_inet_error).
 */
import type { Packet } from '../model/packet';
import { L4_ACCEPT, L4_INVALID, type L4Host, type L4Verdict } from './l4';
import { ICMP_TIMEOUT, ICMPV6_TIMEOUT } from './timeouts';
import { icmpStartsConnection, icmpv6StartsConnection } from './tuple';
import type { Dir } from './types';
import { N16, N_DPORT } from './storage';

/**
 * nf_conntrack_icmp_packet() / nf_conntrack_icmpv6_packet(): only a request type may own a
 * connection (valid_new[]: echo, timestamp, info, address mask; ICMPv6 echo and node
 * information query); timeout nf_conntrack_icmp_timeout / nf_conntrack_icmpv6_timeout (30 s).
 */
function queryPacket(h: L4Host, slot: number, dir: Dir, p: Packet, v6: boolean): L4Verdict {
  const origType = h.store.n16[(2 * slot) * N16 + N_DPORT] >> 8;
  if (!(v6 ? icmpv6StartsConnection(origType) : icmpStartsConnection(origType))) {
    if (h.env.events.active) h.reason = `${v6 ? 'icmpv6' : 'icmp'}: can't create new conn with type ${origType}`;
    return L4_INVALID;
  }
  h.refreshAcct(slot, dir, p, h.env.sysctl.get(v6 ? ICMPV6_TIMEOUT : ICMP_TIMEOUT));
  return L4_ACCEPT;
}

export const icmpPacket = (h: L4Host, slot: number, dir: Dir, p: Packet): L4Verdict => queryPacket(h, slot, dir, p, false);
export const icmpv6Packet = (h: L4Host, slot: number, dir: Dir, p: Packet): L4Verdict => queryPacket(h, slot, dir, p, true);
