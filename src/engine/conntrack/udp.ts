/**
 * UDP tracking (nf_conntrack_proto_udp.c, nf_conntrack_udp_packet): 30 s until a reply is
 * seen, then the stream timeout and IPS_ASSURED — at once in 5.7, only once 2 s have passed
 * since the entry was created in current kernels (see CtBehaviour.udpStreamAfter2s).
 */
import { US_PER_SEC } from '../clock';
import type { Packet } from '../model/packet';
import { L4_ACCEPT, type L4Host, type L4Verdict } from './l4';
import type { CtStore } from './storage';
import { UDP_TIMEOUT, UDP_TIMEOUT_STREAM } from './timeouts';
import { IPS_ASSURED, IPS_NAT_CLASH, IPS_SEEN_REPLY, type Dir } from './types';
import { H16, H_STATUS, N32, N_TD_END } from './storage';

const TWO_32 = 2 ** 32;

// ct->proto.udp.stream_ts lives in the node record's TCP window words, which UDP entries do not use
// (the kernel's struct nf_conn keeps the per-protocol data in a union as well).
function setStreamTs(s: CtStore, slot: number, us: number): void {
  s.n32[(2 * slot) * N32 + N_TD_END] = Math.floor(us / TWO_32);
  s.n32[(2 * slot + 1) * N32 + N_TD_END] = us % TWO_32;
}

function streamTs(s: CtStore, slot: number): number {
  return s.n32[(2 * slot) * N32 + N_TD_END] * TWO_32 + s.n32[(2 * slot + 1) * N32 + N_TD_END];
}

export function udpPacket(h: L4Host, slot: number, dir: Dir, p: Packet, confirmed: boolean): L4Verdict {
  const s = h.store;
  const now = h.env.now();
  if (!confirmed) setStreamTs(s, slot, now + 2 * US_PER_SEC);
  if (!(s.h16[slot * H16 + H_STATUS] & IPS_SEEN_REPLY)) {
    h.refreshAcct(slot, dir, p, h.env.sysctl.get(UDP_TIMEOUT));
    return L4_ACCEPT;
  }
  // Traffic both ways: some kind of UDP stream.
  const stream = !h.behaviour.udpStreamAfter2s || now > streamTs(s, slot);
  h.refreshAcct(slot, dir, p, h.env.sysctl.get(stream ? UDP_TIMEOUT_STREAM : UDP_TIMEOUT));
  // Never ASSURED for IPS_NAT_CLASH entries: they time out soon.
  if (stream && !(s.h16[slot * H16 + H_STATUS] & IPS_NAT_CLASH)) s.h16[slot * H16 + H_STATUS] |= IPS_ASSURED;
  return L4_ACCEPT;
}
