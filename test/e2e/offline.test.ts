// Offline after a first visit: the service worker caches the whole build (WASM files included), and a
// reload with the network gone still opens the lab, cross-origin isolated, and trains on WASM with
// threads. On a static host that sends no COOP/COEP headers, the worker adds them from the second load.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import {
  chartPoints,
  contextWithConfig,
  hookText,
  launchChromium,
  serveDist,
  TINY_CONFIG,
  waitFor,
  watchConsole,
} from './harness';

const CONFIG = {
  ...TINY_CONFIG,
  backend: 'wasm',
  sft: { ...TINY_CONFIG.sft, steps: 6 },
  rl: { ...TINY_CONFIG.rl, steps: 0 },
};
type LabWindow = Window & { __labReady?: boolean; __offlineReady?: boolean };
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The served build (dist-e2e/) from a plain static server that sends no COOP/COEP (as GitHub Pages), under a sub-path. */
function plainHost(base: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(base)) return void res.writeHead(404).end();
    const file = normalize(join('dist-e2e', path.slice(base.length) || 'index.html')).replace(/\/$/, '/index.html');
    readFile(file.endsWith('/') || file === 'dist-e2e' ? join(file, 'index.html') : file)
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

async function firstVisit(page: Page, url: string, errors: string[]): Promise<void> {
  await page.goto(url);
  await waitFor(
    () => page.evaluate(() => (window as LabWindow).__labReady === true),
    'the lab to be ready',
    errors,
    120_000,
  );
  await waitFor(
    () => page.evaluate(() => (window as LabWindow).__offlineReady === true),
    'the service worker to cache the build',
    errors,
    60_000,
  );
  await waitFor(
    () => page.evaluate(() => navigator.serviceWorker.controller !== null),
    'the page to be controlled',
    errors,
    30_000,
  );
}

describe('offline', () => {
  let preview: PreviewServer;

  it('loads offline after a first visit, cross-origin isolated, and trains on WASM from cached files', async () => {
    const served = await serveDist();
    preview = served.server;
    const context = await contextWithConfig(browser, CONFIG);
    const page = await context.newPage();
    const errors = watchConsole(page);
    await firstVisit(page, served.url, errors);
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
    (preview.httpServer as { closeAllConnections?: () => void }).closeAllConnections?.();
    await new Promise<void>((resolve) => preview.httpServer.close(() => resolve()));
    await page.reload();
    await waitFor(
      () => page.evaluate(() => (window as LabWindow).__labReady === true),
      'the lab to be ready offline',
      errors,
      120_000,
    );
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await hookText(page, 'backend-name')).toBe('wasm');
    await page.getByText('Why this one?').click();
    await expect.poll(() => page.locator('header').innerText()).toMatch(/SIMD, threads/);
    await page.getByTestId('start').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 2, 'training offline', errors);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('caches each file of the build once: no entry per query string, no fallback page for an unknown path', async () => {
    const served = await serveDist();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = watchConsole(page);
      await firstVisit(page, served.url, errors);
      for (const query of ['?classroom=model', '?x=1#c1.abc']) {
        await page.goto(`${served.url}${query}`);
        await waitFor(
          () => page.evaluate(() => (window as LabWindow).__labReady === true),
          `the lab at ${query}`,
          errors,
          120_000,
        );
      }
      const unknown = await page.goto(`${served.url}no/such/page`);
      expect(unknown?.status()).toBe(200); // the preview server's fallback page, as many static hosts answer
      await page.goto(served.url);
      await waitFor(
        () => page.evaluate(() => (window as LabWindow).__labReady === true),
        'the lab again',
        errors,
        120_000,
      );
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
      await context.close();
    } finally {
      (served.server.httpServer as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => served.server.httpServer.close(() => resolve()));
    }
  });

  it('isolates the page from the second load on a host that cannot send COOP/COEP, under a sub-path', async () => {
    const { server, url } = await plainHost('/lab/');
    try {
      const context = await contextWithConfig(browser, CONFIG);
      const page = await context.newPage();
      const errors = watchConsole(page);
      await firstVisit(page, url, errors);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false); // the first load came from the host itself
      await page.reload();
      await waitFor(
        () => page.evaluate(() => (window as LabWindow).__labReady === true),
        'the lab to be ready',
        errors,
        120_000,
      );
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(await page.evaluate(() => new URL(navigator.serviceWorker.controller!.scriptURL).pathname)).toBe(
        '/lab/sw.js',
      );
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
