// Offline after a first visit: the service worker caches the whole build (WASM files included), and a
// reload with the network gone still opens the lab, cross-origin isolated, and trains on WASM with
// threads. On a static host that sends no COOP/COEP headers, the worker adds them from the second load.
// Each test serves the build itself (the first closes its server mid-test).
import { describe, expect, onTestFinished } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chartPoints, closeServer, hookText, it, serveBuild, TINY_CONFIG, type LabPage } from './harness';

const CONFIG = {
  ...TINY_CONFIG,
  backend: 'wasm',
  sft: { ...TINY_CONFIG.sft, steps: 6 },
  rl: { ...TINY_CONFIG.rl, steps: 0 },
};
type LabWindow = Window & { __offlineReady?: boolean };
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** The build in `dir` from a plain static server that sends no COOP/COEP (as GitHub Pages), under a sub-path. */
function plainHost(dir: string, base: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(base)) return void res.writeHead(404).end();
    const file = normalize(join(dir, path.slice(base.length) || 'index.html')).replace(/\/$/, '/index.html');
    readFile(file.endsWith('/') || file === normalize(dir) ? join(file, 'index.html') : file)
      .then((body) =>
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      )
      .catch(() => res.writeHead(404).end());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://localhost:${(server.address() as { port: number }).port}${base}` }),
    ),
  );
}

async function firstVisit({ page, waitFor, ready }: LabPage, url: string): Promise<void> {
  await page.goto(url);
  await ready();
  await waitFor(
    () => page.evaluate(() => (window as LabWindow).__offlineReady === true),
    'the service worker to cache the build',
    60_000,
  );
  await waitFor(
    () => page.evaluate(() => navigator.serviceWorker.controller !== null),
    'the page to be controlled',
    30_000,
  );
}

describe('offline', () => {
  it('loads offline after a first visit, cross-origin isolated, and trains on WASM from cached files', async ({
    pages,
  }) => {
    const served = await serveBuild();
    onTestFinished(() => closeServer(served.server));
    const lp = await pages.newPage({ config: CONFIG });
    const { page, context, errors, waitFor } = lp;
    await firstVisit(lp, served.url);
    const cached = await page.evaluate(async () =>
      (
        await Promise.all(
          (await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).map((r) => r.url)),
        )
      ).flat(),
    );
    expect(cached.filter((u) => u.endsWith('.wasm'))).toHaveLength(3);
    // Gone: the browser is offline and the server is closed.
    await context.setOffline(true);
    await closeServer(served.server);
    await page.reload();
    await lp.ready('the lab to be ready offline');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await hookText(page, 'backend-name')).toBe('wasm');
    await page.getByText('Why this one?').click();
    await expect.poll(() => page.locator('header').innerText()).toMatch(/SIMD, threads/);
    await page.getByTestId('start').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 2, 'training offline');
    expect(errors).toEqual([]);
  });

  it('caches each file of the build once: no entry per query string, no fallback page for an unknown path', async ({
    pages,
  }) => {
    const served = await serveBuild();
    onTestFinished(() => closeServer(served.server));
    const lp = await pages.newPage();
    const { page } = lp;
    await firstVisit(lp, served.url);
    for (const query of ['?classroom=model', '?x=1#c1.abc']) {
      await page.goto(`${served.url}${query}`);
      await lp.ready(`the lab at ${query}`);
    }
    const unknown = await page.goto(`${served.url}no/such/page`);
    expect(unknown?.status()).toBe(200); // the preview server's fallback page, as many static hosts answer
    await page.goto(served.url);
    await lp.ready('the lab again');
    await page.evaluate(() => fetch('./precache.json?fresh=1'));
    const { files } = await page.evaluate(
      async () => (await fetch('./precache.json')).json() as Promise<{ files: string[] }>,
    );
    const cached = await page.evaluate(async () =>
      (
        await Promise.all(
          (await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).map((r) => r.url)),
        )
      ).flat(),
    );
    expect(cached.filter((u) => u.includes('?') || u.includes('/no/'))).toEqual([]);
    expect(cached.length).toBe(files.length + 1); // the build's files and precache.json
  });

  it('isolates the page from the second load on a host that cannot send COOP/COEP, under a sub-path', async ({
    pages,
    site,
  }) => {
    const { server, url } = await plainHost(site.dir, '/lab/');
    onTestFinished(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const lp = await pages.newPage({ config: CONFIG });
    const { page, errors } = lp;
    await firstVisit(lp, url);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false); // the first load came from the host itself
    await page.reload();
    await lp.ready();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => new URL(navigator.serviceWorker.controller!.scriptURL).pathname)).toBe(
      '/lab/sw.js',
    );
    expect(errors).toEqual([]);
  });
});
