/**
 * IPv4 and IPv6 side by side in one conntrack table, checked with fast-check: the l3num is part
 * of the tuple (nf_ct_tuple_equal compares src.l3num), so an IPv4 tuple whose numbers equal an
 * IPv6 tuple's address ids never finds the IPv6 entry, and each family's replies find their own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv6, intern6 } from '../model/addr6';
import { formatIpv4 } from '../model/addr';
import { CtInfo, TCP_ACK, TCP_SYN, type Packet } from '../model/packet';
import { harness, icmpPacket, tcpPacket, udpPacket } from './test-helpers';

const v6 = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 3 })).map(([low, net]) => formatIpv6(intern6(0x20010db8, net, 0, low)));
const port = fc.integer({ min: 1, max: 65535 });

/** The IPv4 packet whose address numbers are the IPv6 packet's address ids. */
function shadow(p: Packet, make: (src: string, dst: string) => Packet): Packet {
  return make(formatIpv4(p.src), formatIpv4(p.dst));
}

describe('conntrack with both families', () => {
  it('keeps IPv4 and IPv6 tuples with equal numbers apart (fast-check seed 14)', () => {
    fc.assert(
      fc.property(v6, v6, port, port, fc.boolean(), (a, b, sp, dp, tcp) => {
        fc.pre(a !== b);
        const h = harness({ listen: false });
        const make6 = (src: string, dst: string, s = sp, d = dp): Packet => (tcp ? tcpPacket(src, dst, s, d, TCP_SYN, 1, 0) : udpPacket(src, dst, s, d));
        const p6 = make6(a, b);
        expect(h.ct.in(p6, 0)).toBe('accept');
        expect(h.ct.commit(p6, undefined, undefined)).toBe('accept');
        const slot6 = p6.meta.ct;
        h.ct.releaseSkb(p6);
        // Same numbers, IPv4: a new connection of its own.
        const p4 = shadow(p6, (s, d) => make6(s, d));
        expect(p4.family).toBe(4);
        h.ct.in(p4, 0);
        expect(p4.meta.ctinfo).toBe(CtInfo.NEW);
        const slot4 = p4.meta.ct;
        expect(slot4).not.toBe(slot6);
        h.ct.commit(p4, undefined, undefined);
        h.ct.releaseSkb(p4);
        expect(h.ct.count()).toBe(2);
        // Each reply finds its own family's entry.
        const r6 = tcp ? tcpPacket(b, a, dp, sp, TCP_SYN | TCP_ACK, 9, 2) : udpPacket(b, a, dp, sp);
        h.ct.in(r6, 0);
        expect([r6.meta.ct, r6.meta.ctinfo]).toEqual([slot6, CtInfo.ESTABLISHED_REPLY]);
        expect(h.ct.family(slot6)).toBe(6);
        expect(h.ct.family(slot4)).toBe(4);
        const t = h.ct.tuple(slot6, 1);
        expect([formatIpv6(t.src), formatIpv6(t.dst), t.sport, t.dport]).toEqual([b, a, dp, sp]);
      }),
      { seed: 14, numRuns: 300 },
    );
  });

  it('tracks an ICMPv6 echo and relates an ICMPv6 error to the connection it quotes', () => {
    const h = harness();
    const req = tcpPacket('2001:db8::1', '2001:db8::2', 1000, 80, TCP_SYN, 1, 0);
    h.ct.in(req, 0);
    h.ct.commit(req, undefined, undefined);
    const slot = req.meta.ct;
    h.ct.releaseSkb(req);
    const quoted = tcpPacket('2001:db8::1', '2001:db8::2', 1000, 80, TCP_SYN, 1, 0);
    const err = udpPacket('2001:db8::2', '2001:db8::1', 0, 0);
    err.proto = 58;
    err.icmp = { type: 1, code: 4, id: 0, seq: 0, inner: quoted };
    h.ct.in(err, 0);
    expect([err.meta.ct, err.meta.ctinfo]).toEqual([slot, CtInfo.RELATED_REPLY]);
    h.ct.releaseSkb(err);
    // An IPv4 ICMP error quoting the same numbers relates to nothing: it is invalid.
    const quoted4 = shadow(quoted, (s, d) => tcpPacket(s, d, 1000, 80, TCP_SYN, 1, 0));
    const err4 = icmpPacket(formatIpv4(err.src), formatIpv4(err.dst), 3, 0, 3, quoted4);
    h.ct.in(err4, 0);
    expect([err4.meta.ct, err4.meta.ctinfo]).toEqual([-1, CtInfo.UNTRACKED]);
    expect(h.ct.count()).toBe(1);
  });
});
