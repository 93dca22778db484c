/**
 * Storage for conntrack entries, indexed by slot (entry) or by node (`slot * 2 + dir`, one node
 * per direction, as the kernel keeps one tuplehash per direction). No per-entry JS object
 * exists, so a million entries cost about 133 bytes each (a 64-byte entry record, two 32-byte
 * node records, hash heads) and nothing on the GC heap.
 *
 * With a million entries touched in random order every separate array read is a cache miss,
 * so what a packet reads is kept together: everything of an entry in one 64-byte record (one
 * cache line) — state, status, timeout and expiry-wheel links, the TCP tracker's per-entry
 * fields, and room for the entry's flowtable flow (a flow is named by its entry's slot, see
 * flowtable/records.ts) — and each node's key, hash link and TCP window state in one 32-byte
 * record (both nodes of an entry share a cache line). A lookup and everything conntrack,
 * act_ct, the flowtable and flower read after it then cost two or three misses, not one per
 * field.
 *
 * Entry record (64 bytes; view h8/h16/h32/hi32/hf64 index = slot * H8/H16/H32/H64 + field):
 *
 * | byte | field       | view | meaning                                             |
 * | ---- | ----------- | ---- | --------------------------------------------------- |
 * | 0    | H_STATUS    | h16  | enum ip_conntrack_status bits (all modelled fit 16) |
 * | 2    | H_ZONE      | h16  | ct zone                                             |
 * | 4    | H_SKB_REFS  | h16  | references held by packets (skb->_nfct)             |
 * | 6    | H_FLAGS     | h8   | F_* internal flags below                            |
 * | 7    | H_PROTO     | h8   | L4 protocol                                         |
 * | 8    | H_TCP_STATE | h8   | enum tcp_conntrack                                  |
 * | 9    | H_LAST_INDEX| h8   | struct ip_ct_tcp last_index                         |
 * | 10   | H_LAST_DIR  | h8   | last_dir                                            |
 * | 11   | H_LAST_FLAGS| h8   | last_flags (TCPF_EXP_CHALLENGE_ACK …)               |
 * | 12   | H_MARK      | h32  | ct mark                                             |
 * | 16   | H_FLOW_ZONE | h16  | zone + 1 of the flowtable holding the entry's flow, |
 * |      |             |      | 0 for none                                          |
 * | 18   | H_FLOW_FLAGS| h16  | the flow's enum nf_flow_flags                       |
 * | 20   | H_FLOW_TO_LO| h32  | the flow's timeout (µs, absolute), bits 0–31        |
 * | 24   | H_FLOW_TO_HI| h32  | bits 32–52 (virtual times are integers below 2^53)  |
 * | 28   | H_CT_ID     | h32  | the id ctnetlink reports                            |
 * | 32   | H_TIMEOUT_AT| hf64 | absolute expiry time, µs                            |
 * | 40   | H_LAST_ACK  | h32  | struct ip_ct_tcp last_ack                           |
 * | 44   | H_LAST_END  | h32  | last_end                                            |
 * | 48   | H_WHEEL_PREV| hi32 | expiry-wheel list links (-1: none)                  |
 * | 52   | H_WHEEL_NEXT| hi32 |                                                     |
 * | 56   | H_WHEEL_SEC | h32  | second of the wheel slot the entry is filed in      |
 * | 60   | H_LAST_WIN  | h16  | last_win                                            |
 * | 62   | H_TD_FLAGS  | h8   | struct ip_ct_tcp_state flags (TCPF_*) of direction  |
 * |      |             |      | 0, then 1 (index: tdFlagsAt(node))                  |
 *
 * Node record (`node`, 32 bytes; view n16/n32/ni32 index = node * N16/N32 + field):
 *
 * | byte | field       | view | meaning                                             |
 * | ---- | ----------- | ---- | --------------------------------------------------- |
 * | 0    | N_SRC       | n32  | source address                                      |
 * | 4    | N_DST       | n32  | destination address                                 |
 * | 8    | N_SPORT     | n16  | TCP/UDP source port; ICMP echo id                   |
 * | 10   | N_DPORT     | n16  | TCP/UDP destination port; ICMP (type << 8) | code   |
 * | 12   | N_NEXT      | ni32 | next node in the hash chain, -1 at the end          |
 * | 16   | N_TD_END    | n32  | struct ip_ct_tcp_state td_end (UDP: stream_ts)      |
 * | 20   | N_TD_MAXEND | n32  | td_maxend                                           |
 * | 24   | N_TD_MAXWIN | n32  | td_maxwin                                           |
 * | 28   | N_TD_MAXACK | n32  | td_maxack                                           |
 *
 * Records and columns grow by doubling; freed slots are reused
 * through a free list threaded through the node's hash link (a free slot is in no hash chain).
 * Extensions the kernel allocates only on demand (accounting, NAT by-source links) are
 * columns allocated the first time any entry needs them; labels live in a side table.
 */

/** Entry record: bytes, and elements per entry in each view. */
const HOT_BYTES = 64;
export const H8 = HOT_BYTES;
export const H16 = HOT_BYTES / 2;
export const H32 = HOT_BYTES / 4;
export const H64 = HOT_BYTES / 8;
export const H_STATUS = 0;
export const H_ZONE = 1;
export const H_SKB_REFS = 2;
export const H_FLAGS = 6;
export const H_PROTO = 7;
export const H_TCP_STATE = 8;
export const H_LAST_INDEX = 9;
export const H_LAST_DIR = 10;
export const H_LAST_FLAGS = 11;
export const H_MARK = 3;
export const H_FLOW_ZONE = 8;
export const H_FLOW_FLAGS = 9;
export const H_FLOW_TO_LO = 5;
export const H_FLOW_TO_HI = 6;
export const H_CT_ID = 7;
export const H_TIMEOUT_AT = 4;
export const H_LAST_ACK = 10;
export const H_LAST_END = 11;
export const H_WHEEL_PREV = 12;
export const H_WHEEL_NEXT = 13;
export const H_WHEEL_SEC = 14;
export const H_LAST_WIN = 30;
const H_TD_FLAGS = 62;

/** h8 index of a node's struct ip_ct_tcp_state flags (both directions' sit in the entry record). */
export function tdFlagsAt(node: number): number {
  return (node >> 1) * H8 + H_TD_FLAGS + (node & 1);
}

/** Node record: bytes, and elements per node in each view. */
const NODE_BYTES = 32;
export const N16 = NODE_BYTES / 2;
export const N32 = NODE_BYTES / 4;
export const N_SRC = 0;
export const N_DST = 1;
export const N_SPORT = 4;
export const N_DPORT = 5;
export const N_NEXT = 3;
export const N_TD_END = 4;
export const N_TD_MAXEND = 5;
export const N_TD_MAXWIN = 6;
export const N_TD_MAXACK = 7;

/** Internal per-entry flags (not kernel status bits). */
export const F_USED = 1; // the slot holds an entry (live, unconfirmed or dying)
export const F_ACCT = 2; // has the accounting extension (nf_conntrack_acct was 1 at creation)
export const F_LABEL = 4; // has a non-zero label in the label side table
export const F_BYSRC = 8; // linked in the NAT by-source index
export const F_WHEEL = 16; // filed in the expiry wheel
export const F_FLOW = 32; // a flowtable flow holds a reference (flow_offload_alloc … flow_offload_free)
export const F_ECACHE = 64; // created while an event listener ran (the event extension, see ecache.ts)

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

/**
 * One direction's window state (struct ip_ct_tcp_state) read and written by its kernel names:
 * `snd.end` is the kernel's `sender->td_end`. A view is re-pointed with at(node) and holds
 * nothing but the offset, so the TCP tracker reads like tcp_in_window() without allocating.
 */
export class TcpWindow {
  private base = 0;

  constructor(private readonly s: CtStore) {}

  at(node: number): this {
    this.base = node * N32;
    return this;
  }

  get end(): number {
    return this.s.n32[this.base + N_TD_END];
  }
  set end(v: number) {
    this.s.n32[this.base + N_TD_END] = v;
  }
  get maxend(): number {
    return this.s.n32[this.base + N_TD_MAXEND];
  }
  set maxend(v: number) {
    this.s.n32[this.base + N_TD_MAXEND] = v;
  }
  get maxwin(): number {
    return this.s.n32[this.base + N_TD_MAXWIN];
  }
  set maxwin(v: number) {
    this.s.n32[this.base + N_TD_MAXWIN] = v;
  }
  get maxack(): number {
    return this.s.n32[this.base + N_TD_MAXACK];
  }
  set maxack(v: number) {
    this.s.n32[this.base + N_TD_MAXACK] = v;
  }
}

export class CtStore {
  /** Two window views (the sender's and the receiver's) for the TCP tracker. */
  readonly sender = new TcpWindow(this);
  readonly receiver = new TcpWindow(this);
  capacity: number;
  /** Slots below `top` have been handed out at least once (iteration bound). */
  top = 0;
  /** Slots in use (live, unconfirmed and dying entries): what nf_conntrack_max limits. */
  used = 0;
  private freeHead = -1;

  // ---- entry records (see the table above) ---------------------------------------------
  h8!: Uint8Array;
  h16!: Uint16Array;
  h32!: Uint32Array;
  hi32!: Int32Array;
  hf64!: Float64Array;
  // ---- node records (see the table above) ----------------------------------------------
  n16!: Uint16Array;
  n32!: Uint32Array;
  ni32!: Int32Array;

  // ---- extensions, allocated on first use --------------------------------------------------
  /** Per node: packets / bytes (struct nf_conn_counter). */
  acctPackets: Float64Array | null = null;
  acctBytes: Float64Array | null = null;

  /** Called after the records grew (indexes that size by capacity rebuild themselves). */
  onGrow: (capacity: number) => void = () => {};

  constructor(capacity = INITIAL_CAPACITY) {
    this.capacity = capacity;
    const n = capacity;
    this.setRecords(new ArrayBuffer(n * HOT_BYTES), new ArrayBuffer(2 * n * NODE_BYTES));
  }

  /** Takes a slot (reused first), zeroing every field. */
  alloc(): number {
    let slot = this.freeHead;
    if (slot >= 0) {
      this.freeHead = this.ni32[2 * slot * N32 + N_NEXT];
    } else {
      if (this.top === this.capacity) this.grow();
      slot = this.top++;
    }
    this.used++;
    this.clear(slot);
    this.h8[slot * H8 + H_FLAGS] = F_USED;
    return slot;
  }

  free(slot: number): void {
    this.h8[slot * H8 + H_FLAGS] = 0;
    this.h16[slot * H16 + H_STATUS] = 0;
    this.ni32[2 * slot * N32 + N_NEXT] = this.freeHead;
    this.freeHead = slot;
    this.used--;
  }

  isUsed(slot: number): boolean {
    return slot >= 0 && slot < this.top && (this.h8[slot * H8 + H_FLAGS] & F_USED) !== 0;
  }

  ensureAcct(): void {
    if (this.acctPackets) return;
    this.acctPackets = new Float64Array(2 * this.capacity);
    this.acctBytes = new Float64Array(2 * this.capacity);
  }

  /** Bytes held by records and columns (the benchmark's memory budget); each buffer once. */
  byteLength(): number {
    const buffers = new Set<ArrayBufferLike>();
    for (const v of Object.values(this)) {
      if (ArrayBuffer.isView(v)) buffers.add(v.buffer);
    }
    let total = 0;
    for (const b of buffers) total += b.byteLength;
    return total;
  }

  private clear(slot: number): void {
    // The whole entry record (its flow fields included: a new entry has no flow).
    for (let w = slot * H32; w < (slot + 1) * H32; w++) this.h32[w] = 0;
    this.hi32[slot * H32 + H_WHEEL_PREV] = -1;
    this.hi32[slot * H32 + H_WHEEL_NEXT] = -1;
    this.clearTcp(slot);
    for (let n = 2 * slot; n < 2 * slot + 2; n++) {
      this.n32[n * N32 + N_SRC] = 0;
      this.n32[n * N32 + N_DST] = 0;
      this.n16[n * N16 + N_SPORT] = 0;
      this.n16[n * N16 + N_DPORT] = 0;
      this.ni32[n * N32 + N_NEXT] = -1;
      if (this.acctPackets) {
        this.acctPackets[n] = 0;
        this.acctBytes![n] = 0;
      }
    }
  }

  /** Zeroes struct ip_ct_tcp (tcp_new's memset). */
  clearTcp(slot: number): void {
    this.h32[slot * H32 + H_LAST_ACK] = 0;
    this.h32[slot * H32 + H_LAST_END] = 0;
    this.h16[slot * H16 + H_LAST_WIN] = 0;
    this.h8[slot * H8 + H_LAST_INDEX] = 0;
    this.h8[slot * H8 + H_LAST_DIR] = 0;
    this.h8[slot * H8 + H_LAST_FLAGS] = 0;
    for (let n = 2 * slot; n < 2 * slot + 2; n++) {
      this.n32[n * N32 + N_TD_END] = 0;
      this.n32[n * N32 + N_TD_MAXEND] = 0;
      this.n32[n * N32 + N_TD_MAXWIN] = 0;
      this.n32[n * N32 + N_TD_MAXACK] = 0;
      this.h8[tdFlagsAt(n)] = 0;
    }
  }

  private setRecords(hot: ArrayBuffer, nodes: ArrayBuffer): void {
    this.h8 = new Uint8Array(hot);
    this.h16 = new Uint16Array(hot);
    this.h32 = new Uint32Array(hot);
    this.hi32 = new Int32Array(hot);
    this.hf64 = new Float64Array(hot);
    this.n16 = new Uint16Array(nodes);
    this.n32 = new Uint32Array(nodes);
    this.ni32 = new Int32Array(nodes);
  }

  private grow(): void {
    const n = this.capacity * 2;
    const hot = new ArrayBuffer(n * HOT_BYTES);
    new Uint8Array(hot).set(this.h8);
    const nodes = new ArrayBuffer(2 * n * NODE_BYTES);
    new Uint8Array(nodes).set(new Uint8Array(this.n32.buffer));
    this.setRecords(hot, nodes);
    if (this.acctPackets) {
      this.acctPackets = resized(this.acctPackets, 2 * n);
      this.acctBytes = resized(this.acctBytes!, 2 * n);
    }
    this.capacity = n;
    this.onGrow(n);
  }
}
