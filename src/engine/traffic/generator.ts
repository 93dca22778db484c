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
 * One packet object is reused for every packet and per-connection state lives in typed
 * arrays, so the generator allocates nothing per packet.
 */
import type { Micros } from '../clock';
import type { Outcome } from '../datapath';
import type { Env } from '../env';
import type { Prefix } from '../model/addr';
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
  type Packet,
} from '../model/packet';
import { Rng } from '../rng';
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
  ttl: number;
  /** Script line the packets are attributed to in `packet.inject` events. */
  line: number;
}

export const DEFAULT_TRAFFIC: Omit<TrafficSpec, 'dev' | 'replyDev'> = {
  conns: 1000,
  rate: 100_000,
  proto: 'tcp',
  flowSize: { kind: 'pareto', alpha: 1.2, min: 2 },
  src: { addr: 0xc6120000, len: 15 }, // 198.18.0.0/15, the benchmarking range (RFC 2544)
  dst: { addr: 0x0a000001, len: 32 }, // 10.0.0.1
  dport: 80,
  payload: 1400,
  order: 'random',
  ttl: 64,
  line: 0,
};

/** Connections the generator keeps open at most (its state is ~40 bytes each). */
export const MAX_TRAFFIC_CONNS = 16_000_000;
/** TCP gives up a connection after this many retransmissions of one step (like tcp_syn_retries). */
export const MAX_RETRANSMITS = 3;
const WINDOW = 65535;

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
  return validateFlowSize(spec.flowSize);
}

/** A locally administered MAC derived from the IPv4 address. */
const hostMac = (ip: number): number => 0x020000000000 + ip;

export class TrafficGenerator {
  readonly stats: TrafficStats = { packets: 0, delivered: 0, lost: 0, connected: 0, completed: 0, abandoned: 0 };
  /** Which connection sends next; may change between runs (the benchmark opens round-robin, then goes random). */
  order: TrafficSpec['order'];
  /** IP TTL of the packets sent from now on. */
  ttl: number;

  private readonly rng: Rng;
  private readonly pkt: Packet;
  private readonly proto: number;
  private readonly addressing: ClientAddressing;
  private readonly usPerPacket: number;
  /** Virtual time of packet number 0 of the current pacing run, and packets sent in it. */
  private originUs = 0;
  private paced = 0;
  private nextConnNo = 0;
  private cursor = 0;

  // Per connection slot (0 … conns-1). Client tuple as the client sends it.
  private readonly cSrc: Uint32Array;
  private readonly cDst: Uint32Array;
  private readonly cSport: Uint16Array;
  // Server tuple as the server sends it (learnt from the first delivered client packet, after any NAT).
  private readonly sSrc: Uint32Array;
  private readonly sDst: Uint32Array;
  private readonly sSport: Uint16Array;
  private readonly sDport: Uint16Array;
  /** Next sequence number of each side (TCP). */
  private readonly cSeq: Uint32Array;
  private readonly sSeq: Uint32Array;
  /** Data segments / request-response pairs still to send. */
  private readonly left: Uint32Array;
  private readonly step: Uint8Array;
  private readonly retries: Uint8Array;

  constructor(
    private readonly host: TrafficHost,
    private readonly spec: TrafficSpec,
  ) {
    this.order = spec.order;
    this.ttl = spec.ttl;
    this.rng = new Rng(host.env.rng.u32());
    this.proto = spec.proto === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
    this.addressing = new ClientAddressing(spec.src, spec.dst);
    this.usPerPacket = 1_000_000 / spec.rate;
    this.pkt = {
      id: 0,
      family: 4,
      srcMac: 0,
      dstMac: 0,
      ethType: ETH_P_IP,
      src: 0,
      dst: 0,
      proto: this.proto,
      ttl: spec.ttl,
      tos: 0,
      sport: 0,
      dport: 0,
      tcpFlags: 0,
      seq: 0,
      ack: 0,
      win: 0,
      payloadLen: 0,
      icmp: null,
      vxlan: null,
      meta: newMeta(spec.dev),
    };
    const n = spec.conns;
    this.cSrc = new Uint32Array(n);
    this.cDst = new Uint32Array(n);
    this.cSport = new Uint16Array(n);
    this.sSrc = new Uint32Array(n);
    this.sDst = new Uint32Array(n);
    this.sSport = new Uint16Array(n);
    this.sDport = new Uint16Array(n);
    this.cSeq = new Uint32Array(n);
    this.sSeq = new Uint32Array(n);
    this.left = new Uint32Array(n);
    this.step = new Uint8Array(n);
    this.retries = new Uint8Array(n);
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
    const n = this.spec.conns;
    for (let i = 0; i < count; i++) {
      this.host.advanceTo(this.originUs + Math.floor(this.paced * this.usPerPacket));
      this.paced++;
      let slot: number;
      if (this.order === 'random') {
        slot = Math.floor(this.rng.float() * n);
      } else {
        slot = this.cursor;
        this.cursor = slot + 1 === n ? 0 : slot + 1;
      }
      if (this.proto === IPPROTO_TCP) this.tcpTurn(slot);
      else this.udpTurn(slot);
    }
  }

  /** Starts connection number `nextConnNo` in `slot`: its client tuple, ISNs and length. */
  private open(slot: number): void {
    const k = this.nextConnNo++;
    this.cSrc[slot] = this.addressing.client(k);
    this.cDst[slot] = this.addressing.server(k);
    this.cSport[slot] = this.addressing.clientPort(k);
    this.cSeq[slot] = this.rng.u32();
    this.sSeq[slot] = this.rng.u32();
    this.left[slot] = drawFlowSize(this.rng, this.spec.flowSize);
    this.step[slot] = 0;
    this.retries[slot] = 0;
  }

  /** One packet of a TCP connection: the step it is at, sent by the side whose turn it is. */
  private tcpTurn(slot: number): void {
    const step = this.step[slot] as TcpStep;
    const c = this.cSeq[slot];
    const s = this.sSeq[slot];
    const len = this.spec.payload;
    let ok: boolean;
    switch (step) {
      case TcpStep.SYN:
        ok = this.fromClient(slot, TCP_SYN, c, 0, 0);
        if (ok) this.learnServer(slot);
        return this.advance(slot, ok, TcpStep.SYN_ACK, 1, 0);
      case TcpStep.SYN_ACK:
        ok = this.fromServer(slot, TCP_SYN | TCP_ACK, s, c, 0);
        return this.advance(slot, ok, TcpStep.ACK, 0, 1);
      case TcpStep.ACK:
        ok = this.fromClient(slot, TCP_ACK, c, s, 0);
        if (ok) this.stats.connected++;
        return this.advance(slot, ok, TcpStep.DATA, 0, 0);
      case TcpStep.DATA:
        ok = this.fromServer(slot, TCP_PSH | TCP_ACK, s, c, len);
        return this.advance(slot, ok, TcpStep.DATA_ACK, 0, len);
      case TcpStep.DATA_ACK:
        ok = this.fromClient(slot, TCP_ACK, c, s, 0);
        if (ok && --this.left[slot] > 0) return this.advance(slot, ok, TcpStep.DATA, 0, 0);
        return this.advance(slot, ok, TcpStep.FIN, 0, 0);
      case TcpStep.FIN:
        ok = this.fromClient(slot, TCP_FIN | TCP_ACK, c, s, 0);
        return this.advance(slot, ok, TcpStep.FIN_ACK, 1, 0);
      case TcpStep.FIN_ACK:
        ok = this.fromServer(slot, TCP_FIN | TCP_ACK, s, c, 0);
        return this.advance(slot, ok, TcpStep.LAST_ACK, 0, 1);
      case TcpStep.LAST_ACK:
        ok = this.fromClient(slot, TCP_ACK, c, s, 0);
        if (!ok) return this.retransmit(slot);
        this.stats.completed++;
        return this.open(slot);
    }
  }

  /** One datagram of a UDP connection: a request, then its response. */
  private udpTurn(slot: number): void {
    const step = this.step[slot] as UdpStep;
    const len = this.spec.payload;
    switch (step) {
      case UdpStep.FIRST_REQUEST: {
        const ok = this.fromClient(slot, 0, 0, 0, len);
        if (ok) this.learnServer(slot);
        return this.advance(slot, ok, UdpStep.FIRST_RESPONSE, 0, 0);
      }
      case UdpStep.REQUEST:
        return this.advance(slot, this.fromClient(slot, 0, 0, 0, len), UdpStep.RESPONSE, 0, 0);
      case UdpStep.FIRST_RESPONSE:
      case UdpStep.RESPONSE:
        if (!this.fromServer(slot, 0, 0, 0, len)) return this.retransmit(slot);
        if (step === UdpStep.FIRST_RESPONSE) this.stats.connected++;
        if (--this.left[slot] === 0) {
          this.stats.completed++;
          return this.open(slot);
        }
        return this.advance(slot, true, UdpStep.REQUEST, 0, 0);
    }
  }

  /** A sent step moves the connection on and advances the sender's sequence; a lost one is retried. */
  private advance(slot: number, ok: boolean, next: number, clientBytes: number, serverBytes: number): void {
    if (!ok) return this.retransmit(slot);
    this.step[slot] = next;
    this.retries[slot] = 0;
    this.cSeq[slot] = (this.cSeq[slot] + clientBytes) >>> 0;
    this.sSeq[slot] = (this.sSeq[slot] + serverBytes) >>> 0;
  }

  private retransmit(slot: number): void {
    if (++this.retries[slot] <= MAX_RETRANSMITS) return;
    this.stats.abandoned++;
    this.open(slot);
  }

  /** The server answers the client as the client's packet reached it (after any NAT on the way). */
  private learnServer(slot: number): void {
    const p = this.pkt;
    this.sSrc[slot] = p.dst;
    this.sDst[slot] = p.src;
    this.sSport[slot] = p.dport;
    this.sDport[slot] = p.sport;
  }

  private fromClient(slot: number, flags: number, seq: number, ack: number, len: number): boolean {
    return this.emit(this.spec.dev, this.cSrc[slot], this.cDst[slot], this.cSport[slot], this.spec.dport, flags, seq, ack, len);
  }

  private fromServer(slot: number, flags: number, seq: number, ack: number, len: number): boolean {
    return this.emit(this.spec.replyDev, this.sSrc[slot], this.sDst[slot], this.sSport[slot], this.sDport[slot], flags, seq, ack, len);
  }

  /** Rewrites the reused packet (headers and skb metadata) and injects it. */
  private emit(dev: string, src: number, dst: number, sport: number, dport: number, flags: number, seq: number, ack: number, len: number): boolean {
    const p = this.pkt;
    p.id = this.host.newPacketId();
    p.src = src;
    p.dst = dst;
    p.srcMac = hostMac(src);
    p.dstMac = hostMac(dst);
    p.ethType = ETH_P_IP;
    p.proto = this.proto;
    p.ttl = this.ttl;
    p.tos = 0;
    p.sport = sport;
    p.dport = dport;
    p.tcpFlags = flags;
    p.seq = seq;
    p.ack = ack;
    p.win = this.proto === IPPROTO_TCP ? WINDOW : 0;
    p.payloadLen = len;
    p.icmp = null;
    p.vxlan = null;
    const m = p.meta;
    m.ct = -1;
    m.ctinfo = CtInfo.UNTRACKED;
    m.postCt = false;
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
