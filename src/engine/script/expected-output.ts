/**
 * A scenario file's expected-output blocks: the lines that start with `>` directly after a show
 * command are what that command must print (`> ` is stripped). The CLI and the scenario tests
 * compare them after a run (scenario.ts); a stepped run (ScriptRun, the page) checks each block
 * when its command finishes, as it checks an `expect` line.
 */
import type { ExpectResult } from '../expect';

export interface Expectation {
  /** Line of the show command the block belongs to. */
  line: number;
  expected: string;
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

/** A plain line diff: `-` expected lines missing from the output, `+` output lines not expected. */
export function lineDiff(expected: string, actual: string): string {
  const want = expected.split('\n');
  const got = actual.split('\n');
  let out = '';
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    if (want[i] === got[i]) continue;
    if (want[i] !== undefined) out += `-${want[i]}\n`;
    if (got[i] !== undefined) out += `+${got[i]}\n`;
  }
  return out;
}

/** A block's verdict in the words of an `expect` result, at the show command's line. */
export function outputVerdict(line: number, expected: string, actual: string): ExpectResult {
  const ok = actual === expected;
  const what = 'the output matches the > lines below';
  const found = ok ? 'the same output' : lineDiff(expected, actual).trimEnd();
  return { line, col: 1, ok, expected: what, found, message: `line ${line}, col 1: ${ok ? `${what}: ok` : `output differs from the expected lines\n${found}`}` };
}
