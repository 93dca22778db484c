/**
 * Forking (fork.ts): a fork cut anywhere in any scenario, continued with the rest of it, ends
 * in the state, events and outputs an uninterrupted run gives, and so does the original; the
 * two never affect each other. Also mid-`traffic` forks (a simulator plus its generator), forks
 * of forks, and the loud failures.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Clock, type TimerOwner } from './clock';
import { EventLog } from './eventlog';
import type { SimEvent } from './events';
import { FORK_KEEPS, fork, forkSimulator } from './fork';
import { PROFILES } from './profile';
import { splitExpectations } from './script/expected-output';
import { Simulator } from './simulator';
import { snapshot } from './snapshot';
import { DEFAULT_TRAFFIC, TrafficGenerator, type TrafficSpec } from './traffic/generator';
import { talkRules } from '../scenarios/talk-rules';

const SCENARIOS = join(dirname(dirname(fileURLToPath(import.meta.url))), 'scenarios');

function simFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) return simFiles(p);
      return f.endsWith('.sim') ? [p] : [];
    });
}

/** A simulator whose every event is recorded. */
function recorded(sim: Simulator): { sim: Simulator; events: SimEvent[] } {
  const events: SimEvent[] = [];
  sim.subscribe((e) => events.push(e));
  return { sim, events };
}

/** The script's lines from `from` (0-based) on, the earlier ones blanked so line numbers stay. */
const linesFrom = (lines: string[], from: number, to = lines.length): string =>
  lines.map((l, i) => (i >= from && i < to ? l : '')).join('\n');

/**
 * Cut points after each third of the command lines: a line index where no continuation
 * (trailing backslash) crosses the cut.
 */
function cutPoints(lines: string[]): number[] {
  const commandLines = lines.flatMap((l, i) => (l.trim() && !l.trim().startsWith('#') ? [i] : []));
  const cuts = new Set<number>();
  for (const third of [1, 2, 3]) {
    let cut = (commandLines[Math.floor((third * commandLines.length) / 3) - 1] ?? -1) + 1;
    while (cut > 0 && cut < lines.length && lines[cut - 1].trimEnd().endsWith('\\')) cut++;
    cuts.add(cut);
  }
  return [...cuts];
}

interface Run {
  snapshot: string;
  events: SimEvent[];
  outputs: string[];
  error?: unknown;
}

function uninterrupted(script: string): Run {
  const c = recorded(new Simulator());
  const r = c.sim.run(script);
  return { snapshot: snapshot(c.sim), events: c.events, outputs: r.outputs, error: r.error };
}

describe('fork of every scenario, at each third of its lines', () => {
  for (const file of simFiles(SCENARIOS)) {
    it(relative(SCENARIOS, file), () => {
      const { script } = splitExpectations(readFileSync(file, 'utf8'));
      const lines = script.split('\n');
      const whole = uninterrupted(script);
      for (const cut of cutPoints(lines)) {
        const at = `${relative(SCENARIOS, file)} forked before line ${cut + 1}`;
        const a = recorded(new Simulator());
        const prefix = a.sim.run(linesFrom(lines, 0, cut));
        const b = recorded(forkSimulator(a.sim));
        expect(snapshot(b.sim), at).toBe(snapshot(a.sim));
        const forkedEvents = [...a.events];
        const rest = linesFrom(lines, cut);
        // A prefix that stopped at an error is where the whole run stopped too: nothing follows.
        const ra = prefix.error ? { outputs: [], error: prefix.error } : a.sim.run(rest);
        const rb = prefix.error ? { outputs: [], error: prefix.error } : b.sim.run(rest);
        expect(snapshot(a.sim), `${at}: original`).toBe(whole.snapshot);
        expect(snapshot(b.sim), `${at}: fork`).toBe(whole.snapshot);
        expect([...prefix.outputs, ...ra.outputs], `${at}: original's outputs`).toEqual(whole.outputs);
        expect([...prefix.outputs, ...rb.outputs], `${at}: fork's outputs`).toEqual(whole.outputs);
        expect(ra.error, `${at}: original's error`).toEqual(whole.error);
        expect(rb.error, `${at}: fork's error`).toEqual(whole.error);
        expect(a.events, `${at}: original's events`).toEqual(whole.events);
        expect([...forkedEvents, ...b.events], `${at}: fork's events`).toEqual(whole.events);
      }
    });
  }
});

const SPEC: TrafficSpec = { ...DEFAULT_TRAFFIC, dev: 'uplink', replyDev: 'rep0', conns: 200, rate: 20_000, flowSize: { kind: 'pareto', alpha: 1.2, min: 2 } };

/** The talk's rules (hardware offload on, so the NIC and the offload work queue take part). */
function talkSim(): Simulator {
  const sim = new Simulator({ seed: 7 });
  const r = sim.run(talkRules(''));
  expect(r.error).toBeUndefined();
  return sim;
}

/** What the scenario stepper holds: a simulator and a generator running on it. */
interface Stepper {
  sim: Simulator;
  gen: TrafficGenerator;
}

const newStepper = (): Stepper => {
  const sim = new Simulator({ seed: 7 });
  return { sim, gen: new TrafficGenerator(sim, SPEC) };
};

function state(s: Stepper): string {
  return `${snapshot(s.sim)}${JSON.stringify(s.gen.stats)}\n`;
}

// Thousands of packets with every event recorded: slow on a loaded machine, so a generous timeout.
describe('fork in the middle of a traffic run', { timeout: 60_000 }, () => {
  it('copies the simulator and its generator together; both go on as one uninterrupted run', () => {
    const whole = recorded(talkSim());
    const wholeGen = new TrafficGenerator(whole.sim, SPEC);
    wholeGen.send(1000);
    whole.sim.advanceTo(whole.sim.env.now() + 2_000_000);
    wholeGen.send(1000);
    const wholeState = state({ sim: whole.sim, gen: wholeGen });

    const a = recorded(talkSim());
    const runner: Stepper = { sim: a.sim, gen: new TrafficGenerator(a.sim, SPEC) };
    runner.gen.send(1000);
    const before = a.events.length;
    const forked = fork(runner, newStepper());
    expect(forked.gen).not.toBe(runner.gen);
    const b = recorded(forked.sim);
    for (const s of [runner, forked]) {
      s.sim.advanceTo(s.sim.env.now() + 2_000_000);
      s.gen.send(1000);
    }
    expect(state(runner)).toBe(wholeState);
    expect(state(forked)).toBe(wholeState);
    expect(a.events).toEqual(whole.events);
    expect([...a.events.slice(0, before), ...b.events]).toEqual(whole.events);
    // The traffic exercised what a fork must carry: offloaded flows and pending timers.
    expect(whole.sim.conntrack.count()).toBeGreaterThan(100);
    expect(wholeState).toMatch(/\[HW_OFFLOAD\]/);
  });

  it('copies a generator the fresh graph does not have (a stepper forked mid-command)', () => {
    const a: Stepper = { sim: talkSim(), gen: undefined! };
    a.gen = new TrafficGenerator(a.sim, SPEC);
    a.gen.send(1500);
    const b = fork<{ sim: Simulator; gen: TrafficGenerator | null }>(a, { sim: new Simulator(), gen: null }) as Stepper;
    expect(b.gen).toBeInstanceOf(TrafficGenerator);
    a.gen.send(1500);
    b.gen.send(1500);
    expect(state(b)).toBe(state(a));
  });

  it('forks a fork: three simulators, one history', () => {
    const a: Stepper = { sim: talkSim(), gen: undefined! };
    a.gen = new TrafficGenerator(a.sim, SPEC);
    a.gen.send(1000);
    const b = fork(a, newStepper());
    b.gen.send(1000);
    const c = fork(b, newStepper());
    a.gen.send(1000);
    a.gen.send(1000);
    b.gen.send(1000);
    c.gen.send(1000);
    expect(state(b)).toBe(state(a));
    expect(state(c)).toBe(state(a));
    // Diverging one leaves the others alone (a current kernel's flush takes offloaded entries too).
    c.sim.run('sim profile 6.12\nconntrack -F\nsleep 5\n');
    expect(c.sim.conntrack.count()).toBe(0);
    expect(state(b)).toBe(state(a));
    expect(a.sim.conntrack.count()).toBeGreaterThan(0);
  });
});

describe('fork', () => {
  it('gives the fork no listeners but the same event count', () => {
    const a = recorded(talkSim());
    expect(a.sim.run('send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags S\n').error).toBeUndefined();
    const b = forkSimulator(a.sim);
    expect(b.env.events.active).toBe(false);
    expect(b.env.events.count).toBe(a.sim.env.events.count);
    const seen = a.events.length;
    const onB = recorded(b);
    expect(b.run('send dev uplink tcp 192.0.2.10:40001 > 10.0.0.1:80 flags S\nsleep 3\n').error).toBeUndefined();
    expect(a.events.length).toBe(seen);
    expect(onB.events.length).toBeGreaterThan(0);
    expect(b.env.events.count).toBe(a.sim.env.events.count + onB.events.length);
  });

  it("keeps the fresh graph's own subscriptions: a runner's event log follows its own simulator", () => {
    class Runner {
      readonly sim = new Simulator();
      readonly log = new EventLog(1000);
      constructor() {
        this.sim.subscribe(this.log.listener);
      }
    }
    const a = new Runner();
    a.sim.run(talkRules(''));
    const b = fork(a, new Runner());
    expect(b.log.events()).toEqual(a.log.events());
    const kept = a.log.size;
    b.sim.run('send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags S\n');
    expect(a.log.size).toBe(kept);
    expect(b.log.size).toBeGreaterThan(kept);
    expect(b.log.events().slice(kept).every((e) => e.t === b.sim.env.now())).toBe(true);
  });

  it('shares frozen module constants (the kernel profiles) instead of copying them', () => {
    const a = new Simulator();
    a.run('sim profile 6.12\n');
    const b = forkSimulator(a);
    expect(b.env.profile).toBe(PROFILES['6.12']);
    expect(Object.isFrozen(PROFILES['5.7'])).toBe(true);
  });

  it('keeps typed-array views of one buffer views of one copied buffer, and shared objects shared', () => {
    class Holder {
      buf = new ArrayBuffer(16);
      lo = new Uint32Array(this.buf, 0, 2);
      hi = new Uint8Array(this.buf, 8, 8);
      list = [{ n: 1 }];
      alias = this.list[0];
      self: Holder = this;
      byName = new Map([['x', this.list]]);
    }
    const a = new Holder();
    a.lo[1] = 7;
    a.hi[0] = 9;
    a.list.push({ n: 2 });
    const b = fork(a, new Holder());
    b.lo[1] = 8;
    expect(a.lo[1]).toBe(7);
    expect(b.hi.buffer).toBe(b.buf);
    expect(b.lo.buffer).toBe(b.buf);
    expect(new Uint8Array(b.buf)[8]).toBe(9);
    expect(b.alias).toBe(b.list[0]);
    expect(b.alias).not.toBe(a.alias);
    expect(b.self).toBe(b);
    expect(b.byName.get('x')).toBe(b.list);
    expect(b.list.map((o) => o.n)).toEqual([1, 2]);
  });

  it('re-binds constructor closures and timer owners to the copy', () => {
    class Counter implements TimerOwner {
      fired = 0;
      readonly clock = new Clock();
      readonly bump = (): void => {
        this.fired++;
      };
      onTimer(arg: number): void {
        this.fired += arg;
      }
    }
    const a = new Counter();
    a.clock.at(10, 'ten', a, 10);
    const b = fork(a, new Counter());
    b.clock.advanceTo(10);
    b.bump();
    expect(b.fired).toBe(11);
    expect(a.fired).toBe(0);
    a.clock.advanceTo(10);
    expect(a.fired).toBe(10);
  });

  it('throws with the path of a closure made at run time', () => {
    class Hooked {
      hook: (() => void) | null = null;
    }
    const a = new Hooked();
    a.hook = () => {};
    expect(() => fork(a, new Hooked())).toThrow('fork: (root).hook: holds a function no freshly built object holds');
    const sim = new Simulator();
    sim.datapath.onOutcome = () => {};
    expect(() => forkSimulator(sim)).toThrow('fork: (root).datapath.onOutcome: holds a different function than a freshly built object does');
  });

  it('throws on what it cannot copy (weak collections, accessors) and on an unpaired kept field', () => {
    class Weak {
      seen = new WeakMap<object, number>();
    }
    expect(() => fork(new Weak(), new Weak())).toThrow('fork: (root).seen: is a WeakMap, which cannot be copied');
    class Accessor {
      x = 1;
    }
    const acc = new Accessor();
    Object.defineProperty(acc, 'y', { get: () => 2, enumerable: true, configurable: true });
    expect(() => fork(acc, new Accessor())).toThrow('fork: (root).y: is an accessor property');
    class Keeper {
      static readonly [FORK_KEEPS] = ['listeners'];
      listeners: unknown[] = [];
    }
    const outer = { keeper: new Keeper() };
    expect(() => fork(outer, { keeper: null as unknown as Keeper })).toThrow('fork: (root).keeper: keeps fields from a fresh object');
  });
});
