// Registers the service worker (public/sw.js) of a production build, so the lab loads offline after a
// first visit. The worker's URL carries the build id from precache.json: a new build installs a new
// worker with a new cache. Dev builds (vite dev) never register one: stale caches would hide edits.

declare global {
  interface Window {
    /** Set once the service worker is active and the build is cached: end-to-end tests wait for it. */
    __offlineReady?: boolean;
  }
}

export async function registerOffline(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  try {
    const manifest = (await (await fetch('./precache.json', { cache: 'no-cache' })).json()) as { build?: unknown };
    if (typeof manifest.build !== 'string' || !/^[0-9a-f]{8,64}$/.test(manifest.build)) return;
    await navigator.serviceWorker.register(`./sw.js?build=${manifest.build}`, { scope: './' });
    await navigator.serviceWorker.ready;
    window.__offlineReady = true;
  } catch (err) {
    // No offline copy (a private window, a host without precache.json): the lab works online as before.
    console.warn('RLVR Lab: offline support is off:', err);
  }
}
