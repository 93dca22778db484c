/**
 * Regenerates the README's pictures of the pipeline graph, in the light and the dark theme, at
 * 1280×720 with every other region collapsed (so the graph is drawn near its own size):
 *
 *   docs/graph-rest-THEME.png    the talk's scenario at its end, nothing moving;
 *   docs/graph-moving-THEME.png  the talk's connection opening: handshake and requests in flight;
 *   docs/graph-miss-THEME.png    a data packet after `skip_hw` on the established-traffic rule:
 *                                the CT table hits, chain 2 misses, the dot falls to software
 *                                carrying what the driver restored;
 *   docs/graph-fast-forward-THEME.png  generated traffic played as fast as possible: edges as
 *                                thick as their packet rates, with the rates;
 *   docs/present-THEME.png       presenter mode at 1920×1080: the library's hardware-placement
 *                                scenario at checkpoint 2 (the handshake in software).
 *
 * and of the whole page in its default frame (nothing collapsed but Charts):
 *
 *   docs/page-THEME.png          the talk's connection in hardware, selected in the conntrack
 *                                table (its packets, flow and CT entry marked everywhere);
 *   docs/controls-THEME.png      the Controls region after switching hw-tc-offload uplink off:
 *                                mlx5's refusal and the way round;
 *   docs/charts-THEME.png        the Charts region after generated traffic (the pipeline and
 *                                the other tables collapsed to give it the column).
 *
 * Not a test: run it against a served production build when the graph's look changes.
 *   npx vite build && npx vite preview --port 4173 &
 *   npx tsx e2e/docs-screenshots.ts [http://127.0.0.1:4173 [page,charts,…]]   (all, or those named)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { browserLaunch, CHROMIUM_ARGS } from './browser';

const BASE = process.argv[2] ?? `http://127.0.0.1:${process.env.PW_PORT ?? 4173}`;
const DOCS = join(import.meta.dirname, '..', 'docs');
/** The regions collapsed for the graph's pictures (Charts starts collapsed). */
const OTHERS = ['Inspector', 'Controls', 'Scenario', 'Shell', 'Conntrack table', 'Flowtables', 'Hardware'];
/** The rule the miss picture takes out of hardware: the talk's uplink chain 2 prio 2, as a replace. */
const SKIP_HW = 'tc filter replace dev uplink ingress prio 2 chain 2 handle 1 proto ip flower skip_hw ct_state +trk+est action mirred egress redirect dev rep0';
const DATA = 'send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags P. len 100';
/** The talk's rules without its traffic, then generated connections through them. */
const TRAFFIC = `${readFileSync(join(import.meta.dirname, '..', 'src', 'scenarios', 'talk-web-server.sim'), 'utf8')
  .split('\n')
  .filter((l) => !/^(connect|send|sleep|conntrack|tc -s|sim show)/.test(l))
  .join('\n')}\ntraffic dev uplink reply-dev rep0 conns 20000 rate 100000 duration 2 order round-robin\n`;

type Dot = { pkt: number; ct: number; x: number; y: number };

async function open(browser: Browser, theme: 'light' | 'dark'): Promise<Page> {
  const page = await frame(browser, theme);
  // The shell runs the lines below, so it stays; it is collapsed for the picture.
  for (const name of OTHERS) await page.getByRole('button', { name: `Collapse ${name}`, exact: true }).click();
  return page;
}

/** The page in its default frame, the talk's scenario loaded at t = 0. */
async function frame(browser: Browser, theme: 'light' | 'dark'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme: theme });
  await page.goto(`${BASE}/?testhooks`);
  await page.getByRole('button', { name: 'Play' }).waitFor();
  await page.waitForFunction(() => !(document.querySelector('button[aria-label="Play"]') as HTMLButtonElement).disabled);
  return page;
}

/** The talk's rules with generated traffic through them, loaded through the test hook. */
async function loadTraffic(page: Page): Promise<void> {
  await page.waitForFunction(() => !!window.__ctlab);
  await page.evaluate((t) => window.__ctlab!.load(t), TRAFFIC);
  await page.getByRole('button', { name: 'Step forward one line' }).waitFor();
}

async function shell(page: Page, line: string): Promise<void> {
  const before = await page.locator('.shell-cmd').count();
  await page.getByRole('button', { name: 'Expand Shell', exact: true }).click();
  await page.getByRole('textbox', { name: 'Command' }).fill(line);
  await page.getByRole('textbox', { name: 'Command' }).press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.shell-cmd').length > n, before);
  await page.getByRole('button', { name: 'Collapse Shell', exact: true }).click();
}

const dots = (page: Page) => page.evaluate(() => window.__ctlabMotion?.dots() ?? []) as Promise<Dot[]>;

async function shot(page: Page, name: string): Promise<void> {
  await page.getByRole('region', { name: 'Pipeline' }).screenshot({ path: join(DOCS, name) });
  process.stderr.write(`docs/${name}\n`);
}

async function rest(browser: Browser, theme: 'light' | 'dark'): Promise<void> {
  const page = await open(browser, theme);
  await page.locator('body').press('End');
  await page.waitForFunction(() => /step (\d+) of \1,/.test(document.querySelector('input[aria-label="Timeline"]')?.getAttribute('aria-valuetext') ?? ''));
  await page.waitForFunction(() => window.__ctlabMotion?.inFlight() === 0, null, { timeout: 30_000 });
  await shot(page, `graph-rest-${theme}.png`);
  await page.close();
}

async function moving(browser: Browser, theme: 'light' | 'dark'): Promise<void> {
  const page = await open(browser, theme);
  await page.getByLabel('Speed').selectOption({ label: '0.25×' });
  const next = page.getByRole('button', { name: 'Step forward one line' });
  // The rules first (the talk's line 21), then the `connect` line: its packets fly.
  const slider = page.getByRole('slider', { name: 'Timeline' });
  for (;;) {
    const before = (await slider.getAttribute('aria-valuetext')) ?? '';
    if (/line 21,/.test(before)) break;
    await next.click();
    await page.waitForFunction((b) => document.querySelector('input[aria-label="Timeline"]')?.getAttribute('aria-valuetext') !== b, before);
  }
  await next.click();
  // Spread out: the first packets are well on their way, the last have left their port.
  await page.waitForFunction(() => (window.__ctlabMotion?.dots().length ?? 0) >= 4, null, { timeout: 30_000 });
  await page.waitForTimeout(1200);
  await shot(page, `graph-moving-${theme}.png`);
  await page.close();
}

async function miss(browser: Browser, theme: 'light' | 'dark'): Promise<void> {
  const page = await open(browser, theme);
  await page.locator('body').press('End');
  await shell(page, SKIP_HW);
  await page.getByLabel('Speed').selectOption({ label: '0.1×' });
  await shell(page, DATA);
  // Wait for the fall: the dot has left the hardware lane and is on its way down.
  let top = Infinity;
  for (let i = 0; i < 400; i++) {
    const [d] = await dots(page);
    if (d) {
      top = Math.min(top, d.y);
      if (d.y - top > 90) break;
    }
    await page.waitForTimeout(50);
  }
  await shot(page, `graph-miss-${theme}.png`);
  await page.close();
}

async function fastForward(browser: Browser, theme: 'light' | 'dark'): Promise<void> {
  const page = await open(browser, theme);
  await loadTraffic(page);
  await page.getByLabel('Speed').selectOption({ label: 'As fast as possible' });
  await page.getByRole('button', { name: 'Play' }).click();
  // A second into the run: handshakes done, most packets in hardware, new ones still missing.
  await page.waitForFunction(() => /t = 1\./.test(document.querySelector('input[aria-label="Timeline"]')?.getAttribute('aria-valuetext') ?? ''), null, { timeout: 120_000 });
  await shot(page, `graph-fast-forward-${theme}.png`);
  await page.close();
}

async function present(browser: Browser, theme: 'light' | 'dark'): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, colorScheme: theme });
  await page.goto(`${BASE}/?testhooks&scenario=library/hw-placement&present&checkpoint=2`);
  await page.getByRole('region', { name: 'Narration' }).getByText('Checkpoint 2 of 4').waitFor();
  // The checkpoint's packets have flown and the view has settled on its focus.
  await page.waitForFunction(() => window.__ctlabMotion?.inFlight() === 0, null, { timeout: 30_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(DOCS, `present-${theme}.png`) });
  process.stderr.write(`docs/present-${theme}.png\n`);
  await page.close();
}

async function page(browser: Browser, theme: 'light' | 'dark'): Promise<void> {
  const p = await frame(browser, theme);
  const row = p.getByRole('region', { name: 'Conntrack table' }).getByRole('row').filter({ hasText: '[HW_OFFLOAD]' });
  for (let i = 0; i < 30 && (await row.count()) === 0; i++) await p.getByRole('button', { name: 'Step forward one line' }).click();
  await row.first().locator('[data-col="zone"]').click();
  await p.waitForFunction(() => window.__ctlabMotion?.inFlight() === 0, null, { timeout: 30_000 });
  await p.waitForTimeout(800);
  await p.screenshot({ path: join(DOCS, `page-${theme}.png`) });
  process.stderr.write(`docs/page-${theme}.png\n`);
  const controls = p.getByRole('region', { name: 'Controls' });
  await controls.getByRole('switch', { name: 'hw-tc-offload uplink' }).click();
  await controls.getByRole('alert').waitFor();
  await controls.screenshot({ path: join(DOCS, `controls-${theme}.png`) });
  process.stderr.write(`docs/controls-${theme}.png\n`);
  await p.close();
}

async function charts(browser: Browser, theme: 'light' | 'dark'): Promise<void> {
  const p = await frame(browser, theme);
  await loadTraffic(p);
  await p.locator('body').press('End');
  await p.waitForFunction(() => /step (\d+) of \1,/.test(document.querySelector('input[aria-label="Timeline"]')?.getAttribute('aria-valuetext') ?? ''), null, { timeout: 120_000 });
  await p.getByRole('button', { name: 'Expand Charts', exact: true }).click();
  for (const name of ['Pipeline', 'Conntrack table', 'Flowtables', 'Hardware']) await p.getByRole('button', { name: `Collapse ${name}`, exact: true }).click();
  await p.waitForTimeout(1000);
  await p.getByRole('region', { name: 'Charts' }).screenshot({ path: join(DOCS, `charts-${theme}.png`) });
  process.stderr.write(`docs/charts-${theme}.png\n`);
  await p.close();
}

async function main(): Promise<void> {
  const launch = browserLaunch();
  const browser = await chromium.launch({ headless: true, channel: launch.channel, executablePath: launch.executablePath, args: CHROMIUM_ARGS });
  try {
    const only = process.argv[3]?.split(',');
    for (const theme of ['light', 'dark'] as const) {
      if (only) {
        for (const name of only) await { rest, moving, miss, fastForward, present, page, charts }[name as 'rest'](browser, theme);
        continue;
      }
      await page(browser, theme);
      await charts(browser, theme);
      await rest(browser, theme);
      await moving(browser, theme);
      await miss(browser, theme);
      await fastForward(browser, theme);
      await present(browser, theme);
    }
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
