/**
 * Scenario files with their expected output inline: the lines that start with `>` directly
 * after a show command are what that command must print (`> ` is stripped). This is how the
 * scenario tests state `conntrack -L` / `tc -s filter show` expectations in the command language;
 * `expect` lines (expect.ts) state facts instead, and are checked by the run itself.
 */
import type { ExpectResult } from './expect';
import type { SimError } from './script/ast';
import { Simulator, type RunResult, type SimulatorOptions } from './simulator';

export interface Expectation {
  /** Line of the show command the block belongs to. */
  line: number;
  expected: string;
}

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

/** Blanks the `>` lines (keeping line numbers) and collects them per preceding command line. */
export function splitExpectations(text: string): { script: string; expectations: Expectation[] } {
  const lines = text.split('\n');
  const expectations: Expectation[] = [];
  let current: { line: number; out: string[] } | null = null;
  let lastCommandLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('>')) {
      if (!current || current.line !== lastCommandLine) {
        current = { line: lastCommandLine, out: [] };
        expectations.push({ line: lastCommandLine, expected: '' });
      }
      current.out.push(l.startsWith('> ') ? l.slice(2) : l.slice(1));
      expectations[expectations.length - 1].expected = current.out.join('\n') + '\n';
      lines[i] = '';
    } else if (l.trim() && !l.trim().startsWith('#')) {
      lastCommandLine = i + 1;
    }
  }
  return { script: lines.join('\n'), expectations };
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
