/**
 * How `check:scenarios` reports: a line per scenario, under a failing one a block per
 * expectation that disagreed (its line, the assertion, each view's expected and found values,
 * the screenshot), and a closing summary line. Pure, so the wording is tested without a browser.
 */
import type { ScenarioOutcome } from './driver';

export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
  expects: number;
  expectsFailed: number;
}

/** A scenario passes when it ran to its last expect and every fact of every expect agreed. */
export function scenarioPassed(o: ScenarioOutcome): boolean {
  return !o.error && o.expects.every((e) => e.facts.every((f) => f.ok));
}

/** The lines printed for one scenario. */
export function scenarioReport(o: ScenarioOutcome): string[] {
  const n = o.expects.length;
  if (!o.error && n === 0) return [`- ${o.file}: no expect lines (skipped)`];
  if (scenarioPassed(o)) return [`✓ ${o.file} (${n} ${n === 1 ? 'expectation' : 'expectations'})`];
  const out = [`✗ ${o.file}`];
  for (const e of o.expects) {
    const wrong = e.facts.filter((f) => !f.ok);
    if (!wrong.length) continue;
    out.push(`  line ${e.line}: ${e.text}`);
    for (const f of wrong) out.push(`    ${f.view}: expected ${f.expected}, found ${f.found}`);
    if (e.screenshot) out.push(`    screenshot: ${e.screenshot}`);
  }
  if (o.error) {
    out.push(`  stopped: ${o.error}`);
    if (o.screenshot) out.push(`    screenshot: ${o.screenshot}`);
  }
  return out;
}

export function totals(outcomes: readonly ScenarioOutcome[]): Totals {
  const t: Totals = { passed: 0, failed: 0, skipped: 0, expects: 0, expectsFailed: 0 };
  for (const o of outcomes) {
    t.expects += o.expects.length;
    t.expectsFailed += o.expects.filter((e) => e.facts.some((f) => !f.ok)).length;
    if (!o.error && o.expects.length === 0) t.skipped++;
    else if (scenarioPassed(o)) t.passed++;
    else t.failed++;
  }
  return t;
}

/** `check:scenarios: 11 passed, 1 failed, 0 skipped (57 expectations, 1 failed)`. */
export function summaryLine(t: Totals): string {
  return `check:scenarios: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${t.expects} expectations, ${t.expectsFailed} failed)`;
}
