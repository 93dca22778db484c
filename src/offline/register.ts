/**
 * Registers the build's service worker (src/offline/precache.ts) so the page works offline
 * after its first load. Production builds only: the dev server's modules are not precached.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // Relative to the page: the build may be served from any folder.
  void navigator.serviceWorker.register('./sw.js').catch(() => undefined);
}
