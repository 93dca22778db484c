/**
 * The conntrack hash (nf_conntrack_hash): chained buckets over nodes, one node per direction
 * of each confirmed entry, keyed by a numeric hash of zone + 5-tuple. Heads are an Int32Array
 * with a bucket per node (load factor ≤ 1: every node passed over on the way costs cache
 * misses, one per column it reads), links are `store.hashNext`. No string keys, no objects
 * per lookup.
 */
import { hashTuple } from '../model/hash';
import type { CtStore } from './storage';

export class TupleHash {
  heads: Int32Array;
  mask: number;

  constructor(private readonly store: CtStore) {
    this.heads = new Int32Array(2 * store.capacity).fill(-1);
    this.mask = 2 * store.capacity - 1;
  }

  bucketOf(zone: number, proto: number, src: number, dst: number, sport: number, dport: number): number {
    // The zone seeds the hash (the kernel mixes it in the same way, with a siphash key).
    return hashTuple(zone, proto, src, dst, sport, dport) & this.mask;
  }

  private nodeBucket(node: number): number {
    const s = this.store;
    const slot = node >> 1;
    return this.bucketOf(s.zone[slot], s.proto[slot], s.src[node], s.dst[node], s.sport[node], s.dport[node]);
  }

  insert(node: number): void {
    const b = this.nodeBucket(node);
    this.store.hashNext[node] = this.heads[b];
    this.heads[b] = node;
  }

  remove(node: number): void {
    const next = this.store.hashNext;
    const b = this.nodeBucket(node);
    let n = this.heads[b];
    if (n === node) {
      this.heads[b] = next[node];
    } else {
      while (n >= 0 && next[n] !== node) n = next[n];
      if (n >= 0) next[n] = next[node];
    }
    next[node] = -1;
  }

  /** The node holding this tuple in `zone`, or -1. */
  find(zone: number, proto: number, src: number, dst: number, sport: number, dport: number): number {
    const s = this.store;
    let n = this.heads[this.bucketOf(zone, proto, src, dst, sport, dport)];
    while (n >= 0) {
      const slot = n >> 1;
      if (
        s.src[n] === src &&
        s.dst[n] === dst &&
        s.sport[n] === sport &&
        s.dport[n] === dport &&
        s.proto[slot] === proto &&
        s.zone[slot] === zone
      ) {
        return n;
      }
      n = s.hashNext[n];
    }
    return -1;
  }

  /** Rebuilds the buckets for a new capacity; `inHash(slot)` says which entries are hashed. */
  rebuild(capacity: number, inHash: (slot: number) => boolean): void {
    this.heads = new Int32Array(2 * capacity).fill(-1);
    this.mask = 2 * capacity - 1;
    for (let slot = 0; slot < this.store.top; slot++) {
      if (!inHash(slot)) continue;
      this.insert(2 * slot);
      this.insert(2 * slot + 1);
    }
  }
}
