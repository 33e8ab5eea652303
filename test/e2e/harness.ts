// End-to-end harness: one fixture module for every e2e file. `test` (also exported as `it`) gives a test
// the e2e build (dist-e2e/, `vite build --mode e2e`) served by Vite's preview server on a free localhost
// port and the system Chromium headless with WebGPU (SwiftShader on GPU-less machines), both started once
// per file, and fresh browser contexts that are closed when the test ends, so no test sees another's page.
// Waits poll a condition, naming it and the page errors seen so far; nothing waits a fixed time.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test as base } from 'vitest';
import { preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { DEFAULT_RUN_CONFIG } from '../../src/experiment/run-config';
import { addHeartbeat } from './heartbeat';
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

/** The Vite mode of the build the tests serve: the product with test hooks (vite.config.ts). */
const E2E_MODE = 'e2e';

/** A served build: its URL and the folder it serves (an absolute path). */
export interface Site {
  url: string;
  dir: string;
}

/** Serve the e2e build with Vite's preview server (COOP/COEP headers included) on a free port. */
export async function serveBuild(): Promise<Site & { server: PreviewServer }> {
  const server = await preview({
    mode: E2E_MODE,
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'warn',
  });
  const dir = resolve(server.config.root, server.config.build.outDir);
  if (!existsSync(join(dir, 'index.html'))) {
    await closeServer(server);
    throw new Error(
      `${server.config.build.outDir}/ is missing: run \`npx vite build --mode ${E2E_MODE}\` before the end-to-end tests (npm test and npm run test:e2e do)`,
    );
  }
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the preview server did not report a URL');
  return { server, dir, url: url.replace('127.0.0.1', 'localhost') }; // localhost is a secure context: WebGPU needs one
}

export async function closeServer(server: PreviewServer): Promise<void> {
  (server.httpServer as { closeAllConnections?: () => void }).closeAllConnections?.();
  await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
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

/** Poll until `fn` is true, naming what we wait for and the page errors seen so far. */
export function waitUntil(fn: () => Promise<boolean>, what: string, errors: string[], timeout = 240_000) {
  return expect
    .poll(fn, { timeout, interval: 250, message: `waiting for ${what}; page errors: ${errors.join(' | ')}` })
    .toBe(true);
}

/** A page in a browser context of its own, with the errors it logged. Its functions may be destructured. */
export class LabPage {
  readonly errors: string[];
  readonly context: BrowserContext;

  constructor(readonly page: Page) {
    this.errors = watchConsole(page);
    this.context = page.context();
  }

  /** Poll until `fn` is true, naming what we wait for and this page's errors so far. */
  readonly waitFor = (fn: () => Promise<boolean>, what: string, timeout?: number): Promise<void> =>
    waitUntil(fn, what, this.errors, timeout);

  /** Wait until the lab's trainer has reported its backend (window.__labReady). */
  readonly ready = (what = 'the lab to be ready'): Promise<void> =>
    this.waitFor(() => this.page.evaluate(() => window.__labReady === true), what, 120_000);
}

export interface PageOptions extends BrowserContextOptions {
  /** The run config the context's first page load starts from, as if the user had set it. */
  config?: object;
  /** A 50 ms main-thread heartbeat on every page of the context (heartbeat.ts). */
  heartbeat?: boolean;
}

/** Opens pages, each in a new browser context; the test's contexts are closed when it ends. */
export interface Pages {
  newPage(options?: PageOptions): Promise<LabPage>;
}

export interface OpenOptions extends PageOptions {
  /** Added to the lab's URL: a query or a hash. */
  at?: string;
  /** Wait until the lab is ready (the default); false for a test that waits for something else first. */
  ready?: boolean;
  /** Called on the page before it goes to the lab (to route requests, say). */
  prepare?: (page: Page) => Promise<unknown>;
}

/** The served lab: its address, its folder, and pages opened on it. */
export interface Lab extends Site {
  /** A new context's page at the lab. */
  open(options?: OpenOptions): Promise<LabPage>;
}

async function newContext(browser: Browser, options: PageOptions): Promise<BrowserContext> {
  const { config, heartbeat, ...contextOptions } = options;
  const context = await browser.newContext(contextOptions);
  if (config)
    await context.addInitScript((cfg) => {
      if (!sessionStorage.getItem('e2e-seeded')) {
        localStorage.setItem('rlvr-lab/run-config/v1', cfg);
        sessionStorage.setItem('e2e-seeded', '1');
      }
    }, JSON.stringify(config));
  // Main-thread long tasks, for the report (timing is never asserted).
  await context.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  if (heartbeat) await addHeartbeat(context);
  return context;
}

export const test = base
  // eslint-disable-next-line no-empty-pattern -- a fixture names what it uses by destructuring; these use nothing
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }) => {
    const browser = await launchChromium();
    onCleanup(() => browser.close());
    return browser;
  })
  // eslint-disable-next-line no-empty-pattern
  .extend('site', { scope: 'file' }, async ({}, { onCleanup }): Promise<Site> => {
    const { server, url, dir } = await serveBuild();
    onCleanup(() => closeServer(server));
    return { url, dir };
  })
  .extend('pages', async ({ browser }, { onCleanup }): Promise<Pages> => {
    const contexts: BrowserContext[] = [];
    onCleanup(async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
    });
    return {
      async newPage(options = {}) {
        const context = await newContext(browser, options);
        contexts.push(context);
        return new LabPage(await context.newPage());
      },
    };
  })
  .extend('lab', async ({ site, pages }): Promise<Lab> => ({
    ...site,
    async open({ at = '', ready = true, prepare, ...options } = {}) {
      const lp = await pages.newPage(options);
      await prepare?.(lp.page);
      await lp.page.goto(site.url + at);
      if (ready) await lp.ready();
      return lp;
    },
  }));

export const it = test;
