/**
 * The live session against the CLI: at any cursor the state equals what the CLI reaches for
 * the same prefix of the scenario; moving back and forward again gives the same events; the
 * shell runs a line at the cursor as the CLI would.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../engine/events';
import { renderConntrackList } from '../engine/render/conntrack';
import { splitExpectations } from '../engine/script/expected-output';
import { PATH_NAMES } from '../engine/path';
import { commandSequence } from '../engine/reliability/model';
import { SETUP } from '../engine/reliability/support';
import { Simulator } from '../engine/simulator';
import { snapshot } from '../engine/snapshot';
import { Session } from './session';

const SCENARIOS = join(dirname(dirname(fileURLToPath(import.meta.url))), 'scenarios');

function simFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? simFiles(p) : f.endsWith('.sim') ? [p] : [];
    });
}

const script = (file: string): string => splitExpectations(readFileSync(file, 'utf8')).script;
const TALK = script(join(SCENARIOS, 'talk-web-server.sim'));

/**
 * A clock that moves 3 ms per reading: the survey then snapshots every ten steps or so, so
 * rewinds restore forks (the real clock would snapshot rarely in such small scenarios).
 */
function tickingClock(): () => number {
  let t = 0;
  return () => (t += 3);
}

function loaded(text: string, seed = 1): Session {
  const s = new Session(tickingClock());
  s.load(text, seed);
  while (!s.survey(1e9));
  return s;
}

/** What the CLI reaches after the script's lines 1..line (and the lines a trailing `\` continues). */
function cliPrefix(text: string, line: number, seed = 1): string {
  const sim = new Simulator({ seed });
  const lines = text.split('\n');
  let end = line;
  while (end < lines.length && lines[end - 1].trimEnd().endsWith('\\')) end++;
  sim.run(lines.slice(0, end).join('\n'));
  return snapshot(sim);
}

/** Steps at which a command line is complete, spread over the scenario (at most `n`). */
function lineEnds(s: Session, n: number): number[] {
  const ends: number[] = [];
  for (let i = 1; i <= s.log.length; i++) if (s.log.endsLine(i) && !s.log.view(i).error) ends.push(i);
  if (ends.length <= n) return ends;
  return Array.from({ length: n }, (_, k) => ends[Math.floor(((k + 1) * ends.length) / (n + 1))]);
}

describe('the session equals the CLI', () => {
  const files = simFiles(SCENARIOS);
  it('finds the scenario files', () => {
    expect(files.length).toBeGreaterThan(25);
  });
  for (const file of files) {
    it(`${relative(SCENARIOS, file)}: state at line ends, reached forwards and by rewinding`, () => {
      const text = script(file);
      const s = loaded(text);
      if (s.log.length > 30) expect(s.snapshotCount, 'snapshots taken by the survey').toBeGreaterThan(0);
      const cuts = lineEnds(s, 5);
      for (const step of cuts) {
        s.seek(step);
        expect(snapshot(s.sim), `forward to step ${step}`).toBe(cliPrefix(text, s.log.lineAt(step)));
      }
      for (const step of [...cuts].reverse()) {
        s.seek(step);
        expect(snapshot(s.sim), `back to step ${step}`).toBe(cliPrefix(text, s.log.lineAt(step)));
      }
      // The event list classifies each packet from its events as the engine counted it.
      s.seek(s.log.length);
      if (!/^traffic /m.test(text)) {
        const counts = s.packets.window(s.log.length, 0, 0).counts;
        expect(PATH_NAMES.map((n) => counts[n])).toEqual([...s.sim.paths]);
      }
    });
  }
});

/** Every step's events, taken one step at a time from the start. */
function stepEvents(text: string): SimEvent[][] {
  const s = loaded(text);
  const out: SimEvent[][] = [];
  while (!s.cursor().atEnd) {
    s.seek(s.cursor().step + 1);
    out.push(s.stepEvents);
  }
  return out;
}

describe('rewind', () => {
  const reference = stepEvents(TALK);

  it('back then forward gives the identical events (property over cursors, seed 17)', () => {
    const s = loaded(TALK);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: reference.length }), fc.integer({ min: 0, max: reference.length }), (a, b) => {
        s.seek(a);
        expect(s.stepEvents).toEqual(reference[a - 1]);
        s.seek(b);
        if (b > 0) expect(s.stepEvents).toEqual(reference[b - 1]);
        s.seek(a);
        expect(s.stepEvents).toEqual(reference[a - 1]);
      }),
      { seed: 17, numRuns: 60 },
    );
  });

  it('step back by packet before the third handshake packet shows SYN_RECV, forward again [OFFLOAD]', () => {
    const s = loaded(TALK);
    // Forward three packets: SYN, SYN/ACK, ACK.
    for (let i = 0; i < 3; i++) s.move('packet', 1);
    expect(renderConntrackList(s.sim.conntrack)).toContain('[OFFLOAD]');
    s.move('packet', -1);
    const row = renderConntrackList(s.sim.conntrack);
    expect(row).toMatch(/^tcp {6}6 60 SYN_RECV src=192\.0\.2\.10 dst=10\.0\.0\.1 sport=40000 dport=80 src=10\.0\.0\.1 dst=192\.0\.2\.10 sport=80 dport=40000 mark=0 zone=1 use=1\n$/);
    s.move('packet', 1);
    expect(renderConntrackList(s.sim.conntrack)).toContain('[OFFLOAD]');
  });

  it('steps by event within a packet, by line, and back', () => {
    const s = loaded(TALK);
    s.move('line', 1);
    expect(s.cursor()).toMatchObject({ step: 1, line: 5 });
    s.seek(s.log.length);
    expect(s.cursor().atEnd).toBe(true);
    s.seek(0);
    // Forward to the first packet, then walk its events one at a time.
    s.move('packet', 1);
    const all = s.cursor().eventsInStep;
    expect(all).toBeGreaterThan(5);
    s.move('event', -1);
    expect(s.cursor().eventsShown).toBe(all - 1);
    s.move('event', 1);
    expect(s.cursor().eventsShown).toBe(all);
    const step = s.cursor().step;
    s.move('event', 1);
    expect(s.cursor()).toMatchObject({ step: step + 1, eventsShown: 1 });
    s.move('line', -1);
    expect(s.log.endsLine(s.cursor().step)).toBe(true);
  });

  it('a sleep steps through its timers: the conntrack entry expires at its own step', () => {
    const text = [
      'tc qdisc add dev uplink ingress',
      'tc filter add dev uplink ingress proto ip flower ip_proto udp action ct commit',
      'send dev uplink udp 192.0.2.1:1000 > 10.0.0.1:53',
      'sleep 40',
      'conntrack -L',
    ].join('\n');
    const s = loaded(text);
    const kinds = Array.from({ length: s.log.length }, (_, i) => s.log.view(i + 1).kind);
    expect(kinds.slice(0, 3)).toEqual(['command', 'command', 'packet']);
    expect(kinds).toContain('timer');
    expect(kinds[kinds.length - 1]).toBe('command');
    // Find the step at which the entry went away: a timer step at t = 30 s (UDP unreplied timeout).
    let gone = 0;
    for (let i = 4; i <= s.log.length && !gone; i++) {
      s.seek(i);
      if (s.sim.conntrack.count() === 0) gone = i;
    }
    expect(s.log.view(gone)).toMatchObject({ kind: 'timer', t: 30_000_000 });
    expect(s.stepEvents.some((e) => e.kind === 'ct.destroy' && e.reason === 'expired')).toBe(true);
  });
});

describe('checkpoint cursors (lineEnds)', () => {
  it('finds the step that ends each line, surveying ahead only as far as needed', () => {
    const text = [
      'tc qdisc add dev uplink ingress', // 1
      'tc filter add dev uplink ingress proto ip flower ip_proto udp action ct commit', // 2
      'send dev uplink udp 192.0.2.1:1000 > 10.0.0.1:53 count 3', // 3
      '# a comment', // 4
      'sleep 40', // 5
    ].join('\n');
    const s = new Session(tickingClock());
    s.load(text, 1);
    const [two, three, four] = s.lineEnds([2, 3, 4]);
    expect(two).toBe(2);
    // three packets, the last ends line 3; seeking there gives the CLI's state after line 3
    expect(s.log.view(three)).toMatchObject({ kind: 'packet', line: 3, endsCommand: true });
    expect(s.log.view(three - 2)).toMatchObject({ kind: 'packet', line: 3, endsCommand: false });
    s.seek(three);
    expect(snapshot(s.sim)).toBe(cliPrefix(text, 3));
    // no command on line 4: the scenario's last step
    expect(four).toBe(s.log.length);
    expect(s.log.complete).toBe(true);
    // the packets of the checkpoint that ends at line 3: three, each with its journey
    const rows = s.packets.between(two, three, 10);
    expect(rows.map((r) => r.step)).toEqual([three - 2, three - 1, three]);
    expect(s.packets.between(two, three, 2)).toHaveLength(2);
    expect(s.journey(rows[0].pkt)[0]).toMatchObject({ kind: 'packet.inject', dev: 'uplink' });
  });
});

describe('shell', () => {
  it('inside a command, runs show commands at the cursor without changing the scenario, refuses others', () => {
    const s = loaded(TALK);
    s.move('packet', 1);
    s.move('packet', 1);
    const text = s.text;
    const r = s.exec('conntrack -L');
    expect(r).toMatchObject({ inserted: false });
    expect(r.error).toBeUndefined();
    expect(r.output).toBe(renderConntrackList(s.sim.conntrack));
    expect(r.output).toMatch(/SYN_RECV/);
    const refused = s.exec('sleep 1');
    expect(refused.error?.message).toMatch(/^the cursor is inside line 24 \(connect dev uplink/);
    expect(s.text).toBe(text);
  });

  it('runs a line at the cursor and prints what the CLI prints', () => {
    const s = loaded(TALK);
    s.move('line', 1);
    for (let i = 0; i < 12 && s.cursor().line < 24; i++) s.move('line', 1);
    expect(s.cursor().line).toBe(24);
    const r = s.exec('conntrack -L');
    expect(r.error).toBeUndefined();
    expect(r.inserted).toBe(true);
    expect(r.output).toBe(renderConntrackList(s.sim.conntrack));
    expect(r.output).toMatch(/ESTABLISHED|OFFLOAD/);
    // The line was inserted after the cursor's command, and the rest still runs after it.
    expect(s.text.split('\n')).toContain('conntrack -L');
    while (!s.survey(1e9));
    s.seek(s.log.length);
    expect(s.cursor().atEnd).toBe(true);
    expect(snapshot(s.sim)).toBe(cliPrefix(s.text, s.text.split('\n').length));
  });

  it('a bad line reports its column and changes nothing', () => {
    const s = loaded(TALK);
    s.move('line', 1);
    const before = snapshot(s.sim);
    const text = s.text;
    const r = s.exec('tc filter add dev uplink ingress prio 1 flower ct_state +foo action drop');
    expect(r.error).toEqual({ line: 1, col: expect.any(Number), message: expect.stringContaining('+foo') });
    expect(r.error!.col).toBe('tc filter add dev uplink ingress prio 1 flower ct_state '.length + 1);
    expect(snapshot(s.sim)).toBe(before);
    expect(s.text).toBe(text);
    const missing = s.exec('tc filter show dev nosuch ingress');
    expect(missing.error?.message).toMatch(/nosuch/);
    expect(snapshot(s.sim)).toBe(before);
  });
});

describe('fast-forward through generated traffic', () => {
  const text = `${TALK.split('\n').slice(0, 21).join('\n')}\ntraffic dev uplink reply-dev rep0 conns 5000 rate 1000000 duration 0.02 order round-robin\nconntrack -C\n`;

  it('sends aggregates by path class and a sample of packets, not every event', () => {
    const s = new Session(tickingClock());
    s.load(text, 1);
    const batches = [];
    while (!s.cursor().atEnd) batches.push(s.advance(1e9, 1e9, undefined, 200, false));
    const packets = batches.flatMap((b) => b.paths).reduce((n, b) => n + b.counts.reduce((x, y) => x + y, 0), 0);
    expect(packets).toBe(20_000);
    // 20 slices of a millisecond; the page gets the last step's events per batch, never 20,000 journeys.
    const events = batches.reduce((n, b) => n + b.events.length, 0);
    expect(events).toBeLessThan(2000);
    expect(batches.at(-1)!.sizes.conntrack).toBeGreaterThan(0);
    // The traced sample: one packet per slice shows up in the event list.
    while (!s.survey(1e9));
    expect(s.packets.window(s.cursor().step, 0, 0).total).toBe(20);
  }, 60_000);
});

describe('random scenarios (fast-check seed 4242)', () => {
  it('any line end equals the CLI prefix; back then forward gives identical events and state', () => {
    fc.assert(
      fc.property(commandSequence, fc.nat(), fc.nat(), (commands, x, y) => {
        const text = `${SETUP}\n${commands.join('\n')}\n`;
        const s = loaded(text);
        const ends = lineEnds(s, 1000);
        if (ends.length === 0) return;
        const end = ends[x % ends.length];
        s.seek(end);
        expect(snapshot(s.sim)).toBe(cliPrefix(text, s.log.lineAt(end)));
        // Any cursor, including inside a command: there and back gives the same.
        const a = 1 + (y % s.log.length);
        s.seek(a);
        const events = s.stepEvents;
        const state = snapshot(s.sim);
        s.seek(0);
        s.seek(a);
        expect(s.stepEvents).toEqual(events);
        expect(snapshot(s.sim)).toBe(state);
      }),
      { seed: 4242, numRuns: Number(process.env.FUZZ_RUNS ?? 10) },
    );
  }, 120_000);
});

describe('expect results at the cursor', () => {
  const WRONG = readFileSync(join(SCENARIOS, 'tests', 'fixtures', 'expect-wrong.sim'), 'utf8');
  const messagesAt = (s: Session): string[] => s.log.expectsUpTo(s.cursor().step).map((e) => `${e.line} ${e.ok ? 'ok' : e.found}`);

  it('are those the run reached, forwards and rewound, and the failure is a timeline mark', () => {
    const s = loaded(WRONG);
    expect(s.expectCount).toBe(3);
    expect(messagesAt(s)).toEqual([]);
    s.seek(1e9);
    expect(messagesAt(s)).toEqual(['11 ok', '12 flags ASSURED,OFFLOAD', '13 ok']);
    const failed = s.timeline().marks.filter((m) => m.kind === 'expect-failed');
    expect(failed.map((m) => m.line)).toEqual([12]);
    s.seek(failed[0].step - 1);
    expect(messagesAt(s)).toEqual(['11 ok']);
    s.move('line', 1);
    expect(messagesAt(s)).toEqual(['11 ok', '12 flags ASSURED,OFFLOAD']);
    expect(s.log.view(s.cursor().step).expect?.message).toBe(
      'line 12, col 1: expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 flags ASSURED,HW_OFFLOAD: found flags ASSURED,OFFLOAD',
    );
  });

  it('the shell prints an expect\'s verdict and the line joins the scenario', () => {
    const s = loaded(WRONG);
    s.seek(1e9);
    const r = s.exec('expect conntrack count 2');
    expect(r.output).toBe('line 15, col 1: expect conntrack count 2: found count 1\n');
    expect(r.inserted).toBe(true);
    expect(s.expectCount).toBe(4);
    expect(messagesAt(s).at(-1)).toBe('15 count 1');
  });
});

describe('expected-output blocks (`>` lines) in the page', () => {
  const FILE = readFileSync(join(SCENARIOS, 'hw', 'capacity-one.sim'), 'utf8');
  const blocks = splitExpectations(FILE).expectations;

  it('a scenario file runs as written: each block is checked when its command finishes', () => {
    const s = loaded(FILE);
    expect(s.cursor().error).toBeUndefined();
    expect(s.expectCount).toBe(blocks.length);
    s.seek(1e9);
    const results = s.log.expectsUpTo(s.cursor().step);
    expect(results.map((r) => `${r.line} ${r.ok}`)).toEqual(blocks.map((b) => `${b.line} true`));
  });

  it('a block that differs fails at its command line with the line diff', () => {
    const wrong = FILE.replace('[HW_OFFLOAD] mark=0 zone=1 use=2\n> tcp      6 src=192.0.2.11', '[OFFLOAD] mark=0 zone=1 use=2\n> tcp      6 src=192.0.2.11');
    const s = loaded(wrong);
    s.seek(1e9);
    const failed = s.log.expectsUpTo(s.cursor().step).filter((r) => !r.ok);
    expect(failed.map((r) => r.message)).toEqual([
      `line ${blocks[0].line}, col 1: output differs from the expected lines\n` +
        '-tcp      6 src=192.0.2.10 dst=10.0.0.1 sport=40000 dport=80 src=10.0.0.1 dst=192.0.2.10 sport=80 dport=40000 [OFFLOAD] mark=0 zone=1 use=2\n' +
        '+tcp      6 src=192.0.2.10 dst=10.0.0.1 sport=40000 dport=80 src=10.0.0.1 dst=192.0.2.10 sport=80 dport=40000 [HW_OFFLOAD] mark=0 zone=1 use=2',
    ]);
    expect(s.timeline().marks.filter((m) => m.kind === 'expect-failed').map((m) => m.line)).toEqual([blocks[0].line]);
  });

  it('a shell line after a show command goes below its block', () => {
    const s = loaded(FILE);
    s.seek(s.lineEnds([blocks[0].line])[0]);
    expect(s.exec('conntrack -C').inserted).toBe(true);
    const lines = s.text.split('\n');
    const blockEnd = blocks[0].line + blocks[0].expected.split('\n').length - 1;
    expect(lines[blockEnd]).toBe('conntrack -C');
    expect(lines[blockEnd - 1].startsWith('>')).toBe(true);
  });
});
