/** The UI benchmark (`npm run bench:ui:tables`): the e2e configuration on the bench files. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: '*.bench.ts',
  retries: 0,
  timeout: 900_000,
  // The web server builds and serves the app from the repository root, not this folder.
  webServer: Array.isArray(base.webServer) ? base.webServer : { ...base.webServer!, cwd: root },
});
