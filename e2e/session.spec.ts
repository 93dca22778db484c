/**
 * The live session in a real browser, through the accessible names of the README's contract.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { failOnConsoleProblems } from './problems';
import { Simulator } from '../src/engine/simulator';

const TALK = readFileSync(new URL('../src/scenarios/talk-web-server.sim', import.meta.url), 'utf8');

failOnConsoleProblems(test);

async function open(page: Page, query = ''): Promise<void> {
  await page.goto(`/${query}`);
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
}

const conntrack = (page: Page) => page.getByRole('region', { name: 'Conntrack table' });
/** The rows of the conntrack table (not its filter controls). */
const entries = (page: Page) => page.getByRole('table', { name: 'Conntrack entries' });
const slider = (page: Page) => page.getByRole('slider', { name: 'Timeline' });

test('opens paused at t = 0 with the talk scenario and a hint to press Play', async ({ page }) => {
  await open(page);
  await expect(page.getByLabel('Virtual time')).toHaveText('0.000000 s');
  await expect(page.getByText(/Press Play/)).toBeVisible();
  for (const name of ['Pipeline', 'Conntrack table', 'Hardware', 'Inspector', 'Shell', 'Scenario']) {
    await expect(page.getByRole('region', { name })).toBeVisible();
  }
  await expect(slider(page)).toHaveValue('0');
  await expect(conntrack(page)).toContainText('No connections tracked yet');
});

test('Play reaches [HW_OFFLOAD] in the conntrack table', async ({ page }) => {
  await open(page);
  await page.getByLabel('Speed').selectOption({ label: '100×' });
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(conntrack(page)).toContainText('[HW_OFFLOAD]', { timeout: 20_000 });
  await expect(page.getByLabel('Virtual time')).not.toHaveText('0.000000 s');
});

test('Step back to before the third handshake packet shows SYN_RECV', async ({ page }) => {
  await open(page);
  const forward = page.getByRole('button', { name: 'Step forward', exact: true });
  for (let i = 0; i < 3; i++) await forward.click();
  await expect(conntrack(page)).toContainText('[OFFLOAD]');
  await page.getByRole('button', { name: 'Step back', exact: true }).click();
  await expect(conntrack(page)).toContainText('SYN_RECV');
  await expect(entries(page)).not.toContainText('[OFFLOAD]');
});

test("the shell's conntrack -L prints what the CLI prints", async ({ page }) => {
  await open(page);
  // To the end of the connect line (line 24): the CLI runs lines 1-24.
  const nextLine = page.getByRole('button', { name: 'Step forward one line' });
  // Line by line (each press waits for the cursor to move) to the end of line 24.
  for (let i = 0; i < 12; i++) {
    const before = await slider(page).getAttribute('aria-valuetext');
    if (/line 24,/.test(before ?? '')) break;
    await nextLine.click();
    await expect(slider(page)).not.toHaveAttribute('aria-valuetext', before!);
  }
  await expect(slider(page)).toHaveAttribute('aria-valuetext', /line 24,/);
  const cli = new Simulator({ seed: 1 });
  const expected = cli.run(`${TALK.split('\n').slice(0, 24).join('\n')}\nconntrack -L\n`).outputs.at(-1)!;
  const command = page.getByRole('textbox', { name: 'Command' });
  await command.fill('conntrack -L');
  await command.press('Enter');
  const out = page.getByRole('log', { name: 'Shell output' });
  await expect(out.locator('.shell-result').last()).toHaveText(expected.replace(/\n$/, ''));
});

test('a bad shell line shows its column and changes nothing', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Step forward one line' }).click();
  const scenario = page.getByRole('textbox', { name: 'Scenario text' });
  const before = await scenario.inputValue();
  const command = page.getByRole('textbox', { name: 'Command' });
  await command.fill('tc filter add dev uplink ingress prio 1 flower ct_state +foo action drop');
  await command.press('Enter');
  const err = page.getByRole('log', { name: 'Shell output' }).locator('.shell-error');
  await expect(err).toContainText('col 57:');
  await expect(err).toContainText('+foo');
  // The caret sits under column 57 of the echoed line.
  await expect(err).toContainText(`\n  ${' '.repeat(56)}^\n`);
  await expect(scenario).toHaveValue(before);
});

test('a crashed worker recovers with the scenario and the cursor kept', async ({ page }) => {
  await open(page, '?testhooks');
  const forward = page.getByRole('button', { name: 'Step forward', exact: true });
  await forward.click();
  await forward.click();
  await expect(conntrack(page)).toContainText('SYN_RECV');
  const at = await slider(page).inputValue();
  await page.evaluate(() => window.__ctlab!.crashNext());
  await forward.click();
  await expect(page.getByRole('alert')).toContainText('The simulator failed: simulated engine crash');
  await page.getByRole('button', { name: 'Restart' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(slider(page)).toHaveValue(at);
  await expect(conntrack(page)).toContainText('SYN_RECV');
});

test('keyboard: Space plays and pauses, arrows step, Home and End', async ({ page }) => {
  await open(page);
  await page.locator('body').press('ArrowRight');
  await expect(conntrack(page)).toContainText('SYN_SENT');
  await page.locator('body').press('Home');
  await expect(slider(page)).toHaveValue('0');
  await page.locator('body').press('End');
  await expect(slider(page)).toHaveAttribute('aria-valuetext', /step (\d+) of \1,/);
  await page.locator('body').press('Home');
  await expect(slider(page)).toHaveValue('0');
  await page.locator('body').press('Space');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.locator('body').press('Space');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
});

test('a copied link opened in a new page reproduces the same table', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await open(page);
  // A shell line changes the scenario: the link carries it.
  await page.locator('body').press('End');
  await expect(slider(page)).toHaveAttribute('aria-valuetext', /step (\d+) of \1,/);
  const command = page.getByRole('textbox', { name: 'Command' });
  await command.fill('send dev uplink tcp 192.0.2.77:1234 > 10.0.0.1:80 flags S');
  await command.press('Enter');
  await expect(conntrack(page)).toContainText('192.0.2.77');
  const table = await entries(page).innerText();
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());

  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByRole('button', { name: 'Play' })).toBeEnabled();
  await other.locator('body').press('End');
  await expect(slider(other)).toHaveAttribute('aria-valuetext', /step (\d+) of \1,/);
  await expect.poll(() => entries(other).innerText()).toBe(table);
});

test('a command that runs too long is detected and cancelled; the scenario and the cursor survive', async ({ page }) => {
  await open(page, '?testhooks&stall=1500');
  await page.locator('body').press('End');
  await expect(slider(page)).toHaveAttribute('aria-valuetext', /step (\d+) of \1,/);
  await expect(conntrack(page)).toContainText('[HW_OFFLOAD]');
  const at = await slider(page).inputValue();
  const text = await page.getByRole('textbox', { name: 'Scenario text' }).inputValue();
  const command = page.getByRole('textbox', { name: 'Command' });
  // Thirty million packets: far more than 1.5 s of work.
  await command.fill('traffic dev uplink reply-dev rep0 conns 1000 rate 1000000 duration 30');
  await command.press('Enter');
  await expect(page.getByRole('alert')).toContainText('The simulator has been busy for 1.5 s (running "traffic dev uplink');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(slider(page)).toHaveValue(at);
  await expect(page.getByRole('textbox', { name: 'Scenario text' })).toHaveValue(text);
  await expect(conntrack(page)).toContainText('[HW_OFFLOAD]');
});
