import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

const SCENARIO = readFileSync(new URL('../src/scenarios/talk-web-server.sim', import.meta.url), 'utf8');

/** Page errors and console errors seen during the test: a clean run has none. */
let problems: string[] = [];

test.beforeEach(async ({ page }) => {
  problems = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'CT Offload Lab', level: 1 })).toBeVisible();
});

test.afterEach(() => {
  expect(problems).toEqual([]);
});

test('runs the preloaded talk scenario in the worker and shows conntrack entries', async ({ page }) => {
  const scenario = page.getByRole('textbox', { name: 'Scenario' });
  await expect(scenario).toHaveValue(SCENARIO);

  await page.getByRole('button', { name: 'Run' }).click();
  const output = page.getByRole('log', { name: 'Output' });
  await expect(output).toContainText(/^tcp {6}6 /m);
  // Each output sits under its command, as in a terminal.
  await expect(output).toContainText('$ conntrack -L\ntcp      6 ');
  await expect(output).toContainText('$ tc -s filter show dev uplink ingress\nfilter protocol ip pref 1 flower chain 0');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.screenshot({ path: 'screenshots/app-run.png', fullPage: true });
});

test('an edited bad line is reported by line and column', async ({ page }) => {
  await page.getByRole('textbox', { name: 'Scenario' }).fill('tc qdisc add dev uplink ingress\nfrobnicate the conntrack table\n');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('alert')).toHaveText(/^line 2, col 1: \S/);
  await page.screenshot({ path: 'screenshots/app-error.png', fullPage: true });
});
