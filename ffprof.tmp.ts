import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
const server = spawn('node_modules/.bin/vite', ['preview', '--host', '127.0.0.1', '--port', '4419', '--strictPort'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 2500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
const TALK = readFileSync('src/scenarios/talk-web-server.sim', 'utf8');
const RULES = TALK.split('\n').filter((l) => !/^(connect|send|sleep|conntrack|tc -s|sim show)/.test(l)).join('\n');
await page.goto('http://127.0.0.1:4419/?testhooks&stall=600000');
await page.waitForFunction(() => !!(window as any).__ctlab && !(document.querySelector('button[aria-label="Play"]') as any)?.disabled);
await page.evaluate((t) => (window as any).__ctlab.load(t), `sysctl -w net.netfilter.nf_conntrack_max=2000000\n${RULES}\ntraffic dev uplink reply-dev rep0 conns ${process.env.CONNS ?? 1000000} rate 1000000 duration 2 order round-robin\n`);
await page.getByLabel('Speed').selectOption({ label: 'As fast as possible' });
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
await cdp.send('Profiler.start');
const res = await page.evaluate(async () => {
  (document.querySelector('button[aria-label="Play"]') as HTMLButtonElement).click();
  const dts: number[] = [];
  let last = performance.now();
  const t0 = last;
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    dts.push(now - last);
    last = now;
    const done = /step (\d+) of \1,/.test(document.querySelector('input[aria-label="Timeline"]')?.getAttribute('aria-valuetext') ?? '') && !!document.querySelector('button[aria-label="Play"]');
    if (done || now - t0 > 120_000) return { n: dts.length, max: Math.max(...dts), long: dts.filter((d) => d > 50).length, ms: now - t0, done };
  }
});
console.log(JSON.stringify(res));
const { profile } = (await cdp.send('Profiler.stop')) as any;
const self = new Map<string, number>();
const dt = profile.timeDeltas as number[];
const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));
profile.samples.forEach((id: number, i: number) => {
  const n: any = byId.get(id);
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
  self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0));
});
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0)}ms ${k}`).join('\n'));
await browser.close();
server.kill();
