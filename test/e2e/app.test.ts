// The app as a user clicks it, in headless Chromium with WebGPU in the worker: switch the model to rotary
// positions, start a tiny run, watch the loss chart grow, pause, take one step, resume, stop, reload and
// find the run with its curve (and the config with its positions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import {
  chartPoints,
  contextWithConfig,
  hookText,
  launchChromium,
  serveDist,
  TINY_CONFIG,
  waitFor as waitUntil,
  watchConsole,
} from './harness';

let server: PreviewServer;
let url: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

const waitFor = (fn: () => Promise<boolean>, what: string, timeout?: number) => waitUntil(fn, what, errors, timeout);

/** The WebGPU adapter this browser offers, named as the header names the worker's (vendor / architecture / device / description). */
function pageAdapterName(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const info = (await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }))?.info;
    return (
      [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(' / ') ||
      'unnamed adapter'
    );
  });
}

beforeAll(async () => {
  ({ server, url } = await serveDist());
  browser = await launchChromium();
  context = await contextWithConfig(browser, { ...TINY_CONFIG, backend: 'webgpu' }); // forced: 'auto' skips this machine's software GPU
  page = await context.newPage();
  errors = watchConsole(page);
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
});

describe('RLVR Lab in headless Chromium', () => {
  let runId = '';

  it('opens ready, with the worker on WebGPU', async () => {
    await page.goto(url);
    await waitFor(() => page.evaluate(() => window.__labReady === true), 'the lab to be ready', 120_000);
    expect(await hookText(page, 'backend-name')).toBe('webgpu');
    expect(await hookText(page, 'backend-adapter')).toBe(await pageAdapterName(page));
    if (/swiftshader/i.test(await hookText(page, 'backend-adapter')))
      expect(await hookText(page, 'backend-software')).toBe('software GPU: slower than WASM here');
    expect(await page.getByTestId('start').isEnabled()).toBe(true);
    expect(await page.getByTestId('cfg-model.layers').inputValue()).toBe('1');
    const legend = page.locator('legend', { hasText: 'Model' });
    const learned = await legend.textContent();
    expect(await page.getByTestId('cfg-model.position').inputValue()).toBe('learned');
    await page.getByTestId('cfg-model.position').selectOption('rope'); // no position table: fewer parameters
    await waitFor(
      async () => (await legend.textContent()) !== learned,
      'the parameter count to drop the position table',
    );
  });

  it('starts a run and the loss chart updates', async () => {
    await page.getByTestId('start').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'running');
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 2, 'two points on the loss chart');
    const item = page.getByTestId('run-item').first();
    runId = (await item.getAttribute('data-run-id')) ?? '';
    expect(runId).not.toBe('');
  });

  it('pauses between two steps, takes exactly one step on Step, and resumes', async () => {
    await page.getByTestId('pause').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'paused', 'paused');
    const [step, total] = (await hookText(page, 'run-step')).split(' / ').map(Number) as [number, number];
    // A trainer still running after "paused" would be past step + 1 by the time Step's one step pauses it again.
    await page.getByTestId('step').click();
    const next = `${step + 1} / ${total}`;
    await waitFor(
      async () => (await hookText(page, 'run-status')) === 'paused' && (await hookText(page, 'run-step')) === next,
      `paused again at ${next}`,
    );
    const at = await hookText(page, 'run-step');
    await page.getByTestId('resume').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'running again');
    await waitFor(async () => (await hookText(page, 'run-step')) !== at, 'the step to move on');
  });

  it('stops, and after a reload lists the run with its curve', async () => {
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 4, 'four points on the loss chart');
    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    console.log(
      `e2e: main-thread long tasks while training: ${longTasks.length} (longest ${Math.round(Math.max(0, ...longTasks))} ms)`,
    );
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'stopped');
    const points = await chartPoints(page, 'loss-chart');
    await page.reload();
    await waitFor(() => page.evaluate(() => window.__labReady === true), 'the lab to be ready after reload', 120_000);
    const item = page.locator(`[data-testid="run-item"][data-run-id="${runId}"]`);
    await waitFor(async () => (await item.count()) === 1, 'the run in the list');
    expect(await item.getAttribute('data-status')).toBe('stopped');
    await item.click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= points, 'the stored curve');
    expect(await page.getByTestId('cfg-model.position').inputValue()).toBe('rope');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
