import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

/** The fixture with one passing and one deliberately wrong expectation (line 12), then one more that passes. */
const SCENARIO = readFileSync(new URL('../src/scenarios/tests/fixtures/expect-wrong.sim', import.meta.url), 'utf8');
const FAILURE = 'expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 flags ASSURED,HW_OFFLOAD: found flags ASSURED,OFFLOAD';

test.use({ viewport: { width: 1280, height: 720 } });

test('a written scenario shows each expectation passed or failed at its line, on the timeline, and exports', async ({ page }) => {
  await page.goto('/');
  const text = page.getByRole('textbox', { name: 'Scenario text' });
  await text.fill(SCENARIO);
  await page.getByRole('button', { name: 'Apply scenario' }).click();
  const summary = page.getByRole('status', { name: 'Expectations' });
  await expect(summary).toHaveText('3 expectations: 0 passed, 0 failed, 3 not reached yet');
  // The run ahead already knows line 12 fails: the timeline says so, as still to come.
  const ahead = page.getByRole('button', { name: 'Failed expectation ahead at line 12', exact: true });
  const failure = page.getByRole('button', { name: 'Failed expectation at line 12', exact: true });
  await expect(ahead).toBeVisible();
  await expect(failure).toHaveCount(0);
  const background = (l: typeof ahead) => l.evaluate((el) => getComputedStyle(el).backgroundColor);
  const aheadBackground = await background(ahead);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.keyboard.press('End');
  await expect(summary).toHaveText('3 expectations: 2 passed, 1 failed');
  await expect(page.getByRole('img', { name: 'expect passed' })).toHaveCount(2);
  await expect(page.getByRole('img', { name: 'expect failed: found flags ASSURED,OFFLOAD' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Failed expectations' })).toHaveText(`line 12, col 1: ${FAILURE}`);
  await page.screenshot({ path: '/tmp/expect-light.png' });
  await page.getByRole('switch', { name: 'Dark theme' }).click();
  await page.screenshot({ path: '/tmp/expect-dark.png' });

  // Reached, the mark is filled: it no longer looks like the one ahead.
  await expect(ahead).toHaveCount(0);
  expect(await background(failure)).not.toBe(aheadBackground);

  // The timeline's failure seeks there; before it, only the first expectation was reached.
  await failure.click();
  await expect(summary).toHaveText('3 expectations: 1 passed, 1 failed, 1 not reached yet');
  await expect(failure).toBeVisible();
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(summary).toHaveText('3 expectations: 0 passed, 0 failed, 3 not reached yet');
  await expect(page.getByRole('img', { name: /^expect / })).toHaveCount(0);
  await expect(failure).toHaveCount(0);
  // The one ahead seeks there too.
  await ahead.click();
  await expect(summary).toHaveText('3 expectations: 1 passed, 1 failed, 1 not reached yet');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export scenario' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('scenario.sim');
  expect(readFileSync(await file.path(), 'utf8')).toBe(SCENARIO);
});
