/** Numeric hashing of tuples (murmur3-style mixing), so tables never build string keys. */

export function mix32(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a 5-tuple plus a seed (e.g. the zone). */
export function hashTuple(seed: number, proto: number, src: number, dst: number, sport: number, dport: number): number {
  let h = mix32(seed | 0, proto);
  h = mix32(h, src);
  h = mix32(h, dst);
  h = mix32(h, ((sport & 0xffff) << 16) | (dport & 0xffff));
  return fmix32(h);
}
