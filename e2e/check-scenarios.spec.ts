/**
 * `npm run check:scenarios` itself: run on the fixtures against this test run's server, it
 * passes the scenario whose expectations hold and fails the deliberately wrong one with the
 * exact report (the line, each view's expected and found values, the screenshot) and exit 1.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';

test('check:scenarios fails the wrong fixture at its line with what the page shows, and passes the right one', async ({ baseURL }) => {
  test.setTimeout(300_000);
  const run = await new Promise<{ code: number; stdout: string }>((resolve) =>
    execFile(
      'node_modules/.bin/tsx',
      ['e2e/check/check-scenarios.ts', '--url', baseURL!, 'e2e/check/fixtures/every-kind.sim', 'e2e/check/fixtures/wrong-flags.sim'],
      { timeout: 280_000 },
      (err, stdout) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout }),
    ),
  );
  expect(run.stdout.split('\n').slice(1)).toEqual([
    '✓ e2e/check/fixtures/every-kind.sim (16 expectations)',
    '✗ e2e/check/fixtures/wrong-flags.sim',
    '  line 9: expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 flags ASSURED,HW_OFFLOAD',
    '    Scenario editor: expected the mark "expect passed", found "expect failed: found flags ASSURED,OFFLOAD"',
    '    Timeline: expected no failure mark, found the button "Failed expectation at line 9"',
    '    Conntrack table: expected flags ASSURED,HW_OFFLOAD, found flags ASSURED,OFFLOAD',
    '    screenshot: test-results/check-scenarios/wrong-flags-line9.png',
    'check:scenarios: 1 passed, 1 failed, 0 skipped (18 expectations, 1 failed)',
    '',
  ]);
  expect(run.code).toBe(1);
  expect(existsSync('test-results/check-scenarios/wrong-flags-line9.png')).toBe(true);
});
