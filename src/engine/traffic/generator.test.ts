import { describe, expect, it } from 'vitest';
import type { Outcome } from '../datapath';
import { Env } from '../env';
import { formatIpv4, parseIpv4 } from '../model/addr';
import { formatIpv6, parseIpv6 } from '../model/addr6';
import { CtInfo, formatTcpFlags, type Packet } from '../model/packet';
import { DEFAULT_TRAFFIC, MAX_RETRANSMITS, TrafficGenerator, validateTraffic, type TrafficHost, type TrafficSpec } from './generator';

interface Sent {
  t: number;
  id: number;
  dev: string;
  line: string;
}

const DELIVERED: Outcome = { kind: 'deliver', dev: 'rep0', to: 'vm', target: 'vm0' };
const DROPPED: Outcome = { kind: 'drop', dev: 'uplink', target: 'uplink', reason: 'test' };

/** A host that records what it is given and answers with a scripted outcome. */
class FakeHost implements TrafficHost {
  readonly env = new Env(1);
  readonly sent: Sent[] = [];
  readonly packets = new Set<Packet>();
  private id = 100;
  /** Decides each packet's fate; may rewrite it as NAT would. */
  fate: (p: Packet) => Outcome | null = () => DELIVERED;

  newPacketId(): number {
    return this.id++;
  }

  advanceTo(t: number): void {
    this.env.clock.advanceTo(t);
  }

  inject(p: Packet, dev: string): Outcome | null {
    this.packets.add(p);
    expect(p.meta.ct).toBe(-1);
    expect(p.meta.ctinfo).toBe(CtInfo.UNTRACKED);
    expect(p.meta.indev).toBe(dev);
    const l4 = p.proto === 6 ? `tcp [${formatTcpFlags(p.tcpFlags)}] seq ${p.seq} ack ${p.ack} len ${p.payloadLen}` : `udp len ${p.payloadLen}`;
    this.sent.push({ t: this.env.now(), id: p.id, dev, line: `${formatIpv4(p.src)}.${p.sport} > ${formatIpv4(p.dst)}.${p.dport} ttl ${p.ttl} ${l4}` });
    const o = this.fate(p);
    // The engine attaches conntrack state while it processes the packet; the generator must reset it.
    p.meta.ct = 7;
    p.meta.ctinfo = CtInfo.ESTABLISHED;
    return o;
  }
}

const spec = (over: Partial<TrafficSpec> = {}): TrafficSpec => ({
  ...DEFAULT_TRAFFIC,
  dev: 'uplink',
  replyDev: 'rep0',
  conns: 1,
  rate: 1_000_000,
  flowSize: { kind: 'fixed', segments: 2 },
  order: 'round-robin',
  ...over,
});

describe('TrafficGenerator, TCP', () => {
  it('runs a whole connection: handshake, data with ACKs, FIN close, then the next connection', () => {
    const host = new FakeHost();
    const gen = new TrafficGenerator(host, spec());
    gen.send(11);
    const lines = host.sent.map((s) => `${s.dev} ${s.line}`);
    // Sequence numbers are relative to the first packet of each side (ISNs are random).
    const isnC = Number(/seq (\d+)/.exec(lines[0])![1]);
    const isnS = Number(/seq (\d+)/.exec(lines[1])![1]);
    const rel = lines.map((l) =>
      l
        .replace(/seq (\d+) ack (\d+)/, (_m, s: string, a: string) => {
          const fromClient = l.startsWith('uplink');
          const seq = (Number(s) - (fromClient ? isnC : isnS)) >>> 0;
          const ack = Number(a) === 0 ? 0 : (Number(a) - (fromClient ? isnS : isnC)) >>> 0;
          return `seq ${seq} ack ${ack}`;
        }),
    );
    expect(rel.slice(0, 10)).toEqual([
      'uplink 198.18.0.1.1024 > 10.0.0.1.80 ttl 64 tcp [S] seq 0 ack 0 len 0',
      'rep0 10.0.0.1.80 > 198.18.0.1.1024 ttl 64 tcp [S.] seq 0 ack 1 len 0',
      'uplink 198.18.0.1.1024 > 10.0.0.1.80 ttl 64 tcp [.] seq 1 ack 1 len 0',
      'rep0 10.0.0.1.80 > 198.18.0.1.1024 ttl 64 tcp [P.] seq 1 ack 1 len 1400',
      'uplink 198.18.0.1.1024 > 10.0.0.1.80 ttl 64 tcp [.] seq 1 ack 1401 len 0',
      'rep0 10.0.0.1.80 > 198.18.0.1.1024 ttl 64 tcp [P.] seq 1401 ack 1 len 1400',
      'uplink 198.18.0.1.1024 > 10.0.0.1.80 ttl 64 tcp [.] seq 1 ack 2801 len 0',
      'uplink 198.18.0.1.1024 > 10.0.0.1.80 ttl 64 tcp [F.] seq 1 ack 2801 len 0',
      'rep0 10.0.0.1.80 > 198.18.0.1.1024 ttl 64 tcp [F.] seq 2801 ack 2 len 0',
      'uplink 198.18.0.1.1024 > 10.0.0.1.80 ttl 64 tcp [.] seq 2 ack 2802 len 0',
    ]);
    // The 11th packet opens connection #1: the next client address, a SYN.
    expect(lines[10]).toMatch(/^uplink 198\.18\.0\.2\.1024 > 10\.0\.0\.1\.80 ttl 64 tcp \[S\] seq \d+ ack 0 len 0$/);
    expect(gen.stats).toEqual({ packets: 11, delivered: 11, lost: 0, connected: 1, completed: 1, abandoned: 0 });
  });

  it('reuses one packet object and gives every packet a fresh id', () => {
    const host = new FakeHost();
    new TrafficGenerator(host, spec({ conns: 3 })).send(9);
    expect(host.packets.size).toBe(1);
    expect(host.sent.map((s) => s.id)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108]);
  });

  it('round-robin opens every connection before any gets a second packet', () => {
    const host = new FakeHost();
    new TrafficGenerator(host, spec({ conns: 3 })).send(4);
    expect(host.sent.map((s) => s.line.replace(/ seq.*/, ''))).toEqual([
      '198.18.0.1.1024 > 10.0.0.1.80 ttl 64 tcp [S]',
      '198.18.0.2.1024 > 10.0.0.1.80 ttl 64 tcp [S]',
      '198.18.0.3.1024 > 10.0.0.1.80 ttl 64 tcp [S]',
      '10.0.0.1.80 > 198.18.0.1.1024 ttl 64 tcp [S.]',
    ]);
  });

  it('sends a train of packets of one connection before the next one gets its turn', () => {
    const host = new FakeHost();
    new TrafficGenerator(host, spec({ conns: 3, train: 2 })).send(7);
    expect(host.sent.map((s) => s.line.replace(/ seq.*/, ''))).toEqual([
      '198.18.0.1.1024 > 10.0.0.1.80 ttl 64 tcp [S]',
      '10.0.0.1.80 > 198.18.0.1.1024 ttl 64 tcp [S.]',
      '198.18.0.2.1024 > 10.0.0.1.80 ttl 64 tcp [S]',
      '10.0.0.1.80 > 198.18.0.2.1024 ttl 64 tcp [S.]',
      '198.18.0.3.1024 > 10.0.0.1.80 ttl 64 tcp [S]',
      '10.0.0.1.80 > 198.18.0.3.1024 ttl 64 tcp [S.]',
      '198.18.0.1.1024 > 10.0.0.1.80 ttl 64 tcp [.]',
    ]);
  });

  it('answers from the address the client packet was delivered to (after NAT)', () => {
    const host = new FakeHost();
    host.fate = (p) => {
      if (p.dst === parseIpv4('10.0.0.1')) {
        p.dst = parseIpv4('192.168.1.5')!; // DNAT on the way to the server
        p.dport = 8080;
      }
      return DELIVERED;
    };
    new TrafficGenerator(host, spec()).send(2);
    expect(host.sent[1].line).toMatch(/^192\.168\.1\.5\.8080 > 198\.18\.0\.1\.1024 /);
  });

  it('retransmits an undelivered step and abandons the connection after MAX_RETRANSMITS', () => {
    const host = new FakeHost();
    host.fate = () => DROPPED;
    const gen = new TrafficGenerator(host, spec());
    gen.send(MAX_RETRANSMITS + 2);
    const firstConn = host.sent.slice(0, MAX_RETRANSMITS + 1).map((s) => s.line);
    expect(new Set(firstConn).size).toBe(1); // the same SYN, sent again
    expect(host.sent[MAX_RETRANSMITS + 1].line).toMatch(/^198\.18\.0\.2\.1024 > /);
    expect(gen.stats).toEqual({ packets: MAX_RETRANSMITS + 2, delivered: 0, lost: MAX_RETRANSMITS + 2, connected: 0, completed: 0, abandoned: 1 });
  });

  it('paces packets at the rate in virtual time and resumes after a sleep', () => {
    const host = new FakeHost();
    const gen = new TrafficGenerator(host, spec({ conns: 10, rate: 400_000 }));
    gen.send(5);
    expect(host.sent.map((s) => s.t)).toEqual([0, 2, 5, 7, 10]);
    host.advanceTo(1000);
    gen.send(2);
    expect(host.sent.slice(5).map((s) => s.t)).toEqual([1000, 1002]);
    gen.runFor(0.00001); // 4 packets at 400 kpps
    expect(host.sent.slice(7).map((s) => s.t)).toEqual([1005, 1007, 1010, 1012]);
  });

  it('sends with the TTL set on the generator', () => {
    const host = new FakeHost();
    const gen = new TrafficGenerator(host, spec());
    gen.ttl = 1;
    gen.send(1);
    expect(host.sent[0].line).toContain(' ttl 1 ');
  });

  it('random order is seeded: the same seed gives the same packets', () => {
    const run = (): string[] => {
      const host = new FakeHost();
      new TrafficGenerator(host, spec({ conns: 50, order: 'random', flowSize: { kind: 'pareto', alpha: 1.2, min: 2 } })).send(200);
      return host.sent.map((s) => s.line);
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(new Set(a.map((l) => l.split(' ')[0])).size).toBeGreaterThan(20);
  });
});

describe('TrafficGenerator, UDP', () => {
  it('sends request/response pairs and counts the first response as connected', () => {
    const host = new FakeHost();
    const gen = new TrafficGenerator(host, spec({ proto: 'udp', dport: 53, payload: 60 }));
    gen.send(5);
    expect(host.sent.map((s) => `${s.dev} ${s.line}`)).toEqual([
      'uplink 198.18.0.1.1024 > 10.0.0.1.53 ttl 64 udp len 60',
      'rep0 10.0.0.1.53 > 198.18.0.1.1024 ttl 64 udp len 60',
      'uplink 198.18.0.1.1024 > 10.0.0.1.53 ttl 64 udp len 60',
      'rep0 10.0.0.1.53 > 198.18.0.1.1024 ttl 64 udp len 60',
      'uplink 198.18.0.2.1024 > 10.0.0.1.53 ttl 64 udp len 60',
    ]);
    expect(gen.stats).toEqual({ packets: 5, delivered: 5, lost: 0, connected: 1, completed: 1, abandoned: 0 });
  });
});

describe('validateTraffic', () => {
  it('accepts the defaults and names the first bad number', () => {
    expect(validateTraffic(spec())).toBeNull();
    expect(validateTraffic(spec({ conns: 0 }))).toBe('conns must be an integer from 1 to 16000000, not 0');
    expect(validateTraffic(spec({ rate: -5 }))).toBe('rate must be a positive number of packets per second, not -5');
    expect(validateTraffic(spec({ dport: 70000 }))).toBe('dport must be from 1 to 65535, not 70000');
    expect(validateTraffic(spec({ payload: 70000 }))).toBe('payload must be from 0 to 65495 bytes, not 70000');
    expect(validateTraffic(spec({ ttl: 256 }))).toBe('ttl must be from 0 to 255, not 256');
    expect(validateTraffic(spec({ train: 0 }))).toBe('train must be from 1 to 1024 packets, not 0');
    expect(validateTraffic(spec({ flowSize: { kind: 'pareto', alpha: 0, min: 2 } }))).toBe('pareto alpha must be a positive number, not 0');
    expect(validateTraffic(spec({ dst: { family: 6, addr: parseIpv6('2001:db8::1')!, len: 128 } }))).toBe('src and dst must be of one family, not IPv4 and IPv6');
  });

  it('generates IPv6 connections from a prefix: clients from network + 1, one server', () => {
    const host = new FakeHost();
    const v6 = spec({ conns: 3, src: { family: 6, addr: parseIpv6('2001:db8:100::')!, len: 64 }, dst: { family: 6, addr: parseIpv6('2001:db8:1::1')!, len: 128 } });
    const seen: string[] = [];
    host.fate = (p) => {
      expect([p.family, p.ethType]).toEqual([6, 0x86dd]);
      seen.push(`${formatIpv6(p.src)}.${p.sport} > ${formatIpv6(p.dst)}.${p.dport}`);
      return DELIVERED;
    };
    new TrafficGenerator(host, v6).send(4);
    expect(seen).toEqual([
      '2001:db8:100::1.1024 > 2001:db8:1::1.80',
      '2001:db8:100::2.1024 > 2001:db8:1::1.80',
      '2001:db8:100::3.1024 > 2001:db8:1::1.80',
      '2001:db8:1::1.80 > 2001:db8:100::1.1024',
    ]);
  });
});
