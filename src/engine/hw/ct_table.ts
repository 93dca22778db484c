/**
 * The NIC's global CT table (mlx5 tc_ct.c: the `ct` and `ct_nat` flow tables with their
 * ct_tuples_ht / ct_tuples_nat_ht): one rule per offloaded connection direction, keyed by
 * zone + 5-tuple (TCP FIN/RST must be 0), setting the ct registers (state, mark, labels id,
 * zone restore id), rewriting NAT headers (ct_nat) and counting.
 *
 * Storage is struct-of-arrays by connection (`pair`), one node per direction
 * (`node = pair * 2 + dir`). The key of a node is the conntrack entry's tuple of that direction:
 * the entry's restore cookie points at the conntrack entry, whose columns already hold the
 * tuple, so the key is read there rather than stored twice. NAT'ed connections are flagged as
 * ct_nat entries; the rewrite target is the other direction's tuple inverted (a.6).
 *
 * Bytes per connection: 4 (ct) + 4 (flow) + 4 (mark) + 2 (state per direction) + 1 (flags)
 * + 8 (last use) + 8 (hash links) + 8 (packets) + 16 (bytes) + 4 (ct → pair) + hash heads
 * (8–16) ≈ 67–75.
 */
import type { Conntrack } from '../conntrack/conntrack';
import { hashTuple } from '../model/hash';

/** Per-pair flags. */
export const E_USED = 1;
/** The connection is NAT'ed: its rules live in the ct_nat table. */
export const E_NAT = 2;
/** One counter for both directions (mlx5_tc_ct_shared_counter_get, used without nf_conntrack_acct). */
export const E_SHARED_COUNTER = 4;

const INITIAL_PAIRS = 64;

export class HwCtTable {
  /** Connections the table may hold (the NIC's capacity). */
  capacity: number;
  /** Connections held. */
  size = 0;
  /** Directions held (hardware rules). */
  entries = 0;

  private cap = 0;
  private top = 0;
  private free: number[] = [];
  ctOf = new Int32Array(0);
  /** The flowtable flow (slot) whose FLOW_CLS_REPLACE installed the pair (mlx5 keys entries by that cookie). */
  flowOf = new Int32Array(0);
  markOf = new Uint32Array(0);
  flagsOf = new Uint8Array(0);
  lastUsed = new Float64Array(0);
  /** Per node: ct_state register value (flower CT_FLAG_* bits); 0 = direction not installed. */
  stateOf = new Uint8Array(0);
  private next = new Int32Array(0);
  /** Per node: packets and bytes since the last stats query. */
  packets = new Uint32Array(0);
  bytes = new Float64Array(0);
  private heads = new Int32Array(0);
  /** conntrack slot → pair + 1 (0 = none). */
  private pairOfCt = new Int32Array(0);

  constructor(
    private readonly conntrack: Conntrack,
    capacity: number,
  ) {
    this.capacity = capacity;
    this.grow(INITIAL_PAIRS);
  }

  /** The pair holding conntrack entry `ct`, or -1. */
  pairOf(ct: number): number {
    return ct < this.pairOfCt.length ? this.pairOfCt[ct] - 1 : -1;
  }

  /** A pair for `ct` (existing or new); -1 when the table is full. */
  acquire(ct: number, mark: number, nat: boolean, sharedCounter: boolean): number {
    const existing = this.pairOf(ct);
    if (existing >= 0) return existing;
    if (this.size >= this.capacity) return -1;
    if (this.top === this.cap && this.free.length === 0) this.grow(this.cap * 2);
    const p = this.free.length ? this.free.pop()! : this.top++;
    this.ctOf[p] = ct;
    this.markOf[p] = mark;
    this.flagsOf[p] = E_USED | (nat ? E_NAT : 0) | (sharedCounter ? E_SHARED_COUNTER : 0);
    this.lastUsed[p] = 0;
    this.stateOf[2 * p] = this.stateOf[2 * p + 1] = 0;
    this.packets[2 * p] = this.packets[2 * p + 1] = 0;
    this.bytes[2 * p] = this.bytes[2 * p + 1] = 0;
    if (ct >= this.pairOfCt.length) this.growCtIndex(ct + 1);
    this.pairOfCt[ct] = p + 1;
    this.size++;
    return p;
  }

  /** Installs (or updates the state of) one direction's rule. */
  install(p: number, dir: 0 | 1, state: number): void {
    const node = 2 * p + dir;
    if (this.stateOf[node] === 0) {
      const b = this.bucketOfNode(node);
      this.next[node] = this.heads[b];
      this.heads[b] = node;
      this.entries++;
    }
    this.stateOf[node] = state;
  }

  /** Removes one direction's rule; the pair goes with its last rule. */
  remove(p: number, dir: 0 | 1): void {
    const node = 2 * p + dir;
    if (this.stateOf[node] !== 0) {
      this.unlink(node);
      this.stateOf[node] = 0;
      this.entries--;
    }
    if (this.stateOf[2 * p] === 0 && this.stateOf[2 * p + 1] === 0) this.release(p);
  }

  /** Removes the pair and both its rules. */
  removePair(p: number): void {
    this.remove(p, 0);
    if (this.flagsOf[p] & E_USED) this.remove(p, 1);
  }

  /**
   * The node matching zone + 5-tuple, or -1. `nat` selects the ct_nat table; `natInCt` lets a
   * NAT'ed connection's rule be found from the plain ct table too (drivers before the
   * ct/ct_nat split, ≈5.8–6.0, installed every entry in both tables).
   */
  lookup(zone: number, proto: number, src: number, dst: number, sport: number, dport: number, nat: boolean, natInCt: boolean): number {
    const s = this.conntrack.store;
    let node = this.heads[hashTuple(zone, proto, src, dst, sport, dport) & (this.heads.length - 1)];
    while (node >= 0) {
      const p = node >> 1;
      const ct = this.ctOf[p];
      const n = 2 * ct + (node & 1);
      if (s.src[n] === src && s.dst[n] === dst && s.sport[n] === sport && s.dport[n] === dport && s.proto[ct] === proto && s.zone[ct] === zone) {
        if (nat || natInCt || !(this.flagsOf[p] & E_NAT)) return node;
      }
      node = this.next[node];
    }
    return -1;
  }

  /** The counter a node counts into (both directions share one without conntrack accounting). */
  counterOf(node: number): number {
    return this.flagsOf[node >> 1] & E_SHARED_COUNTER ? node & ~1 : node;
  }

  /** Least recently used pair whose last packet is older than `before` (for eviction), or -1. */
  idlest(before: number): number {
    let best = -1;
    for (let p = 0; p < this.top; p++) {
      if (!(this.flagsOf[p] & E_USED) || this.lastUsed[p] >= before) continue;
      if (best < 0 || this.lastUsed[p] < this.lastUsed[best]) best = p;
    }
    return best;
  }

  forEachPair(fn: (p: number) => void): void {
    for (let p = 0; p < this.top; p++) if (this.flagsOf[p] & E_USED) fn(p);
  }

  byteLength(): number {
    return (
      this.ctOf.byteLength + this.flowOf.byteLength + this.markOf.byteLength + this.flagsOf.byteLength + this.lastUsed.byteLength + this.stateOf.byteLength +
      this.next.byteLength + this.packets.byteLength + this.bytes.byteLength + this.heads.byteLength + this.pairOfCt.byteLength
    );
  }

  private release(p: number): void {
    if (!(this.flagsOf[p] & E_USED)) return;
    this.pairOfCt[this.ctOf[p]] = 0;
    this.flagsOf[p] = 0;
    this.ctOf[p] = -1;
    this.size--;
    this.free.push(p);
  }

  private bucketOfNode(node: number): number {
    const s = this.conntrack.store;
    const ct = this.ctOf[node >> 1];
    const n = 2 * ct + (node & 1);
    return hashTuple(s.zone[ct], s.proto[ct], s.src[n], s.dst[n], s.sport[n], s.dport[n]) & (this.heads.length - 1);
  }

  private unlink(node: number): void {
    const b = this.bucketOfNode(node);
    let prev = -1;
    let cur = this.heads[b];
    while (cur >= 0 && cur !== node) {
      prev = cur;
      cur = this.next[cur];
    }
    if (cur < 0) return;
    if (prev < 0) this.heads[b] = this.next[node];
    else this.next[prev] = this.next[node];
  }

  private grow(pairs: number): void {
    const copy = <T extends Int32Array | Uint32Array | Uint8Array | Float64Array>(old: T, n: number, fill?: number): T => {
      const next = new (old.constructor as new (n: number) => T)(n);
      next.set(old);
      if (fill !== undefined) next.fill(fill, old.length);
      return next;
    };
    this.ctOf = copy(this.ctOf, pairs, -1);
    this.flowOf = copy(this.flowOf, pairs, -1);
    this.markOf = copy(this.markOf, pairs);
    this.flagsOf = copy(this.flagsOf, pairs);
    this.lastUsed = copy(this.lastUsed, pairs);
    this.stateOf = copy(this.stateOf, pairs * 2);
    this.next = copy(this.next, pairs * 2, -1);
    this.packets = copy(this.packets, pairs * 2);
    this.bytes = copy(this.bytes, pairs * 2);
    this.cap = pairs;
    let n = 1;
    while (n < pairs * 2) n <<= 1;
    this.heads = new Int32Array(n).fill(-1);
    for (let node = 0; node < this.top * 2; node++) {
      if (this.stateOf[node] === 0) continue;
      const b = this.bucketOfNode(node);
      this.next[node] = this.heads[b];
      this.heads[b] = node;
    }
  }

  private growCtIndex(min: number): void {
    let n = Math.max(64, this.pairOfCt.length);
    while (n < min) n *= 2;
    const next = new Int32Array(n);
    next.set(this.pairOfCt);
    this.pairOfCt = next;
  }
}
