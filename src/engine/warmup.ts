/**
 * Cache warm-up for a burst of packets, as drivers prefetch in their NAPI poll loop and DPDK's
 * bulk hash lookups do: before a burst is processed, the lookups its packets will make are
 * walked together, one stage at a time — every bucket head, then every chain node, then each
 * found entry's record (its flow included) and hardware CT record. With a million connections
 * in random order each of those reads is a cache miss (~150 ns on a VM, TLB walk included);
 * issued back to back from a small loop they overlap, so the burst then runs from the caches
 * instead of waiting for each miss in turn (a dependent miss costs the whole latency, an
 * overlapped one ~25–40 ns here).
 *
 * Only reads happen here: nothing a packet sees or does changes, and a key that turns out to
 * differ from the packet's (NAT, a connection that moved on within the burst) costs nothing
 * but the wasted reads. The zones warmed are those with a flowtable: every zone an act_ct
 * instance looks up in.
 */
import { IPS_HW_OFFLOAD, type Conntrack } from './conntrack/conntrack';
import type { TupleKey } from './conntrack/hash';
import { H16, H_STATUS, N16, N32, N_DPORT, N_NEXT, N_SPORT, N_SRC } from './conntrack/storage';
import type { Flowtables } from './flowtable/flowtables';
import type { HwCtTable } from './hw/ct_table';

/** Lookups warmed at once (packets × zones); further ones in a burst are not warmed. */
const MAX_WARM = 256;
/** Chain nodes followed per lookup (chains average 1.6 nodes at full load). */
const MAX_DEPTH = 4;

export class Warmup {
  /** Per lookup: its bucket, then the chain node being visited (-1: done), then the node found. */
  private readonly bucket = new Int32Array(MAX_WARM);
  private readonly node = new Int32Array(MAX_WARM);
  private readonly found = new Int32Array(MAX_WARM);
  /**
   * The key's source address and ports: the cheap part of the comparison, enough to pick the
   * node (a node that only looks alike costs a wasted read, nothing else).
   */
  private readonly src = new Float64Array(MAX_WARM);
  private readonly ports = new Uint32Array(MAX_WARM);
  /** The found entry's slot, and whether its packets run in hardware (its CT record) or software (its flow). */
  private readonly slot = new Int32Array(MAX_WARM);
  private readonly inHw = new Uint8Array(MAX_WARM);
  private n = 0;
  /** What the reads returned, folded together so the compiler cannot drop them. */
  sink = 0;

  constructor(
    private readonly conntrack: Conntrack,
    private readonly flowtables: Flowtables,
    private readonly hwTable: HwCtTable,
  ) {}

  /** Queues the lookups of `key` (a packet's headers) in every zone act_ct uses: hashing only, no reads. */
  add(key: TupleKey): void {
    const tables = this.flowtables.live;
    for (let t = 0; t < tables.length && this.n < MAX_WARM; t++) {
      const i = this.n++;
      this.bucket[i] = this.conntrack.bucketOf(tables[t].zone, key);
      this.src[i] = key.src;
      this.ports[i] = ((key.sport << 16) | key.dport) >>> 0;
    }
  }

  /**
   * Walks the queued lookups stage by stage (each stage's reads are independent of each
   * other); returns how many found an entry.
   */
  warm(): number {
    const n = this.n;
    this.n = 0;
    const s = this.conntrack.store;
    const heads = this.conntrack.bucketHeads;
    for (let i = 0; i < n; i++) {
      this.node[i] = heads[this.bucket[i]];
      this.found[i] = -1;
    }
    for (let depth = 0, walking = n; depth < MAX_DEPTH && walking > 0; depth++) {
      walking = 0;
      for (let i = 0; i < n; i++) {
        const node = this.node[i];
        if (node < 0) continue;
        if (s.n32[node * N32 + N_SRC] === this.src[i] && ((s.n16[node * N16 + N_SPORT] << 16) | s.n16[node * N16 + N_DPORT]) >>> 0 === this.ports[i]) {
          this.found[i] = node;
          this.node[i] = -1;
        } else {
          this.node[i] = s.ni32[node * N32 + N_NEXT];
          walking++;
        }
      }
    }
    let found = 0;
    for (let i = 0; i < n; i++) {
      const node = this.found[i];
      this.slot[i] = node >> 1;
      if (node < 0) continue;
      found++;
      // Packets of a connection in hardware read its CT record (the others the entry's flow).
      this.inHw[i] = s.h16[(node >> 1) * H16 + H_STATUS] & IPS_HW_OFFLOAD ? 1 : 0;
    }
    // The flow is in the entry's record, read above; the CT record is at the entry's slot.
    let sink = this.sink;
    for (let i = 0; i < n; i++) {
      if (this.slot[i] >= 0 && this.inHw[i]) sink ^= this.hwTable.touch(this.slot[i]);
    }
    this.sink = sink;
    return found;
  }
}
