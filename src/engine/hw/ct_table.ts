/**
 * The NIC's global CT table (mlx5 tc_ct.c: the `ct` and `ct_nat` flow tables with their
 * ct_tuples_ht / ct_tuples_nat_ht): one rule per offloaded connection direction, keyed by
 * zone + 5-tuple (TCP FIN/RST must be 0), setting the ct registers (state, mark, labels id,
 * zone restore id), rewriting NAT headers (ct_nat) and counting.
 *
 * One 48-byte record per connection (`pair`), with one node per direction
 * (`node = pair * 2 + dir`): a hardware hit reads and counts in one record rather than one
 * array per field (with a million connections in random order each array read is a cache
 * miss). The key of a node is the conntrack entry's tuple of that direction: the entry's
 * restore cookie points at the conntrack entry, whose node record already holds the tuple.
 * Conntrack hashes exactly these keys (zone + tuple), so a lookup walks conntrack's hash to
 * the entry, and the pair is the record at the entry's slot (records are indexed by conntrack
 * slot: no second hash, no slot → pair index to read on the way). That holds
 * because a pair lives only while its entry is hashed: a destroyed entry (flush, kill) takes
 * its pair with it at once (HwNic.forgetCt, before conntrack unhashes it), and installs come
 * only from the flows of live entries. (mlx5 would keep matching until its FLOW_CLS_DESTROY
 * runs; the simulator frees flow and rules together.) NAT'ed connections are flagged as ct_nat
 * entries; the rewrite target is the other direction's tuple inverted (a.6).
 *
 * | word  | field          | meaning                                                      |
 * | ----- | -------------- | ------------------------------------------------------------ |
 * | 0–1   | —              | spare (keeps the f64 fields 8-byte aligned)                  |
 * | 2     | P_MARK         | ct mark register value                                       |
 * | 3     | byte 12 flags  | E_* below                                                    |
 * |       | byte 13 + dir  | ct_state register value (CT_FLAG_*), 0 = not installed       |
 * | 4 + d | P_PACKETS      | packets since the last stats query                           |
 * | 6–9   | bytes (f64)    | bytes since the last stats query, per direction              |
 * | 10–11 | last use (f64) | µs of the last packet                                        |
 *
 * The pair of conntrack slot `ct` is record `ct` (the restore cookie is the slot itself), and
 * the flow that installs it is named `ct` too (flowtable/records.ts): mlx5 keys its entries by
 * the flow's cookie, which here is the pair's own index.
 * Records cover the conntrack slots offloaded so far, growing by doubling: ≈ 48 bytes per
 * connection when most connections are offloaded.
 */
import type { Conntrack } from '../conntrack/conntrack';
import type { TupleKey } from '../conntrack/hash';

/** Per-pair flags. */
export const E_USED = 1;
/** The connection is NAT'ed: its rules live in the ct_nat table. */
export const E_NAT = 2;
/** One counter for both directions (mlx5_tc_ct_shared_counter_get, used without nf_conntrack_acct). */
export const E_SHARED_COUNTER = 4;

const REC_WORDS = 12;
const REC_BYTES = REC_WORDS * 4;
const REC_F64 = REC_WORDS / 2;
const P_MARK = 2;
const B_FLAGS = 12;
const B_STATE = 13;
const P_PACKETS = 4;
const F_BYTES = 3;
const F_LAST_USED = 5;

const INITIAL_PAIRS = 64;

export class HwCtTable {
  /** Connections the table may hold (the NIC's capacity). */
  capacity: number;
  /** Connections held. */
  size = 0;
  /** Directions held (hardware rules). */
  entries = 0;

  /** Records allocated (conntrack slots 0 … cap-1). */
  private cap = 0;
  private u32 = new Uint32Array(0);
  private u8 = new Uint8Array(0);
  private f64 = new Float64Array(0);

  constructor(
    private readonly conntrack: Conntrack,
    capacity: number,
  ) {
    this.capacity = capacity;
  }

  /** The pair holding conntrack entry `ct`, or -1. */
  pairOf(ct: number): number {
    return ct < this.cap && this.u8[ct * REC_BYTES + B_FLAGS] & E_USED ? ct : -1;
  }

  /** Reads pair `p`'s record (a cache warm-up read, see warmup.ts). */
  touch(p: number): number {
    return p < this.cap ? this.u32[p * REC_WORDS + P_PACKETS] : 0;
  }

  /** The conntrack slot of pair `p` (the restore cookie): the pair's own index. */
  ct(p: number): number {
    return p;
  }
  mark(p: number): number {
    return this.u32[p * REC_WORDS + P_MARK];
  }
  setMark(p: number, mark: number): void {
    this.u32[p * REC_WORDS + P_MARK] = mark;
  }
  flags(p: number): number {
    return this.u8[p * REC_BYTES + B_FLAGS];
  }
  /** ct_state register value (flower CT_FLAG_* bits) of a node; 0 = direction not installed. */
  state(node: number): number {
    return this.u8[(node >> 1) * REC_BYTES + B_STATE + (node & 1)];
  }
  lastUsed(p: number): number {
    return this.f64[p * REC_F64 + F_LAST_USED];
  }
  setLastUsed(p: number, at: number): void {
    this.f64[p * REC_F64 + F_LAST_USED] = at;
  }
  /** Packets and bytes counted into `counter` (a node, see counterOf) since the last query. */
  packets(counter: number): number {
    return this.u32[(counter >> 1) * REC_WORDS + P_PACKETS + (counter & 1)];
  }
  bytes(counter: number): number {
    return this.f64[(counter >> 1) * REC_F64 + F_BYTES + (counter & 1)];
  }
  /** A hardware hit on `node`: counts the packet and stamps the pair's last use. */
  hit(node: number, bytes: number, now: number): void {
    const counter = this.counterOf(node);
    const p = counter >> 1;
    this.u32[p * REC_WORDS + P_PACKETS + (counter & 1)]++;
    this.f64[p * REC_F64 + F_BYTES + (counter & 1)] += bytes;
    this.f64[p * REC_F64 + F_LAST_USED] = now;
  }
  /** mlx5_fc_query_cached's reset: the counter starts again from 0. */
  clearCounter(counter: number): void {
    this.u32[(counter >> 1) * REC_WORDS + P_PACKETS + (counter & 1)] = 0;
    this.f64[(counter >> 1) * REC_F64 + F_BYTES + (counter & 1)] = 0;
  }

  /** A pair for `ct` (existing or new); -1 when the table is full. */
  acquire(ct: number, mark: number, nat: boolean, sharedCounter: boolean): number {
    const existing = this.pairOf(ct);
    if (existing >= 0) return existing;
    if (this.size >= this.capacity) return -1;
    if (ct >= this.cap) this.grow(ct + 1);
    const p = ct;
    this.u8.fill(0, p * REC_BYTES, (p + 1) * REC_BYTES);
    this.u32[p * REC_WORDS + P_MARK] = mark;
    this.u8[p * REC_BYTES + B_FLAGS] = E_USED | (nat ? E_NAT : 0) | (sharedCounter ? E_SHARED_COUNTER : 0);
    this.size++;
    return p;
  }

  /** Installs (or updates the state of) one direction's rule. */
  install(p: number, dir: 0 | 1, state: number): void {
    const node = 2 * p + dir;
    if (this.state(node) === 0) {
      this.entries++;
    }
    this.u8[p * REC_BYTES + B_STATE + dir] = state;
  }

  /** Removes one direction's rule; the pair goes with its last rule. */
  remove(p: number, dir: 0 | 1): void {
    const node = 2 * p + dir;
    if (this.state(node) !== 0) {
      this.u8[p * REC_BYTES + B_STATE + dir] = 0;
      this.entries--;
    }
    if (this.state(2 * p) === 0 && this.state(2 * p + 1) === 0) this.release(p);
  }

  /** Removes the pair and both its rules. */
  removePair(p: number): void {
    this.remove(p, 0);
    if (this.flags(p) & E_USED) this.remove(p, 1);
  }

  /**
   * The node matching zone + 5-tuple (read from `key`, a packet), or -1. `nat` selects the
   * ct_nat table; `natInCt` lets a NAT'ed connection's rule be found from the plain ct table
   * too (drivers before the ct/ct_nat split, ≈5.8–6.0, installed every entry in both tables).
   */
  lookup(zone: number, key: TupleKey, nat: boolean, natInCt: boolean): number {
    const node = this.conntrack.findNode(zone, key);
    if (node < 0) return -1;
    const p = this.pairOf(node >> 1);
    if (p < 0 || this.state(node) === 0) return -1;
    return nat || natInCt || !(this.u8[p * REC_BYTES + B_FLAGS] & E_NAT) ? node : -1;
  }

  /** The counter a node counts into (both directions share one without conntrack accounting). */
  counterOf(node: number): number {
    return this.u8[(node >> 1) * REC_BYTES + B_FLAGS] & E_SHARED_COUNTER ? node & ~1 : node;
  }

  /** Least recently used pair whose last packet is older than `before` (for eviction), or -1. */
  idlest(before: number): number {
    let best = -1;
    for (let p = 0; p < this.cap; p++) {
      if (!(this.flags(p) & E_USED) || this.lastUsed(p) >= before) continue;
      if (best < 0 || this.lastUsed(p) < this.lastUsed(best)) best = p;
    }
    return best;
  }

  forEachPair(fn: (p: number) => void): void {
    for (let p = 0; p < this.cap; p++) if (this.flags(p) & E_USED) fn(p);
  }

  byteLength(): number {
    return this.u8.byteLength;
  }

  private release(p: number): void {
    if (!(this.flags(p) & E_USED)) return;
    this.u8[p * REC_BYTES + B_FLAGS] = 0;
    this.size--;
  }

  /** Covers conntrack slots up to `min` - 1, doubling. */
  private grow(min: number): void {
    let pairs = Math.max(INITIAL_PAIRS, this.cap);
    while (pairs < min) pairs *= 2;
    const buf = new ArrayBuffer(pairs * REC_BYTES);
    new Uint8Array(buf).set(this.u8);
    this.u8 = new Uint8Array(buf);
    this.u32 = new Uint32Array(buf);
    this.f64 = new Float64Array(buf);
    this.cap = pairs;
  }
}
