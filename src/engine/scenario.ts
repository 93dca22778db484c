/**
 * Scenario files with their expected output inline: the lines that start with `>` directly
 * after a show command are what that command must print (`> ` is stripped). This is how the
 * scenario tests state `conntrack -L` / `tc -s filter show` expectations in the command language;
 * `expect` lines (expect.ts) state facts instead, and are checked by the run itself.
 */
import type { ExpectResult } from './expect';
import type { SimError } from './script/ast';
import { splitExpectations, type Expectation } from './script/expected-output';
import { Simulator, type RunResult, type SimulatorOptions } from './simulator';

export interface Mismatch {
  line: number;
  expected: string;
  actual: string;
}

export interface ScenarioResult {
  error?: SimError;
  mismatches: Mismatch[];
  /** The `expect` commands that failed. */
  failedExpects: ExpectResult[];
  /** Show commands that had an expectation block, and `expect` commands, that were checked. */
  checked: number;
}

export function runScenario(text: string, opts: SimulatorOptions = {}): ScenarioResult {
  const { script, expectations } = splitExpectations(text);
  const result = new Simulator(opts).run(script);
  return {
    error: result.error,
    mismatches: compareOutputs(result, expectations),
    failedExpects: result.expects.filter((e) => !e.ok),
    checked: expectations.length + result.expects.length,
  };
}

/** The expectation blocks whose show command printed something else. */
export function compareOutputs(result: RunResult, expectations: Expectation[]): Mismatch[] {
  const byLine = new Map<number, string>();
  result.outputs.forEach((out, i) => byLine.set(result.outputLines[i], out));
  const mismatches: Mismatch[] = [];
  for (const e of expectations) {
    const actual = byLine.get(e.line) ?? '';
    if (actual !== e.expected) mismatches.push({ line: e.line, expected: e.expected, actual });
  }
  return mismatches;
}
