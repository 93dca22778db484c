import { describe, expect, it } from 'vitest';
import type { ScenarioOutcome } from './driver';
import { scenarioReport, summaryLine, totals } from './report';

const agree = { view: 'Conntrack table', expected: 'flags ASSURED', found: 'flags ASSURED', ok: true };
const passed: ScenarioOutcome = { file: 'a.sim', expects: [{ line: 3, text: 'expect conntrack tcp 1.1.1.1:1 > 2.2.2.2:2 flags ASSURED', facts: [agree] }] };
const failed: ScenarioOutcome = {
  file: 'b.sim',
  expects: [
    { line: 4, text: 'expect hw queue 0', facts: [agree] },
    {
      line: 9,
      text: 'expect hw ct count 1',
      facts: [
        { view: 'Scenario editor', expected: 'the mark "expect passed"', found: '"expect failed: found count 0"', ok: false },
        { view: 'Hardware CT table', expected: 'count 1', found: 'count 0', ok: false },
        agree,
      ],
      screenshot: 'test-results/check-scenarios/b-line9.png',
    },
  ],
};
const stopped: ScenarioOutcome = { file: 'c.sim', expects: [], error: 'line 2, col 5: unknown command "foo"' };
const empty: ScenarioOutcome = { file: 'd.sim', expects: [] };

describe('check:scenarios report', () => {
  it('prints one line for a scenario that passed', () => {
    expect(scenarioReport(passed)).toEqual(['✓ a.sim (1 expectation)']);
  });

  it('prints each disagreeing view of each failed expectation with its screenshot', () => {
    expect(scenarioReport(failed)).toEqual([
      '✗ b.sim',
      '  line 9: expect hw ct count 1',
      '    Scenario editor: expected the mark "expect passed", found "expect failed: found count 0"',
      '    Hardware CT table: expected count 1, found count 0',
      '    screenshot: test-results/check-scenarios/b-line9.png',
    ]);
  });

  it('says why a scenario stopped, and skips one without expectations', () => {
    expect(scenarioReport(stopped)).toEqual(['✗ c.sim', '  stopped: line 2, col 5: unknown command "foo"']);
    expect(scenarioReport(empty)).toEqual(['- d.sim: no expect lines (skipped)']);
  });

  it('counts scenarios and expectations in the summary line', () => {
    const t = totals([passed, failed, stopped, empty]);
    expect(t).toEqual({ passed: 1, failed: 2, skipped: 1, expects: 3, expectsFailed: 1 });
    expect(summaryLine(t)).toBe('check:scenarios: 1 passed, 2 failed, 1 skipped (3 expectations, 1 failed)');
  });
});
