// End-to-end harness: serves the e2e build of the app (dist-e2e/) with Vite's preview server on a free localhost
// port, and launches the system Chromium headless with WebGPU (SwiftShader on GPU-less machines).
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEFAULT_RUN_CONFIG } from '../../src/experiment/config';
// @ts-expect-error: plain .mjs helper shared with the preflight script
import { chromiumPath } from '../helpers/paths.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Serves the e2e build (dist-e2e/, `vite build --mode e2e`): the product with test hooks (vite.config.ts). */
export async function serveDist(): Promise<{ server: PreviewServer; url: string }> {
  if (!existsSync('dist-e2e/index.html'))
    throw new Error(
      'dist-e2e/ is missing: run `npx vite build --mode e2e` before the end-to-end tests (npm test and npm run test:e2e do)',
    );
  const server = await preview({
    mode: 'e2e',
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'warn',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the preview server did not report a URL');
  return { server, url: url.replace('127.0.0.1', 'localhost') }; // localhost is a secure context: WebGPU needs one
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath() as string | null;
  if (!executablePath) throw new Error('no Chromium: apt-get install -y chromium, or set CHROMIUM_PATH (see README)');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** Collect page errors and console errors, so a test can show them when it fails. */
export function watchConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on('pageerror', (err) => lines.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') lines.push(`console: ${msg.text()}`);
  });
  return lines;
}

/** Text of a test hook element. */
export async function hookText(page: Page, id: string): Promise<string> {
  return ((await page.getByTestId(id).first().textContent()) ?? '').trim();
}

/** Points drawn in a chart wrapper (its data-points attribute). */
export async function chartPoints(page: Page, id: string): Promise<number> {
  return Number((await page.getByTestId(id).getAttribute('data-points')) ?? '0');
}

/** A run small enough for software WebGPU: 1 layer, width 32; logs every 2 steps. */
export const TINY_CONFIG = {
  ...DEFAULT_RUN_CONFIG,
  model: { ...DEFAULT_RUN_CONFIG.model, layers: 1, dModel: 32, heads: 2, context: 128 },
  data: { ...DEFAULT_RUN_CONFIG.data, trainSize: 64, heldoutSize: 4, oodSize: 4 },
  sft: {
    ...DEFAULT_RUN_CONFIG.sft,
    steps: 200,
    batchSize: 4,
    logEvery: 2,
    evalEvery: 100,
    evalSize: 2,
    maxNewTokens: 4,
    checkpointEvery: 4,
  },
};

/** A browser context whose first page load starts from `config` (as if the user had set it), recording long tasks. */
export async function contextWithConfig(browser: Browser, config: object): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addInitScript((cfg) => {
    if (!sessionStorage.getItem('e2e-seeded')) {
      localStorage.setItem('rlvr-lab/run-config/v1', cfg);
      sessionStorage.setItem('e2e-seeded', '1');
    }
    // Main-thread long tasks, for the report (timing is never asserted).
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  }, JSON.stringify(config));
  return context;
}

/** Poll until `fn` is true, naming what we wait for and the page errors seen so far. */
export function waitFor(fn: () => Promise<boolean>, what: string, errors: string[], timeout = 240_000) {
  return expect
    .poll(fn, { timeout, interval: 250, message: `waiting for ${what}; page errors: ${errors.join(' | ')}` })
    .toBe(true);
}

/** A file's server and browser: dist/ served and Chromium launched before its tests, both closed after. */
export function labSession(): { url: string; browser: Browser } {
  const session = { url: '', browser: undefined as unknown as Browser };
  let server: PreviewServer | undefined;
  beforeAll(async () => {
    ({ server, url: session.url } = await serveDist());
    session.browser = await launchChromium();
  });
  afterAll(async () => {
    await session.browser?.close();
    await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
  });
  return session;
}
