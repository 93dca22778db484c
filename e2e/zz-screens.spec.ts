import { expect, test } from '@playwright/test';
test('screens', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  const row = page.getByRole('region', { name: 'Conntrack table' }).getByRole('row').filter({ hasText: '[HW_OFFLOAD]' });
  for (let i = 0; i < 30 && (await row.count()) === 0; i++) await page.getByRole('button', { name: 'Step forward one line' }).click();
  await page.getByRole('textbox', { name: 'Command' }).fill('send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags P. len 100 count 20 interval 0.5');
  await page.getByRole('textbox', { name: 'Command' }).press('Enter');
  await expect(page.getByRole('region', { name: 'Hardware' })).toContainText('hardware 2');
  for (const name of ['Conntrack table', 'Flowtables', 'Hardware', 'Controls', 'Charts']) {
    await page.getByRole('region', { name, exact: true }).screenshot({ path: `/tmp/tq/shots/${name.replace(' ', '_')}.png` });
  }
  const controls = page.getByRole('region', { name: 'Controls' });
  await controls.getByRole('switch', { name: 'hw-tc-offload uplink' }).click();
  await expect(controls.getByRole('alert')).toBeVisible();
  await controls.screenshot({ path: '/tmp/tq/shots/refusal.png' });
  for (const tab of ['Rules', 'Traffic']) {
    await controls.getByRole('tab', { name: tab }).click();
    await controls.screenshot({ path: `/tmp/tq/shots/${tab}.png` });
  }
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('region', { name: 'Conntrack table' }).screenshot({ path: '/tmp/tq/shots/ct-dark.png' });
});
