/**
 * The kernel's tc-testing cases run through the simulator, as tools/testing/selftests/tc-testing
 * /tdc.py runs them on a machine: each setup command (with the exit codes it may end with),
 * the command under test (its expected exit code), the verify command whose output must match
 * `matchPattern` exactly `matchCount` times (tdc compiles it with re.DOTALL | re.MULTILINE and
 * counts re.findall), then the teardown. One simulator plays the kernel for the whole file, so
 * a case that leaks state into the next one fails as it would under tdc.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../simulator';

interface TdcCase {
  id: string;
  name: string;
  setup: (string | [string, ...number[]])[];
  cmdUnderTest: string;
  expExitCode: string;
  verifyCmd: string;
  matchPattern: string;
  matchCount: string;
  teardown: (string | [string, ...number[]])[];
}

const HERE = dirname(fileURLToPath(import.meta.url));
const cases = JSON.parse(readFileSync(join(HERE, 'ct.json'), 'utf8')) as TdcCase[];

/** A command line of tdc's with $TC filled in, run as one script line. */
function run(sim: Simulator, cmd: string): { exit: number; output: string; error: string } {
  const r = sim.run(cmd.replaceAll('$TC', 'tc'));
  // tc's main returns do_cmd()'s -1 on a failed request: exit status 255.
  return { exit: r.error ? 255 : 0, output: r.outputs.join(''), error: r.error?.message ?? '' };
}

/** tdc's prepare/teardown steps: a command, or [command, allowed exit codes…] (0 alone by default). */
function step(sim: Simulator, s: string | [string, ...number[]]): void {
  const [cmd, ...allowed] = typeof s === 'string' ? [s, 0] : s;
  const r = run(sim, cmd);
  expect(allowed, `${cmd}: ${r.error}`).toContain(r.exit);
}

describe('tc-testing ct.json', () => {
  const sim = new Simulator();
  it('has the kernel file', () => {
    expect(cases.length).toBe(17);
  });
  for (const c of cases) {
    it(`${c.id}: ${c.name}`, () => {
      for (const s of c.setup) step(sim, s);
      const r = run(sim, c.cmdUnderTest);
      expect(r.exit, r.error).toBe(Number(c.expExitCode));
      const verify = run(sim, c.verifyCmd);
      const found = verify.output.match(new RegExp(c.matchPattern, 'gsm')) ?? [];
      expect(found.length, verify.output).toBe(Number(c.matchCount));
      for (const s of c.teardown) step(sim, s);
    });
  }
});
