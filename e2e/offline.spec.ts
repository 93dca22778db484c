/**
 * On stage: the production build (dist/, which the Playwright web server has just built) served
 * as plain files from a subfolder of another static server, loaded once, then reloaded and
 * played with the network cut: the service worker's precache holds the page, the lazy graph
 * chunk and the simulator's worker.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { expect, test } from '@playwright/test';
import { failOnConsoleProblems } from './problems';

const DIST = new URL('../dist/', import.meta.url).pathname;
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

failOnConsoleProblems(test);

let server: Server;
let stage = '';

test.beforeAll(async () => {
  // A bare static server: files of dist/ under /stage/, nothing else (no SPA fallback, no headers).
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith('/stage/')) return void res.writeHead(404).end();
    const rel = path.slice('/stage/'.length);
    const file = normalize(join(DIST, rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel));
    if (!file.startsWith(DIST)) return void res.writeHead(404).end();
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file) || '.html'] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stage = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stage/`;
});

test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('served from a subfolder, loaded once, it reloads and plays with no network', async ({ page, context }) => {
  await page.goto(stage);
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await expect(page.getByLabel('Pipeline graph')).toBeVisible();
  // The service worker has precached the build and controls the page.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  await expect(page.getByLabel('Pipeline graph')).toBeVisible();
  await page.getByLabel('Speed').selectOption({ label: '100×' });
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByRole('region', { name: 'Conntrack table' })).toContainText('[HW_OFFLOAD]', { timeout: 20_000 });

  // A deep link (another query on the same page) loads offline too.
  await page.goto(`${stage}?present&scenario=talk-web-server`);
  await expect(page.getByRole('region', { name: 'Narration' })).toContainText('Start · 0 checkpoints');
});
