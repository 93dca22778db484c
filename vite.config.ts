import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { precache } from './src/offline/precache.ts';

/**
 * The production page's Content-Security-Policy: scripts and the worker only from the page's own
 * origin, no inline script, no eval. Styles allow 'unsafe-inline' because React Flow (and React's
 * style props) set inline styles; the page's own CSS is a file. `img-src data:` is for the empty
 * favicon in index.html. Build only: the dev server injects React's inline refresh preamble.
 * (frame-ancestors is not settable from a <meta> policy: a server header would have to say it.)
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'ct-offload-lab:csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  // Relative asset paths: the build runs from any folder of any static server (README, "Embed and offline").
  base: './',
  plugins: [react(), contentSecurityPolicy(), precache()],
  worker: { format: 'es' },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'e2e/check/**/*.test.ts', 'e2e/bench/**/*.test.ts'],
    environment: 'node',
    // Not a speed limit (figures live in the benchmarks): room for a loaded 2-core machine.
    testTimeout: 30_000,
  },
});
