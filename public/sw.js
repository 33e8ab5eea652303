// RLVR Lab's service worker: after one visit the lab loads offline. It caches every file of the build
// (precache.json, written by the build) in a cache named by the build id, serves the page network-first
// and the hashed assets cache-first, and keeps (or adds) the COOP/COEP headers that make the page
// cross-origin isolated, so WASM threads still work offline. The cache holds the build's files and nothing
// else: one entry per file whatever the query string, never a server's fallback page for an unknown path.
// A plain file: no bundling, relative URLs only.
const BUILD = new URL(self.location.href).searchParams.get('build') || 'unversioned';
const PREFIX = 'rlvr-lab-';
const CACHE = PREFIX + BUILD;
// Servers may send `Vary: Origin`; a module script's request carries an Origin, the precache's did not.
const MATCH = { ignoreVary: true };
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const response = await fetch('./precache.json', { cache: 'no-store' });
      const cache = await caches.open(CACHE);
      await cache.put('./precache.json', response.clone()); // the page reads it offline too
      const manifest = await response.json();
      // 'reload': straight from the server, never a stale HTTP-cache copy of an older build.
      await cache.addAll(manifest.files.map((f) => new Request(f, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      await self.clients.claim(); // the page that installed us is served offline from its next load
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  const fresh = request.mode === 'navigate' || new URL(request.url).pathname.endsWith('/precache.json');
  event.respondWith((fresh ? networkFirst(request) : cacheFirst(request)).then(isolated));
});

/**
 * The cache entry a request refreshes: the page (the scope itself, or its index.html) under './', the
 * build manifest under its own name, both without the query; null for anything else (an unknown path,
 * whose 200 may be the server's fallback page).
 */
function cacheKey(request) {
  const url = new URL(request.url);
  const scope = new URL(self.registration.scope);
  if (url.pathname === scope.pathname || url.pathname === `${scope.pathname}index.html`) return scope.href;
  if (url.pathname === `${scope.pathname}precache.json`) return new URL('precache.json', scope).href;
  return null;
}

/** The page and the build manifest: the network when it answers (a new build shows up), else the cache. */
async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  const key = cacheKey(request);
  try {
    const response = await fetch(request);
    if (response.ok && key) await cache.put(key, response.clone());
    return response;
  } catch (err) {
    const hit = (key && (await cache.match(key, MATCH))) || (request.mode === 'navigate' ? await cache.match('./', MATCH) : undefined);
    if (hit) return hit;
    throw err;
  }
}

/** Hashed assets never change under one name: the precached copy (any query string), else the network, never stored. */
async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(request, { ...MATCH, ignoreSearch: true })) || fetch(request);
}

/** The response with COOP/COEP: kept when the server sent them, added when it could not (static hosts). */
function isolated(response) {
  const missing = Object.keys(ISOLATION).filter((h) => !response.headers.has(h));
  if (missing.length === 0 || response.type !== 'basic' || response.status < 200 || response.status > 299 || response.status === 204) return response;
  const headers = new Headers(response.headers);
  for (const h of missing) headers.set(h, ISOLATION[h]);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
