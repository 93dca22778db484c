/**
 * Storage of the offload work queue: a FIFO ring of work items (the flowtable's zone, flow,
 * operation, due time) in typed arrays. Every fast-path refresh queues an add
 * (flow_offload_refresh → nf_flow_offload_add), so an object per item would be an allocation
 * on the packet path; and a GC pass queues a stats request for every hardware flow, so the
 * ring holds no JS array whose growth would land on the JS heap.
 */

export const OPS = ['add', 'del', 'stats'] as const;
export type Op = (typeof OPS)[number];
export const OP_INDEX: Readonly<Record<Op, number>> = { add: 0, del: 1, stats: 2 };

const INITIAL_CAPACITY = 256;

export class WorkRing {
  private cap = INITIAL_CAPACITY;
  private head = 0;
  private count = 0;
  /** The flowtable's zone; -1 for a cancelled item. */
  private zone = new Int32Array(INITIAL_CAPACITY);
  private flow = new Int32Array(INITIAL_CAPACITY);
  private op = new Uint8Array(INITIAL_CAPACITY);
  private at = new Float64Array(INITIAL_CAPACITY);

  get size(): number {
    return this.count;
  }

  push(zone: number, flow: number, op: Op, at: number): void {
    if (this.count === this.cap) this.grow();
    const i = (this.head + this.count) & (this.cap - 1);
    this.zone[i] = zone;
    this.flow[i] = flow;
    this.op[i] = OP_INDEX[op];
    this.at[i] = at;
    this.count++;
  }

  // The oldest item (only while size > 0).
  headAt(): number {
    return this.at[this.head];
  }
  /** -1 when the item was cancelled. */
  headZone(): number {
    return this.zone[this.head];
  }
  headFlow(): number {
    return this.flow[this.head];
  }
  headOp(): Op {
    return OPS[this.op[this.head]];
  }

  /**
   * Drops the oldest item. A drained ring that had grown goes back to its first size: the
   * kernel frees each work item once it ran, so a burst (a GC pass queueing stats for every
   * hardware flow) must not keep its memory.
   */
  shift(): void {
    this.head = (this.head + 1) & (this.cap - 1);
    if (--this.count === 0 && this.cap > INITIAL_CAPACITY) this.resize(INITIAL_CAPACITY);
  }

  /** Queued items of one operation, cancelled ones left out (a view's read, not a packet path). */
  countOf(op: Op): number {
    const want = OP_INDEX[op];
    let n = 0;
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (this.cap - 1);
      if (this.op[i] === want && this.zone[i] >= 0) n++;
    }
    return n;
  }

  /** Cancels the queued items of a flow (they stay queued, to be skipped when due). */
  cancel(zone: number, flow: number): void {
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (this.cap - 1);
      if (this.zone[i] === zone && this.flow[i] === flow) this.zone[i] = -1;
    }
  }

  private grow(): void {
    this.resize(this.cap * 2);
  }

  /** Moves the items into rings of `cap` slots (≥ count), unrolled so the oldest is at 0. */
  private resize(cap: number): void {
    const zone = new Int32Array(cap);
    const flow = new Int32Array(cap);
    const op = new Uint8Array(cap);
    const at = new Float64Array(cap);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (this.cap - 1);
      zone[k] = this.zone[i];
      flow[k] = this.flow[i];
      op[k] = this.op[i];
      at[k] = this.at[i];
    }
    this.zone = zone;
    this.flow = flow;
    this.op = op;
    this.at = at;
    this.cap = cap;
    this.head = 0;
  }
}
