/**
 * ICMP tracking (nf_conntrack_proto_icmp.c): query/reply pairs (echo, timestamp, info,
 * address mask) keyed by id, type and code, with a 30 s timeout; the reply type is the
 * reply direction of the request. Errors are handled by the table (icmp_error_message).
 */
import type { Packet } from '../model/packet';
import { L4_ACCEPT, L4_INVALID, type L4Host, type L4Verdict } from './l4';
import { ICMP_TIMEOUT, ICMPV6_TIMEOUT } from './timeouts';
import { icmpStartsConnection, icmpv6StartsConnection } from './tuple';
import type { Dir } from './types';
import { N16, N_DPORT } from './storage';

/** nf_conntrack_icmp_packet(): only a request type may own a connection. */
export function icmpPacket(h: L4Host, slot: number, dir: Dir, p: Packet): L4Verdict {
  const origType = h.store.n16[(2 * slot) * N16 + N_DPORT] >> 8;
  if (!icmpStartsConnection(origType)) {
    if (h.env.events.active) h.reason = `icmp: can't create new conn with type ${origType}`;
    return L4_INVALID;
  }
  h.refreshAcct(slot, dir, p, h.env.sysctl.get(ICMP_TIMEOUT));
  return L4_ACCEPT;
}

/**
 * nf_conntrack_icmpv6_packet(): an unconfirmed entry must be an echo request or a node
 * information query (valid_new[]); timeout nf_conntrack_icmpv6_timeout (30 s).
 */
export function icmpv6Packet(h: L4Host, slot: number, dir: Dir, p: Packet): L4Verdict {
  const origType = h.store.n16[(2 * slot) * N16 + N_DPORT] >> 8;
  if (!icmpv6StartsConnection(origType)) {
    if (h.env.events.active) h.reason = `icmpv6: can't create new conn with type ${origType}`;
    return L4_INVALID;
  }
  h.refreshAcct(slot, dir, p, h.env.sysctl.get(ICMPV6_TIMEOUT));
  return L4_ACCEPT;
}
