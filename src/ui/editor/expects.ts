/**
 * The editor's view of the `expect` results at the cursor (the worker's `expects` answer):
 * a gutter mark per reached line, the failures listed with their messages, and one summary.
 */
import type { ExpectResult } from '../../engine/expect';

export interface ExpectMark {
  line: number;
  ok: boolean;
  /** The mark's accessible name: "expect passed" or "expect failed: found …". */
  label: string;
  /** Its tooltip: the whole message. */
  title: string;
}

export function expectMarks(results: readonly ExpectResult[]): ExpectMark[] {
  return results.map((r) => ({ line: r.line, ok: r.ok, label: r.ok ? 'expect passed' : `expect failed: found ${r.found}`, title: r.message }));
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3 expectations: 2 passed, 1 failed" (and how many the run has not reached yet); '' without any. */
export function expectSummary(results: readonly ExpectResult[], total: number): string {
  if (total === 0) return '';
  const failed = results.filter((r) => !r.ok).length;
  const ahead = total - results.length;
  return `${plural(total, 'expectation')}: ${results.length - failed} passed, ${failed} failed${ahead > 0 ? `, ${ahead} not reached yet` : ''}`;
}
