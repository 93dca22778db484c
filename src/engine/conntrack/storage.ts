/**
 * Struct-of-arrays storage for conntrack entries: one typed-array column per field, indexed
 * by slot (entry) or by node (`slot * 2 + dir`, one node per direction, as the kernel keeps
 * one tuplehash per direction). Columns grow by doubling; freed slots are reused through a
 * free list threaded through `hashNext` (a free slot is in no hash chain). No per-entry JS
 * object exists, so a million entries cost about 120 bytes each and nothing on the GC heap.
 *
 * Extensions the kernel allocates only on demand (accounting, NAT by-source links) are
 * columns allocated the first time any entry needs them; labels live in a side table.
 */

/** Internal per-entry flags (not kernel status bits). */
export const F_USED = 1; // the slot holds an entry (live, unconfirmed or dying)
export const F_ACCT = 2; // has the accounting extension (nf_conntrack_acct was 1 at creation)
export const F_LABEL = 4; // has a non-zero label in the label side table
export const F_BYSRC = 8; // linked in the NAT by-source index
export const F_WHEEL = 16; // filed in the expiry wheel
export const F_FLOW = 32; // a flowtable flow holds a reference (flow_offload_alloc … flow_offload_free)

/** Per-direction TCP window flags (struct ip_ct_tcp_state.flags, IP_CT_TCP_FLAG_*). */
export const TCPF_WINDOW_SCALE = 0x01;
export const TCPF_SACK_PERM = 0x02;
export const TCPF_CLOSE_INIT = 0x04;
export const TCPF_BE_LIBERAL = 0x08;
export const TCPF_DATA_UNACKNOWLEDGED = 0x10;
export const TCPF_MAXACK_SET = 0x20;
/** last_flags only (ip_ct_tcp.last_flags). */
export const TCPF_EXP_CHALLENGE_ACK = 0x40;
export const TCPF_SIMULTANEOUS_OPEN = 0x80;

const INITIAL_CAPACITY = 1024;

type Column = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

function resized<T extends Column>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a as ArrayLike<number> & T);
  return b;
}

export class CtStore {
  capacity: number;
  /** Slots below `top` have been handed out at least once (iteration bound). */
  top = 0;
  /** Slots in use (live, unconfirmed and dying entries): what nf_conntrack_max limits. */
  used = 0;
  private freeHead = -1;

  // ---- per entry --------------------------------------------------------------------------
  ctId: Uint32Array;
  zone: Uint16Array;
  proto: Uint8Array;
  flags: Uint8Array;
  /** enum ip_conntrack_status bits (all modelled bits fit in 16). */
  status: Uint16Array;
  tcpState: Uint8Array;
  mark: Uint32Array;
  /** Absolute expiry time, µs. */
  timeoutAt: Float64Array;
  /** References held by packets (skb->_nfct); the hash's own reference is implicit. */
  skbRefs: Uint16Array;
  wheelPrev: Int32Array;
  wheelNext: Int32Array;
  /** Second of the expiry-wheel slot the entry is filed in. */
  wheelSec: Uint32Array;
  // TCP, per entry (struct ip_ct_tcp last_*)
  lastAck: Uint32Array;
  lastEnd: Uint32Array;
  lastWin: Uint16Array;
  lastIndex: Uint8Array;
  lastDir: Uint8Array;
  lastFlags: Uint8Array;

  // ---- per node (slot * 2 + dir) -----------------------------------------------------------
  src: Uint32Array;
  dst: Uint32Array;
  /** TCP/UDP ports; ICMP: sport = echo id, dport = (type << 8) | code. */
  sport: Uint16Array;
  dport: Uint16Array;
  hashNext: Int32Array;
  // TCP window tracking (struct ip_ct_tcp_state seen[dir]); UDP keeps stream_ts in tdEnd
  tdEnd: Uint32Array;
  tdMaxend: Uint32Array;
  tdMaxwin: Uint32Array;
  tdMaxack: Uint32Array;
  tdFlags: Uint8Array;

  // ---- extensions, allocated on first use --------------------------------------------------
  /** Per node: packets / bytes (struct nf_conn_counter). */
  acctPackets: Float64Array | null = null;
  acctBytes: Float64Array | null = null;

  /** Called after the columns grew (indexes that size by capacity rebuild themselves). */
  onGrow: (capacity: number) => void = () => {};

  constructor(capacity = INITIAL_CAPACITY) {
    this.capacity = capacity;
    const n = capacity;
    this.ctId = new Uint32Array(n);
    this.zone = new Uint16Array(n);
    this.proto = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.status = new Uint16Array(n);
    this.tcpState = new Uint8Array(n);
    this.mark = new Uint32Array(n);
    this.timeoutAt = new Float64Array(n);
    this.skbRefs = new Uint16Array(n);
    this.wheelPrev = new Int32Array(n);
    this.wheelNext = new Int32Array(n);
    this.wheelSec = new Uint32Array(n);
    this.lastAck = new Uint32Array(n);
    this.lastEnd = new Uint32Array(n);
    this.lastWin = new Uint16Array(n);
    this.lastIndex = new Uint8Array(n);
    this.lastDir = new Uint8Array(n);
    this.lastFlags = new Uint8Array(n);
    this.src = new Uint32Array(2 * n);
    this.dst = new Uint32Array(2 * n);
    this.sport = new Uint16Array(2 * n);
    this.dport = new Uint16Array(2 * n);
    this.hashNext = new Int32Array(2 * n);
    this.tdEnd = new Uint32Array(2 * n);
    this.tdMaxend = new Uint32Array(2 * n);
    this.tdMaxwin = new Uint32Array(2 * n);
    this.tdMaxack = new Uint32Array(2 * n);
    this.tdFlags = new Uint8Array(2 * n);
  }

  /** Takes a slot (reused first), zeroing every field. */
  alloc(): number {
    let slot = this.freeHead;
    if (slot >= 0) {
      this.freeHead = this.hashNext[2 * slot];
    } else {
      if (this.top === this.capacity) this.grow();
      slot = this.top++;
    }
    this.used++;
    this.clear(slot);
    this.flags[slot] = F_USED;
    return slot;
  }

  free(slot: number): void {
    this.flags[slot] = 0;
    this.status[slot] = 0;
    this.hashNext[2 * slot] = this.freeHead;
    this.freeHead = slot;
    this.used--;
  }

  isUsed(slot: number): boolean {
    return slot >= 0 && slot < this.top && (this.flags[slot] & F_USED) !== 0;
  }

  ensureAcct(): void {
    if (this.acctPackets) return;
    this.acctPackets = new Float64Array(2 * this.capacity);
    this.acctBytes = new Float64Array(2 * this.capacity);
  }

  /** Bytes held by all columns (the benchmark's memory budget). */
  byteLength(): number {
    let total = 0;
    for (const v of Object.values(this)) {
      if (ArrayBuffer.isView(v)) total += v.byteLength;
    }
    return total;
  }

  private clear(slot: number): void {
    this.zone[slot] = 0;
    this.proto[slot] = 0;
    this.status[slot] = 0;
    this.tcpState[slot] = 0;
    this.mark[slot] = 0;
    this.timeoutAt[slot] = 0;
    this.skbRefs[slot] = 0;
    this.wheelPrev[slot] = -1;
    this.wheelNext[slot] = -1;
    this.wheelSec[slot] = 0;
    this.clearTcp(slot);
    for (let n = 2 * slot; n < 2 * slot + 2; n++) {
      this.hashNext[n] = -1;
      if (this.acctPackets) {
        this.acctPackets[n] = 0;
        this.acctBytes![n] = 0;
      }
    }
  }

  /** Zeroes struct ip_ct_tcp (tcp_new's memset). */
  clearTcp(slot: number): void {
    this.lastAck[slot] = 0;
    this.lastEnd[slot] = 0;
    this.lastWin[slot] = 0;
    this.lastIndex[slot] = 0;
    this.lastDir[slot] = 0;
    this.lastFlags[slot] = 0;
    for (let n = 2 * slot; n < 2 * slot + 2; n++) {
      this.tdEnd[n] = 0;
      this.tdMaxend[n] = 0;
      this.tdMaxwin[n] = 0;
      this.tdMaxack[n] = 0;
      this.tdFlags[n] = 0;
    }
  }

  private grow(): void {
    const n = this.capacity * 2;
    this.ctId = resized(this.ctId, n);
    this.zone = resized(this.zone, n);
    this.proto = resized(this.proto, n);
    this.flags = resized(this.flags, n);
    this.status = resized(this.status, n);
    this.tcpState = resized(this.tcpState, n);
    this.mark = resized(this.mark, n);
    this.timeoutAt = resized(this.timeoutAt, n);
    this.skbRefs = resized(this.skbRefs, n);
    this.wheelPrev = resized(this.wheelPrev, n);
    this.wheelNext = resized(this.wheelNext, n);
    this.wheelSec = resized(this.wheelSec, n);
    this.lastAck = resized(this.lastAck, n);
    this.lastEnd = resized(this.lastEnd, n);
    this.lastWin = resized(this.lastWin, n);
    this.lastIndex = resized(this.lastIndex, n);
    this.lastDir = resized(this.lastDir, n);
    this.lastFlags = resized(this.lastFlags, n);
    this.src = resized(this.src, 2 * n);
    this.dst = resized(this.dst, 2 * n);
    this.sport = resized(this.sport, 2 * n);
    this.dport = resized(this.dport, 2 * n);
    this.hashNext = resized(this.hashNext, 2 * n);
    this.tdEnd = resized(this.tdEnd, 2 * n);
    this.tdMaxend = resized(this.tdMaxend, 2 * n);
    this.tdMaxwin = resized(this.tdMaxwin, 2 * n);
    this.tdMaxack = resized(this.tdMaxack, 2 * n);
    this.tdFlags = resized(this.tdFlags, 2 * n);
    if (this.acctPackets) {
      this.acctPackets = resized(this.acctPackets, 2 * n);
      this.acctBytes = resized(this.acctBytes!, 2 * n);
    }
    this.capacity = n;
    this.onGrow(n);
  }
}
