import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

const SCENARIO = readFileSync(new URL('../src/scenarios/talk-web-server.sim', import.meta.url), 'utf8');
const REGIONS = ['Pipeline', 'Inspector', 'Conntrack table', 'Flowtables', 'Hardware', 'Charts', 'Controls', 'Shell', 'Scenario'];

/** Page errors and console errors or warnings seen during the test: a clean run has none. */
let problems: string[] = [];

function watch(page: Page): void {
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
}

test.use({ viewport: { width: 1280, height: 720 } });

test.beforeEach(async ({ page }) => {
  problems = [];
  watch(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'CT Offload Lab', level: 1 })).toBeVisible();
});

test.afterEach(() => {
  expect(problems).toEqual([]);
});

const scenarioText = (page: Page) => page.getByRole('textbox', { name: 'Scenario text' });
const themeSwitch = (page: Page) => page.getByRole('switch', { name: 'Dark theme' });

test('all nine regions are present by role and name, without a page scrollbar', async ({ page }) => {
  for (const name of REGIONS) await expect(page.getByRole('region', { name, exact: true })).toBeVisible();
  const overflow = await page.evaluate(() => ({
    x: document.documentElement.scrollWidth - window.innerWidth,
    y: document.documentElement.scrollHeight - window.innerHeight,
  }));
  expect(overflow).toEqual({ x: 0, y: 0 });
  await expect(scenarioText(page)).toHaveValue(SCENARIO);
});

test("at 1280x720 the talk's graph is drawn at a readable zoom beside every other region; Charts opens from its strip", async ({ page }) => {
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  // The header is one row: the playback controls, the virtual time and the header buttons side by side.
  const box = async (name: string, role: 'button' | 'status' = 'button') => (await page.getByRole(role, { name, exact: true }).boundingBox())!;
  const play = await box('Play');
  for (const name of ['Scenario library', 'Presenter mode', 'Help']) expect(Math.abs((await box(name)).y - play.y), name).toBeLessThan(8);
  const time = await box('Virtual time', 'status');
  expect(time.x + time.width).toBeLessThanOrEqual((await box('Scenario library')).x);
  await page.keyboard.press('End');
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveAttribute('aria-valuetext', /step (\d+) of \1,/);
  const zoom = async () => {
    const transform = await page.locator('.react-flow__viewport').evaluate((el) => getComputedStyle(el).transform);
    return Number(/^matrix\(([^,]+),/.exec(transform)?.[1] ?? NaN);
  };
  // The filter rows' text is 11 px: at 0.7 it is drawn near 8 px, the least that reads.
  await expect.poll(zoom).toBeGreaterThanOrEqual(0.7);
  // Every other region is open with room for its first controls (Controls: its tabs, at least).
  for (const name of REGIONS.filter((r) => r !== 'Charts')) {
    const box = (await page.getByRole('region', { name, exact: true }).boundingBox())!;
    expect(box.height, name).toBeGreaterThanOrEqual(70);
    expect(box.width, name).toBeGreaterThanOrEqual(180);
  }
  await expect(page.getByRole('region', { name: 'Controls' }).getByRole('tab', { name: 'Traffic' })).toBeInViewport();
  await expect(page.getByRole('region', { name: 'Inspector' }).getByRole('row').first()).toBeInViewport();
  const charts = page.getByRole('region', { name: 'Charts', exact: true });
  await expect(charts.getByText('Packet rate by path')).toBeHidden();
  await page.getByRole('button', { name: 'Expand Charts', exact: true }).click();
  await expect(charts.getByText('Packet rate by path')).toBeVisible();
});

test('screenshots at 1280x720 in light and dark', async ({ page }) => {
  const dark = await themeSwitch(page).getAttribute('aria-checked');
  if (dark === 'true') await themeSwitch(page).click();
  await page.getByRole('button', { name: 'Play' }).click();
  await page.keyboard.press('End');
  await expect(page.getByRole('region', { name: 'Conntrack table' })).toContainText('[HW_OFFLOAD]');
  await page.screenshot({ path: 'screenshots/frame-light.png' });
  await themeSwitch(page).click();
  await expect(themeSwitch(page)).toHaveAttribute('aria-checked', 'true');
  await page.screenshot({ path: 'screenshots/frame-dark.png' });
  await scenarioText(page).fill('tc qdisc add dev uplink ingress\nfrobnicate the conntrack table\n');
  await page.getByRole('button', { name: 'Apply scenario' }).click();
  await expect(page.getByRole('list', { name: 'Scenario errors' })).toContainText('line 2, col 1');
  await page.screenshot({ path: 'screenshots/frame-error-dark.png' });
  await page.getByRole('button', { name: 'Help' }).click();
  await page.screenshot({ path: 'screenshots/frame-help-dark.png' });
  await page.keyboard.press('Escape');
  // Charts start collapsed.
  for (const name of ['Flowtables', 'Inspector']) await page.getByRole('button', { name: `Collapse ${name}` }).click();
  // Drag the splitter between the pipeline (66% to start with) and the tables up by 150 px.
  const box = (await page.getByRole('separator', { name: 'Resize Pipeline / Tables' }).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y - 150, { steps: 5 });
  await page.mouse.up();
  const dragged = Number(await page.getByRole('separator', { name: 'Resize Pipeline / Tables' }).getAttribute('aria-valuenow'));
  expect(dragged).toBeLessThan(50);
  expect(dragged).toBeGreaterThan(35);
  await themeSwitch(page).click();
  await page.screenshot({ path: 'screenshots/frame-collapsed-light.png' });
});

test('the theme switch changes the palette and is remembered over a reload', async ({ page }) => {
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const before = await themeSwitch(page).getAttribute('aria-checked');
  const colourBefore = await background();
  await themeSwitch(page).click();
  const after = before === 'true' ? 'false' : 'true';
  await expect(themeSwitch(page)).toHaveAttribute('aria-checked', after);
  expect(await background()).not.toBe(colourBefore);
  await page.reload();
  await expect(themeSwitch(page)).toHaveAttribute('aria-checked', after);
  await expect(page.locator('html')).toHaveAttribute('data-theme', after === 'true' ? 'dark' : 'light');
});

test('a panel collapses and expands by its button; a splitter moves by keyboard; both persist', async ({ page }) => {
  const shell = page.getByRole('region', { name: 'Shell' });
  await page.getByRole('button', { name: 'Collapse Shell' }).click();
  await expect(shell.getByText(/Type a command/)).toBeHidden();
  await expect(page.getByRole('button', { name: 'Collapse Shell' })).toHaveCount(0);
  await page.reload();
  await page.getByRole('button', { name: 'Expand Shell' }).click();
  await expect(shell.getByText(/Type a command/)).toBeVisible();

  const splitter = page.getByRole('separator', { name: 'Resize Pipeline / Tables' });
  await expect(splitter).toHaveAttribute('aria-orientation', 'horizontal');
  const pipeline = page.getByRole('region', { name: 'Pipeline' });
  const heightBefore = (await pipeline.boundingBox())!.height;
  const valueBefore = Number(await splitter.getAttribute('aria-valuenow'));
  await splitter.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(splitter).toHaveAttribute('aria-valuenow', String(valueBefore + 4));
  expect((await pipeline.boundingBox())!.height).toBeGreaterThan(heightBefore + 15);
  await page.keyboard.press('Shift+ArrowUp');
  await expect(splitter).toHaveAttribute('aria-valuenow', String(valueBefore - 6));
  await page.reload();
  await expect(page.getByRole('separator', { name: 'Resize Pipeline / Tables' })).toHaveAttribute('aria-valuenow', String(valueBefore - 6));
});

test('? opens the keyboard shortcuts dialog listing the shortcuts; Escape closes it', async ({ page }) => {
  await page.getByRole('region', { name: 'Pipeline' }).click();
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  for (const text of ['Play / Pause', 'Step forward (a packet)', 'Step back (a packet)', 'Shift+→', 'Alt+←', 'Reset to the start', 'Run to the end']) {
    await expect(dialog).toContainText(text);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  // Typing ? in the editor types it rather than opening the help.
  await scenarioText(page).press('End');
  await scenarioText(page).press('?');
  await expect(dialog).toBeHidden();
  await page.getByRole('button', { name: 'Help' }).click();
  await expect(dialog).toBeVisible();
});

test('an unsaved edit survives a reload and shows as not applied', async ({ page }) => {
  await scenarioText(page).fill('# my draft\ntc qdisc add dev uplink ingress\n');
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('42');
  await expect(page.getByText('Edited, not applied')).toBeVisible();
  await page.reload();
  await expect(scenarioText(page)).toHaveValue('# my draft\ntc qdisc add dev uplink ingress\n');
  await expect(page.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('42');
  await expect(page.getByText('Edited, not applied')).toBeVisible();
  await page.getByRole('button', { name: 'Apply scenario' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible();
});

test('Export then Import round-trips the scenario and seed', async ({ page }) => {
  const text = '# exported\ntc qdisc add dev uplink ingress\n';
  await scenarioText(page).fill(text);
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('7');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
  expect(download.suggestedFilename()).toBe('scenario.ctlab.json');
  const file = await download.path();
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ format: 'ct-offload-lab/scenario', version: 1, seed: 7, text });

  await scenarioText(page).fill('something else\n');
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('3');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import' }).click()]);
  await chooser.setFiles(file);
  await expect(scenarioText(page)).toHaveValue(text);
  await expect(page.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('7');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a bad import file is refused with a message saying what is wrong', async ({ page }) => {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import' }).click()]);
  await chooser.setFiles({
    name: 'bad.ctlab.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ format: 'ct-offload-lab/scenario', version: 1, seed: -1, text: 'x' })),
  });
  await expect(page.getByRole('alert')).toHaveText('bad.ctlab.json: "seed": expected an integer from 0 to 4294967295, got -1');
  await expect(scenarioText(page)).toHaveValue(SCENARIO);
});

test('Copy link, then opening that link restores the text and seed', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const text = '# shared\ntc qdisc add dev uplink ingress\n';
  await scenarioText(page).fill(text);
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('99');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/#s=/);
  // A different unsaved draft in this browser must not win over the link.
  await scenarioText(page).fill('# a later draft\n');

  const other = await context.newPage();
  watch(other);
  await other.goto(link);
  await expect(other.getByRole('textbox', { name: 'Scenario text' })).toHaveValue(text);
  await expect(other.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('99');
  await expect(other.getByText('Applied', { exact: true })).toBeVisible();
});

test('a corrupt share link is reported, and the page opens with the default scenario', async ({ page }) => {
  await page.goto('/#s=not-a-real-payload');
  await page.reload();
  await expect(page.getByRole('alert')).toContainText('share link: ');
  await expect(scenarioText(page)).toHaveValue(SCENARIO);
});

test('the production page runs under a Content-Security-Policy without inline script', async ({ page }) => {
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toContain("script-src 'self'");
  expect(policy).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  await page.evaluate(() => {
    (window as unknown as { violations: string[] }).violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { violations: string[] }).violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  // The worker loads from the page's origin and runs the scenario.
  await page.getByRole('button', { name: 'Play' }).click();
  await page.keyboard.press('End');
  await expect(page.getByRole('region', { name: 'Conntrack table' })).toContainText('[HW_OFFLOAD]');
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
  // An inline script is refused by the policy (the refusal itself is a violation, so it comes last).
  const inlineRan = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true';
    document.head.append(script);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return (window as unknown as { inlineRan?: boolean }).inlineRan ?? false;
  });
  expect(inlineRan).toBe(false);
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([expect.stringMatching(/^script-src/)]);
  problems = problems.filter((p) => !p.includes('Content Security Policy'));
});

test('fits a 1024x768 projector without a page scrollbar', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  for (const name of REGIONS) await expect(page.getByRole('region', { name, exact: true })).toBeVisible();
  const overflow = await page.evaluate(() => ({
    x: document.documentElement.scrollWidth - window.innerWidth,
    y: document.documentElement.scrollHeight - window.innerHeight,
  }));
  expect(overflow).toEqual({ x: 0, y: 0 });
  await page.screenshot({ path: 'screenshots/frame-1024x768.png' });
});

test('the line numbers scroll with the text, and an error marks its line', async ({ page }) => {
  const text = Array.from({ length: 80 }, (_, i) => (i === 69 ? 'frobnicate' : `# line ${i + 1}`)).join('\n');
  await scenarioText(page).fill(text);
  await page.getByRole('button', { name: 'Apply scenario' }).click();
  await expect(page.getByRole('list', { name: 'Scenario errors' })).toContainText('line 70, col 1');
  await scenarioText(page).evaluate((area) => {
    area.scrollTop = area.scrollHeight;
    area.dispatchEvent(new Event('scroll'));
  });
  const view = (await page.locator('.editor-view').boundingBox())!;
  const last = (await page.locator('.editor-gutter-lines div', { hasText: /^80$/ }).boundingBox())!;
  expect(last.y).toBeGreaterThan(view.y);
  expect(last.y + last.height).toBeLessThanOrEqual(view.y + view.height);
  // The gutter's number and the textarea's line sit at the same height.
  await page.getByRole('button', { name: 'line 70, col 1' }).click();
  const marked = (await page.locator('.editor-gutter-lines .has-error').boundingBox())!;
  const mark = (await page.locator('.editor-mark').boundingBox())!;
  expect(Math.abs(marked.y - mark.y)).toBeLessThan(2);
  // Going to the error brings its line into view (focusing the text may scroll the panel: measure again).
  const after = (await page.locator('.editor-view').boundingBox())!;
  expect(marked.y).toBeGreaterThan(after.y);
  expect(marked.y + marked.height).toBeLessThanOrEqual(after.y + after.height);
  await page.screenshot({ path: 'screenshots/frame-editor-scrolled.png' });
});
