/**
 * Drives one scenario through the page: loads it (the `?testhooks` load hook), steps line by
 * line ("Step forward one line") to each `expect` line, and there reads what the page shows —
 * the editor's pass/fail mark at that line and the facts the expectation asserts in the
 * region that shows them. For the last packet it steps back and forward one packet so the
 * Inspector shows that packet's journey, then returns by the "Timeline" slider.
 */
import { basename } from 'node:path';
import type { Page } from '@playwright/test';
import {
  addressFilterText,
  conntrackAbsentFact,
  conntrackEntryFact,
  countFact,
  expectLines,
  filterFact,
  lastDeliveredFact,
  lastDroppedFact,
  lastPathFact,
  parseHwConnections,
  parseTotal,
  type ExpectLine,
  type PageFact,
} from './facts';
import * as read from './page-readers';

export interface ExpectOutcome {
  line: number;
  text: string;
  facts: PageFact[];
  /** Where the page was photographed when a fact disagreed. */
  screenshot?: string;
}

export interface ScenarioOutcome {
  file: string;
  expects: ExpectOutcome[];
  /** What stopped the check before its end (a parse error, a line the page never reached …). */
  error?: string;
  screenshot?: string;
}

export interface DriveOptions {
  /** Where screenshots of failures go. */
  shotDir: string;
  /** How long a view may take to show the state at a new cursor (ms). */
  settleMs: number;
}

/** The editor's mark at a passed `expect` line (its accessible name). */
const PASSED_MARK = 'expect passed';

const slider = (page: Page) => page.getByRole('slider', { name: 'Timeline' });

/** The cursor as the Timeline slider says it: `step 12 of 40, line 7, t = …`. */
async function cursor(page: Page): Promise<{ text: string; step: number; line: number }> {
  const text = (await slider(page).getAttribute('aria-valuetext')) ?? '';
  return { text, step: Number(/step (\d+)/.exec(text)?.[1] ?? -1), line: Number(/line (\d+)/.exec(text)?.[1] ?? 0) };
}

/**
 * Clicks a playback button and waits until the cursor's step has changed (not just the
 * slider's text: that also grows while the worker surveys the scenario ahead).
 */
async function press(page: Page, name: string): Promise<void> {
  const before = (await cursor(page)).step;
  await page.getByRole('toolbar', { name: 'Playback' }).getByRole('button', { name, exact: true }).click();
  await page.waitForFunction(
    (b) => /step (\d+)/.exec(document.querySelector('input[aria-label="Timeline"]')?.getAttribute('aria-valuetext') ?? '')?.[1] !== String(b),
    before,
    // A line of generated traffic may take minutes on a loaded machine.
    { timeout: 300_000 },
  );
}

/** Reads a fact again until the page agrees or `ms` have passed; the last reading stands. */
async function settle(ms: number, readFact: () => Promise<PageFact>): Promise<PageFact> {
  const deadline = Date.now() + ms;
  for (;;) {
    const f = await readFact();
    if (f.ok || Date.now() >= deadline) return f;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Steps line by line until the cursor is at the end of `line`; false when the page never gets there. */
async function stepTo(page: Page, line: number): Promise<{ ok: true } | { ok: false; at: string }> {
  const next = page.getByRole('toolbar', { name: 'Playback' }).getByRole('button', { name: 'Step forward one line', exact: true });
  for (;;) {
    const c = await cursor(page);
    if (c.line === line && c.step > 0) return { ok: true };
    if (c.line > line || (await next.isDisabled())) return { ok: false, at: c.text };
    await press(page, 'Step forward one line');
  }
}

/** The facts of the state the expectation asserts, read from the region that shows them. */
async function stateFacts(page: Page, e: ExpectLine, settleMs: number): Promise<PageFact[]> {
  const c = e.check;
  switch (c.kind) {
    case 'conntrack.entry':
    case 'conntrack.absent':
      await read.filterConntrack(page, c.zone, addressFilterText(c.tuple));
      return [await settle(settleMs, async () => (c.kind === 'conntrack.entry' ? conntrackEntryFact(c, await read.readConntrackRows(page)) : conntrackAbsentFact(c, await read.readConntrackRows(page))))];
    case 'conntrack.count':
      await read.filterConntrack(page, c.zone, '');
      return [await settle(settleMs, async () => countFact('Conntrack table', 'count', c.count, parseTotal(await read.readConntrackTotal(page))))];
    case 'filter': {
      const at = (f: read.ShownFilter) => f.prio === c.prio && (c.handle === undefined || f.handle === c.handle);
      const rules = await settle(settleMs, async () => filterFact('Controls › Rules', c, (await read.readRules(page, c.dev.value, c.hook)).filter((f) => f.chain === c.chain && at(f))));
      let summary = false;
      const graph = await settle(settleMs, async () => {
        const rows = await read.readGraphRows(page, c.dev.value, c.hook, c.chain);
        summary = rows === 'summary';
        return rows === null ? { view: 'Pipeline graph', expected: 'the chain drawn', found: 'not drawn', ok: false } : filterFact('Pipeline graph', c, summary ? [] : (rows as read.ShownFilter[]).filter(at));
      });
      // A chain drawn as a summary lists no filter rows: the Rules tab alone shows this one.
      return summary ? [rules] : [rules, graph];
    }
    case 'flowtable.count':
      return [
        await settle(settleMs, async () => {
          const heading = await read.readFlowtableHeading(page, c.zone);
          // A zone without a flowtable holds no flows; "Loading…" is no answer yet.
          const n = heading ? parseTotal(heading) : (await read.flowtablesLoaded(page)) ? 0 : null;
          return countFact(`Flowtables zone ${c.zone}`, 'count', c.count, n);
        }),
      ];
    case 'hw.ct.count':
      return [await settle(settleMs, async () => countFact('Hardware CT table', 'count', c.count, parseHwConnections(await read.readHwCtLine(page))))];
    case 'hw.queue':
      return [
        await settle(settleMs, async () => {
          const text = await read.readOffloadQueue(page);
          const m = /adds ([\d,]+), deletes ([\d,]+), stats ([\d,]+)/.exec(text);
          const n = m ? [m[1], m[2], m[3]].reduce((s, x) => s + Number(x.replaceAll(',', '')), 0) : null;
          return countFact('Hardware offload queue', 'queue', c.count, n);
        }),
      ];
    case 'last.path':
    case 'last.delivered':
    case 'last.dropped':
      return [];
  }
}

/**
 * The last packet's facts. The Inspector shows the last packet of the last move, so the
 * cursor moves onto that packet: "Step back" lands at the end of the last packet before the
 * cursor, a second one before that packet, and "Step forward" replays it.
 */
async function lastPacketFacts(page: Page, e: ExpectLine, settleMs: number): Promise<PageFact[]> {
  const c = e.check;
  if (c.kind !== 'last.path' && c.kind !== 'last.delivered' && c.kind !== 'last.dropped') return [];
  const back = page.getByRole('toolbar', { name: 'Playback' }).getByRole('button', { name: 'Step back', exact: true });
  await press(page, 'Step back');
  const packetEnd = (await cursor(page)).step;
  if (!(await back.isDisabled())) await press(page, 'Step back');
  await press(page, 'Step forward');
  if ((await cursor(page)).step !== packetEnd) return [{ view: 'Inspector', expected: 'a packet before this line', found: 'none', ok: false }];
  return [
    await settle(settleMs, async () => {
      const p = await read.readInspectorPacket(page);
      return c.kind === 'last.path' ? lastPathFact(c, p) : c.kind === 'last.delivered' ? lastDeliveredFact(c, p) : lastDroppedFact(c, p);
    }),
  ];
}

/** Back to a step by the Timeline slider. */
async function seek(page: Page, step: number): Promise<void> {
  await slider(page).fill(String(step));
  await page.waitForFunction((s) => (document.querySelector('input[aria-label="Timeline"]')?.getAttribute('aria-valuetext') ?? '').startsWith(`step ${s} of`), step, { timeout: 60_000 });
}

async function shoot(page: Page, opts: DriveOptions, file: string, what: string): Promise<string> {
  const path = `${opts.shotDir}/${basename(file).replace(/\.[^.]*$/, '')}-${what}.png`;
  await page.screenshot({ path });
  return path;
}

async function checkExpect(page: Page, file: string, e: ExpectLine, opts: DriveOptions): Promise<ExpectOutcome> {
  const here = (await cursor(page)).step;
  const mark = await settle(opts.settleMs, async () => {
    const found = await read.readExpectMark(page, e.line);
    return { view: 'Scenario editor', expected: `the mark "${PASSED_MARK}"`, found: found === null ? 'no mark' : `"${found}"`, ok: found === PASSED_MARK };
  });
  const timeline = await settle(opts.settleMs, async () => {
    const shown = await read.timelineFailureShown(page, e.line);
    return { view: 'Timeline', expected: 'no failure mark', found: shown ? `the button "Failed expectation at line ${e.line}"` : 'no failure mark', ok: !shown };
  });
  const facts = [mark, timeline, ...(await stateFacts(page, e, opts.settleMs)), ...(await lastPacketFacts(page, e, opts.settleMs))];
  const out: ExpectOutcome = { line: e.line, text: e.text, facts };
  if (facts.some((f) => !f.ok)) {
    await read.revealConntrackFlags(page);
    out.screenshot = await shoot(page, opts, file, `line${e.line}`);
  }
  if ((await cursor(page)).step !== here) await seek(page, here);
  return out;
}

/** Runs one scenario's checks in an open page (`?testhooks`). */
export async function checkScenario(page: Page, file: string, text: string, opts: DriveOptions): Promise<ScenarioOutcome> {
  const listed = expectLines(text);
  if ('error' in listed) return { file, expects: [], error: `line ${listed.error.line}, col ${listed.error.col}: ${listed.error.message}` };
  const outcome: ScenarioOutcome = { file, expects: [] };
  const errors: string[] = [];
  const onError = (err: Error) => errors.push(err.message);
  page.on('pageerror', onError);
  try {
    await page.evaluate((t) => window.__ctlab!.load(t), text);
    await page.waitForFunction(() => (document.querySelector('input[aria-label="Timeline"]')?.getAttribute('aria-valuetext') ?? '').startsWith('step 0 of'));
    for (const e of listed.lines) {
      const reached = await stepTo(page, e.line);
      if (!reached.ok) {
        outcome.error = `line ${e.line}: the page did not stop at this line (the cursor is at ${reached.at})`;
        outcome.screenshot = await shoot(page, opts, file, `line${e.line}`);
        break;
      }
      outcome.expects.push(await checkExpect(page, file, e, opts));
    }
  } catch (err) {
    outcome.error = (err as Error).message.split('\n')[0];
    outcome.screenshot = await shoot(page, opts, file, 'error').catch(() => undefined);
  } finally {
    page.off('pageerror', onError);
  }
  if (errors.length) outcome.error = [outcome.error, ...errors.map((m) => `page error: ${m}`)].filter(Boolean).join('; ');
  return outcome;
}
