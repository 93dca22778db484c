/**
 * Readers of the rendered page, by the accessible names and data attributes the README lists
 * as the page's public contract. Each reads once what a region shows now; the driver reads
 * again until the page agrees or a deadline passes (views answer a move a frame or two later).
 */
import type { Page } from '@playwright/test';
import type { CtRowFacts, FilterFacts, PacketFacts } from './facts';

const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

/** The editor's mark at an `expect` line: its accessible name, or null when the line has none. */
export async function readExpectMark(page: Page, line: number): Promise<string | null> {
  const marks = region(page, 'Scenario').locator(`[role="img"][title^="line ${line}, col "]`);
  if ((await marks.count()) === 0) return null;
  return marks.first().getAttribute('aria-label');
}

/** Whether the timeline has a "Failed expectation at line N" button for the line. */
export async function timelineFailureShown(page: Page, line: number): Promise<boolean> {
  return (await region(page, 'Pipeline').getByRole('button', { name: `Failed expectation at line ${line}`, exact: true }).count()) > 0;
}

/** Sets the conntrack table's zone and address filters (empty clears them). */
export async function filterConntrack(page: Page, zone: number | undefined, text: string): Promise<void> {
  const r = region(page, 'Conntrack table');
  const zoneBox = r.getByLabel('Zone filter');
  const want = zone === undefined ? '' : String(zone);
  if ((await zoneBox.inputValue()) !== want) await zoneBox.fill(want);
  const textBox = r.getByLabel('Address filter');
  if ((await textBox.inputValue()) !== text) await textBox.fill(text);
}

/** The rows the conntrack table renders now (under its filters). */
export async function readConntrackRows(page: Page): Promise<CtRowFacts[]> {
  const table = region(page, 'Conntrack table').getByRole('table', { name: 'Conntrack entries' });
  // No named functions inside page callbacks: tsx would wrap them in a helper the page does not have.
  return table.locator('[role="row"][data-ct-id]').evaluateAll((rows) =>
    rows.map((row) => {
      const cells = new Map([...row.querySelectorAll('[data-col]')].map((c) => [c.getAttribute('data-col'), c]));
      const text = new Map([...cells].map(([k, c]) => [k, c.textContent?.trim() ?? '']));
      return {
        zone: Number(text.get('zone')),
        proto: text.get('proto') ?? '',
        orig: cells.get('orig')?.querySelector('.tuple')?.getAttribute('title') ?? '',
        state: text.get('state') ?? '',
        flags: [...(text.get('flags') ?? '').matchAll(/\[([A-Z_]+)\]/g)].map((m) => m[1]),
        mark: Number(text.get('mark')),
      };
    }),
  );
}

/** Scrolls the conntrack table sideways so a screenshot shows the flags of its first row. */
export async function revealConntrackFlags(page: Page): Promise<void> {
  const flags = region(page, 'Conntrack table').locator('[role="row"][data-ct-id] [data-col="flags"]').first();
  if ((await flags.count()) > 0) await flags.scrollIntoViewIfNeeded();
}

/** The conntrack table's total under its filters (`12 entries`). */
export async function readConntrackTotal(page: Page): Promise<string> {
  return (await region(page, 'Conntrack table').locator('.ct-total').textContent()) ?? '';
}

/** One filter row as a view shows it, with its place. */
export interface ShownFilter extends FilterFacts {
  chain: number;
  prio: number;
  handle: number;
}

/** The filters of DEV's HOOK in Controls › Rules (the tab is opened if it is not). */
export async function readRules(page: Page, dev: string, hook: string): Promise<ShownFilter[]> {
  const tab = region(page, 'Controls').getByRole('tab', { name: 'Rules' });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  const group = region(page, 'Controls').getByRole('group', { name: `${dev} ${hook} filters`, exact: true });
  if ((await group.count()) === 0) return [];
  return group.locator('.chain-rules').evaluateAll((chains) =>
    chains.flatMap((ch) => {
      const chain = Number(/chain (\d+)/.exec(ch.querySelector('h4')?.textContent ?? '')?.[1] ?? -1);
      return [...ch.querySelectorAll('li.rule')].map((li) => {
        const head = li.querySelector('.rule-head .mono')?.textContent ?? '';
        const counters = li.querySelector('[aria-label^="Counters "]')?.textContent ?? '';
        const m = /sw\s+(\d+)\D+hw\s+(\d+)/.exec(counters);
        return {
          chain,
          prio: Number(/prio (\d+)/.exec(head)?.[1] ?? -1),
          handle: parseInt(/handle 0x([0-9a-f]+)/.exec(head)?.[1] ?? '-1', 16),
          inHw: li.querySelector('.badge')?.textContent?.trim() === 'in_hw',
          sw: m ? Number(m[1]) : -1,
          hw: m ? Number(m[2]) : -1,
        };
      });
    }),
  );
}

/**
 * The filter rows of one software chain on the pipeline graph (`data-hit="sw:DEV:HOOK:CHAIN#PRIO:HANDLE"`):
 * 'summary' when the graph draws the chain as a summary (too many filters to list), null when
 * it has not drawn the chain.
 */
export async function readGraphRows(page: Page, dev: string, hook: string, chain: number): Promise<ShownFilter[] | 'summary' | null> {
  const id = `sw:${dev}:${hook}:${chain}`;
  const node = region(page, 'Pipeline').locator(`[data-hit="${id}"]`);
  if ((await node.count()) === 0) return null;
  if ((await node.locator('.summary').count()) > 0) return 'summary';
  // The callback runs in the page: the chain goes in as its argument.
  return node.locator(`[data-hit^="${id}#"]`).evaluateAll((rows, chain) =>
    rows.map((row) => {
      const [prio, handle] = (row.getAttribute('data-hit') ?? '').split('#')[1].split(':').map(Number);
      // A skip_hw filter is never in hardware: its badge says skip_hw where tc prints "skip_hw not_in_hw".
      const badge = row.querySelector('.badge')?.textContent?.trim();
      return {
        chain,
        prio,
        handle,
        inHw: badge === 'in_hw',
        sw: Number(/\d+/.exec(row.querySelector('.c-sw')?.textContent ?? '')?.[0] ?? -1),
        hw: Number(/\d+/.exec(row.querySelector('.c-hw')?.textContent ?? '')?.[0] ?? -1),
      };
    }),
    chain,
  );
}

/** The heading of zone Z's flowtable (`zone 1: 3 flows`), or '' when the zone has none. */
export async function readFlowtableHeading(page: Page, zone: number): Promise<string> {
  const group = region(page, 'Flowtables').getByRole('group', { name: `zone ${zone}`, exact: true });
  if ((await group.count()) === 0) return '';
  return (await group.locator('h3').textContent()) ?? '';
}

/** Whether the Flowtables region has answered at all (it says "Loading…" until it has). */
export async function flowtablesLoaded(page: Page): Promise<boolean> {
  return (await region(page, 'Flowtables').getByText('Loading…').count()) === 0;
}

/** The Hardware region's CT table line (`3 / 4,096 connections (6 entries) …`). */
export async function readHwCtLine(page: Page): Promise<string> {
  const meter = region(page, 'Hardware').getByRole('meter', { name: 'CT table occupancy' });
  if ((await meter.count()) === 0) return '';
  return meter.locator('xpath=..').innerText();
}

/** The Hardware region's offload queue line (`pending adds 1, deletes 0, stats 0; …`). */
export async function readOffloadQueue(page: Page): Promise<string> {
  const dd = region(page, 'Hardware').getByLabel('Offload queue', { exact: true });
  if ((await dd.count()) === 0) return '';
  return dd.innerText();
}

/** The packet the Inspector shows ("Packet N"): its path tag, and the miss, delivery or drop of its journey. */
export async function readInspectorPacket(page: Page): Promise<PacketFacts | null> {
  const article = region(page, 'Inspector').locator('article[aria-label^="Packet "]');
  if ((await article.count()) === 0) return null;
  return article.evaluate((a) => {
    const facts: PacketFacts = { pathLabel: a.querySelector('.path-tag')?.textContent?.trim() ?? '' };
    for (const li of a.querySelectorAll('li.jstep')) {
      const place = li.querySelector('.jplace')?.textContent?.trim() ?? '';
      const what = li.querySelector('.jwhat')?.textContent?.trim() ?? '';
      const mech = li.querySelector('.jmech')?.textContent ?? '';
      const meta = (li.querySelector('.jmeta')?.textContent ?? '').replace(/^skb: /, '');
      if (what.startsWith('hardware miss') && !facts.miss) {
        const chain = /software resumes at chain (\d+)/.exec(mech)?.[1];
        facts.miss = { meta, ...(chain === undefined ? {} : { resumedChain: Number(chain) }) };
      } else if (what.startsWith('delivered to ') && !facts.delivered && facts.dropped === undefined) {
        facts.delivered = { dev: place, target: what.slice('delivered to '.length) };
      } else if (what.startsWith('dropped: ') && !facts.delivered && facts.dropped === undefined) {
        facts.dropped = what.slice('dropped: '.length);
      }
    }
    return facts;
  });
}
