/**
 * IPv6 addresses: parsing (inet_pton), printing (glibc's inet_ntop, which iproute2 and
 * conntrack-tools use), interning and prefix arithmetic, checked with fast-check against
 * independent references: the WHATWG URL host serializer (RFC 5952 compression, no dotted
 * IPv4 tails) and BigInt arithmetic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add6, compare6, formatIpv6, inPrefix6, intern6, network6, parseIpv6, words6 } from './addr6';

const word = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));
/** Eight 16-bit groups, zero-heavy so runs of zeros are common. */
const groups = fc.array(fc.oneof(fc.constant(0), fc.constant(0), word), { minLength: 8, maxLength: 8 });
const idOf = (g: number[]): number => intern6(g[0] * 65536 + g[1], g[2] * 65536 + g[3], g[4] * 65536 + g[5], g[6] * 65536 + g[7]);
const big = (id: number): bigint => words6(id).reduce((acc, w) => (acc << 32n) | BigInt(w), 0n);
/** Addresses glibc prints with a dotted IPv4 tail (::a.b.c.d, ::ffff:a.b.c.d). */
const dotted = (g: number[]): boolean => g.slice(0, 5).every((x) => x === 0) && (g[5] === 0 || g[5] === 0xffff) && !(g[5] === 0 && g[6] === 0);

describe('IPv6 addresses', () => {
  it('print as inet_ntop does (oracle: the URL serializer, fast-check seed 6)', () => {
    fc.assert(
      fc.property(groups, (g) => {
        fc.pre(!dotted(g));
        expect(formatIpv6(idOf(g))).toBe(new URL(`http://[${g.map((x) => x.toString(16)).join(':')}]/`).hostname.slice(1, -1));
      }),
      { seed: 6, numRuns: 2000 },
    );
  });

  it('print IPv4-compatible and IPv4-mapped addresses with a dotted tail, like glibc', () => {
    expect(formatIpv6(parseIpv6('::ffff:192.0.2.1')!)).toBe('::ffff:192.0.2.1');
    expect(formatIpv6(parseIpv6('::c000:201')!)).toBe('::192.0.2.1');
    expect(formatIpv6(parseIpv6('::1')!)).toBe('::1');
    expect(formatIpv6(parseIpv6('::')!)).toBe('::');
    expect(formatIpv6(parseIpv6('2001:db8:0:1:0:0:1:1')!)).toBe('2001:db8:0:1::1:1');
    expect(formatIpv6(parseIpv6('2001:0:0:1:0:0:0:1')!)).toBe('2001:0:0:1::1');
    expect(formatIpv6(parseIpv6('2001:db8:1:1:1:1:0:1')!)).toBe('2001:db8:1:1:1:1:0:1');
  });

  it('parse back what they print, to the same id (fast-check seed 7)', () => {
    fc.assert(
      fc.property(groups, (g) => {
        const id = idOf(g);
        expect(parseIpv6(formatIpv6(id))).toBe(id);
        expect(parseIpv6(g.map((x) => x.toString(16).padStart(4, '0')).join(':'))).toBe(id);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('intern one address to one id, distinct addresses to distinct ids (fast-check seed 8)', () => {
    fc.assert(
      fc.property(groups, groups, (a, b) => {
        expect(idOf(a) === idOf(b)).toBe(a.every((x, i) => x === b[i]));
      }),
      { seed: 8, numRuns: 2000 },
    );
  });

  it('order, mask and add as 128-bit numbers (fast-check seed 9)', () => {
    fc.assert(
      fc.property(groups, groups, fc.integer({ min: 0, max: 128 }), fc.integer({ min: 0, max: 0xffffffff }), (a, b, len, n) => {
        const [x, y] = [idOf(a), idOf(b)];
        expect(Math.sign(compare6(x, y))).toBe(big(x) < big(y) ? -1 : big(x) > big(y) ? 1 : 0);
        const mask = len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << BigInt(128 - len);
        expect(big(network6(x, len))).toBe(big(x) & mask);
        expect(inPrefix6(y, x, len)).toBe((big(y) & mask) === (big(x) & mask));
        expect(big(add6(x, n))).toBe((big(x) + BigInt(n)) & ((1n << 128n) - 1n));
      }),
      { seed: 9, numRuns: 1000 },
    );
  });

  it.each(['', ':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '1:2:3:4:5:6:7', '::1.2.3', '::256.0.0.1', '1.2.3.4'])('refuses %j', (text) => {
    expect(parseIpv6(text)).toBeNull();
  });
});
