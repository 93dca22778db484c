import { describe, expect, it } from 'vitest';
import { talkRules } from '../scenarios/talk-rules';
import type { Outcome } from './datapath';
import type { Packet } from './model/packet';
import { Simulator } from './simulator';
import { DEFAULT_TRAFFIC, TrafficGenerator, type TrafficHost, type TrafficSpec } from './traffic/generator';

/** The simulator as a traffic host without the cache warm-up. */
class ColdHost implements TrafficHost {
  constructor(private readonly sim: Simulator) {}
  get env(): Simulator['env'] {
    return this.sim.env;
  }
  newPacketId(): number {
    return this.sim.newPacketId();
  }
  advanceTo(t: number): void {
    this.sim.advanceTo(t);
  }
  inject(pkt: Packet, dev: string, line: number): Outcome | null {
    return this.sim.inject(pkt, dev, line);
  }
}

const SPEC: TrafficSpec = {
  ...DEFAULT_TRAFFIC,
  dev: 'uplink',
  replyDev: 'rep0',
  conns: 40,
  rate: 50_000,
  flowSize: { kind: 'pareto', alpha: 1.2, min: 2 },
  order: 'random',
  train: 3,
};

function simulate(flags: '' | 'skip_hw', warm: boolean): { trace: string[]; tables: string } {
  const sim = new Simulator({ seed: 7 });
  expect(sim.run(talkRules(flags)).error).toBeUndefined();
  const trace: string[] = [];
  sim.subscribe((e) => trace.push(JSON.stringify(e)));
  const gen = new TrafficGenerator(warm ? sim : new ColdHost(sim), SPEC);
  gen.send(3000);
  const r = sim.run('conntrack -L\ntc -s filter show dev uplink ingress\ntc -s filter show dev rep0 ingress\n');
  expect(r.error).toBeUndefined();
  return { trace, tables: r.outputs.join('\n') };
}

describe('cache warm-up', () => {
  for (const flags of ['', 'skip_hw'] as const) {
    it(`changes nothing a packet sees (${flags || 'offloaded'} rules): same trace and tables with and without it`, () => {
      const warm = simulate(flags, true);
      const cold = simulate(flags, false);
      expect(warm.trace.length).toBeGreaterThan(30_000);
      expect(warm.tables).toContain(flags ? '[OFFLOAD]' : '[HW_OFFLOAD]');
      expect(warm.trace).toEqual(cold.trace);
      expect(warm.tables).toBe(cold.tables);
    });
  }

  it('finds the entry of every established connection in each zone with a flowtable, and none of unknown tuples', () => {
    const sim = new Simulator({ seed: 3 });
    expect(sim.run(talkRules('skip_hw')).error).toBeUndefined();
    const gen = new TrafficGenerator(sim, { ...SPEC, conns: 100, order: 'round-robin', train: 1, flowSize: { kind: 'fixed', segments: 1000 } });
    gen.send(300); // SYN, SYN-ACK, ACK of each
    expect(sim.conntrack.count()).toBe(100);
    const key = { family: 4, proto: 6, src: 0, dst: 0, sport: 0, dport: 0 };
    sim.conntrack.forEach((ct) => {
      Object.assign(key, sim.conntrack.tuple(ct, 1));
      sim.warmup.add(key);
    });
    expect(sim.warmup.warm()).toBe(100);
    Object.assign(key, { src: 0x01020304, dst: 0x0a000001, sport: 1, dport: 80 });
    sim.warmup.add(key);
    expect(sim.warmup.warm()).toBe(0);
  });
});
