/** The UI benchmark (`npm run bench:ui:tables`): the e2e configuration on the bench files. */
import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

export default defineConfig({ ...base, testDir: '.', testMatch: '*.bench.ts', retries: 0, timeout: 600_000 });
