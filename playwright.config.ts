import { existsSync } from 'node:fs';
import { chromium, defineConfig } from '@playwright/test';

// PW_PORT: another port when several work trees run their browser tests at once.
const PORT = Number(process.env.PW_PORT ?? 4173);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * Which Chromium to drive: PW_CHROMIUM_PATH if set, else Playwright's own build if it was
 * downloaded (its full build needs channel 'chromium': the default headless shell is a separate
 * download), else Debian's /usr/bin/chromium (the CI machine cannot reach Playwright's CDN).
 */
function browserLaunch(): { channel?: string; executablePath?: string } {
  if (process.env.PW_CHROMIUM_PATH) return { executablePath: process.env.PW_CHROMIUM_PATH };
  let bundled = '';
  try {
    bundled = chromium.executablePath();
  } catch {
    // No Playwright browser registry entry: fall through to the system browser.
  }
  if (bundled && existsSync(bundled)) return { channel: 'chromium' };
  if (existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM };
  throw new Error('No Chromium found: apt-get install -y chromium fonts-liberation, or set PW_CHROMIUM_PATH');
}

const browser = browserLaunch();

export default defineConfig({
  testDir: 'e2e',
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  use: {
    baseURL: BASE_URL,
    headless: true,
    channel: browser.channel,
    launchOptions: { executablePath: browser.executablePath, args: ['--disable-gpu', '--disable-quic'] },
  },
  webServer: {
    // npx, not a bare `vite`: the bare name is on PATH only when Playwright itself runs via npm/npx.
    command: `npx vite build && npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
