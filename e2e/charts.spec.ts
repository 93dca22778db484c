/**
 * The Charts region in a real browser: its figures are the worker's aggregates at the cursor,
 * so they agree with the event list, follow the cursor back, and read out on hover.
 */
import { expect, test, type Page } from '@playwright/test';
import { failOnConsoleProblems } from './problems';

failOnConsoleProblems(test);

const charts = (page: Page) => page.getByRole('region', { name: 'Charts', exact: true });
/** The path mix's counts, from its image's accessible name ("software 2, hardware 0, …"). */
async function mix(page: Page): Promise<Record<string, number>> {
  const name = (await charts(page).getByRole('figure', { name: 'Path mix' }).getByRole('img').getAttribute('aria-label')) ?? '';
  return Object.fromEntries([...name.matchAll(/(\w+) ([\d,]+)/g)].map((m) => [m[1], Number(m[2].replace(/,/g, ''))]));
}
/** The event list's count of a path class ("hardware miss → software 9"). */
async function listed(page: Page, cls: RegExp): Promise<number> {
  const text = (await page.getByRole('region', { name: 'Inspector' }).getByRole('group', { name: 'Path class' }).getByRole('button', { name: cls }).textContent()) ?? '';
  return Number(/(\d+)\s*$/.exec(text)![1]);
}

test('the charts agree with the event list at the cursor, rewind with it and read out on hover', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await page.getByRole('button', { name: 'Expand Charts', exact: true }).click();
  await page.locator('body').press('End');
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveAttribute('aria-valuetext', /step (\d+) of \1,/);

  await expect.poll(() => mix(page)).toEqual({
    software: await listed(page, /^software only/),
    hardware: await listed(page, /^hardware only/),
    miss: await listed(page, /^hardware miss/),
    dropped: await listed(page, /^dropped/),
  });
  const atEnd = await mix(page);
  expect(atEnd.hardware).toBeGreaterThan(0);
  expect(atEnd.miss).toBeGreaterThan(0);

  // Back to the handshake: the hardware-only packets of the end are not there yet.
  await page.locator('body').press('Home');
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  await expect.poll(async () => (await mix(page)).hardware).toBe(0);
  const early = await mix(page);
  expect(early.miss + early.software).toBeGreaterThan(0);
  expect(early.miss + early.software + early.dropped).toBeLessThan(atEnd.miss + atEnd.software + atEnd.dropped + atEnd.hardware);

  // Hover read-outs: the rate chart's slice, the §8 bars' model.
  const rate = charts(page).getByRole('figure', { name: 'Packet rate by path' });
  await rate.getByRole('img').hover({ position: { x: 80, y: 40 } });
  await expect(rate.locator('.readout')).toHaveText(/^[\d.]+–[\d.]+ s: software [\d.]+ [kM]?pps, hardware /);
  const model = charts(page).getByRole('figure', { name: 'Throughput model' });
  await expect(model.getByRole('img')).toHaveAccessibleName(/^all software [\d.]+ [kM]?pps, this traffic .*, all hardware [\d.]+ Mpps$/);
  await model.getByText('all hardware').hover();
  await expect(model.locator('.readout')).toContainText('line rate: 25 Gbit/s');
});
