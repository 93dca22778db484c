/**
 * End-to-end tests of the CLI: each test spawns it as a user would and checks exit status and
 * what went to which stream.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = join(ROOT, 'src/cli/main.ts');
const HINT = "Try 'npm run --silent sim -- --help'.\n";

/** Web server behind rep0: every connection is committed in software in zone 2. */
const WEB_SERVER = `tc qdisc add dev uplink ingress
tc filter add dev uplink ingress prio 1 proto ip flower skip_hw ip_proto tcp ct_state -trk action ct zone 2 commit pipe action mirred egress redirect dev rep0
tc qdisc add dev rep0 ingress
tc filter add dev rep0 ingress prio 1 proto ip flower skip_hw ip_proto tcp ct_state -trk action ct zone 2 pipe action mirred egress redirect dev uplink
connect dev uplink tcp 10.0.0.1:40000 > 10.0.0.2:80 close none
conntrack -L
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function sim(args: string[], input?: string): Run {
  const r = spawnSync(TSX, [MAIN, ...args], { cwd: dir, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
  writeFileSync(join(dir, 'echo.sim'), 'echo hello\necho world\n');
  writeFileSync(join(dir, 'bad.sim'), 'echo before\nno-such-command x\necho after\n');
  writeFileSync(join(dir, 'web.sim'), WEB_SERVER);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sim CLI: misuse and help (exit 0 / 2)', () => {
  it('prints usage on stdout for --help and exits 0', () => {
    const r = sim(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run --silent sim -- \[--seed N\] \[--trace PATH\] \[--check\] \[--pcap PATH \[--pcap-dev DEV\]\] FILE\n/);
    expect(r.stderr).toBe('');
  });

  it('runs through the npm script as the README says', () => {
    const r = spawnSync('npm', ['run', '--silent', 'sim', '--', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: /);
  });

  it.each([
    [['--frob', 'echo.sim'], "sim: unknown option '--frob'\n"],
    [[], 'sim: missing scenario FILE (use - for standard input)\n'],
    [['--seed', 'ten', 'echo.sim'], "sim: bad --seed 'ten': expected an integer from 0 to 4294967295\n"],
    [['no/such.sim'], "sim: cannot read 'no/such.sim': no such file or directory\n"],
    [['.'], "sim: cannot read '.': illegal operation on a directory\n"],
    [['--trace', 'no/such/dir/t.jsonl', 'echo.sim'], "sim: cannot write trace 'no/such/dir/t.jsonl': no such file or directory\n"],
  ])('%j: one-line message and usage hint on stderr, exit 2', (args, message) => {
    const r = sim(args);
    expect(r).toEqual({ status: 2, stdout: '', stderr: message + HINT });
  });
});

// These need the engine (parser, echo, tc, conntrack): they fail while Simulator.run is a stub.
describe('sim CLI: running scenarios (exit 0 / 1)', () => {
  it('prints show-command output on stdout and nothing on stderr', () => {
    expect(sim(['echo.sim'])).toEqual({ status: 0, stdout: 'hello\nworld\n', stderr: '' });
  });

  it('reports a bad line as FILE:LINE:COL after the output of the lines before it, exit 1', () => {
    const r = sim(['bad.sim']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('before\n');
    expect(r.stderr).toMatch(/^bad\.sim:2:1: \S[^\n]*\n$/);
  });

  it('reads the scenario from standard input for -, naming it <stdin> in errors', () => {
    expect(sim(['-'], 'echo piped\n')).toEqual({ status: 0, stdout: 'piped\n', stderr: '' });
    const bad = sim(['-'], 'no-such-command\n');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^<stdin>:1:1: \S[^\n]*\n$/);
  });

  it('shows the committed connection with conntrack -L', () => {
    const r = sim(['web.sim']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith('tcp      6 ')).toBe(true);
    expect(lines[0]).toContain('src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40000 ');
    expect(lines[0]).toContain(' zone=2 ');
  });

  it('--trace PATH writes one JSON event per line, identical for the same seed', () => {
    const first = sim(['--trace', 'a.jsonl', 'web.sim']);
    const second = sim(['--seed', '1', '--trace', 'b.jsonl', 'web.sim']);
    expect(first.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const trace = readFileSync(join(dir, 'a.jsonl'), 'utf8');
    expect(readFileSync(join(dir, 'b.jsonl'), 'utf8')).toBe(trace);

    const events = trace.trimEnd().split('\n').map((line) => JSON.parse(line) as { kind: string; t: number });
    for (const e of events) {
      expect(typeof e.kind).toBe('string');
      expect(Number.isInteger(e.t)).toBe(true);
    }
    expect(events).toContainEqual(expect.objectContaining({ kind: 'packet.inject', dev: 'uplink', line: 5 }));
    expect(events).toContainEqual(expect.objectContaining({ kind: 'ct.new', zone: 2 }));
  });

  it('--pcap PATH writes a pcapng file of the frames, the same for the same seed; stdout unchanged', () => {
    const r = sim(['--pcap', 'a.pcapng', '--pcap-dev', 'rep0', 'web.sim']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(sim(['web.sim']).stdout);
    const file = readFileSync(join(dir, 'a.pcapng'));
    expect(file.readUInt32LE(0)).toBe(0x0a0d0d0a);
    sim(['--pcap', 'b.pcapng', '--pcap-dev', 'rep0', 'web.sim']);
    expect(readFileSync(join(dir, 'b.pcapng')).equals(file)).toBe(true);
    // rep0 sends the client's SYN, ACK and data to the VM and receives the server's two answers.
    let blocks = 0;
    for (let at = 0; at < file.length; at += file.readUInt32LE(at + 4)) if (file.readUInt32LE(at) === 6) blocks++;
    expect(blocks).toBe(5);
  });

  it('--trace - sends the events to stderr and keeps stdout for show output', () => {
    const r = sim(['--trace', '-', 'web.sim']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(sim(['web.sim']).stdout);
    const kinds = r.stderr.trimEnd().split('\n').map((line) => (JSON.parse(line) as { kind: string }).kind);
    expect(kinds).toContain('ct.confirm');
  });
});

describe('sim CLI: expect', () => {
  const FIXTURE = join(ROOT, 'src/scenarios/tests/fixtures/expect-wrong.sim');

  it('prints a failed expectation with its line, what was expected and found, runs on, and exits 1', () => {
    expect(sim([FIXTURE])).toEqual({
      status: 1,
      stdout: 'still running\n',
      stderr: 'line 12, col 1: expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 flags ASSURED,HW_OFFLOAD: found flags ASSURED,OFFLOAD\n',
    });
  });

  it('exits 0 and prints nothing when every expectation holds, beside > blocks under --check', () => {
    const text = `${WEB_SERVER}expect conntrack zone 2 tcp 10.0.0.1:40000 > 10.0.0.2:80 state ESTABLISHED flags ASSURED,OFFLOAD\nexpect last delivered wire\necho done\n> done\n`;
    const r = sim(['--check', '-'], text);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('reports bad expect syntax as a positioned error', () => {
    const r = sim(['-'], 'echo a\nexpect conntrack count many\n');
    expect(r).toEqual({ status: 1, stdout: 'a\n', stderr: '<stdin>:2:24: invalid count "many": expected a number\n' });
  });
});

describe('sim CLI: --check', () => {
  it('exits 0 when every show command printed its expected lines', () => {
    const r = sim(['--check', '-'], 'echo hello\n> hello\necho world\n> world\n');
    expect(r).toEqual({ status: 0, stdout: 'hello\nworld\n', stderr: '' });
  });

  it('exits 1 and shows a line diff when an output differs', () => {
    const r = sim(['--check', '-'], 'echo hello\n> hello\necho world\n> word\n');
    expect(r).toEqual({
      status: 1,
      stdout: 'hello\nworld\n',
      stderr: '<stdin>:3:1: output differs from the expected lines\n-word\n+world\n',
    });
  });
});
