import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../model/addr';
import { CtInfo, ICMP_DEST_UNREACH, ICMP_ECHOREPLY, TCP_ACK, TCP_SYN, type Packet } from '../model/packet';
import { Rng } from '../rng';
import type { NatSpec } from '../script/ast';
import { IPS_DST_NAT, IPS_DST_NAT_DONE, IPS_SRC_NAT, IPS_SRC_NAT_DONE, type Conntrack } from './conntrack';
import { jhashAddr, reciprocalScale } from './nat';
import { addr, echoRequest, eventsOf, harness, icmpPacket, ip, tcpPacket, udpPacket } from './test-helpers';
import { compare6, formatIpv6, words6 } from '../model/addr6';

/** act_ct `ct commit nat …` on one packet: conntrack, NAT, confirm. */
function natCommit(ct: Conntrack, p: Packet, spec: NatSpec, zone = 0): string {
  ct.in(p, zone);
  let v = ct.nat(p, spec, true);
  if (v === 'accept') v = ct.commit(p, undefined, undefined);
  return v;
}

/** act_ct `ct nat` (restore) on one packet. */
function natRestore(ct: Conntrack, p: Packet, zone = 0): void {
  ct.in(p, zone);
  ct.nat(p, { type: 'restore' }, false);
}

const where = (p: Packet): string => `${formatIpv4(p.src)}:${p.sport} > ${formatIpv4(p.dst)}:${p.dport}`;
const replyOf = (ct: Conntrack, slot: number): string => {
  const t = ct.tuple(slot, 1);
  return `${formatIpv4(t.src)}:${t.sport} > ${formatIpv4(t.dst)}:${t.dport}`;
};
const syn = (src: string, dst: string, sport: number, dport: number): Packet => tcpPacket(src, dst, sport, dport, TCP_SYN, 1000, 0);

/** jhash2() written the long way (the generic loop of include/linux/jhash.h). */
function referenceJhash2(k: number[], initval: number): number {
  const rol = (x: number, s: number) => ((x << s) | (x >>> (32 - s))) >>> 0;
  let a = (0xdeadbeef + (k.length << 2) + initval) >>> 0;
  let b = a;
  let c = a;
  let i = 0;
  let len = k.length;
  while (len > 3) {
    a = (a + k[i]) >>> 0; b = (b + k[i + 1]) >>> 0; c = (c + k[i + 2]) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rol(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rol(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rol(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rol(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rol(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rol(b, 4)) >>> 0; b = (b + a) >>> 0;
    len -= 3;
    i += 3;
  }
  if (len === 3) c = (c + k[i + 2]) >>> 0;
  if (len >= 2) b = (b + k[i + 1]) >>> 0;
  if (len >= 1) {
    a = (a + k[i]) >>> 0;
    c = (c ^ b) >>> 0; c = (c - rol(b, 14)) >>> 0;
    a = (a ^ c) >>> 0; a = (a - rol(c, 11)) >>> 0;
    b = (b ^ a) >>> 0; b = (b - rol(a, 25)) >>> 0;
    c = (c ^ b) >>> 0; c = (c - rol(b, 16)) >>> 0;
    a = (a ^ c) >>> 0; a = (a - rol(c, 4)) >>> 0;
    b = (b ^ a) >>> 0; b = (b - rol(a, 14)) >>> 0;
    c = (c ^ b) >>> 0; c = (c - rol(b, 24)) >>> 0;
  }
  return c;
}
const bswap = (x: number) => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

describe('SNAT', () => {
  it('keeps the source port when the tuple is free, alters the reply tuple and translates replies back', () => {
    const h = harness();
    const p = syn('10.0.0.1', '10.0.0.2', 1000, 80);
    expect(natCommit(h.ct, p, { type: 'src', addrMin: ip('5.5.5.7') })).toBe('accept');
    const slot = p.meta.ct;
    expect(where(p)).toBe('5.5.5.7:1000 > 10.0.0.2:80');
    expect([p.meta.postCtSnat, p.meta.postCtDnat]).toEqual([true, false]);
    expect(replyOf(h.ct, slot)).toBe('10.0.0.2:80 > 5.5.5.7:1000');
    expect(h.ct.status(slot) & (IPS_SRC_NAT | IPS_SRC_NAT_DONE | IPS_DST_NAT)).toBe(IPS_SRC_NAT | IPS_SRC_NAT_DONE);
    h.ct.releaseSkb(p);

    const synack = tcpPacket('10.0.0.2', '5.5.5.7', 80, 1000, TCP_SYN | TCP_ACK, 5000, 1001);
    natRestore(h.ct, synack);
    expect([synack.meta.ct, synack.meta.ctinfo]).toEqual([slot, CtInfo.ESTABLISHED_REPLY]);
    expect(where(synack)).toBe('10.0.0.2:80 > 10.0.0.1:1000');
    expect(synack.meta.postCtDnat).toBe(true);
    h.ct.releaseSkb(synack);

    const ack = tcpPacket('10.0.0.1', '10.0.0.2', 1000, 80, TCP_ACK, 1001, 5001);
    natRestore(h.ct, ack);
    expect(where(ack)).toBe('5.5.5.7:1000 > 10.0.0.2:80');
    expect(eventsOf(h.events, 'ct.nat').map((e) => `${e.manip} ${e.before.src}:${e.before.sport}>${e.after.src}:${e.after.sport}`)).toEqual([
      'src 10.0.0.1:1000>5.5.5.7:1000',
      'dst 10.0.0.2:80>10.0.0.2:80',
      'src 10.0.0.1:1000>5.5.5.7:1000',
    ]);
  });

  it('picks the address in a range like find_best_ips_proto (jhash of src seeded by dst ^ zone)', () => {
    for (const [client, server, zone] of [['10.0.0.1', '10.0.0.2', 0], ['10.1.2.3', '192.168.7.9', 7], ['172.16.0.99', '8.8.8.8', 2]] as const) {
      const h = harness();
      const p = syn(client, server, 1000, 80);
      natCommit(h.ct, p, { type: 'src', addrMin: ip('5.5.5.1'), addrMax: ip('5.5.5.10') }, zone);
      const j = referenceJhash2([bswap(ip(client)), 0, 0, 0], (bswap(ip(server)) ^ zone) >>> 0);
      const expected = ip('5.5.5.1') + Number((BigInt(j) * 10n) >> 32n);
      expect(formatIpv4(p.src)).toBe(formatIpv4(expected));
    }
  });

  it('picks an IPv6 address in a range like find_best_ips_proto: word by word, full words once below the maximum', () => {
    const words = (a: string) => words6(addr(a)).map((w) => BigInt(w));
    for (const [client, server, zone, lo, hi] of [
      ['2001:db8:1::2', '2001:db8::53', 0, '2001:db8:ff::1', '2001:db8:ff::10'],
      ['2001:db8:1::7', '2001:db8::54', 3, '2001:db8:ff::1', '2001:db8:ff::10'],
      ['fd00::1', '2001:db8::1', 0, '2001:db8:aa::', '2001:db8:bb::ffff'],
    ] as const) {
      const h = harness();
      const p = udpPacket(client, server, 5000, 53);
      natCommit(h.ct, p, { type: 'src', family: 6, addrMin: addr(lo), addrMax: addr(hi) }, zone);
      // The reference: nf_nat_core.c find_best_ips_proto with 128-bit arithmetic on BigInts.
      const mem = (a: string) => words(a).map((w) => bswap(Number(w)));
      let j = BigInt(referenceJhash2(mem(client), (mem(server)[3] ^ zone) >>> 0));
      const [min, max] = [words(lo), words(hi)];
      const got: bigint[] = [];
      let full = false;
      for (let i = 0; i < 4; i++) {
        const [minip, dist] = full ? [0n, 0xffffffffn] : [min[i], (max[i] - min[i] + 1n) & 0xffffffffn];
        got.push((minip + ((j * dist) >> 32n)) & 0xffffffffn);
        if (got[i] !== max[i]) full = true;
        j ^= BigInt(mem(server)[i]);
      }
      const expected = got.map((w) => Number(w));
      expect(words6(p.src)).toEqual(expected);
      expect(compare6(p.src, addr(lo)) >= 0 && compare6(p.src, addr(hi)) <= 0).toBe(true);
    }
  });

  it('reads an address range of the other family as union nf_inet_addr does', () => {
    const h = harness();
    const p = udpPacket('10.0.0.1', '192.0.2.1', 5000, 53);
    natCommit(h.ct, p, { type: 'src', family: 6, addrMin: addr('c633:6401::') }, 0);
    expect(formatIpv4(p.src)).toBe('198.51.100.1');
    const q = udpPacket('2001:db8::1', '2001:db8::2', 5000, 53);
    natCommit(h.ct, q, { type: 'src', family: 4, addrMin: ip('198.51.100.1') }, 0);
    expect(formatIpv6(q.src)).toBe('c633:6401::');
  });

  it('computes jhash2 and reciprocal_scale exactly', () => {
    const rng = new Rng(42);
    for (let i = 0; i < 200; i++) {
      const w = rng.u32();
      const init = rng.u32();
      expect(jhashAddr(w, init)).toBe(referenceJhash2([w, 0, 0, 0], init));
      const range = rng.int(1, 0xffffffff);
      expect(reciprocalScale(w, range)).toBe(Number((BigInt(w) * BigInt(range)) >> 32n));
    }
  });

  it('allocates another port from a PRNG offset when the tuple clashes', () => {
    const h = harness({ seed: 9 });
    const spec: NatSpec = { type: 'src', addrMin: ip('5.5.5.7'), portMin: 1000, portMax: 2000 };
    const a = syn('10.0.0.1', '10.0.0.2', 1000, 80);
    natCommit(h.ct, a, spec);
    expect(a.sport).toBe(1000);
    const b = syn('10.0.0.3', '10.0.0.2', 1000, 80);
    expect(natCommit(h.ct, b, spec)).toBe('accept');
    // nf_nat_l4proto_unique_tuple: min + (random u16 % range size), first free one
    const offset = new Rng(9).u32() & 0xffff;
    expect(b.sport).toBe(1000 + (offset % 1001));
    expect(b.sport).not.toBe(1000);
    expect(replyOf(h.ct, b.meta.ct)).toBe(`10.0.0.2:80 > 5.5.5.7:${b.sport}`);
    expect(h.ct.count()).toBe(2);
  });

  it('searches 1024-65535 for a clashing port above 1023 when no port range is given', () => {
    const h = harness();
    natCommit(h.ct, syn('10.0.0.1', '10.0.0.2', 40000, 80), { type: 'src', addrMin: ip('5.5.5.7') });
    const b = syn('10.0.0.3', '10.0.0.2', 40000, 80);
    natCommit(h.ct, b, { type: 'src', addrMin: ip('5.5.5.7') });
    expect(b.sport).not.toBe(40000);
    expect(b.sport).toBeGreaterThanOrEqual(1024);
  });

  it('reuses the mapping of the same source for a second destination (find_appropriate_src)', () => {
    const h = harness();
    const spec: NatSpec = { type: 'src', addrMin: ip('5.5.5.7'), portMin: 2000, portMax: 3000 };
    const a = syn('10.0.0.1', '10.0.0.2', 1000, 80);
    natCommit(h.ct, a, spec);
    const b = syn('10.0.0.1', '10.0.0.9', 1000, 443);
    natCommit(h.ct, b, spec);
    expect(a.sport).toBeGreaterThanOrEqual(2000);
    expect(b.sport).toBe(a.sport);
  });

  it('keeps the echo id for ICMP and translates the echo reply back', () => {
    const h = harness();
    const req = echoRequest('10.0.0.1', '10.0.0.2', 7);
    natCommit(h.ct, req, { type: 'src', addrMin: ip('5.5.5.7') });
    expect([formatIpv4(req.src), req.icmp!.id]).toEqual(['5.5.5.7', 7]);
    const rep = icmpPacket('10.0.0.2', '5.5.5.7', ICMP_ECHOREPLY, 7);
    natRestore(h.ct, rep);
    expect([formatIpv4(rep.dst), rep.icmp!.id]).toEqual(['10.0.0.1', 7]);
  });

  it('translates an ICMP error about a NATed connection, the quoted packet included', () => {
    const h = harness();
    const p = udpPacket('10.0.0.1', '10.0.0.2', 5000, 53);
    natCommit(h.ct, p, { type: 'src', addrMin: ip('5.5.5.7') });
    const err = icmpPacket('10.0.0.2', '5.5.5.7', ICMP_DEST_UNREACH, 0, 3, udpPacket('5.5.5.7', '10.0.0.2', 5000, 53));
    natRestore(h.ct, err);
    expect(err.meta.ctinfo).toBe(CtInfo.RELATED_REPLY);
    expect(formatIpv4(err.dst)).toBe('10.0.0.1');
    expect(where(err.icmp!.inner!)).toBe('10.0.0.1:5000 > 10.0.0.2:53');
  });

  it('does nothing for a plain `nat` on a connection without a mapping', () => {
    const h = harness();
    const p = syn('10.0.0.1', '10.0.0.2', 1000, 80);
    h.ct.in(p, 0);
    expect(h.ct.nat(p, { type: 'restore' }, false)).toBe('accept');
    expect(where(p)).toBe('10.0.0.1:1000 > 10.0.0.2:80');
    expect([p.meta.postCtSnat, p.meta.postCtDnat]).toEqual([false, false]);
  });
});

describe('DNAT', () => {
  it('rewrites the destination and the reply source', () => {
    for (const [profile, snat] of [['5.7', false], ['6.12', true]] as const) {
      const h = harness({ profile });
      const p = syn('10.0.0.1', '10.0.0.100', 5000, 80);
      natCommit(h.ct, p, { type: 'dst', addrMin: ip('10.0.0.2'), portMin: 8080 });
      expect(where(p)).toBe('10.0.0.1:5000 > 10.0.0.2:8080');
      expect(h.ct.status(p.meta.ct) & (IPS_DST_NAT | IPS_DST_NAT_DONE)).toBe(IPS_DST_NAT | IPS_DST_NAT_DONE);
      // 6.12 also runs a SRC null binding after DNAT, which marks the packet post_ct_snat
      expect([p.meta.postCtDnat, p.meta.postCtSnat]).toEqual([true, snat]);
      expect(replyOf(h.ct, p.meta.ct)).toBe('10.0.0.2:8080 > 10.0.0.1:5000');
      const back = tcpPacket('10.0.0.2', '10.0.0.1', 8080, 5000, TCP_SYN | TCP_ACK, 1, 1001);
      natRestore(h.ct, back);
      expect(where(back)).toBe('10.0.0.100:80 > 10.0.0.1:5000');
    }
  });

  it('resolves a DNAT tuple collision with a new source port in 6.12, drops it at confirm in 5.7 (tc-testing 3992)', () => {
    for (const profile of ['5.7', '6.12'] as const) {
      const h = harness({ profile });
      const direct = syn('10.0.0.10', '20.0.0.1', 5000, 10);
      h.ct.in(direct, 0);
      h.ct.commit(direct, undefined, undefined);
      const viaVip = syn('10.0.0.10', '10.0.0.20', 5000, 10);
      const verdict = natCommit(h.ct, viaVip, { type: 'dst', addrMin: ip('20.0.0.1'), portMin: 10, portMax: 10 });
      if (profile === '5.7') {
        expect(verdict).toBe('drop');
        expect(h.ct.count()).toBe(1);
      } else {
        expect(verdict).toBe('accept');
        expect(viaVip.sport).toBeGreaterThanOrEqual(1024);
        expect(viaVip.sport).not.toBe(5000);
        expect(replyOf(h.ct, viaVip.meta.ct)).toBe(`20.0.0.1:10 > 10.0.0.10:${viaVip.sport}`);
        expect(h.ct.count()).toBe(2);
      }
    }
  });
});
