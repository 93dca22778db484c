/**
 * The pipeline graph, the event list and the inspector in a real browser, through the
 * README's accessible names.
 */
import { expect, test, type Page } from '@playwright/test';
import { failOnConsoleProblems } from './problems';

failOnConsoleProblems(test);

const pipeline = (page: Page) => page.getByRole('region', { name: 'Pipeline' });
const inspector = (page: Page) => page.getByRole('region', { name: 'Inspector' });
const node = (page: Page, name: string) => pipeline(page).getByRole('group', { name, exact: true });
/** A filter row of a node: its key is `NODE#PRIO:HANDLE` (layout.ts). */
const row = (page: Page, key: string) => pipeline(page).locator(`[data-hit="${key}"]`);

/** Opens the page and steps line by line until the talk's rules are in (its line 21). */
async function openWithRules(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  const slider = page.getByRole('slider', { name: 'Timeline' });
  const nextLine = page.getByRole('button', { name: 'Step forward one line' });
  for (let i = 0; i < 12 && !/line 21,/.test((await slider.getAttribute('aria-valuetext')) ?? ''); i++) {
    const before = await slider.getAttribute('aria-valuetext');
    await nextLine.click();
    await expect(slider).not.toHaveAttribute('aria-valuetext', before ?? '');
  }
  await expect(slider).toHaveAttribute('aria-valuetext', /line 21,/);
}

test("the talk's configuration: uplink and rep0, chains 0 and 2 in both lanes, in_hw and not_in_hw", async ({ page }) => {
  await openWithRules(page);
  await expect(node(page, 'port uplink')).toBeVisible();
  await expect(node(page, 'port rep0')).toBeVisible();
  for (const dev of ['uplink', 'rep0']) {
    for (const chain of [0, 2]) {
      await expect(node(page, `${dev} ingress chain ${chain} (software)`)).toBeVisible();
      await expect(node(page, `${dev} chain ${chain} (hardware table)`)).toBeVisible();
    }
  }
  await expect(node(page, 'hardware CT table')).toContainText('0 / 2,000,000');
  await expect(node(page, 'flowtable zone 1')).toBeVisible();
  // From the wire: +trk+new is refused by the 5.7 driver, +trk+est is offloaded.
  await expect(row(page, 'sw:uplink:ingress:0#1:1')).toContainText('in_hw');
  await expect(row(page, 'sw:uplink:ingress:2#1:1')).toContainText('ct_state +trk+new');
  await expect(row(page, 'sw:uplink:ingress:2#1:1')).toContainText('not_in_hw');
  await expect(row(page, 'sw:uplink:ingress:2#2:1')).toContainText('ct_state +trk+est');
  await expect(row(page, 'sw:uplink:ingress:2#2:1').locator('.badge')).toHaveText('in_hw');
  await expect(row(page, 'sw:rep0:ingress:2#2:1').locator('.badge')).toHaveText('not_in_hw');
  // The hardware table of uplink chain 2 holds only the offloaded rule.
  await expect(node(page, 'uplink chain 2 (hardware table)').locator('.hrow')).toHaveCount(1);
});

test('playing the talk shows a packet whose inspector reports a hardware miss and what was restored', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await page.getByLabel('Speed').selectOption({ label: '100×' });
  await page.getByRole('button', { name: 'Play' }).click();
  const list = inspector(page).getByRole('region', { name: 'Event list' });
  const missFilter = list.getByRole('button', { name: /^hardware miss → software [1-9]/ });
  await expect(missFilter).toBeVisible({ timeout: 30_000 });
  await missFilter.click();
  await list.getByRole('row', { name: /^Packet 1: 192\.0\.2\.10\.40000 > 10\.0\.0\.1\.80: tcp \[S\]/ }).click();
  const detail = inspector(page).getByRole('article', { name: 'Packet 1' });
  await expect(detail).toContainText('hardware miss → software');
  await expect(detail).toContainText('NIC CT table → uplink');
  await expect(detail).toContainText('hardware miss (connection not in the CT table); restored: the chain');
  await expect(detail).toContainText('mlx5: CT table miss, software resumes at chain 0 on uplink');
  await expect(detail).toContainText('classification starts at chain 0');
});

test('a dropped packet shows its reason', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await page.locator('body').press('End');
  const list = inspector(page).getByRole('region', { name: 'Event list' });
  await list.getByRole('button', { name: 'dropped 2' }).click();
  await expect(list.getByRole('row')).toHaveCount(2);
  await list.getByRole('row', { name: /^Packet 10: 10\.0\.0\.1\.5555 > 192\.0\.2\.10\.22/ }).click();
  const detail = inspector(page).getByRole('article', { name: 'Packet 10' });
  await expect(detail).toContainText('dropped: tc ingress on rep0 returned drop');
  await expect(detail).toContainText('keys that did not match: ct_state');
});

test('adding and deleting a rule in the shell updates the graph', async ({ page }) => {
  await openWithRules(page);
  const command = page.getByRole('textbox', { name: 'Command' });
  await command.fill('tc filter add dev rep0 ingress prio 4 chain 2 proto ip flower ip_proto udp action drop');
  await command.press('Enter');
  await expect(row(page, 'sw:rep0:ingress:2#4:1')).toContainText('ip_proto udp');
  await expect(row(page, 'hw:rep0:2#4:1')).toBeVisible();
  await command.fill('tc filter del dev rep0 ingress prio 4 chain 2');
  await command.press('Enter');
  await expect(row(page, 'sw:rep0:ingress:2#4:1')).toHaveCount(0);
  await expect(row(page, 'hw:rep0:2#4:1')).toHaveCount(0);
  // A new device hook adds its port and chain.
  await command.fill('tc qdisc add dev rep1 ingress');
  await command.press('Enter');
  await command.fill('tc filter add dev rep1 ingress prio 1 proto ip flower action ct zone 7 pipe action mirred egress redirect dev uplink');
  await command.press('Enter');
  await expect(node(page, 'port rep1')).toBeVisible();
  await expect(node(page, 'flowtable zone 7')).toBeVisible();
});

test('counters that change keep the edges drawn: none is removed and drawn again', async ({ page }) => {
  await openWithRules(page);
  const counters = row(page, 'sw:uplink:ingress:0#1:1');
  const before = await counters.textContent();
  await page.evaluate(() => {
    const w = window as unknown as { removedEdges: number };
    w.removedEdges = 0;
    new MutationObserver((ms) => {
      for (const m of ms) w.removedEdges += m.removedNodes.length;
    }).observe(document.querySelector('.react-flow__edges')!, { childList: true, subtree: true });
  });
  const next = page.getByRole('button', { name: 'Step forward', exact: true });
  for (let i = 0; i < 3; i++) await next.click();
  await expect(counters).not.toHaveText(before ?? '');
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { removedEdges: number }).removedEdges)).toBe(0);
});

test('clicking a dot shows its packet in the inspector', async ({ page }) => {
  await page.goto('/?testhooks');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await page.getByLabel('Speed').selectOption({ label: '0.1×' });
  await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  // The first packet's dot, a while into its 10 s journey.
  await page.waitForFunction(() => (window.__ctlabMotion?.dots().length ?? 0) > 0);
  const dot = await page.evaluate(() => window.__ctlabMotion!.dots()[0]);
  expect(dot.pkt).toBe(1);
  const box = (await pipeline(page).locator('.graph-wrap').boundingBox())!;
  await page.mouse.click(box.x + dot.x, box.y + dot.y);
  await expect(inspector(page).getByRole('article', { name: 'Packet 1' })).toBeVisible();
  await expect(inspector(page).getByRole('row', { name: /^Packet 1:/ })).toHaveAttribute('aria-selected', 'true');
});

test('selecting a conntrack row marks the connection in the graph: its tables, its flow, its hardware entry, its packets', async ({ page }) => {
  await page.goto('/?testhooks');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await page.getByLabel('Speed').selectOption({ label: '0.1×' });
  await page.locator('body').press('End');
  const conntrack = page.getByRole('region', { name: 'Conntrack table' });
  const client = conntrack.getByRole('row').filter({ hasText: '192.0.2.10:40000' });
  await expect(client.locator('[data-col="flags"]')).toContainText('[HW_OFFLOAD]');
  await client.click();
  await expect(client).toHaveAttribute('aria-selected', 'true');
  // The graph: conntrack holds the entry, zone 1's flowtable its flow, the NIC's CT table its entry.
  const mark = node(page, 'conntrack').locator('.conn-mark');
  await expect(mark).toHaveText(/^selected: entry \d+ ESTABLISHED$/);
  const id = Number(/entry (\d+)/.exec((await mark.textContent())!)![1]);
  await expect(node(page, 'flowtable zone 1').locator('.conn-mark')).toHaveText('selected: flow, in hardware');
  await expect(node(page, 'hardware CT table').locator('.conn-mark')).toHaveText('selected: entry in the CT table');
  await expect(pipeline(page).locator('.gnode.conn')).toHaveCount(3);
  // The tables' own highlights: the flow's row, the hardware entry, the event list filtered to its packets.
  await expect(page.getByRole('region', { name: 'Flowtables' }).locator('tr[aria-selected="true"]')).toContainText('192.0.2.10');
  await expect(page.getByRole('region', { name: 'Hardware' }).getByLabel('Selected connection in hardware')).toContainText('in the CT table');
  const list = inspector(page).getByRole('region', { name: 'Event list' });
  await expect(list.getByRole('spinbutton', { name: 'Connection (conntrack entry id)' })).toHaveValue(String(id));
  await expect(list.getByRole('row', { name: /^Packet 12:/ })).toBeVisible();
  await expect(list.getByRole('row', { name: /^Packet 10:/ })).toHaveCount(0);
  // A packet of the connection sent now: its dot carries the entry (drawn ringed, others dimmed).
  const command = page.getByRole('textbox', { name: 'Command' });
  await command.fill('send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags P. len 100');
  await command.press('Enter');
  await page.waitForFunction(() => (window.__ctlabMotion?.dots().length ?? 0) > 0);
  expect((await page.evaluate(() => window.__ctlabMotion!.dots())).map((d) => d.ct)).toEqual([id]);
  // Unselecting clears the marks.
  await client.click();
  await expect(pipeline(page).locator('.conn-mark')).toHaveCount(0);
});

test('a long event list has only the rows under its viewport in the page, and scrolling reaches the last packet', async ({ page }) => {
  await page.goto('/?testhooks');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  // 150 packets, each its own row.
  const sends = Array.from({ length: 150 }, (_, i) => `send dev uplink udp 192.0.2.1:${2000 + i} > 10.0.0.2:53`);
  await page.evaluate((t) => window.__ctlab!.load(t), ['tc qdisc add dev uplink ingress', 'tc filter add dev uplink ingress prio 1 proto ip flower action ct commit', ...sends].join('\n'));
  await page.getByRole('button', { name: 'Step forward one line' }).waitFor();
  await page.keyboard.press('End');
  const list = inspector(page).getByRole('region', { name: 'Event list' });
  const all = list.getByRole('button', { name: /^all \d+/ });
  await expect(all).toHaveText(/^all 150\b/);
  const total = Number(/\d+/.exec((await all.textContent())!)![0]);
  const table = list.getByRole('table', { name: 'Packets' });
  await expect(table).toHaveAttribute('aria-rowcount', String(total));
  await expect(table.getByRole('row').first()).toHaveAttribute('aria-rowindex', '1');
  expect(await table.getByRole('row').count()).toBeLessThan(80);
  await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
  const lastRow = table.locator(`[role="row"][aria-rowindex="${total}"]`);
  await expect(lastRow).toBeInViewport();
  await expect(lastRow).toHaveAccessibleName(/^Packet \d+: /);
  expect(await table.getByRole('row').count()).toBeLessThan(80);
});

/** The first dot's positions over `ms` of its journey, one sample per frame. */
async function dotTrack(page: Page, ms: number): Promise<string[]> {
  await page.waitForFunction(() => (window.__ctlabMotion?.dots().length ?? 0) > 0);
  return page.evaluate(async (span) => {
    const out: string[] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < span) {
      const d = window.__ctlabMotion!.dots()[0];
      if (d) out.push(`${Math.round(d.x)},${Math.round(d.y)}`);
      await new Promise((r) => requestAnimationFrame(r));
    }
    return out;
  }, ms);
}

test('prefers-reduced-motion puts a packet on its hops one after another instead of moving it', async ({ page }) => {
  for (const reduce of ['no-preference', 'reduce'] as const) {
    await page.emulateMedia({ reducedMotion: reduce });
    await page.goto('/?testhooks');
    await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
    await page.getByLabel('Speed').selectOption({ label: '0.25×' });
    // The motion layer (in the lazily loaded graph) animates the batches that come after it is drawn.
    await page.waitForFunction(() => !!window.__ctlabMotion);
    await page.getByRole('button', { name: 'Step forward', exact: true }).click();
    // The first SYN's journey lasts 4.8 s at 0.25×: 2 s of it, about 120 frames.
    const track = await dotTrack(page, 2000);
    expect(track.length).toBeGreaterThan(30);
    const places = new Set(track).size;
    // Moving, nearly every frame has a new position; in steps, the dot sits on a few hops.
    if (reduce === 'reduce') expect(places).toBeLessThanOrEqual(6);
    else expect(places).toBeGreaterThan(30);
  }
});

test('a configuration of 300 filters collapses its chains to summaries and zooms to fit', async ({ page }) => {
  await page.goto('/?testhooks');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await page.waitForFunction(() => !!window.__ctlab);
  const acl = Array.from({ length: 150 }, (_, i) => `tc filter add dev uplink ingress prio ${i + 1} chain 0 proto ip flower ip_proto tcp dst_port ${1000 + i} action drop`);
  const vm = Array.from({ length: 150 }, (_, i) => `tc filter add dev rep0 ingress prio ${i + 1} chain 0 proto ip flower ip_proto udp dst_port ${2000 + i} action drop`);
  const text = ['tc qdisc add dev uplink ingress', 'tc qdisc add dev rep0 ingress', ...acl, ...vm, 'send dev uplink tcp 192.0.2.1:5 > 10.0.0.1:1003 flags S'].join('\n');
  await page.evaluate((t) => window.__ctlab!.load(t), text);
  await page.locator('body').press('End');
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveAttribute('aria-valuetext', /line 303,/);
  const chain = node(page, 'uplink ingress chain 0 (software)');
  await expect(chain.locator('.summary')).toHaveText(/^150 filters, 150 in_hw/);
  // The three busiest filters stay as rows (SUMMARY_ROWS, the one the packet hit first), the rest are counted.
  await expect(chain.locator('.frow')).toHaveCount(3);
  await expect(row(page, 'sw:uplink:ingress:0#4:1')).toBeVisible();
  await expect(node(page, 'rep0 ingress chain 0 (software)').locator('.summary')).toHaveText(/^150 filters/);
  await expect(node(page, 'uplink chain 0 (hardware table)')).toContainText('… 147 more rules');
  await expect(row(page, 'hw:uplink:0#4:1')).toContainText('dst_port 1003');
  await pipeline(page).getByRole('button', { name: 'Zoom to fit' }).click();
  // Fitted: every node is inside the pipeline's view.
  const view = (await pipeline(page).locator('.graph-wrap').boundingBox())!;
  for (const box of await pipeline(page).locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()))) {
    expect(box.x).toBeGreaterThanOrEqual(view.x - 1);
    expect(box.y).toBeGreaterThanOrEqual(view.y - 1);
    expect(box.x + box.width).toBeLessThanOrEqual(view.x + view.width + 1);
    expect(box.y + box.height).toBeLessThanOrEqual(view.y + view.height + 1);
  }
  await pipeline(page).screenshot({ path: 'screenshots/graph-300-filters.png' });
});

test('while playing as fast as possible the inspector waits, and shows the last packet once playback stops', async ({ page }) => {
  await page.goto('/?testhooks');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await page.waitForFunction(() => !!window.__ctlab);
  const text = ['tc qdisc add dev uplink ingress', 'tc filter add dev uplink ingress prio 1 proto ip flower action ct commit', 'traffic dev uplink reply-dev rep0 conns 2000 rate 20000 duration 3'].join('\n');
  await page.evaluate((t) => window.__ctlab!.load(t), text);
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveAttribute('aria-valuetext', /of \d+/);
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await page.getByLabel('Speed').selectOption({ label: 'As fast as possible' });
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(inspector(page)).toContainText('Playing as fast as possible: the last packet’s journey shows when playback stops');
  await expect(inspector(page).getByRole('article')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible({ timeout: 60_000 });
  await expect(inspector(page).getByRole('article', { name: /^Packet \d+$/ })).toBeVisible();
});

test('a packet moved before the lazily loaded graph is drawn still flies once it is', async ({ page }) => {
  // The graph's chunk arrives late, as on a slow network.
  await page.route('**/assets/PipelineGraph-*.js', async (route) => {
    await new Promise((r) => setTimeout(r, 2000));
    await route.continue();
  });
  await page.goto('/?testhooks');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await page.getByLabel('Speed').selectOption({ label: '0.1×' });
  expect(await page.evaluate(() => !!window.__ctlabMotion)).toBe(false);
  await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveAttribute('aria-valuetext', /line 24,/);
  // The first packet's journey lasts 12 s at 0.1×: drawn 2 s late, its dot is on its way.
  await page.waitForFunction(() => !!window.__ctlabMotion, null, { timeout: 10_000 });
  await page.waitForFunction(() => (window.__ctlabMotion?.dots().length ?? 0) > 0, null, { timeout: 3000 });
  expect((await page.evaluate(() => window.__ctlabMotion!.dots()))[0].pkt).toBe(1);
});
