/**
 * bench:ui figures of the pipeline graph: frame times with 1,000 packets in flight, and the
 * longest frame while fast-forwarding the traffic generator at a million connections. A frame's
 * time is the gap between the start times of consecutive frames (the timestamps
 * requestAnimationFrame passes its callbacks): a late or dropped frame widens it. The time at
 * which the bench's own callback runs is also kept (`performance.now()` in it): that one moves
 * with the work the frame's earlier callbacks did (the motion layer's drawing), so its gaps
 * spread around 16.7 ms even when every frame is on time; the notes give it beside the figure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import type { SimEvent } from '../../src/engine/events';
import { Simulator } from '../../src/engine/simulator';
import { percentile, refreshFrames, round, type Figure } from './figures';


const ROOT = join(import.meta.dirname, '..', '..');
const TALK = readFileSync(join(ROOT, 'src', 'scenarios', 'talk-web-server.sim'), 'utf8');
/** The talk's rules without its traffic. */
const RULES = TALK.split('\n')
  .filter((l) => !/^(connect|send|sleep|conntrack|tc -s|sim show)/.test(l))
  .join('\n');

const DOTS = 1000;

/** Events of DOTS generated packets through the talk's rules (a mix of software, miss and hardware). */
function journeys(): SimEvent[] {
  const sim = new Simulator({ seed: 1 });
  const events: SimEvent[] = [];
  sim.run(RULES);
  sim.subscribe((e) => {
    if (e.pkt !== 0) events.push(e);
  });
  sim.run('traffic dev uplink reply-dev rep0 conns 200 rate 100000 duration 0.01\n');
  const pkts = [...new Set(events.map((e) => e.pkt))].slice(0, DOTS);
  const keep = new Set(pkts);
  return events.filter((e) => keep.has(e.pkt));
}

async function openGraph(page: Page, base: string, text: string): Promise<void> {
  await page.goto(`${base}/?testhooks&stall=600000`);
  await page.getByRole('button', { name: 'Play' }).waitFor();
  await page.waitForFunction(() => !!window.__ctlab && !(document.querySelector('button[aria-label="Play"]') as HTMLButtonElement | null)?.disabled);
  await page.evaluate((t) => window.__ctlab!.load(t), text);
  await page.getByRole('button', { name: 'Step forward one line' }).waitFor();
}


export async function graphFigures(browser: Browser, base: string, emit: (f: Figure) => void, progress: (m: string) => void): Promise<void> {
  progress('graph: 1,000 packets in flight');
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await openGraph(page, base, RULES);
  await page.keyboard.press('End');
  await page.locator('.react-flow__node-chain').first().waitFor();
  await page.waitForFunction(() => !!window.__ctlabMotion);
  const events = journeys();
  const frames = await page.evaluate(
    async ({ evs, dots }) => {
      const m = window.__ctlabMotion!;
      // A 6 s window: flights start over its first 2.1 s and last 3.6 s each, so all are in flight from 2.1 s to 3.6 s.
      m.start(evs as never, 6000);
      const out: { dt: number; late: number; n: number }[] = [];
      let last = await new Promise<number>((r) => requestAnimationFrame(r));
      let lastNow = performance.now();
      const t0 = lastNow;
      while (performance.now() - t0 < 4000) {
        const start = await new Promise<number>((r) => requestAnimationFrame(r));
        const now = performance.now();
        out.push({ dt: start - last, late: now - lastNow, n: m.inFlight() });
        last = start;
        lastNow = now;
      }
      return { frames: out.filter((f) => f.n >= dots), draws: m.drawTimes().slice(-out.length) };
    },
    { evs: events, dots: DOTS },
  );
  const dts = frames.frames.map((f) => f.dt);
  const lates = frames.frames.map((f) => f.late);
  const paced = refreshFrames(dts);
  emit({
    name: 'ui_graph_frame_p95_ms_1000_dots',
    value: dts.length ? round(percentile(paced.frames, 95)) : null,
    unit: 'ms',
    target: 16.7,
    better: 'lower',
    note: `${dts.length} frames with ${DOTS} packets in flight at 1280×720, in refresh intervals of ${round(paced.interval)} ms (${paced.late} late; raw gaps p95 ${dts.length ? round(percentile(dts, 95)) : '–'} ms, max ${dts.length ? round(Math.max(...dts)) : '–'} ms); gaps between the bench's callbacks: p95 ${lates.length ? round(percentile(lates, 95)) : '–'} ms`,
  });
  emit({
    name: 'ui_graph_draw_p95_ms_1000_dots',
    value: round(percentile(frames.draws, 95)),
    unit: 'ms',
    target: null,
    better: 'lower',
    note: `main-thread time the motion layer spends per frame (positions, canvas) with up to ${DOTS} dots, ${frames.draws.length} frames`,
  });
  await page.close();

  progress('graph: fast-forward through a million connections');
  const ff = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const setup = `sysctl -w net.netfilter.nf_conntrack_max=2000000\n${RULES}\n`;
  await openGraph(ff, base, `${setup}traffic dev uplink reply-dev rep0 conns 1000000 rate 1000000 duration 2 order round-robin\n`);
  // The rules are set up first, line by line, and the graph drawn for them: the figure is the
  // generator's fast-forward, not the graph's first drawing (which the note gives apart).
  const lastRule = setup.split('\n').map((l, i) => (/^\s*(#|$)/.test(l) ? 0 : i + 1)).reduce((a, b) => Math.max(a, b));
  /** The timeline's text once it differs from `before` (false until then). */
  const cursorAfter = (before: string | null) => {
    const now = document.querySelector('input[aria-label="Timeline"]')?.getAttribute('aria-valuetext') ?? null;
    return now !== before && now;
  };
  // One line a click: the next click waits until the cursor has moved, so it never runs past the rules.
  for (let at: string | null = null; !at?.includes(`line ${lastRule},`); ) {
    if (at !== null) await ff.getByRole('button', { name: 'Step forward one line' }).click();
    at = (await (await ff.waitForFunction(cursorAfter, at)).jsonValue()) as string;
  }
  await ff.locator('.react-flow__node-chain').first().waitFor();
  // The graph's fit-to-view and the worker's survey of the set-up lines settle before the timed run.
  await ff.waitForTimeout(2000);
  await ff.getByLabel('Speed').selectOption({ label: 'As fast as possible' });
  const result = await ff.evaluate(async () => {
    const play = document.querySelector('button[aria-label="Play"]') as HTMLButtonElement;
    play.click();
    const dts: number[] = [];
    const lates: number[] = [];
    let last = await new Promise<number>((r) => requestAnimationFrame(r));
    let lastNow = performance.now();
    const t0 = lastNow;
    for (;;) {
      const start = await new Promise<number>((r) => requestAnimationFrame(r));
      const now = performance.now();
      dts.push(start - last);
      lates.push(now - lastNow);
      last = start;
      lastNow = now;
      const done = /step (\d+) of \1,/.test(document.querySelector('input[aria-label="Timeline"]')?.getAttribute('aria-valuetext') ?? '') && !!document.querySelector('button[aria-label="Play"]');
      if (done || now - t0 > 600_000) return { dts, lates, ms: now - t0, done };
    }
  });
  const ffPaced = refreshFrames(result.dts);
  emit({
    name: 'ui_graph_longest_frame_ms_ff_1M',
    value: round(Math.max(...ffPaced.frames)),
    unit: 'ms',
    target: 50,
    better: 'lower',
    note: `fast-forward (as fast as possible) through traffic of 1,000,000 connections for 2 s of virtual time: ${result.dts.length} frames in ${(result.ms / 1000).toFixed(1)} s${result.done ? '' : ' (stopped before the end)'} in refresh intervals of ${round(ffPaced.interval)} ms (${ffPaced.late} late, p95 ${round(percentile(ffPaced.frames, 95))} ms; raw gaps max ${round(Math.max(...result.dts))} ms); gaps between the bench's callbacks: max ${round(Math.max(...result.lates))} ms, p95 ${round(percentile(result.lates, 95))} ms`,
  });
  await ff.close();
}
