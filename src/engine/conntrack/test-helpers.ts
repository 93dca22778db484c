/**
 * Packet builders and a small TCP endpoint model for conntrack tests.
 */
import { US_PER_SEC } from '../clock';
import { Env } from '../env';
import type { SimEvent } from '../events';
import { parseIpv4 } from '../model/addr';
import {
  ICMP_ECHO,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  TCP_ACK,
  blankPacket,
  type Packet,
} from '../model/packet';
import { DEFAULT_PROFILE, PROFILES, type ProfileName } from '../profile';
import type { SysctlKey } from '../sysctl';
import { Conntrack } from './conntrack';

let nextPacketId = 1;

export const ip = (text: string): number => parseIpv4(text)!;

function packet(proto: number, src: string, dst: string, sport: number, dport: number): Packet {
  const p = blankPacket(nextPacketId++, proto, 'rep0');
  p.src = ip(src);
  p.dst = ip(dst);
  p.sport = sport;
  p.dport = dport;
  return p;
}

export function tcpPacket(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  flags: number,
  seq: number,
  ack: number,
  opts: { win?: number; len?: number } = {},
): Packet {
  const p = packet(IPPROTO_TCP, src, dst, sport, dport);
  p.tcpFlags = flags;
  p.seq = seq >>> 0;
  p.ack = ack >>> 0;
  p.win = opts.win ?? 64240;
  p.payloadLen = opts.len ?? 0;
  return p;
}

export function udpPacket(src: string, dst: string, sport: number, dport: number, len = 0): Packet {
  const p = packet(IPPROTO_UDP, src, dst, sport, dport);
  p.payloadLen = len;
  return p;
}

export function icmpPacket(src: string, dst: string, type: number, id: number, code = 0, inner: Packet | null = null): Packet {
  const p = packet(IPPROTO_ICMP, src, dst, 0, 0);
  p.icmp = { type, code, id, seq: 1, inner };
  return p;
}

export const echoRequest = (src: string, dst: string, id: number): Packet => icmpPacket(src, dst, ICMP_ECHO, id);

export interface Harness {
  env: Env;
  ct: Conntrack;
  events: SimEvent[];
  /** Advances virtual time by `s` seconds, firing due timers. */
  sleep(s: number): void;
  sysctl(key: SysctlKey, value: number): void;
}

export function harness(opts: { seed?: number; profile?: ProfileName; listen?: boolean } = {}): Harness {
  const env = new Env(opts.seed ?? 1);
  env.profile = PROFILES[opts.profile ?? DEFAULT_PROFILE];
  const ct = new Conntrack(env);
  const events: SimEvent[] = [];
  if (opts.listen ?? true) env.events.subscribe((e) => events.push(e));
  return {
    env,
    ct,
    events,
    sleep: (s) => env.clock.advanceTo(env.now() + Math.round(s * US_PER_SEC)),
    sysctl: (key, value) => {
      const err = env.sysctl.set(key, String(value));
      if (err) throw new Error(err);
    },
  };
}

/** What act_ct does with `ct commit zone Z`: conntrack, confirm, then the skb leaves. */
export function track(ct: Conntrack, p: Packet, zone = 0, commit = true): { slot: number; ctinfo: number; verdict: string } {
  let verdict = ct.in(p, zone);
  const slot = p.meta.ct;
  const ctinfo = p.meta.ctinfo;
  if (commit && verdict === 'accept') verdict = ct.commit(p, undefined, undefined);
  ct.releaseSkb(p);
  return { slot, ctinfo, verdict };
}

/**
 * Two TCP endpoints with their own sequence numbers, so tests write the conversation
 * (`c.send(SYN)`, `s.send(SYN|ACK)` …) and get in-window numbers.
 */
export class TcpPeer {
  seq: number;
  ack = 0;
  peer!: TcpPeer;

  constructor(
    readonly addr: string,
    readonly port: number,
    isn: number,
  ) {
    this.seq = isn;
  }

  /** Builds the next segment; SYN and FIN consume one sequence number, data its length. */
  segment(flags: number, len = 0): Packet {
    const p = tcpPacket(this.addr, this.peer.addr, this.port, this.peer.port, flags, this.seq, flags & TCP_ACK ? this.ack : 0, { len });
    const used = len + (flags & 0x02 ? 1 : 0) + (flags & 0x01 ? 1 : 0);
    this.seq = (this.seq + used) >>> 0;
    this.peer.ack = this.seq;
    return p;
  }
}

export function tcpPeers(client = '10.0.0.1:1000', server = '10.0.0.2:80', cisn = 1000, sisn = 5000): [TcpPeer, TcpPeer] {
  const [ca, cp] = client.split(':');
  const [sa, sp] = server.split(':');
  const c = new TcpPeer(ca, Number(cp), cisn);
  const s = new TcpPeer(sa, Number(sp), sisn);
  c.peer = s;
  s.peer = c;
  return [c, s];
}

export function eventsOf<K extends SimEvent['kind']>(events: SimEvent[], kind: K): Extract<SimEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<SimEvent, { kind: K }> => e.kind === kind);
}
