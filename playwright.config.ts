import { defineConfig } from '@playwright/test';
import { browserLaunch, CHROMIUM_ARGS } from './e2e/browser';

// PW_PORT lets several work trees run their browser tests at once, each against its own build.
const PORT = Number(process.env.PW_PORT ?? 4173);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const browser = browserLaunch();

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  use: {
    baseURL: BASE_URL,
    headless: true,
    channel: browser.channel,
    launchOptions: { executablePath: browser.executablePath, args: CHROMIUM_ARGS },
    viewport: { width: 1280, height: 720 },
  },
  webServer: {
    // npx, not a bare `vite`: the bare name is on PATH only when Playwright itself runs via npm/npx.
    command: `npx vite build && npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
