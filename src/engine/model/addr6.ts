/**
 * IPv6 addresses, interned. Packets, tuples and conntrack storage hold an address as one
 * 32-bit number; for IPv6 that number is an id in this table and the packet's or entry's
 * family says which space it is in, so every table keeps its shape and the IPv4 hot path its
 * speed. An id is the address's own hash (probing to the next free id on a collision), so ids —
 * and the hash buckets they fall in — do not depend on the order addresses were first seen.
 * The table is shared by every simulator in the process and never shrinks: ids are values,
 * like IPv4 addresses, and may be kept anywhere.
 */
import { fmix32, mix32 } from './hash';

/** The four 32-bit words of an address, most significant first (network order). */
export type Words6 = readonly [number, number, number, number];

const byId = new Map<number, number>(); // id → offset of its words in `words`
let words = new Uint32Array(4 * 256);
let count = 0;

function hashWords(w0: number, w1: number, w2: number, w3: number): number {
  return fmix32(mix32(mix32(mix32(mix32(0x6a09e667, w0), w1), w2), w3));
}

/** The id of an address, interning it on first use. */
export function intern6(w0: number, w1: number, w2: number, w3: number): number {
  w0 >>>= 0;
  w1 >>>= 0;
  w2 >>>= 0;
  w3 >>>= 0;
  let id = hashWords(w0, w1, w2, w3);
  for (;;) {
    const at = byId.get(id);
    if (at === undefined) break;
    if (words[at] === w0 && words[at + 1] === w1 && words[at + 2] === w2 && words[at + 3] === w3) return id;
    id = (id + 1) >>> 0;
  }
  if (4 * (count + 1) > words.length) {
    const bigger = new Uint32Array(words.length * 2);
    bigger.set(words);
    words = bigger;
  }
  const at = 4 * count++;
  words.set([w0, w1, w2, w3], at);
  byId.set(id, at);
  return id;
}

/** Word `i` (0 = most significant) of an interned address. */
export function word6(id: number, i: number): number {
  const at = byId.get(id);
  return at === undefined ? 0 : words[at + i];
}

export function words6(id: number): Words6 {
  return [word6(id, 0), word6(id, 1), word6(id, 2), word6(id, 3)];
}

/** Orders two addresses as 128-bit numbers (for NAT ranges): <0, 0 or >0. */
export function compare6(a: number, b: number): number {
  if (a === b) return 0;
  for (let i = 0; i < 4; i++) {
    const d = word6(a, i) - word6(b, i);
    if (d !== 0) return d;
  }
  return 0;
}

/** inet_pton(AF_INET6): eight groups, one `::`, an IPv4 tail allowed; null when not one. */
export function parseIpv6(text: string): number | null {
  if (text.length < 2 || text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const groups: number[] = [];
  let gap = -1;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  for (let h = 0; h < halves.length; h++) {
    if (h === 1) gap = groups.length;
    if (halves[h] === '') continue;
    const parts = halves[h].split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && h === halves.length - 1 && p.includes('.')) {
        const v4 = ipv4Tail(p);
        if (v4 === null) return null;
        groups.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        groups.push(parseInt(p, 16));
      }
    }
  }
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return null;
  if (gap >= 0) groups.splice(gap, 0, ...new Array<number>(8 - groups.length).fill(0));
  return intern6(groups[0] * 65536 + groups[1], groups[2] * 65536 + groups[3], groups[4] * 65536 + groups[5], groups[6] * 65536 + groups[7]);
}

function ipv4Tail(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    v = v * 256 + Number(p);
  }
  return v;
}

/**
 * inet_ntop(AF_INET6) as glibc writes it (what iproute2 and conntrack-tools print): lowercase
 * hex, the longest run of two or more zero groups (the first of equal runs) as `::`, and
 * `::a.b.c.d` / `::ffff:a.b.c.d` for IPv4-compatible and IPv4-mapped addresses.
 */
export function formatIpv6(id: number): string {
  const g: number[] = [];
  for (let i = 0; i < 4; i++) {
    const w = word6(id, i);
    g.push(w >>> 16, w & 0xffff);
  }
  let bestAt = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i];
    i = j;
  }
  if (bestLen < 2) bestAt = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestAt) {
      out += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    if (i === 6 && bestAt === 0 && (bestLen === 6 || (bestLen === 5 && g[5] === 0xffff))) {
      const v4 = word6(id, 3);
      return `${out}${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.${v4 & 255}`;
    }
    out += g[i].toString(16) + (i < 7 ? ':' : '');
  }
  return out;
}

/** The address with all but the first `len` bits cleared (a prefix's network). */
export function network6(id: number, len: number): number {
  const w = words6(id).map((x, i) => (x & mask6Word(len, i)) >>> 0);
  return intern6(w[0], w[1], w[2], w[3]);
}

/** Word `i` of a /len mask. */
export function mask6Word(len: number, i: number): number {
  const bits = Math.max(0, Math.min(32, len - 32 * i));
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** Whether `addr` lies in `net`/`len`. */
export function inPrefix6(addr: number, net: number, len: number): boolean {
  for (let i = 0; i < 4; i++) {
    const m = mask6Word(len, i);
    if (((word6(addr, i) & m) >>> 0) !== ((word6(net, i) & m) >>> 0)) return false;
  }
  return true;
}

/** The address `n` above `id` (n < 2^32), wrapping within the low word's carry chain. */
export function add6(id: number, n: number): number {
  const w = [...words6(id)];
  let carry = n;
  for (let i = 3; i >= 0 && carry > 0; i--) {
    const sum = w[i] + carry;
    w[i] = sum >>> 0;
    carry = Math.floor(sum / 2 ** 32);
  }
  return intern6(w[0], w[1], w[2], w[3]);
}
