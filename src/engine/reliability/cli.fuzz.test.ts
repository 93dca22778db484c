/**
 * The CLI process under hostile scripts and arguments: exit status 0, 1 or 2 only, a
 * `FILE:LINE:COL: message` line on stderr for a bad script, and never a stack trace. Each
 * sample spawns a process, so the sample is small (FUZZ_RUNS scales it up too); samples run
 * in parallel and a failure names the input that caused it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyScript } from './lines';
import { fuzzRuns } from './support';

/**
 * Each run spawns the CLI (~0.5 s), so the long mode (FUZZ_RUNS) is capped here: the engine
 * itself is fuzzed in-process by run.fuzz.test.ts at full length.
 */
const CLI_RUNS = Math.min(fuzzRuns(12), 400);

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = join(ROOT, 'src/cli/main.ts');
const PARALLEL = 6;
const STACK_FRAME = /^\s+at .+[(:]\d+/m;

interface Run {
  input: string;
  args: string[];
  status: number | null;
  stderr: string;
}

function sim(args: string[], input: string): Promise<Run> {
  return new Promise((resolve) => {
    // A scratch directory: random arguments may name a trace file to write.
    const child = spawn(TSX, [MAIN, ...args], { cwd: scratch });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    child.stdin.on('error', () => {}); // the CLI may exit (misuse) before reading its input
    child.stdin.end(input);
    child.on('close', (status) => resolve({ input, args, status, stderr }));
  });
}

async function runAll(jobs: (() => Promise<Run>)[]): Promise<Run[]> {
  const runs: Run[] = [];
  for (let i = 0; i < jobs.length; i += PARALLEL) runs.push(...(await Promise.all(jobs.slice(i, i + PARALLEL).map((j) => j()))));
  return runs;
}

function checkDiscipline(r: Run): void {
  const context = `args ${JSON.stringify(r.args)}, input ${JSON.stringify(r.input)}`;
  expect([0, 1, 2], context).toContain(r.status);
  expect(r.stderr, context).not.toMatch(STACK_FRAME);
  expect(r.stderr, context).not.toMatch(/internal error/);
  if (r.status === 1) expect(r.stderr, context).toMatch(/^<stdin>:\d+:\d+: \S/);
  if (r.status === 2) expect(r.stderr, context).toMatch(/^sim: .+\nTry 'npm run --silent sim -- --help'\.\n$/);
}

const OPTIONS = fc.array(fc.oneof(fc.constantFrom('--seed', '--trace', '--help', '-x', '--', '-', '12', '-1', 'x'.repeat(300), '/nonexistent/dir/f'), fc.string({ maxLength: 6 })), {
  maxLength: 4,
});

let scratch = '';
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sim-fuzz-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('sim CLI under hostile input', () => {
  it(
    'scripts on stdin: exit 0/1, positioned errors, no stack trace (fast-check seed 99)',
    async () => {
      const scripts = fc.sample(anyScript, { seed: 99, numRuns: CLI_RUNS });
      const runs = await runAll(scripts.map((s) => () => sim(['-'], s)));
      for (const r of runs) checkDiscipline(r);
      expect(runs.some((r) => r.status === 1)).toBe(true);
    },
    Math.max(60_000, CLI_RUNS * 1_000),
  );

  it(
    'random arguments: exit 0/1/2, misuse explained, no stack trace (fast-check seed 7)',
    async () => {
      const argLists = fc.sample(OPTIONS, { seed: 7, numRuns: CLI_RUNS });
      const runs = await runAll(argLists.map((a) => () => sim(a, 'echo ok\n')));
      for (const r of runs) checkDiscipline(r);
      expect(runs.some((r) => r.status === 2)).toBe(true);
    },
    Math.max(60_000, CLI_RUNS * 1_000),
  );
});
