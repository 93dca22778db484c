/**
 * Offline use on stage: a build-time plugin writes `sw.js`, a service worker that precaches
 * every file of the build (the list is known only after bundling, so the plugin inlines it)
 * and then answers from that cache, so the page reloads and runs with no network at all.
 * Paths are relative to the service worker's own location: the build works from any folder
 * of any static server. Node side only (vite.config.ts imports it).
 */
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

export const SERVICE_WORKER_FILE = 'sw.js';

/** The service worker's source for these build files (paths relative to the build's root). */
export function serviceWorkerSource(files: readonly string[]): string {
  const list = [...new Set(['./', './index.html', ...files.filter((f) => f !== SERVICE_WORKER_FILE).map((f) => `./${f}`)])].sort();
  const version = createHash('sha256').update(list.join('\n')).digest('hex').slice(0, 12);
  return `// Generated at build time by src/offline/precache.ts: precache the build, then serve it from the cache.
const CACHE = 'ct-offload-lab-${version}';
const FILES = ${JSON.stringify(list)};
const url = (f) => new URL(f, self.registration.scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES.map(url))).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('ct-offload-lab-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  // A page load with any query (?present&checkpoint=3, ?embed) is the one index.html.
  const key = req.mode === 'navigate' ? url('./') : req.url;
  event.respondWith(
    caches.open(CACHE).then((c) => c.match(key, { ignoreSearch: req.mode === 'navigate' })).then((hit) => hit || fetch(req)),
  );
});
`;
}

export function precache(): Plugin {
  return {
    name: 'ct-offload-lab:precache',
    apply: 'build',
    generateBundle(_options, bundle) {
      // index.html is in the bundle by now; public/ files are copied after, and there are none we need.
      this.emitFile({ type: 'asset', fileName: SERVICE_WORKER_FILE, source: serviceWorkerSource(Object.keys(bundle)) });
    },
  };
}
