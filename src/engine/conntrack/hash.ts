/**
 * The conntrack hash (nf_conntrack_hash): chained buckets over nodes, one node per direction
 * of each confirmed entry, keyed by a numeric hash of zone + 5-tuple. Heads are an Int32Array
 * of 1.25 buckets per entry slot (at full capacity a chain averages 1.6 nodes — the kernel
 * runs its table at several entries per bucket — and every node passed over costs a cache
 * miss: its node record), links are the node records' N_NEXT. No string keys, no objects per
 * lookup.
 */
import { hashTuple } from '../model/hash';
import type { CtStore } from './storage';
import { F_IPV6, H8, H16, H_FLAGS, H_ZONE, H_PROTO, N16, N32, N_SRC, N_DST, N_SPORT, N_DPORT, N_NEXT } from './storage';

/** What a lookup reads its key from: a packet's headers or a conntrack tuple. */
export interface TupleKey {
  /** l3num: 4 or 6 (an IPv6 key's addresses are ids). */
  readonly family: number;
  readonly proto: number;
  readonly src: number;
  readonly dst: number;
  readonly sport: number;
  readonly dport: number;
}

/** Buckets per entry slot (see above): 5 bytes of heads per entry. */
const BUCKETS_PER_SLOT = 1.25;

/**
 * Maps a 32-bit hash onto [0, n) as ⌊hash × n / 2^32⌋ (Lemire's multiply-shift, no division
 * and no power-of-two size), computed in two 16-bit halves so every product is exact.
 */
function reduce(hash: number, n: number): number {
  return Math.floor(((hash >>> 16) * n + ((hash & 0xffff) * n) / 65536) / 65536);
}

export class TupleHash {
  heads: Int32Array;
  /**
   * The last walk's key and answer. One packet is looked up in this hash several times over
   * (the NIC's CT table, the flowtable, nf_conntrack_in, the confirm clash check: the
   * simulator finds all four through it), and nothing in between changes the hash as a rule;
   * any insert or removal forgets the answer. Addresses start as -0 to be stored as doubles.
   */
  private lastZone = -1;
  private lastFamily = 4;
  private lastProto = 0;
  private lastSrc = -0;
  private lastDst = -0;
  private lastSport = 0;
  private lastDport = 0;
  private lastNode = -1;

  constructor(private readonly store: CtStore) {
    this.heads = newHeads(store.capacity);
  }

  bucketOf(zone: number, proto: number, src: number, dst: number, sport: number, dport: number): number {
    // The zone seeds the hash (the kernel mixes it in the same way, with a siphash key).
    return reduce(hashTuple(zone, proto, src, dst, sport, dport), this.heads.length);
  }

  /** The bucket `key` hashes to in `zone` (for the cache warm-up, see warmup.ts). */
  bucketOfKey(zone: number, key: TupleKey): number {
    return this.bucketOf(zone, key.proto, key.src, key.dst, key.sport, key.dport);
  }

  /** The bucket after `b`, wrapping (early_drop scans a few neighbouring buckets). */
  nextBucket(b: number): number {
    return b + 1 === this.heads.length ? 0 : b + 1;
  }

  private nodeBucket(node: number): number {
    const s = this.store;
    const slot = node >> 1;
    return this.bucketOf(s.h16[slot * H16 + H_ZONE], s.h8[slot * H8 + H_PROTO], s.n32[node * N32 + N_SRC], s.n32[node * N32 + N_DST], s.n16[node * N16 + N_SPORT], s.n16[node * N16 + N_DPORT]);
  }

  insert(node: number): void {
    this.lastZone = -1;
    const b = this.nodeBucket(node);
    this.store.ni32[node * N32 + N_NEXT] = this.heads[b];
    this.heads[b] = node;
  }

  remove(node: number): void {
    this.lastZone = -1;
    const next = this.store.ni32;
    const b = this.nodeBucket(node);
    let n = this.heads[b];
    if (n === node) {
      this.heads[b] = next[node * N32 + N_NEXT];
    } else {
      while (n >= 0 && next[n * N32 + N_NEXT] !== node) n = next[n * N32 + N_NEXT];
      if (n >= 0) next[n * N32 + N_NEXT] = next[node * N32 + N_NEXT];
    }
    next[node * N32 + N_NEXT] = -1;
  }

  /**
   * The node holding `key`'s tuple in `zone`, or -1. The key is read here (a packet's headers
   * or a tuple) rather than passed as numbers: addresses above 2^31 are doubles, boxed when
   * passed to a call the compiler does not inline.
   */
  find(zone: number, key: TupleKey): number {
    const s = this.store;
    const { family, proto, src, dst, sport, dport } = key;
    if (zone === this.lastZone && src === this.lastSrc && dst === this.lastDst && sport === this.lastSport && dport === this.lastDport && proto === this.lastProto && family === this.lastFamily) {
      return this.lastNode;
    }
    this.lastZone = zone;
    this.lastFamily = family;
    this.lastProto = proto;
    // The family is compared last, on an otherwise matching node (same cache line as proto):
    // IPv4 and IPv6 tuples share the buckets, as in the kernel's one hash for all l3nums.
    const v6 = family === 6 ? F_IPV6 : 0;
    this.lastSrc = src;
    this.lastDst = dst;
    this.lastSport = sport;
    this.lastDport = dport;
    let n = this.heads[this.bucketOf(zone, proto, src, dst, sport, dport)];
    while (n >= 0) {
      const slot = n >> 1;
      if (
        s.n32[n * N32 + N_SRC] === src &&
        s.n32[n * N32 + N_DST] === dst &&
        s.n16[n * N16 + N_SPORT] === sport &&
        s.n16[n * N16 + N_DPORT] === dport &&
        s.h8[slot * H8 + H_PROTO] === proto &&
        s.h16[slot * H16 + H_ZONE] === zone &&
        (s.h8[slot * H8 + H_FLAGS] & F_IPV6) === v6
      ) {
        break;
      }
      n = s.ni32[n * N32 + N_NEXT];
    }
    this.lastNode = n;
    return n;
  }

  /** Rebuilds the buckets for a new capacity; `inHash(slot)` says which entries are hashed. */
  rebuild(capacity: number, inHash: (slot: number) => boolean): void {
    this.lastZone = -1;
    this.heads = newHeads(capacity);
    for (let slot = 0; slot < this.store.top; slot++) {
      if (!inHash(slot)) continue;
      this.insert(2 * slot);
      this.insert(2 * slot + 1);
    }
  }
}

function newHeads(capacity: number): Int32Array {
  return new Int32Array(Math.ceil(capacity * BUCKETS_PER_SLOT)).fill(-1);
}
