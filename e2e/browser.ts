/**
 * Which Chromium Playwright drives: PW_CHROMIUM_PATH if set, else Playwright's own build if it
 * was downloaded (its full build needs channel 'chromium': the default headless shell is a
 * separate download), else Debian's /usr/bin/chromium (the CI machine cannot reach Playwright's
 * CDN). Shared by the tests' config and the UI benchmark.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--disable-gpu', '--disable-quic'];

export function browserLaunch(): { channel?: string; executablePath?: string } {
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
