/**
 * Baselines timed in the same run as the engine, so the engine's figures compare across
 * machines: a JavaScript Map keyed by prebuilt strings (what a naive table would do) and a
 * typed-array open-addressing table (about the floor for a 5-tuple lookup in JavaScript), both
 * over the same tuples the engine tracks, looked up in a random order.
 */
import { hashTuple } from '../engine/model/hash';
import { IPPROTO_TCP } from '../engine/model/packet';
import { Rng } from '../engine/rng';
import { ClientAddressing } from '../engine/traffic/addressing';
import type { Prefix } from '../engine/model/addr';
import { bestOfNs } from './timing';

/** The connections' 5-tuples as columns (original direction). */
export interface TupleSet {
  count: number;
  src: Uint32Array;
  dst: Uint32Array;
  sport: Uint16Array;
  dport: number;
}

/** The tuples of the generator's first `count` connections (the ones the engine benchmark opens). */
export function generatorTuples(count: number, src: Prefix, dst: Prefix, dport: number): TupleSet {
  const a = new ClientAddressing(src, dst);
  const t: TupleSet = { count, src: new Uint32Array(count), dst: new Uint32Array(count), sport: new Uint16Array(count), dport };
  for (let k = 0; k < count; k++) {
    t.src[k] = a.client(k);
    t.dst[k] = a.server(k);
    t.sport[k] = a.clientPort(k);
  }
  return t;
}

/** A seeded permutation of 0…count-1 repeated to `length` entries: the lookup order. */
export function lookupOrder(count: number, length: number, seed: number): Uint32Array {
  const rng = new Rng(seed);
  const perm = new Uint32Array(count);
  for (let i = 0; i < count; i++) perm[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng.float() * (i + 1));
    const x = perm[i];
    perm[i] = perm[j];
    perm[j] = x;
  }
  const order = new Uint32Array(length);
  for (let i = 0; i < length; i++) order[i] = perm[i % count];
  return order;
}

const REPS = 3;

/** ns per lookup in a Map<string, number> whose query strings were built beforehand. */
export function mapLookupNs(t: TupleSet, order: Uint32Array): number {
  const keys: string[] = new Array(t.count);
  for (let k = 0; k < t.count; k++) keys[k] = `${IPPROTO_TCP} ${t.src[k]}:${t.sport[k]} ${t.dst[k]}:${t.dport}`;
  const map = new Map<string, number>();
  for (let k = 0; k < t.count; k++) map.set(keys[k], k);
  // The query keys are the same string objects, so V8 has their hashes cached: pure lookup cost.
  const queries: string[] = new Array(order.length);
  for (let i = 0; i < order.length; i++) queries[i] = keys[order[i]];
  let sink = 0;
  const ns = bestOfNs(REPS, () => {
    for (let i = 0; i < queries.length; i++) sink += map.get(queries[i])!;
  });
  if (sink === -1) throw new Error('unreachable');
  return ns / order.length;
}

/**
 * ns per lookup in an open-addressing table (linear probing, load 0.5) whose slots hold the
 * key inline — source, destination, ports — beside the entry index, so a probe touches one
 * cache line.
 */
export function openAddressingLookupNs(t: TupleSet, order: Uint32Array): number {
  let size = 1;
  while (size < 2 * t.count) size <<= 1;
  const mask = size - 1;
  const STRIDE = 4;
  const table = new Uint32Array(size * STRIDE); // src, dst, sport << 16 | dport, index + 1 (0 = empty)
  const ports = (sport: number): number => ((sport << 16) | t.dport) >>> 0;
  for (let k = 0; k < t.count; k++) {
    let i = hashTuple(0, IPPROTO_TCP, t.src[k], t.dst[k], t.sport[k], t.dport) & mask;
    while (table[i * STRIDE + 3] !== 0) i = (i + 1) & mask;
    table.set([t.src[k], t.dst[k], ports(t.sport[k]), k + 1], i * STRIDE);
  }
  // Queries carry only the header fields, as a packet does; the lookup hashes and compares them.
  const qSrc = new Uint32Array(order.length);
  const qDst = new Uint32Array(order.length);
  const qSport = new Uint16Array(order.length);
  for (let i = 0; i < order.length; i++) {
    qSrc[i] = t.src[order[i]];
    qDst[i] = t.dst[order[i]];
    qSport[i] = t.sport[order[i]];
  }
  const dport = t.dport;
  let sink = 0;
  const ns = bestOfNs(REPS, () => {
    for (let q = 0; q < order.length; q++) {
      const s = qSrc[q];
      const d = qDst[q];
      const p = ports(qSport[q]);
      let i = hashTuple(0, IPPROTO_TCP, s, d, qSport[q], dport) & mask;
      for (;;) {
        const at = i * STRIDE;
        const idx = table[at + 3];
        if (idx === 0 || (table[at] === s && table[at + 1] === d && table[at + 2] === p)) {
          sink += idx;
          break;
        }
        i = (i + 1) & mask;
      }
    }
  });
  if (sink === -1) throw new Error('unreachable');
  return ns / order.length;
}
