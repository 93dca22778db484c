/**
 * The live tables and controls in a real browser, driven through their accessible names
 * (README, "Tables and controls"): conntrack rows with their flags and countdowns, the
 * hw-tc-offload switch through mlx5's refusal, skip_hw as a filter replace, a small hardware
 * CT table refusing, the rule editor's inline error, the kernel and hardware-model settings, the
 * traffic composer and one-click actions, the generator's Cancel, and a million connections scrolling.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

let problems: string[] = [];

test.beforeEach(async ({ page }) => {
  problems = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text());
  });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
});

test.afterEach(() => {
  expect(problems).toEqual([]);
});

const conntrack = (page: Page) => page.getByRole('region', { name: 'Conntrack table' });
const hardware = (page: Page) => page.getByRole('region', { name: 'Hardware' });
const controls = (page: Page) => page.getByRole('region', { name: 'Controls' });
const inspector = (page: Page) => page.getByRole('region', { name: 'Inspector' });
/** The row of the talk's client connection. */
const clientRow = (page: Page) => conntrack(page).getByRole('row').filter({ hasText: '192.0.2.10:40000' });
const cell = (row: Locator, col: string) => row.locator(`[data-col="${col}"]`);

async function shell(page: Page, line: string): Promise<void> {
  const before = await page.getByRole('log', { name: 'Shell output' }).locator('.shell-cmd').count();
  await page.getByRole('textbox', { name: 'Command' }).fill(line);
  await page.getByRole('textbox', { name: 'Command' }).press('Enter');
  await expect(page.getByRole('log', { name: 'Shell output' }).locator('.shell-cmd')).toHaveCount(before + 1);
}

/** Steps by command line until the talk's `connect` is done: the connection is in hardware. */
async function toConnected(page: Page): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await page.getByRole('button', { name: 'Step forward one line' }).click();
    if ((await clientRow(page).count()) > 0 && (await cell(clientRow(page), 'flags').textContent())?.includes('[HW_OFFLOAD]')) return;
  }
  throw new Error('the connection never reached hardware');
}

/** Packets the NIC handled and software handled, from the Hardware region. */
async function packetCounts(page: Page): Promise<{ hw: number; sw: number }> {
  const text = (await hardware(page).getByLabel('Hardware packets').textContent()) ?? '';
  const m = /hardware ([\d,]+), software ([\d,]+)/.exec(text)!;
  return { hw: Number(m[1].replace(/,/g, '')), sw: Number(m[2].replace(/,/g, '')) };
}

const seconds = async (l: Locator) => Number(/(\d+) s/.exec((await l.textContent()) ?? '')?.[1] ?? NaN);
const DATA = 'send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags P. len 100';

test('after the handshake the row shows [OFFLOAD], then [HW_OFFLOAD]', async ({ page }) => {
  const step = page.getByRole('button', { name: 'Step forward', exact: true });
  for (let i = 0; i < 3; i++) await step.click();
  // The table shows every status bit (conntrack -L prints only the strongest of them).
  await expect(cell(clientRow(page), 'flags')).toHaveText('[ASSURED] [OFFLOAD]');
  await expect(cell(clientRow(page), 'ft')).toContainText('pending');
  // The driver's insertion is a timer step 10 µs after the ACK (100k insertions/s): packet
  // steps run through it once the packets at t = 0 are done.
  const flags = cell(clientRow(page), 'flags');
  await expect
    .poll(
      async () => {
        const text = (await flags.textContent()) ?? '';
        if (!text.includes('HW_OFFLOAD')) await step.click();
        return text;
      },
      { timeout: 30_000 },
    )
    .toContain('[HW_OFFLOAD]');
  await expect(cell(clientRow(page), 'flags')).toHaveText('[ASSURED] [OFFLOAD] [HW_OFFLOAD]');
  await expect(cell(clientRow(page), 'ft')).toContainText('in hardware');
  await expect(cell(clientRow(page), 'hw')).toHaveText(/^\d+ s$/);
});

test('the hardware countdown decreases with virtual time and resets on a data packet; sleep 31 hands the entry back to conntrack', async ({ page }) => {
  await toConnected(page);
  const hw = cell(clientRow(page), 'hw');
  await shell(page, 'sleep 5');
  await expect.poll(() => seconds(hw)).toBeLessThanOrEqual(25);
  const before = await seconds(hw);
  await shell(page, DATA);
  await expect.poll(() => seconds(hw)).toBeGreaterThan(before);
  await expect(hw.locator('.reset-flash')).toHaveCount(1);
  await shell(page, 'sleep 31');
  await expect(cell(clientRow(page), 'flags')).toHaveText('[ASSURED]');
  await expect(cell(clientRow(page), 'ct')).toHaveText(/^1[012]\d s$/);
  await expect(cell(clientRow(page), 'hw')).toHaveText('');
});

test('hw-tc-offload uplink off goes through the refusal and the re-add; packets then run in software, and on brings them back to hardware', async ({ page }) => {
  await toConnected(page);
  const sw = controls(page).getByRole('switch', { name: 'hw-tc-offload uplink' });
  await expect(sw).toBeChecked();
  await sw.click();
  const refusal = controls(page).getByRole('alert');
  await expect(refusal).toContainText('Could not change any device features');
  await refusal.getByRole('button', { name: /Take uplink’s filters out, switch off, put them back/ }).click();
  await expect(sw).not.toBeChecked();
  await expect(sw).toBeEnabled();
  await expect(page.getByRole('region', { name: 'Scenario' })).toContainText('ethtool -K uplink hw-tc-offload off');
  let before = await packetCounts(page);
  await shell(page, DATA);
  await expect.poll(() => packetCounts(page)).toEqual({ hw: before.hw, sw: before.sw + 1 });
  await sw.click();
  await expect(sw).toBeChecked();
  // Switching on puts the filters back (they were added while it was off: not_in_hw).
  await expect(sw).toBeEnabled();
  await expect(page.getByRole('region', { name: 'Scenario' })).toContainText('ethtool -K uplink hw-tc-offload on');
  before = await packetCounts(page);
  await shell(page, DATA);
  await expect.poll(() => packetCounts(page)).toEqual({ hw: before.hw + 1, sw: before.sw });
});

test('skip_hw on the established-traffic filter sends its packets to software; clearing it brings them back', async ({ page }) => {
  await toConnected(page);
  await controls(page).getByRole('tab', { name: 'Rules' }).click();
  const skip = controls(page).getByRole('switch', { name: 'skip_hw uplink chain 2 prio 2' });
  await skip.click();
  await expect(skip).toBeChecked();
  await expect(skip).toBeEnabled();
  await expect(page.getByRole('region', { name: 'Scenario' })).toContainText('tc filter replace dev uplink ingress prio 2 chain 2 handle 0x1 proto ip flower skip_hw ct_state +trk+est');
  let before = await packetCounts(page);
  await shell(page, DATA);
  await expect.poll(() => packetCounts(page)).toEqual({ hw: before.hw, sw: before.sw + 1 });
  await skip.click();
  await expect(skip).not.toBeChecked();
  await expect(skip).toBeEnabled();
  before = await packetCounts(page);
  await shell(page, DATA);
  await expect.poll(() => packetCounts(page)).toEqual({ hw: before.hw + 1, sw: before.sw });
});

test('a small hardware CT table refuses connections and the driver re-attempts them', async ({ page }) => {
  await toConnected(page);
  await controls(page).getByRole('textbox', { name: 'nic-capacity' }).fill('1');
  await controls(page).getByRole('button', { name: 'Set nic-capacity' }).click();
  await expect(hardware(page)).toContainText('/ 1 connections');
  await shell(page, 'connect dev uplink tcp 192.0.2.11:40001 > 10.0.0.1:80 data 1 close none');
  await shell(page, 'sleep 1');
  const refusals = hardware(page).getByLabel('Refusals');
  await expect(refusals).toContainText(/table full [1-9]/);
  const first = /attempts (\d+)/.exec((await refusals.textContent()) ?? '')![1];
  await shell(page, 'sleep 2');
  await shell(page, 'send dev uplink tcp 192.0.2.11:40001 > 10.0.0.1:80 flags P. len 10');
  await shell(page, 'sleep 1');
  await expect.poll(async () => Number(/attempts (\d+)/.exec((await refusals.textContent()) ?? '')![1])).toBeGreaterThan(Number(first));
  await expect(conntrack(page).getByRole('row').filter({ hasText: '192.0.2.11:40001' }).locator('[data-col="flags"]')).toHaveText('[ASSURED] [OFFLOAD]');
});

test('a bad tc line in the rule editor shows an inline error and changes nothing', async ({ page }) => {
  await controls(page).getByRole('tab', { name: 'Rules' }).click();
  const scenario = await page.getByRole('region', { name: 'Scenario' }).textContent();
  const rules = controls(page).locator('.rule');
  const count = await rules.count();
  await controls(page)
    .getByRole('textbox', { name: 'New tc lines' })
    .fill('tc filter add dev uplink ingress prio 7 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev rep1\ntc filter add dev uplink ingress prio 8 proto ip flower ip_proto tcp action bogus');
  await controls(page).getByRole('button', { name: 'Add rules' }).click();
  const error = controls(page).getByRole('alert');
  await expect(error).toContainText('bogus');
  await expect(error).toContainText('^');
  await expect(rules).toHaveCount(count);
  await expect(page.getByRole('region', { name: 'Scenario' })).toHaveText(scenario!);
});

test('the kernel and hardware-model settings run their lines mid-run, show errors under their group, and replay from a share link', async ({ page, context }) => {
  await toConnected(page);
  const c = controls(page);
  const scenario = page.getByRole('region', { name: 'Scenario' });
  const profile = c.getByRole('combobox', { name: 'Kernel profile' });
  // Every profile the engine has, the talk's marked; the talk's kernel (5.8) is the default.
  await expect(profile.getByRole('option')).toHaveText(['5.7', '5.8 (the talk)', '6.12']);
  await expect(profile).toHaveValue('5.8');
  await profile.selectOption('6.12');
  await expect(hardware(page)).toContainText('kernel 6.12');
  await expect(scenario).toContainText('sim profile 6.12');

  const liberal = c.getByRole('switch', { name: 'nf_conntrack_tcp_be_liberal' });
  await expect(liberal).not.toBeChecked();
  await liberal.click();
  await expect(liberal).toBeChecked();
  await expect(scenario).toContainText('sysctl -w net.netfilter.nf_conntrack_tcp_be_liberal=1');

  await c.getByRole('combobox', { name: 'Sysctl', exact: true }).selectOption('net.netfilter.nf_conntrack_tcp_timeout_established');
  await c.getByRole('textbox', { name: 'Sysctl value' }).fill('600');
  await c.getByRole('button', { name: 'sysctl -w' }).click();
  await expect(scenario).toContainText('sysctl -w net.netfilter.nf_conntrack_tcp_timeout_established=600');

  // The offload policy counts packets: conntrack accounting first, as the engine asks.
  await c.getByRole('switch', { name: 'nf_conntrack_acct' }).click();
  await expect(scenario).toContainText('sysctl -w net.netfilter.nf_conntrack_acct=1');
  for (const [key, value] of [['nic-insert-rate', '100'], ['offload-policy', 'packets=5'], ['nic-fault-rate', '0.5']]) {
    await c.getByRole('textbox', { name: key, exact: true }).fill(value);
    await c.getByRole('button', { name: `Set ${key}` }).click();
    await expect(scenario).toContainText(`sim ${key} ${value}`);
    await expect(c.getByRole('textbox', { name: key, exact: true })).toHaveValue(value);
  }
  await expect(hardware(page)).toContainText('100/s');

  // A bad value: its error under the hardware model's group, the scenario as it was.
  const before = await scenario.textContent();
  await c.getByRole('textbox', { name: 'nic-capacity', exact: true }).fill('lots');
  await c.getByRole('button', { name: 'Set nic-capacity' }).click();
  const error = c.getByRole('group', { name: 'Hardware model' }).getByRole('alert');
  await expect(error).toContainText('lots');
  await expect(error).toContainText('^');
  await expect(c.getByRole('group', { name: 'Kernel' }).getByRole('alert')).toHaveCount(0);
  await expect(scenario).toHaveText(before!);

  // Saved with the scenario: a share link replays every setting.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  const other = await context.newPage();
  await other.setViewportSize({ width: 1280, height: 720 });
  await other.goto(link);
  await expect(other.getByRole('button', { name: 'Play' })).toBeEnabled();
  await other.locator('body').press('End');
  const again = controls(other);
  await expect(again.getByRole('combobox', { name: 'Kernel profile' })).toHaveValue('6.12');
  await expect(again.getByRole('switch', { name: 'nf_conntrack_tcp_be_liberal' })).toBeChecked();
  await expect(again.getByRole('switch', { name: 'nf_conntrack_acct' })).toBeChecked();
  await expect(again.getByRole('textbox', { name: 'nic-insert-rate', exact: true })).toHaveValue('100');
  await expect(again.getByRole('textbox', { name: 'offload-policy', exact: true })).toHaveValue('packets=5');
  await expect(again.getByRole('textbox', { name: 'nic-fault-rate', exact: true })).toHaveValue('0.5');
});

test('the traffic actions open, use, close and reset connections; UDP, ping and an ICMP error quoting a connection are tracked', async ({ page }) => {
  await toConnected(page);
  // The talk's rules track only TCP to port 80: these also track the rest of the traffic in zone 1.
  await shell(page, 'tc filter add dev uplink ingress prio 2 chain 0 proto ip flower ct_state -trk action ct zone 1 pipe action goto chain 2');
  await shell(page, 'tc filter add dev rep0 ingress prio 2 chain 0 proto ip flower ct_state -trk action ct zone 1 pipe action goto chain 2');
  const c = controls(page);
  await c.getByRole('tab', { name: 'Traffic' }).click();
  const rowOf = (text: string) => conntrack(page).getByRole('row').filter({ hasText: text });
  const act = (name: string) => c.getByRole('button', { name, exact: true }).click();
  /** The composer's protocol and addresses: what a new connection's actions start from. */
  const compose = async (proto: string, src: string, dst: string) => {
    await c.getByRole('combobox', { name: 'Protocol', exact: true }).selectOption(proto);
    await c.getByRole('textbox', { name: 'Source' }).fill(src);
    await c.getByRole('textbox', { name: 'Destination' }).fill(dst);
  };

  // A new connection from the composer's addresses, then acted on once selected.
  await compose('tcp', '192.0.2.20:41000', '10.0.0.1:80');
  await act('Open TCP connection');
  const a = rowOf('192.0.2.20:41000');
  await expect(cell(a, 'state')).toHaveText('ESTABLISHED');
  await cell(a, 'zone').click();
  await expect(c.getByRole('group', { name: 'Connection 192.0.2.20:41000 → 10.0.0.1:80 (selected)' })).toBeVisible();
  const before = await packetCounts(page);
  await act('Send data');
  await expect.poll(async () => Object.values(await packetCounts(page)).reduce((x, y) => x + y)).toBe(before.hw + before.sw + 2);
  await act('Close with FIN');
  await expect(cell(a, 'state')).toHaveText('TIME_WAIT');
  // The server answers a packet of it with port unreachable: related to the connection.
  await act('ICMP error quoting it');
  await expect(page.getByRole('region', { name: 'Scenario' })).toContainText('send dev rep0 icmp 10.0.0.1 > 192.0.2.20 type 3 code 3 inner tcp 192.0.2.20:41000 > 10.0.0.1:80');
  // Its journey: conntrack finds it related to the connection (the event list, scrolled to its last packet).
  const packets = inspector(page).getByRole('table', { name: 'Packets' });
  await packets.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await packets.getByRole('row', { name: /^Packet \d+: .*icmp/i }).last().click();
  await expect(inspector(page).getByRole('article')).toContainText('ct_state +trk+rel');

  await cell(a, 'zone').click();
  await c.getByRole('textbox', { name: 'Source' }).fill('192.0.2.21:41001');
  await act('Open TCP connection');
  const b = rowOf('192.0.2.21:41001');
  await expect(cell(b, 'state')).toHaveText('ESTABLISHED');
  await cell(b, 'zone').click();
  await act('Reset with RST');
  await expect(cell(b, 'state')).toHaveText('CLOSE');
  await cell(b, 'zone').click();

  await compose('udp', '192.0.2.22:5353', '10.0.0.1:53');
  await expect(c.getByRole('button', { name: 'Open TCP connection' })).toHaveCount(0);
  await act('UDP both ways');
  const u = rowOf('192.0.2.22:5353');
  await expect(cell(u, 'proto')).toHaveText('udp');
  await expect(cell(u, 'flags')).not.toContainText('[UNREPLIED]');

  await compose('icmp', '192.0.2.23', '10.0.0.1');
  await act('Ping');
  const i = rowOf('192.0.2.23');
  await expect(cell(i, 'proto')).toHaveText('icmp');
  await expect(cell(i, 'flags')).not.toContainText('[UNREPLIED]');

  // The composer's own packet: a SYN sent three times, unanswered.
  await compose('tcp', '192.0.2.24:42000', '10.0.0.1:80');
  await c.getByRole('combobox', { name: 'TCP flags' }).selectOption('S');
  await c.getByRole('spinbutton', { name: 'Count' }).fill('3');
  await act('Send');
  await expect(page.getByRole('region', { name: 'Scenario' })).toContainText('send dev uplink tcp 192.0.2.24:42000 > 10.0.0.1:80 flags S count 3');
  const syn = rowOf('192.0.2.24:42000');
  await expect(cell(syn, 'state')).toHaveText('SYN_SENT');
  await expect(cell(syn, 'flags')).toHaveText('[UNREPLIED]');
});

test('a long generator run shows its progress and stops where it got on Cancel', async ({ page }) => {
  await toConnected(page);
  const c = controls(page);
  await c.getByRole('tab', { name: 'Traffic' }).click();
  await c.getByRole('spinbutton', { name: 'Connections' }).fill('2000');
  await c.getByRole('spinbutton', { name: 'Rate (packets/s)' }).fill('20000');
  await c.getByRole('spinbutton', { name: 'Duration (s)' }).fill('600');
  await c.getByRole('button', { name: 'Run traffic' }).click();
  const progress = c.getByRole('progressbar', { name: 'Traffic progress' });
  await expect(progress).toBeVisible();
  await expect.poll(async () => Number(await progress.getAttribute('value'))).toBeGreaterThan(0);
  await c.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(c.getByRole('button', { name: 'Run traffic' })).toBeVisible();
  await expect(progress).toHaveCount(0);
  // The line is in the scenario; the cursor stayed inside it, short of its 600 s.
  await expect(page.getByRole('region', { name: 'Scenario' })).toContainText('traffic dev uplink reply-dev rep0 conns 2000 rate 20000 duration 600');
  const t = Number(/t = ([\d.]+) s/.exec((await page.getByRole('slider', { name: 'Timeline' }).getAttribute('aria-valuetext')) ?? '')![1]);
  expect(t).toBeGreaterThan(1);
  expect(t).toBeLessThan(500);
  // What ran is in the tables.
  await expect.poll(async () => Number(((await conntrack(page).locator('.ct-total').textContent()) ?? '').replace(/\D/g, ''))).toBeGreaterThan(100);
});

// The scroll's frame times and window fetches are measured in e2e/bench/tables.bench.ts.
test('a million-connection generator run scrolls', async ({ page }) => {
  // About a minute and a half on a loaded 2-core machine (the worker runs the million
  // connections twice: the live run, and the survey that fills the timeline); room for slower.
  test.setTimeout(900_000);
  await toConnected(page);
  // nf_conntrack_max is 262144 by default: a million connections need room.
  await shell(page, 'sysctl -w net.netfilter.nf_conntrack_max=2000000');
  await controls(page).getByRole('tab', { name: 'Traffic' }).click();
  await controls(page).getByRole('spinbutton', { name: 'Connections' }).fill('1000000');
  // Round-robin: every connection sends its SYN within the first million packets.
  await controls(page).getByRole('spinbutton', { name: 'Rate (packets/s)' }).fill('3000000');
  await controls(page).getByRole('combobox', { name: 'Order' }).selectOption('round-robin');
  await controls(page).getByRole('spinbutton', { name: 'Duration (s)' }).fill('1');
  await controls(page).getByRole('textbox', { name: 'Flow size' }).fill('fixed 100');
  await controls(page).getByRole('button', { name: 'Run traffic' }).click();
  await expect(controls(page).getByRole('progressbar', { name: 'Traffic progress' })).toBeVisible();
  await expect(controls(page).getByRole('button', { name: 'Run traffic' })).toBeVisible({ timeout: 780_000 });
  const total = conntrack(page).locator('.ct-total');
  await expect.poll(async () => Number(((await total.textContent()) ?? '').replace(/\D/g, '')), { timeout: 60_000 }).toBeGreaterThan(900_000);
  const scroller = conntrack(page).getByLabel('Conntrack entries (scroll)');
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  const middle = conntrack(page).locator('[role="row"][aria-rowindex]').filter({ has: page.locator('[data-col="orig"]') });
  await expect.poll(async () => Number(await middle.first().getAttribute('aria-rowindex')), { timeout: 30_000 }).toBeGreaterThan(400_000);
  await expect(middle.first().locator('[data-col="flags"]')).toHaveText(/\[/);
});
