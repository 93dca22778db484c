/**
 * The flows of every zone's nf_flowtable (struct flow_offload: the conntrack, flags and
 * timeout), one 12-byte record per conntrack slot. A conntrack entry belongs to one zone, so
 * to at most one flow, and act_ct adds a flow to the table of the entry's own zone: the flow
 * of entry `ct` is record `ct`, tagged with the zone of the table holding it. A lookup that
 * walked conntrack's hash to the entry then reads its flow without another index.
 *
 * | word | field        | meaning                                                     |
 * | ---- | ------------ | ----------------------------------------------------------- |
 * | 0    | R_ZONE (i32) | zone of the flowtable holding the flow, -1 for no flow      |
 * | 1    | R_FLAGS      | enum nf_flow_flags (low 9 bits); above them, timeout bits   |
 * |      |              | 32–52                                                       |
 * | 2    | R_TIMEOUT_LO | timeout bits 0–31                                           |
 *
 * The timeout (absolute, µs) is an integer below 2^53 like every virtual time, so its 53 bits
 * split over two words hold it exactly, without a float64's 8-byte alignment. Records cover
 * the conntrack slots that had a flow so far, growing by doubling.
 */

/** A flow's record: REC 32-bit words (table above). */
const REC = 3;
const R_ZONE = 0;
/** enum nf_flow_flags in the low FLAGS_BITS bits, the timeout's high bits above them. */
const R_FLAGS = 1;
const FLAGS_BITS = 9;
const FLAGS_MASK = (1 << FLAGS_BITS) - 1;
const R_TIMEOUT_LO = 2;
const TWO_32 = 2 ** 32;
const INITIAL_RECORDS = 64;

export class FlowRecords {
  /** Records allocated (conntrack slots 0 … cap-1). */
  cap = 0;
  /** The records, seen as unsigned words (flags, timeout) and signed words (zone). */
  private u32 = new Uint32Array(0);
  private i32 = new Int32Array(0);

  /** Zone of the table whose flow holds entry `ct`, or -1. */
  zone(ct: number): number {
    return ct < this.cap ? this.i32[ct * REC + R_ZONE] : -1;
  }

  /** A new flow for entry `ct` in `zone`'s table, with `flags` and no timeout yet. */
  claim(ct: number, zone: number, flags: number): void {
    if (ct >= this.cap) this.grow(ct + 1);
    this.i32[ct * REC + R_ZONE] = zone;
    this.u32[ct * REC + R_FLAGS] = flags & FLAGS_MASK;
    this.u32[ct * REC + R_TIMEOUT_LO] = 0;
  }

  release(ct: number): void {
    this.i32[ct * REC + R_ZONE] = -1;
    this.u32[ct * REC + R_FLAGS] = 0;
  }

  flags(flow: number): number {
    return this.u32[flow * REC + R_FLAGS] & FLAGS_MASK;
  }

  setFlags(flow: number, bits: number): void {
    this.u32[flow * REC + R_FLAGS] |= bits & FLAGS_MASK;
  }

  clearFlags(flow: number, bits: number): void {
    this.u32[flow * REC + R_FLAGS] &= ~(bits & FLAGS_MASK);
  }

  timeout(flow: number): number {
    return (this.u32[flow * REC + R_FLAGS] >>> FLAGS_BITS) * TWO_32 + this.u32[flow * REC + R_TIMEOUT_LO];
  }

  setTimeout(flow: number, at: number): void {
    const w = flow * REC;
    this.u32[w + R_FLAGS] = (this.u32[w + R_FLAGS] & FLAGS_MASK) | (Math.floor(at / TWO_32) << FLAGS_BITS);
    this.u32[w + R_TIMEOUT_LO] = at >>> 0;
  }

  /** Reads entry `ct`'s record (a cache warm-up read, see warmup.ts). */
  touch(ct: number): number {
    return ct < this.cap ? this.u32[ct * REC + R_FLAGS] : 0;
  }

  /** Bytes held by the records (the benchmark's memory breakdown). */
  byteLength(): number {
    return this.u32.byteLength;
  }

  /** Covers conntrack slots up to `min` - 1, doubling; new records hold no flow. */
  private grow(min: number): void {
    let cap = Math.max(INITIAL_RECORDS, this.cap);
    while (cap < min) cap *= 2;
    const buf = new ArrayBuffer(cap * REC * 4);
    new Uint32Array(buf).set(this.u32);
    this.u32 = new Uint32Array(buf);
    this.i32 = new Int32Array(buf);
    for (let ct = this.cap; ct < cap; ct++) this.i32[ct * REC + R_ZONE] = -1;
    this.cap = cap;
  }
}
