/**
 * `npm run check:scenarios [FILE…]`: every scenario (no FILE: src/scenarios/library/*.sim)
 * driven through the production page in Chromium, checking at each `expect` line that the
 * editor marks it passed and that the regions show the facts it asserts (README "Scenario
 * checks in the browser"). Exit status 1 when any check failed.
 *
 *   --no-build        serve the dist/ already built
 *   --url URL         check against a page already served there (no build, no server)
 *   --port N          the preview server's port (default 4175, or CHECK_PORT)
 *   --settle-ms N     how long a view may take to show a new cursor's state (default 4000)
 *   --json FILE       also write the counts and failures as JSON (scripts/test-all.sh reads it)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium } from '@playwright/test';
import { browserLaunch, CHROMIUM_ARGS } from '../browser';
import { checkScenario, type ScenarioOutcome } from './driver';
import { scenarioReport, summaryLine, totals } from './report';

const ROOT = join(import.meta.dirname, '..', '..');
const LIBRARY = join(ROOT, 'src', 'scenarios', 'library');
const SHOTS = join(ROOT, 'test-results', 'check-scenarios');

interface Options {
  files: string[];
  build: boolean;
  url?: string;
  port: number;
  settleMs: number;
  json?: string;
}

function usage(message: string): never {
  process.stderr.write(`check:scenarios: ${message}\nusage: npm run check:scenarios -- [--no-build] [--url URL] [--port N] [--settle-ms N] [--json FILE] [FILE…]\n`);
  process.exit(2);
}

function options(argv: string[]): Options {
  const o: Options = { files: [], build: true, port: Number(process.env.CHECK_PORT ?? 4175), settleMs: 4000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--no-build') o.build = false;
    else if (a === '--url') o.url = value();
    else if (a === '--port') o.port = Number(value());
    else if (a === '--settle-ms') o.settleMs = Number(value());
    else if (a === '--json') o.json = value();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (!Number.isInteger(o.port) || o.port <= 0) usage('--port takes a port number');
  if (!(o.settleMs >= 0)) usage('--settle-ms takes milliseconds');
  if (o.files.length === 0) {
    let names: string[] = [];
    try {
      names = readdirSync(LIBRARY).filter((n) => n.endsWith('.sim'));
    } catch {
      // No library folder: nothing to check, said below.
    }
    o.files = names.sort().map((n) => join(LIBRARY, n));
  }
  return o;
}

async function serve(port: number): Promise<ChildProcess> {
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(join(ROOT, 'node_modules', '.bin', 'vite'), ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: ROOT, stdio: 'ignore' });
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(base)).ok) return server;
    } catch {
      // not up yet
    }
    if (server.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error(`vite preview did not answer on ${base} (is the port taken? --port moves it)`);
}

async function main(): Promise<number> {
  const o = options(process.argv.slice(2));
  if (o.files.length === 0) {
    // Nothing to check is not a failure (CI runs this before the library has scenarios).
    console.log(`check:scenarios: no scenarios in ${relative(process.cwd(), LIBRARY)}`);
    console.log(summaryLine(totals([])));
    if (o.json) writeFileSync(o.json, JSON.stringify({ ...totals([]), outcomes: [] }, null, 2));
    return 0;
  }
  if (o.build && !o.url) {
    process.stderr.write('check:scenarios: vite build\n');
    const built = spawnSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) return 1;
  }
  const server = o.url ? null : await serve(o.port);
  const base = o.url ?? `http://127.0.0.1:${o.port}`;
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  const launch = browserLaunch();
  const browser = await chromium.launch({ headless: true, channel: launch.channel, executablePath: launch.executablePath, args: CHROMIUM_ARGS });
  const outcomes: ScenarioOutcome[] = [];
  try {
    console.log(`check:scenarios: ${o.files.length} ${o.files.length === 1 ? 'scenario' : 'scenarios'} on ${base}`);
    for (const file of o.files) {
      const name = relative(process.cwd(), file);
      // A fresh page per scenario: no filter, selection or layout carried over from the last one.
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(`${base}/?testhooks`);
      await page.getByRole('button', { name: 'Play' }).waitFor();
      const outcome = await checkScenario(page, name, readFileSync(file, 'utf8'), { shotDir: relative(process.cwd(), SHOTS), settleMs: o.settleMs });
      await page.close();
      outcomes.push(outcome);
      for (const line of scenarioReport(outcome)) console.log(line);
    }
  } finally {
    await browser.close();
    server?.kill();
  }
  const t = totals(outcomes);
  console.log(summaryLine(t));
  if (o.json) writeFileSync(o.json, JSON.stringify({ ...t, outcomes }, null, 2));
  return t.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`check:scenarios: ${err.message}`);
    process.exit(1);
  },
);
