/**
 * Presenter mode, embed mode, the speaker-notes window and the scenario library in a real
 * browser, through the README's names. The scenario is the narrated test fixture, carried
 * by a share link (src/ui/library/fixtures/two-checkpoints.sim: checkpoint 1 ends at step 7,
 * checkpoint 2 at step 8).
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import lz from 'lz-string';
import { makeScenarioDoc } from '../src/ui/share/scenarioDoc';
import { failOnConsoleProblems } from './problems';

const FIXTURE = readFileSync(new URL('../src/ui/library/fixtures/two-checkpoints.sim', import.meta.url), 'utf8');

failOnConsoleProblems(test);

/** The path and hash of a share link to a scenario (as src/ui/share/link.ts writes it), with `query` before the hash. */
function fixtureLink(query = '', text = FIXTURE): string {
  return `/${query}#s=${lz.compressToEncodedURIComponent(JSON.stringify(makeScenarioDoc(text, 1)))}`;
}

const narration = (page: Page) => page.getByRole('region', { name: 'Narration' });
const next = (page: Page) => page.getByRole('button', { name: 'Next checkpoint' });
const previous = (page: Page) => page.getByRole('button', { name: 'Previous checkpoint' });

async function present(page: Page): Promise<void> {
  await page.goto(fixtureLink());
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await page.getByRole('button', { name: /^Presenter mode/ }).click();
  await expect(narration(page)).toContainText('Start · 2 checkpoints');
  await expect(narration(page)).toContainText('Two checkpoints');
}

test('next and previous by buttons and by keys; the counter and the narration follow', async ({ page }) => {
  await present(page);
  await expect(previous(page)).toBeDisabled();
  await next(page).click();
  await expect(narration(page)).toContainText('Checkpoint 1 of 2');
  await expect(narration(page).getByRole('heading')).toHaveText('A client opens a connection');
  await expect(narration(page)).toContainText('The SYN from the wire is tracked in zone 1 and committed.');
  await expect(page).toHaveURL(/[?&]present&checkpoint=1#s=/);
  const moves: [string, string][] = [
    ['ArrowRight', 'Checkpoint 2 of 2'],
    ['ArrowLeft', 'Checkpoint 1 of 2'],
    ['PageDown', 'Checkpoint 2 of 2'],
    ['PageUp', 'Checkpoint 1 of 2'],
    ['Space', 'Checkpoint 2 of 2'],
    ['Shift+Space', 'Checkpoint 1 of 2'],
  ];
  for (const [key, counter] of moves) {
    await page.keyboard.press(key);
    await expect(narration(page)).toContainText(counter);
  }
  await page.keyboard.press('ArrowRight');
  await expect(narration(page).getByRole('heading')).toHaveText('The VM tries its own');
  await expect(next(page)).toBeDisabled();
  await previous(page).click();
  await expect(narration(page)).toContainText('Checkpoint 1 of 2');
  await previous(page).click();
  await expect(narration(page)).toContainText('Start · 2 checkpoints');
});

test('leaving presenter mode keeps the cursor of the checkpoint shown, with its state', async ({ page }) => {
  await present(page);
  await next(page).click();
  await expect(narration(page)).toContainText('Checkpoint 1 of 2');
  await next(page).click();
  await expect(narration(page)).toContainText('Checkpoint 2 of 2');
  await expect(next(page)).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(narration(page)).toHaveCount(0);
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue('8');
  // The client's SYN was committed; the VM's own SYN was dropped before any commit.
  const entries = page.getByRole('table', { name: 'Conntrack entries' });
  await expect(entries).toContainText('192.0.2.10');
  await expect(entries).toContainText('UNREPLIED');
  await expect(entries).not.toContainText('5555');
  await expect(page).not.toHaveURL(/present/);
  // And back: the presenter opens at the checkpoint of that cursor.
  await page.getByRole('button', { name: /^Presenter mode/ }).click();
  await expect(narration(page)).toContainText('Checkpoint 2 of 2');
  await page.getByRole('button', { name: 'Leave presenter mode' }).click();
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue('8');
});

test('a deep link opens at its checkpoint; previous from there is a seek', async ({ page }) => {
  const node = (name: string) => page.locator(`.react-flow__node[aria-label="${name}"]`);
  await page.goto(fixtureLink('?present&checkpoint=2'));
  await expect(narration(page)).toContainText('Checkpoint 2 of 2');
  await expect(narration(page).getByRole('heading')).toHaveText('The VM tries its own');
  // No `## focus:` here: the nodes its packet visited are marked, the uplink's are not.
  await expect(node('rep0 ingress chain 2 (software)')).toHaveClass(/in-focus/);
  await expect(node('uplink ingress chain 2 (software)')).not.toHaveClass(/in-focus/);
  await page.keyboard.press('ArrowLeft');
  await expect(narration(page)).toContainText('Checkpoint 1 of 2');
  // `## focus: uplink chain 2`
  await expect(node('uplink ingress chain 2 (software)')).toHaveClass(/in-focus/);
  await expect(node('rep0 ingress chain 2 (software)')).not.toHaveClass(/in-focus/);
  await page.getByRole('button', { name: 'Leave presenter mode' }).click();
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue('7');
});

test('a crashed simulator is said in presenter mode, with its way out', async ({ page }) => {
  await page.goto(fixtureLink('?testhooks'));
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await page.getByRole('button', { name: /^Presenter mode/ }).click();
  await expect(narration(page)).toContainText('Start · 2 checkpoints');
  await page.evaluate(() => window.__ctlab!.crashNext());
  await next(page).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The simulator failed: simulated engine crash');
  await expect(alert).toBeInViewport();
  await alert.getByRole('button', { name: 'Restart' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(narration(page)).toBeVisible();
  await next(page).click();
  await expect(narration(page)).toContainText('Checkpoint 1 of 2');
});

test('bad deep links say what is wrong', async ({ page }) => {
  await page.goto(fixtureLink('?present&checkpoint=5'));
  await expect(narration(page).getByRole('alert')).toHaveText('checkpoint 5 does not exist: this scenario has 2 checkpoints');
  await page.goto('/?present&checkpoint=x');
  await expect(narration(page).getByRole('alert')).toHaveText('checkpoint "x" is not a checkpoint number (1, 2, …)');
  await page.goto('/?present&scenario=library/nope');
  await expect(narration(page).getByRole('alert')).toContainText('unknown scenario "library/nope" (the library has: ');
  await page.goto('/?present&checkpoint=1&scenario=talk-web-server');
  await expect(narration(page).getByRole('alert')).toHaveText('this scenario has no checkpoints (## checkpoint: lines; see "Narration" in the README)');
  // A scenario that does not parse to its end: the presenter says where it stops.
  await page.goto(fixtureLink('?present', '## checkpoint: one\ntc qdisc add dev uplink ingress\n## checkpoint: two\ntc qdisc add dev uplink egres\n'));
  await expect(narration(page).getByRole('alert')).toHaveText('the scenario stops at line 4, col 25: Unknown qdisc "egres"');
});

test('the speaker-notes window follows the presenter', async ({ page, context }) => {
  await present(page);
  const [notes] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Speaker notes' }).click()]);
  const region = notes.getByRole('main', { name: 'Speaker notes' });
  await expect(region).toContainText('Next: A client opens a connection');
  await expect(region).toContainText('Point at chain 2 on the uplink.');
  await page.bringToFront();
  await next(page).click();
  await expect(region).toContainText('Now: A client opens a connection');
  await expect(region).toContainText('Next: The VM tries its own');
  await expect(region).toContainText('This is the stateful ACL.');
  // The notes as a toggle on the presenter's own screen.
  await page.getByRole('button', { name: 'Notes here' }).click();
  await expect(page.getByRole('complementary', { name: 'Notes for the speaker' })).toContainText('Point at chain 2 on the uplink.');
});

test('embed mode in an iframe: the graph, the narration and the moves', async ({ page, baseURL }) => {
  await page.setContent(`<!doctype html><title>Slides</title><h1>A slide</h1><iframe title="CT Offload Lab" src="${baseURL}${fixtureLink('?embed&checkpoint=1')}" width="960" height="540"></iframe>`);
  const frame = page.frameLocator('iframe[title="CT Offload Lab"]');
  await expect(frame.getByRole('region', { name: 'Narration' })).toContainText('Checkpoint 1 of 2');
  await expect(frame.getByRole('application', { name: 'Pipeline graph' }).or(frame.getByLabel('Pipeline graph'))).toBeVisible();
  await expect(frame.getByRole('button', { name: 'Leave presenter mode' })).toHaveCount(0);
  await expect(frame.getByRole('region', { name: 'Conntrack table' })).toHaveCount(0);
  await frame.getByRole('button', { name: 'Next checkpoint' }).click();
  await expect(frame.getByRole('region', { name: 'Narration' })).toContainText('Checkpoint 2 of 2');
  await frame.getByRole('button', { name: 'Previous checkpoint' }).click();
  await expect(frame.getByRole('region', { name: 'Narration' })).toContainText('Checkpoint 1 of 2');
});

test('the scenario library lists the scenarios with their descriptions and loads one', async ({ page }) => {
  await page.goto(fixtureLink());
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await page.getByRole('button', { name: 'Scenario library' }).click();
  const dialog = page.getByRole('dialog', { name: 'Scenario library' });
  const talk = dialog.getByRole('button', { name: /talk-web-server/ });
  await expect(talk).toContainText("The talk's use case (Netdev 0x14");
  await talk.click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\?scenario=talk-web-server$/);
  await expect(page.getByRole('region', { name: 'Scenario' })).toContainText('tc qdisc add dev rep0 ingress');
});

test('the talk walkthrough from the library: a deep link to checkpoint 1, next to 2, and its last slide', async ({ page }) => {
  await page.goto('/?scenario=library/talk-walkthrough&present&checkpoint=1');
  await expect(narration(page)).toContainText('Checkpoint 1 of 17');
  await expect(narration(page).getByRole('heading')).toHaveText('§1 Conntrack: the first packet is new');
  await next(page).click();
  await expect(narration(page)).toContainText('Checkpoint 2 of 17');
  await expect(narration(page).getByRole('heading')).toHaveText('§1 Traffic both ways: established');
  await expect(page).toHaveURL(/[?&]present&checkpoint=2/);
  await page.goto('/?scenario=library/talk-walkthrough&present&checkpoint=17');
  await expect(narration(page)).toContainText('Checkpoint 17 of 17', { timeout: 30_000 });
  await expect(next(page)).toBeDisabled();
  await page.getByRole('button', { name: 'Leave presenter mode' }).click();
  await expect(page.getByRole('status', { name: 'Expectations' })).toHaveText('57 expectations: 57 passed, 0 failed');
});

for (const theme of ['light', 'dark'] as const) {
  test(`presenter mode at 1920x1080 (${theme} theme): screenshot`, async ({ page }) => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.emulateMedia({ colorScheme: theme });
    await page.goto(fixtureLink('?present&checkpoint=1'));
    await expect(narration(page)).toContainText('Checkpoint 1 of 2');
    await page.waitForTimeout(800);
    await page.screenshot({ path: `test-results/present-${theme}-1920.png` });
  });
}
