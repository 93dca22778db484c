/**
 * Protocols without a tracker (nf_conntrack_proto_generic.c): tracked by address pair and
 * protocol number, with the generic timeout.
 */
import type { Packet } from '../model/packet';
import { L4_ACCEPT, type L4Host, type L4Verdict } from './l4';
import { GENERIC_TIMEOUT } from './timeouts';
import type { Dir } from './types';

export function genericPacket(h: L4Host, slot: number, dir: Dir, p: Packet): L4Verdict {
  h.refreshAcct(slot, dir, p, h.env.sysctl.get(GENERIC_TIMEOUT));
  return L4_ACCEPT;
}
