/**
 * The traffic generator: the fast-forward path for the CLI, the UI and the benchmark. It keeps
 * `conns` connections open at once between clients in `src` (entering on `dev`) and servers in
 * `dst` behind `replyDev`, sends `rate` packets per second of virtual time, and replaces each
 * connection that finishes with a new one, so a million connections run through the engine
 * without a million-line script.
 *
 * A TCP connection is a three-way handshake, a download of N data segments (N drawn from a
 * heavy-tailed law), each acknowledged by the client, and a FIN close; a UDP one is N
 * request/response datagram pairs. Sequence numbers continue like a real endpoint's, so
 * conntrack's window tracking sees valid traffic. A packet that is not delivered (dropped,
 * or left to the host stack) is sent again on the connection's next turn, as TCP retransmits;
 * after MAX_RETRANSMITS the connection is abandoned and replaced.
 *
 * One packet object is reused for every packet and each connection's state is one 32-byte
 * record in a typed array, so the generator itself allocates nothing per packet (only the
 * seeded Rng's draws may, see `scheduler`) and touches one cache line per packet (with a
 * million connections in random order, every separate column would cost a cache miss).
 * Packets go out in bursts: a burst's connections are picked first, their records read
 * together, and the host warms the lookups the burst will make (src/engine/warmup.ts).
 */
import type { Micros } from '../clock';
import type { Outcome } from '../datapath';
import type { Env } from '../env';
import type { Family, Prefix } from '../model/addr';
import {
  CtInfo,
  ETH_P_IP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_SYN,
  newMeta,
  type IcmpHeader,
  type Packet,
  type SkbMeta,
  type Vxlan,
} from '../model/packet';
import type { TupleKey } from '../conntrack/hash';
import { Rng } from '../rng';
import type { Warmup } from '../warmup';
import { ClientAddressing } from './addressing';
import { drawFlowSize, validateFlowSize, type FlowSizeDist } from './flowsize';

/** What the generator needs from the simulator. */
export interface TrafficHost {
  readonly env: Env;
  /** A packet id not used before in this simulator. */
  newPacketId(): number;
  /** Moves virtual time forward to `t`, firing the timers due on the way. */
  advanceTo(t: Micros): void;
  /** Puts the packet on `dev`'s ingress now; how its journey ended (null if it never ended). */
  inject(pkt: Packet, dev: string, line: number): Outcome | null;
  /** Warms the lookups of a burst's packets before they are injected (an optimisation only). */
  readonly warmup?: Warmup;
}

/** The tuple a burst's packet will be looked up by, for the cache warm-up (doubles from the start, see GeneratedPacket). */
class WarmKey implements TupleKey {
  src = -0;
  dst = -0;
  sport = 0;
  dport = 0;
  constructor(readonly proto: number) {}
}

export interface TrafficSpec {
  /** Where client packets enter (e.g. the uplink). */
  dev: string;
  /** Where server packets enter (e.g. the representor of the server VM). */
  replyDev: string;
  /** Connections open at once. */
  conns: number;
  /** Packets per second of virtual time. */
  rate: number;
  proto: 'tcp' | 'udp';
  /** Data segments (TCP) or request/response pairs (UDP) per connection. */
  flowSize: FlowSizeDist;
  src: Prefix;
  dst: Prefix;
  dport: number;
  /** L4 payload bytes of each data segment or datagram. */
  payload: number;
  /**
   * Which connection sends next: 'random' draws one uniformly for every packet (each
   * connection sees a Poisson-like packet train); 'round-robin' takes them in turn, so the
   * first `conns` packets open every connection.
   */
  order: 'random' | 'round-robin';
  /**
   * Packets a connection sends back to back once its turn comes, as a TCP window's worth of
   * segments arrives in a burst: 1 spreads every packet over the connections; longer trains
   * give the table lookups the locality real traffic has.
   */
  train: number;
  ttl: number;
  /** Script line the packets are attributed to in `packet.inject` events. */
  line: number;
}

/** Frozen, nested objects too: specs built from it hold them (a fork shares frozen constants). */
export const DEFAULT_TRAFFIC: Omit<TrafficSpec, 'dev' | 'replyDev'> = Object.freeze({
  conns: 1000,
  rate: 100_000,
  proto: 'tcp',
  flowSize: Object.freeze({ kind: 'pareto', alpha: 1.2, min: 2 }),
  src: Object.freeze({ addr: 0xc6120000, len: 15 }), // 198.18.0.0/15, the benchmarking range (RFC 2544)
  dst: Object.freeze({ addr: 0x0a000001, len: 32 }), // 10.0.0.1
  dport: 80,
  payload: 1400,
  order: 'random',
  train: 1,
  ttl: 64,
  line: 0,
});

/** Connections the generator keeps open at most (its state is ~40 bytes each). */
export const MAX_TRAFFIC_CONNS = 16_000_000;
/** Longest train of back-to-back packets of one connection. */
export const MAX_TRAIN = 1024;
/** TCP gives up a connection after this many retransmissions of one step (like tcp_syn_retries). */
export const MAX_RETRANSMITS = 3;
const WINDOW = 65535;
/** Random connection choices drawn at a time. */
const DRAW_BLOCK = 1024;
/**
 * Packets planned (and their lookups warmed) at a time, like a NAPI poll's batch: 32 measured
 * best of 16/32/64 (enough misses to overlap, few enough lines to stay cached until used).
 */
const BURST = 32;

/**
 * A connection's record: 8 words. The client tuple is not stored: it follows from the
 * connection number (ClientAddressing). The server tuple is the one the server sends with,
 * learnt from the first client packet it received (after any NAT on the way).
 */
const REC = 8;
const R_CONN = 0;
const R_SERVER_SRC = 1;
const R_SERVER_DST = 2;
/** server source port << 16 | server destination port */
const R_SERVER_PORTS = 3;
/** Next sequence number of the client and of the server (TCP). */
const R_CLIENT_SEQ = 4;
const R_SERVER_SEQ = 5;
/** Data segments (TCP) or request/response pairs (UDP) still to send. */
const R_LEFT = 6;
/** step << 8 | retransmissions of that step */
const R_STEP = 7;

/** Steps of a TCP connection, in order; DATA/DATA_ACK repeat once per segment. */
const enum TcpStep {
  SYN,
  SYN_ACK,
  ACK,
  DATA,
  DATA_ACK,
  FIN,
  FIN_ACK,
  LAST_ACK,
}

/** Steps of a UDP connection: one request, one response, per pair; the first pair is told apart. */
const enum UdpStep {
  FIRST_REQUEST,
  FIRST_RESPONSE,
  REQUEST,
  RESPONSE,
}

/** The steps the server sends, as bits by step number (the others are the client's). */
const TCP_SERVER_STEPS = (1 << TcpStep.SYN_ACK) | (1 << TcpStep.DATA) | (1 << TcpStep.FIN_ACK);
const UDP_SERVER_STEPS = (1 << UdpStep.FIRST_RESPONSE) | (1 << UdpStep.RESPONSE);

export interface TrafficStats {
  /** Packets injected. */
  packets: number;
  /** Packets that reached the far side (a VM or the wire). */
  delivered: number;
  /** Packets dropped or left to the host stack (sent again on the connection's next turn). */
  lost: number;
  /** Connections that completed their handshake (TCP) or got a first response (UDP). */
  connected: number;
  /** Connections that ran to their end (FIN exchange or last response). */
  completed: number;
  /** Connections given up after MAX_RETRANSMITS. */
  abandoned: number;
}

/** Checks a spec's numbers (devices are the simulator's to check); an error message or null. */
export function validateTraffic(spec: TrafficSpec): string | null {
  const intIn = (v: number, min: number, max: number): boolean => Number.isInteger(v) && v >= min && v <= max;
  if (!intIn(spec.conns, 1, MAX_TRAFFIC_CONNS)) return `conns must be an integer from 1 to ${MAX_TRAFFIC_CONNS}, not ${spec.conns}`;
  if (!(spec.rate > 0) || !Number.isFinite(spec.rate)) return `rate must be a positive number of packets per second, not ${spec.rate}`;
  if (!intIn(spec.dport, 1, 65535)) return `dport must be from 1 to 65535, not ${spec.dport}`;
  if (!intIn(spec.payload, 0, 65495)) return `payload must be from 0 to 65495 bytes, not ${spec.payload}`;
  if (!intIn(spec.ttl, 0, 255)) return `ttl must be from 0 to 255, not ${spec.ttl}`;
  if (!intIn(spec.train, 1, MAX_TRAIN)) return `train must be from 1 to ${MAX_TRAIN} packets, not ${spec.train}`;
  return validateFlowSize(spec.flowSize);
}

/**
 * The generator's one packet. A class of its own gives it hidden classes of its own, and the
 * fields that hold addresses, MACs and sequence numbers (above 2^31: doubles) start as -0, a
 * double, so they are stored unboxed from the start: rewriting them allocates nothing,
 * whatever other code does to packets built from object literals.
 */
class GeneratedPacket implements Packet {
  id = 0;
  family: Family = 4;
  srcMac = -0;
  dstMac = -0;
  ethType = ETH_P_IP;
  src = -0;
  dst = -0;
  ttl: number;
  tos = 0;
  sport = 0;
  dport = 0;
  tcpFlags = 0;
  seq = -0;
  ack = -0;
  win = 0;
  payloadLen = 0;
  icmp: IcmpHeader | null = null;
  vxlan: Vxlan | null = null;
  meta: SkbMeta;

  constructor(
    public proto: number,
    ttl: number,
    dev: string,
  ) {
    this.ttl = ttl;
    this.meta = newMeta(dev);
  }
}

/** A locally administered MAC derived from the IPv4 address. */
const hostMac = (ip: number): number => 0x020000000000 + ip;

export class TrafficGenerator {
  readonly stats: TrafficStats = { packets: 0, delivered: 0, lost: 0, connected: 0, completed: 0, abandoned: 0 };
  /** Which connection sends next; may change between runs (the benchmark opens round-robin, then goes random). */
  order: TrafficSpec['order'];
  /** Packets per turn from now on (see TrafficSpec.train). */
  train: number;
  /** IP TTL of the packets sent from now on. */
  ttl: number;

  /** Draws each connection's ISNs and length. */
  private readonly rng: Rng;
  /**
   * Draws which connection sends next, a block at a time into `draws`: a 32-bit draw returned
   * from a call the compiler did not inline comes back boxed, one allocation per packet.
   */
  private readonly scheduler: Rng;
  private readonly draws = new Uint32Array(DRAW_BLOCK);
  private drawn = DRAW_BLOCK;
  private readonly pkt: Packet;
  private readonly proto: number;
  private readonly addressing: ClientAddressing;
  private readonly usPerPacket: number;
  /** Virtual time of packet number 0 of the current pacing run, and packets sent in it. */
  private originUs = 0;
  private paced = 0;
  private nextConnNo = 0;
  private cursor = 0;
  /** The connection whose train is under way, and the packets left in it. */
  private current = 0;
  private trainLeft = 0;
  /** One record of REC words per connection slot (0 … conns-1). */
  private readonly rec: Uint32Array;
  /** The planned burst: each packet's connection slot, and its record's step word. */
  private readonly burstSlots = new Uint32Array(BURST);
  private readonly burstSteps = new Uint32Array(BURST);
  private readonly warmKey: WarmKey;

  constructor(
    private readonly host: TrafficHost,
    private readonly spec: TrafficSpec,
  ) {
    this.order = spec.order;
    this.train = spec.train;
    this.ttl = spec.ttl;
    this.rng = new Rng(host.env.rng.u32());
    this.scheduler = new Rng(host.env.rng.u32());
    this.proto = spec.proto === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
    this.addressing = new ClientAddressing(spec.src, spec.dst);
    this.usPerPacket = 1_000_000 / spec.rate;
    this.pkt = new GeneratedPacket(this.proto, spec.ttl, spec.dev);
    this.warmKey = new WarmKey(this.proto);
    const n = spec.conns;
    this.rec = new Uint32Array(n * REC);
    for (let slot = 0; slot < n; slot++) this.open(slot);
  }

  /** Sends `seconds` of traffic at the spec's rate. */
  runFor(seconds: number): void {
    this.send(Math.round(seconds * this.spec.rate));
  }

  /** Sends `count` packets, paced at the spec's rate from the current virtual time on. */
  send(count: number): void {
    const clock = this.host.env.clock;
    // Pacing restarts when time moved on without us (a sleep between runs).
    if (clock.now() > this.originUs + Math.floor(this.paced * this.usPerPacket)) {
      this.originUs = clock.now();
      this.paced = 0;
    }
    const slots = this.burstSlots;
    for (let sent = 0; sent < count; ) {
      const burst = Math.min(BURST, count - sent);
      this.plan(burst);
      for (let i = 0; i < burst; i++) {
        this.host.advanceTo(this.originUs + Math.floor(this.paced * this.usPerPacket));
        this.paced++;
        if (this.proto === IPPROTO_TCP) this.tcpTurn(slots[i] * REC);
        else this.udpTurn(slots[i] * REC);
      }
      sent += burst;
    }
  }

  /**
   * Picks the connections of the next `burst` packets (the same ones, in the same order, as
   * picking each in its turn) and warms the host's lookups for them: first every record (the
   * reads overlap), then the key each record gives to the host's warm-up (see warmup.ts).
   */
  private plan(burst: number): void {
    const slots = this.burstSlots;
    const n = this.spec.conns;
    for (let i = 0; i < burst; i++) {
      if (this.trainLeft > 0) {
        this.trainLeft--;
      } else {
        this.current = this.nextSlot(n);
        this.trainLeft = this.train - 1;
      }
      slots[i] = this.current;
    }
    const rec = this.rec;
    const steps = this.burstSteps;
    for (let i = 0; i < burst; i++) steps[i] = rec[slots[i] * REC + R_STEP];
    const warmup = this.host.warmup;
    if (!warmup) return;
    const serverSteps = this.proto === IPPROTO_TCP ? TCP_SERVER_STEPS : UDP_SERVER_STEPS;
    const key = this.warmKey;
    for (let i = 0; i < burst; i++) {
      // Within a train both sides' keys are warmed by its first two packets.
      if (i >= 2 && slots[i] === slots[i - 1] && slots[i] === slots[i - 2]) continue;
      const r = slots[i] * REC;
      if ((serverSteps >>> (steps[i] >>> 8)) & 1) {
        const ports = rec[r + R_SERVER_PORTS];
        key.src = rec[r + R_SERVER_SRC];
        key.dst = rec[r + R_SERVER_DST];
        key.sport = ports >>> 16;
        key.dport = ports & 0xffff;
      } else {
        const k = rec[r + R_CONN];
        key.src = this.addressing.client(k);
        key.dst = this.addressing.server(k);
        key.sport = this.addressing.clientPort(k);
        key.dport = this.spec.dport;
      }
      warmup.add(key);
      if (steps[i] >>> 8 === 0) {
        // A new connection: confirming it also looks up and links its reply tuple (un-NAT'ed here).
        const src = key.src;
        const sport = key.sport;
        key.src = key.dst;
        key.dst = src;
        key.sport = key.dport;
        key.dport = sport;
        warmup.add(key);
      }
    }
    warmup.warm();
  }

  /** The connection whose turn it is. */
  private nextSlot(n: number): number {
    if (this.order === 'round-robin') {
      const slot = this.cursor;
      this.cursor = slot + 1 === n ? 0 : slot + 1;
      return slot;
    }
    if (this.drawn === DRAW_BLOCK) this.drawBlock();
    return Math.floor((this.draws[this.drawn++] / 2 ** 32) * n);
  }

  private drawBlock(): void {
    for (let i = 0; i < DRAW_BLOCK; i++) this.draws[i] = this.scheduler.u32();
    this.drawn = 0;
  }

  /** Starts connection number `nextConnNo` in `slot`: ISNs and length (the tuple follows from the number). */
  private open(slot: number): void {
    const r = slot * REC;
    this.rec[r + R_CONN] = this.nextConnNo++;
    this.rec[r + R_CLIENT_SEQ] = this.rng.u32();
    this.rec[r + R_SERVER_SEQ] = this.rng.u32();
    this.rec[r + R_LEFT] = drawFlowSize(this.rng, this.spec.flowSize);
    this.rec[r + R_STEP] = 0;
  }

  /** One packet of a TCP connection: the step it is at, sent by the side whose turn it is. */
  private tcpTurn(r: number): void {
    const len = this.spec.payload;
    let ok: boolean;
    switch ((this.rec[r + R_STEP] >>> 8) as TcpStep) {
      case TcpStep.SYN:
        ok = this.fromClient(r, TCP_SYN, 0);
        if (ok) this.learnServer(r);
        return this.advance(r, ok, TcpStep.SYN_ACK, 1, 0);
      case TcpStep.SYN_ACK:
        return this.advance(r, this.fromServer(r, TCP_SYN | TCP_ACK, 0), TcpStep.ACK, 0, 1);
      case TcpStep.ACK:
        ok = this.fromClient(r, TCP_ACK, 0);
        if (ok) this.stats.connected++;
        return this.advance(r, ok, TcpStep.DATA, 0, 0);
      case TcpStep.DATA:
        return this.advance(r, this.fromServer(r, TCP_PSH | TCP_ACK, len), TcpStep.DATA_ACK, 0, len);
      case TcpStep.DATA_ACK:
        ok = this.fromClient(r, TCP_ACK, 0);
        if (ok && --this.rec[r + R_LEFT] > 0) return this.advance(r, ok, TcpStep.DATA, 0, 0);
        return this.advance(r, ok, TcpStep.FIN, 0, 0);
      case TcpStep.FIN:
        return this.advance(r, this.fromClient(r, TCP_FIN | TCP_ACK, 0), TcpStep.FIN_ACK, 1, 0);
      case TcpStep.FIN_ACK:
        return this.advance(r, this.fromServer(r, TCP_FIN | TCP_ACK, 0), TcpStep.LAST_ACK, 0, 1);
      case TcpStep.LAST_ACK:
        if (!this.fromClient(r, TCP_ACK, 0)) return this.retransmit(r);
        this.stats.completed++;
        return this.open(r / REC);
    }
  }

  /** One datagram of a UDP connection: a request, then its response. */
  private udpTurn(r: number): void {
    const step = (this.rec[r + R_STEP] >>> 8) as UdpStep;
    const len = this.spec.payload;
    switch (step) {
      case UdpStep.FIRST_REQUEST: {
        const ok = this.fromClient(r, 0, len);
        if (ok) this.learnServer(r);
        return this.advance(r, ok, UdpStep.FIRST_RESPONSE, 0, 0);
      }
      case UdpStep.REQUEST:
        return this.advance(r, this.fromClient(r, 0, len), UdpStep.RESPONSE, 0, 0);
      case UdpStep.FIRST_RESPONSE:
      case UdpStep.RESPONSE:
        if (!this.fromServer(r, 0, len)) return this.retransmit(r);
        if (step === UdpStep.FIRST_RESPONSE) this.stats.connected++;
        if (--this.rec[r + R_LEFT] === 0) {
          this.stats.completed++;
          return this.open(r / REC);
        }
        return this.advance(r, true, UdpStep.REQUEST, 0, 0);
    }
  }

  /** A sent step moves the connection on and advances the sender's sequence; a lost one is retried. */
  private advance(r: number, ok: boolean, next: number, clientBytes: number, serverBytes: number): void {
    if (!ok) return this.retransmit(r);
    const rec = this.rec;
    rec[r + R_STEP] = next << 8;
    rec[r + R_CLIENT_SEQ] += clientBytes;
    rec[r + R_SERVER_SEQ] += serverBytes;
  }

  private retransmit(r: number): void {
    const retries = (this.rec[r + R_STEP] & 0xff) + 1;
    if (retries <= MAX_RETRANSMITS) {
      this.rec[r + R_STEP] = (this.rec[r + R_STEP] & ~0xff) | retries;
      return;
    }
    this.stats.abandoned++;
    this.open(r / REC);
  }

  /** The server answers the client as the client's packet reached it (after any NAT on the way). */
  private learnServer(r: number): void {
    const p = this.pkt;
    this.rec[r + R_SERVER_SRC] = p.dst;
    this.rec[r + R_SERVER_DST] = p.src;
    this.rec[r + R_SERVER_PORTS] = (p.dport << 16) | p.sport;
  }

  /*
   * The headers are written straight from the record into the packet: addresses and sequence
   * numbers above 2^31 are doubles, and passing them as arguments would box each one.
   */

  /** The client sends: its own sequence, the server's as the ACK. */
  private fromClient(r: number, flags: number, len: number): boolean {
    const p = this.pkt;
    const rec = this.rec;
    const a = this.addressing;
    const k = rec[r + R_CONN];
    p.src = a.client(k);
    p.dst = a.server(k);
    p.sport = a.clientPort(k);
    p.dport = this.spec.dport;
    if (this.proto === IPPROTO_TCP) {
      p.seq = rec[r + R_CLIENT_SEQ];
      p.ack = flags & TCP_ACK ? rec[r + R_SERVER_SEQ] : 0;
    }
    return this.emit(this.spec.dev, flags, len);
  }

  /** The server sends, with the tuple it learnt: its own sequence, the client's as the ACK. */
  private fromServer(r: number, flags: number, len: number): boolean {
    const p = this.pkt;
    const rec = this.rec;
    const ports = rec[r + R_SERVER_PORTS];
    p.src = rec[r + R_SERVER_SRC];
    p.dst = rec[r + R_SERVER_DST];
    p.sport = ports >>> 16;
    p.dport = ports & 0xffff;
    if (this.proto === IPPROTO_TCP) {
      p.seq = rec[r + R_SERVER_SEQ];
      p.ack = flags & TCP_ACK ? rec[r + R_CLIENT_SEQ] : 0;
    }
    return this.emit(this.spec.replyDev, flags, len);
  }

  /** Resets the rest of the reused packet (headers and skb metadata) and injects it. */
  private emit(dev: string, flags: number, len: number): boolean {
    const p = this.pkt;
    p.id = this.host.newPacketId();
    p.srcMac = hostMac(p.src);
    p.dstMac = hostMac(p.dst);
    p.ethType = ETH_P_IP;
    p.proto = this.proto;
    p.ttl = this.ttl;
    p.tos = 0;
    p.tcpFlags = flags;
    p.win = this.proto === IPPROTO_TCP ? WINDOW : 0;
    p.payloadLen = len;
    p.icmp = null;
    p.vxlan = null;
    const m = p.meta;
    m.ct = -1;
    m.ctinfo = CtInfo.UNTRACKED;
    m.postCt = false;
    m.ctUntracked = false;
    m.postCtSnat = false;
    m.postCtDnat = false;
    m.zone = 0;
    m.extChain = -1;
    m.tunnel = null;
    m.mark = 0;
    m.indev = dev;
    const o = this.host.inject(p, dev, this.spec.line);
    this.stats.packets++;
    const delivered = o !== null && o.kind === 'deliver' && o.to !== 'host';
    if (delivered) this.stats.delivered++;
    else this.stats.lost++;
    return delivered;
  }
}
