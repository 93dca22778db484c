/** Protocol names and numbers that commands accept. */
import { failAt } from './errors';
import type { Token } from './lexer';
import { readUint, U16 } from './values';

/** ETH_P_ALL: `protocol all`, which `tc filter add` uses when no protocol is given. */
export const ETH_P_ALL = 0x0003;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_SCTP = 132;

/** The ethertype names of iproute2's ll_proto_a2n (lib/ll_proto.c) that make sense here; case-insensitive. */
const ETHERTYPES = new Map<string, number>([
  ['ip', 0x0800],
  ['ipv6', 0x86dd],
  ['arp', 0x0806],
  ['rarp', 0x8035],
  ['all', ETH_P_ALL],
  ['802.1q', 0x8100],
  ['802.1ad', 0x88a8],
  ['mpls_uc', 0x8847],
  ['mpls_mc', 0x8848],
  ['teb', 0x6558],
]);

/** `protocol NAME|NUMBER` as ll_proto_a2n reads it (names first, then get_be16 base 0). */
export function ethertype(t: Token): number {
  const named = ETHERTYPES.get(t.text.toLowerCase());
  if (named !== undefined) return named;
  const v = readUint(t.text, 0);
  if (Number.isNaN(v) || v > U16) failAt(t, `invalid protocol "${t.text}": use ip, ipv6, all or an ethertype such as 0x0800`);
  return v;
}

/** IP protocol names as /etc/protocols and conntrack-tools spell them. */
const IP_PROTOCOLS = new Map<string, number>([
  ['icmp', 1],
  ['igmp', 2],
  ['tcp', 6],
  ['udp', 17],
  ['dccp', 33],
  ['gre', 47],
  ['esp', 50],
  ['ah', 51],
  ['icmpv6', IPPROTO_ICMPV6],
  ['sctp', IPPROTO_SCTP],
  ['udplite', 136],
]);

export function ipProtocolNumber(name: string): number | undefined {
  return IP_PROTOCOLS.get(name);
}
