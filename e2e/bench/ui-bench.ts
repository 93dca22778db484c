/**
 * `npm run bench:ui`: figures of the page in Chromium on the production build, one JSON line
 * per figure on stdout ({ name, value, unit, target, better, note }), progress on stderr —
 * the format of `npm run bench`. Benchmarks, not tests: nothing here fails on a slow machine.
 *
 *   npm run bench:ui                 # build, serve on 127.0.0.1:4174 (BENCH_PORT), measure
 *   npm run bench:ui -- --no-build   # reuse dist/
 *   npm run bench:ui -- --graph      # only the pipeline graph's figures (e2e/bench/graph.ts)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import { browserLaunch, CHROMIUM_ARGS } from '../browser';
import { percentile, round, type Figure } from './figures';
import { graphFigures } from './graph';

/** BENCH_PORT: another port when 4174 is taken (several work trees on one machine). */
const PORT = Number(process.env.BENCH_PORT ?? 4174);
const BASE = `http://127.0.0.1:${PORT}`;
const ROOT = join(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist');


const emit = (f: Figure): void => void process.stdout.write(`${JSON.stringify(f)}\n`);
const progress = (m: string): void => void process.stderr.write(`[bench:ui] ${m}\n`);


/** Gzip bytes of the JavaScript the page loads before it can be used: the entry and its preloads. */
function initialJsGzip(): { bytes: number; files: string[] } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  // Asset paths are relative (`base: './'`) or absolute.
  const files = [...html.matchAll(/(?:src|href)="\.?\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(DIST, f))).length, 0);
  return { bytes, files };
}

async function serve(): Promise<ChildProcess> {
  const server = spawn(join(ROOT, 'node_modules', '.bin', 'vite'), ['preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { cwd: ROOT, stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(BASE)).ok) return server;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error(`vite preview did not answer on ${BASE}`);
}

async function openLab(browser: Browser, query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${BASE}/${query}`);
  await page.getByRole('button', { name: 'Play' }).waitFor();
  await page.waitForFunction(() => !(document.querySelector('button[aria-label="Play"]') as HTMLButtonElement | null)?.disabled);
  return page;
}

/** Navigation → the default scenario is interactive (Play enabled), in ms. */
async function interactive(browser: Browser): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const t0 = Date.now();
    await page.goto(BASE);
    await page.waitForFunction(() => {
      const b = document.querySelector('button[aria-label="Play"]') as HTMLButtonElement | null;
      return b !== null && !b.disabled && document.querySelector('[data-version]') !== null;
    });
    times.push(Date.now() - t0);
    await page.close();
  }
  return times;
}

/**
 * Key press → the conntrack table shows the state after the move: measured in the page from
 * the keydown to the frame in which the table's data-version passed the one it had.
 */
async function keyLatencies(page: Page, key: string, presses: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < presses; i++) {
    // No named functions inside: tsx would wrap them in a helper the page does not have.
    const ms = await page.evaluate(async (k) => {
      const before = Number(document.querySelector('[data-version]')?.getAttribute('data-version') ?? -1);
      const t0 = performance.now();
      window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        if (Number(document.querySelector('[data-version]')?.getAttribute('data-version') ?? -1) > before) return performance.now() - t0;
        if (performance.now() - t0 > 5000) return -1;
      }
    }, key);
    if (ms >= 0) out.push(ms);
  }
  return out;
}

/** JS heap used by the page's main thread and by its worker (CDP Runtime.getHeapUsage). */
async function heaps(page: Page): Promise<{ main: number; worker: number | null }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const main = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  let worker: number | null = null;
  const attached = new Promise<string>((resolve) => cdp.on('Target.attachedToTarget', (e: { sessionId: string; targetInfo: { type: string } }) => e.targetInfo.type === 'worker' && resolve(e.sessionId)));
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const sessionId = await Promise.race([attached, new Promise<string>((r) => setTimeout(() => r(''), 3000))]);
  if (sessionId) {
    const reply = new Promise<number>((resolve) =>
      cdp.on('Target.receivedMessageFromTarget', (e: { sessionId: string; message: string }) => {
        const m = JSON.parse(e.message) as { id: number; result?: { usedSize: number } };
        if (m.id === 1 && m.result) resolve(m.result.usedSize);
      }),
    );
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: 1, method: 'Runtime.getHeapUsage' }) });
    worker = await Promise.race([reply, new Promise<number>((r) => setTimeout(() => r(-1), 3000))]);
    if (worker < 0) worker = null;
  }
  await cdp.detach();
  return { main: main.usedSize, worker };
}

async function main(): Promise<void> {
  if (!process.argv.includes('--no-build')) {
    progress('vite build');
    const b = spawnSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (b.status !== 0) throw new Error('vite build failed');
  }
  const js = initialJsGzip();
  emit({ name: 'ui_initial_js_gzip_bytes', value: js.bytes, unit: 'B', target: 250_000, better: 'lower', note: `entry and modulepreloads: ${js.files.join(', ')}` });

  const server = await serve();
  const launch = browserLaunch();
  const browser = await chromium.launch({ headless: true, channel: launch.channel, executablePath: launch.executablePath, args: CHROMIUM_ARGS });
  try {
    if (process.argv.includes('--graph')) return await graphFigures(browser, BASE, emit, progress);
    progress('navigation → interactive');
    const nav = await interactive(browser);
    emit({ name: 'ui_interactive_ms', value: percentile(nav, 50), unit: 'ms', target: 1500, better: 'lower', note: `median of ${nav.length} loads of the talk scenario (all: ${nav.join(', ')})` });

    progress('step latency');
    const page = await openLab(browser);
    const fwd = await keyLatencies(page, 'ArrowRight', 25);
    emit({ name: 'ui_step_latency_p95_ms', value: round(percentile(fwd, 95)), unit: 'ms', target: 50, better: 'lower', note: `→ key press to the conntrack table showing the new state, ${fwd.length} steps of the talk scenario` });
    await page.keyboard.press('End');
    await page.waitForFunction(() => /step (\d+) of \1,/.test(document.querySelector('input[aria-label="Timeline"]')?.getAttribute('aria-valuetext') ?? ''));
    const back = await keyLatencies(page, 'ArrowLeft', 20);
    emit({ name: 'ui_step_back_latency_p95_ms', value: round(percentile(back, 95)), unit: 'ms', target: 100, better: 'lower', note: `← key press (a seek: restore + replay) to the table showing the state, ${back.length} steps back from the end of the talk scenario` });
    await page.close();

    progress('a million connections in the worker');
    const big = await openLab(browser, '?testhooks&stall=120000');
    // At the end of the talk scenario, so its rules track the generated connections.
    await big.keyboard.press('End');
    await big.waitForFunction(() => /step (\d+) of \1,/.test(document.querySelector('input[aria-label="Timeline"]')?.getAttribute('aria-valuetext') ?? ''));
    const command = big.getByRole('textbox', { name: 'Command' });
    await command.fill('sysctl -w net.netfilter.nf_conntrack_max=2000000');
    await command.press('Enter');
    await big.waitForFunction(() => document.querySelectorAll('.shell-entry').length === 1);
    await command.fill('traffic dev uplink reply-dev rep0 conns 1000000 rate 1000000 duration 1 order round-robin');
    const t0 = Date.now();
    await command.press('Enter');
    await big.waitForFunction(() => document.querySelectorAll('.shell-entry').length === 2, null, { timeout: 300_000 });
    const setupS = (Date.now() - t0) / 1000;
    await big.getByRole('textbox', { name: 'Command' }).fill('conntrack -C');
    await big.getByRole('textbox', { name: 'Command' }).press('Enter');
    await big.waitForFunction(() => (document.querySelectorAll('.shell-result').length ?? 0) > 0, null, { timeout: 120_000 });
    const count = (await big.locator('.shell-result').last().textContent())?.trim();
    const h = await heaps(big);
    emit({ name: 'ui_main_heap_bytes_1M_conns', value: h.main, unit: 'B', target: null, better: 'lower', note: `main thread JS heap with ${count} conntrack entries held in the worker` });
    emit({ name: 'ui_worker_heap_bytes_1M_conns', value: h.worker, unit: 'B', target: null, better: 'lower', note: h.worker === null ? 'the worker target could not be attached over CDP' : `worker JS heap (typed arrays live outside it) after the traffic line (${setupS.toFixed(1)} s)` });
    await big.close();

    await graphFigures(browser, BASE, emit, progress);
  } finally {
    await browser.close();
    server.kill();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`[bench:ui] failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
