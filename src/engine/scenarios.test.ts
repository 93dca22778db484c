/**
 * The scenario files are the datapath's acceptance tests: each src/scenarios/tests/*.sim (and
 * each src/scenarios/*.sim) runs through runScenario, and every show command's output must
 * equal the `> ` block under it. A file that expects to stop at an error says so in a header
 * line `#! error LINE:COL: message`. The targeted tests below read the event stream instead:
 * what conntrack and flower made of the SYN/ACK, one end per injected packet, determinism.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SimEvent } from './events';
import { runScenario } from './scenario';
import { splitExpectations } from './script/expected-output';
import { Simulator } from './simulator';

const SRC_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const SCENARIO_DIRS = [join(SRC_DIR, 'scenarios'), join(SRC_DIR, 'scenarios', 'tests')];
const TESTS_DIR = SCENARIO_DIRS[1];

const scenarioFiles = SCENARIO_DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.sim'))
    .sort()
    .map((f) => join(dir, f)),
);

const read = (file: string): string => readFileSync(file, 'utf8');
const scenario = (name: string): string => read(join(TESTS_DIR, name));

/**
 * `#! error LINE:COL: message` — the error the scenario is meant to stop at. A message of several
 * lines (tc's `Error: ….` then "We have an error talking to the kernel") goes on in `#!   ` lines.
 */
function expectedError(text: string): string | undefined {
  const m = /^#! error (.*)((?:\n#! {2,}.*)*)$/m.exec(text);
  if (!m) return undefined;
  return [m[1], ...m[2].split('\n#!').slice(1).map((l) => l.trim())].join('\n');
}

/** Runs a scenario's commands (expectation lines removed) and records every event. */
function trace(text: string): SimEvent[] {
  const events: SimEvent[] = [];
  const sim = new Simulator();
  sim.subscribe((e) => events.push(e));
  const result = sim.run(splitExpectations(text).script);
  expect(result.error).toBeUndefined();
  return events;
}

/** The events of the first packet injected on `dev` whose summary contains `flags`. */
function journeyOf(events: SimEvent[], dev: string, flags: string): SimEvent[] {
  const inject = events.find((e) => e.kind === 'packet.inject' && e.dev === dev && e.summary.includes(flags));
  expect(inject, `a packet injected on ${dev} with ${flags}`).toBeDefined();
  return events.filter((e) => e.pkt === inject!.pkt);
}

describe('scenario files', () => {
  it('finds the scenario tests', () => {
    expect(scenarioFiles.filter((f) => f.startsWith(TESTS_DIR)).length).toBeGreaterThanOrEqual(14);
  });

  for (const file of scenarioFiles) {
    const name = relative(SRC_DIR, file);
    it(name, () => {
      const text = read(file);
      const result = runScenario(text);
      const error = result.error && `${result.error.line}:${result.error.col}: ${result.error.message}`;
      expect(error, `${name} stopped at an error`).toBe(expectedError(text));
      for (const m of result.mismatches) {
        expect.soft(m.actual, `${name}: output of line ${m.line}`).toBe(m.expected);
      }
      expect.soft(result.failedExpects.map((e) => e.message), `${name}: failed expectations`).toEqual([]);
      // A test file must check something: expected output or an expected error.
      if (file.startsWith(TESTS_DIR) && !error) expect(result.checked, `${name} has no expected output`).toBeGreaterThan(0);
    });
  }
});

describe('a scenario with a wrong expectation (tests/fixtures/expect-wrong.sim)', () => {
  it('fails at that line with what was expected and found, and runs to the end', () => {
    const result = runScenario(read(join(TESTS_DIR, 'fixtures', 'expect-wrong.sim')));
    expect(result.error).toBeUndefined();
    expect(result.checked).toBe(3);
    expect(result.failedExpects.map((e) => e.message)).toEqual([
      'line 12, col 1: expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 flags ASSURED,HW_OFFLOAD: found flags ASSURED,OFFLOAD',
    ]);
  });
});

describe('the SYN/ACK of the web-server policy', () => {
  it('is ESTABLISHED_REPLY for conntrack while the TCP state is SYN_RECV (5.7: flower sees +trk+est)', () => {
    const pkt = journeyOf(trace(scenario('web-server.sim')), 'rep0', '[S.] seq');
    const lookup = pkt.find((e) => e.kind === 'ct.lookup');
    expect(lookup).toMatchObject({ zone: 1, result: 'reply', ctState: '+trk+est+rpl', stateBefore: 'SYN_SENT', stateAfter: 'SYN_RECV' });
    const matched = pkt.filter((e) => e.kind === 'tc.filter' && e.matched).map((e) => e.kind === 'tc.filter' && `${e.dev} chain ${e.chain} pref ${e.prio}`);
    expect(matched).toEqual(['rep0 chain 0 pref 1', 'rep0 chain 2 pref 1']);
    expect(pkt.at(-1)).toMatchObject({ kind: 'tc.verdict', verdict: 'stolen' });
    expect(pkt.find((e) => e.kind === 'packet.deliver')).toMatchObject({ dev: 'uplink', to: 'wire' });
  });

  it('matches +trk+est+rpl on a current kernel', () => {
    const pkt = journeyOf(trace(scenario('web-server-6.12.sim')), 'rep0', '[S.] seq');
    expect(pkt.find((e) => e.kind === 'ct.lookup')).toMatchObject({ result: 'reply', ctState: '+trk+est+rpl', stateAfter: 'SYN_RECV' });
    const chain2 = pkt.filter((e) => e.kind === 'tc.filter' && e.chain === 2);
    expect(chain2).toHaveLength(1);
    expect(chain2[0]).toMatchObject({ prio: 1, matched: true });
  });

  it('leaves the invalid SYN/ACK untracked in 5.7 and +trk+inv on a current kernel', () => {
    const old = journeyOf(trace(scenario('web-server.sim')), 'rep0', '192.0.2.20.50000: tcp [S.]');
    expect(old.find((e) => e.kind === 'ct.lookup')).toMatchObject({ result: 'invalid', ctState: '+trk+inv' });
    expect(old.filter((e) => e.kind === 'tc.filter' && e.matched).map((e) => e.kind === 'tc.filter' && e.prio)).toEqual([1, 3]);
    const current = journeyOf(trace(scenario('web-server-6.12.sim')), 'rep0', '192.0.2.20.50000: tcp [S.]');
    expect(current.filter((e) => e.kind === 'tc.filter' && e.matched).map((e) => e.kind === 'tc.filter' && e.prio)).toEqual([1, 3]);
    expect(current.find((e) => e.kind === 'packet.drop')).toMatchObject({ dev: 'rep0' });
  });
});

describe('every injected packet', () => {
  for (const file of scenarioFiles.filter((f) => !expectedError(read(f)))) {
    it(`ends exactly once: ${relative(SRC_DIR, file)}`, () => {
      const ends = new Map<number, number>();
      const injected: number[] = [];
      for (const e of trace(read(file))) {
        if (e.kind === 'packet.inject') injected.push(e.pkt);
        if (e.kind === 'packet.deliver' || e.kind === 'packet.drop') ends.set(e.pkt, (ends.get(e.pkt) ?? 0) + 1);
      }
      expect(injected.length).toBeGreaterThan(0);
      expect(injected.filter((id) => ends.get(id) !== 1)).toEqual([]);
      expect([...ends.keys()].filter((id) => !injected.includes(id))).toEqual([]);
    });
  }
});

describe('determinism', () => {
  const script = splitExpectations(scenario('web-server.sim')).script;
  const jsonTrace = (text: string): string =>
    trace(text)
      .map((e) => JSON.stringify(e))
      .join('\n');

  it('replays the same script to a byte-identical trace', () => {
    expect(jsonTrace(script)).toBe(jsonTrace(script));
  });

  it('draws other initial sequence numbers from another seed, and nothing else changes', () => {
    const a = trace(`sim seed 7\n${script}`);
    const b = trace(`sim seed 8\n${script}`);
    expect(b.map((e) => e.kind)).toEqual(a.map((e) => e.kind));
    const syn = (events: SimEvent[]) => journeyOf(events, 'uplink', '[S] seq')[0];
    expect(syn(a)).not.toEqual(syn(b));
    // Past the `sim seed` line itself, only the sequence numbers differ.
    const withoutSeq = (events: SimEvent[]) => events.slice(1).map((e) => JSON.stringify(e).replace(/(seq|ack) \d+/g, '$1 N'));
    expect(withoutSeq(b)).toEqual(withoutSeq(a));
  });
});

describe('ct_state validation (fl_validate_ct_state, since 5.12)', () => {
  const qdisc = 'tc qdisc add dev uplink ingress\n';
  const head = 'tc filter add dev uplink ingress prio 1 proto ip flower ct_state ';
  const filter = (state: string) => `${head}${state} action drop`;
  const COL = head.length + 1;
  // tc prints the kernel's extack as `Error: <msg>.` and then its own closing line.
  const refusal = (extack: string) => `Error: ${extack}.\nWe have an error talking to the kernel`;

  // [ct_state, extack, as tc filter show prints it (flower_print_ct_state: flags in table order)]
  const contradictory: Array<[string, string, string]> = [
    ['+est', 'no trk, so no other flag can be set', '+est'],
    ['-trk+new', 'no trk, so no other flag can be set', '-trk+new'],
    ['+trk+new+est', 'new and est are mutually exclusive', '+trk+new+est'],
    ['+trk+inv+est', 'when inv is set, only trk may be set', '+trk+est+inv'],
    ['+trk+inv+rpl', 'when inv is set, only trk may be set', '+trk+inv+rpl'],
    ['+trk+new+rpl', 'new and rpl are mutually exclusive', '+trk+new+rpl'],
  ];
  for (const [state, extack, shown] of contradictory) {
    it(`6.12 rejects ${state} at the ct_state value, and runs nothing after it`, () => {
      const result = new Simulator().run(`sim profile 6.12\n${qdisc}${filter(state)}\nconntrack -C\n`);
      expect(result.error).toEqual({ line: 3, col: COL, message: refusal(extack) });
      expect(result.outputs).toEqual([]);
    });

    it(`5.7 accepts ${state}: the filter is installed and shown`, () => {
      const result = new Simulator().run(`${qdisc}${filter(state)}\ntc filter show dev uplink ingress\n`);
      expect(result.error).toBeUndefined();
      expect(result.outputs[0]).toContain(`\n  ct_state ${shown}\n`);
    });
  }

  for (const state of ['+trk+inv', '+trk-new+inv', '+trk+rel+rpl', '+trk-est+new', '-trk']) {
    it(`6.12 accepts ${state}`, () => {
      expect(new Simulator().run(`sim profile 6.12\n${qdisc}${filter(state)}\n`).error).toBeUndefined();
    });
  }

  it('6.12 still checks the syntax first: an unknown flag is a parse error at the flag', () => {
    const result = new Simulator().run(`sim profile 6.12\n${qdisc}${filter('+trk+foo')}\n`);
    expect(result.error).toEqual({ line: 3, col: COL + '+trk'.length, message: 'unknown ct_state flag "+foo": use trk, new, est, rel, inv or rpl' });
  });
});

describe('expected failures ("!")', () => {
  it('prints the error of a refused command and goes on; state stays as it was', () => {
    const sim = new Simulator();
    const r = sim.run('! tc filter add dev rep0 ingress proto ip flower action drop\n! sysctl -w net.netfilter.nf_conntrack_tcp_loose=0 net.netfilter.nosuch=1\necho after');
    expect(r.error).toBeUndefined();
    expect(r.outputs).toEqual([
      "Error: Parent Qdisc doesn't exists.\nWe have an error talking to the kernel\n",
      'sysctl: cannot stat /proc/sys/net/netfilter/nosuch: No such file or directory\n',
      'after\n',
    ]);
    expect(sim.env.sysctl.get('net.netfilter.nf_conntrack_tcp_loose')).toBe(1);
  });

  it('is itself an error when the command succeeds, and needs a command', () => {
    expect(new Simulator().run('echo a\n! echo b').error).toEqual({ line: 2, col: 1, message: 'expected this command to fail ("!"), but it succeeded' });
    expect(new Simulator().run('!').error).toEqual({ line: 1, col: 1, message: 'missing command after "!"' });
  });
});
