// The fallbacks and failure paths as a user meets them: a forced WASM backend trains with SIMD and
// threads (the preview server sends COOP/COEP), and a lost GPU device fails the run with its reason,
// keeps its curve, and leaves the lab usable for the next run; a NaN loss pauses the run and Resume
// goes on from the last good checkpoint. The device loss and the NaN loss are made by the e2e build's
// hooks (window.__labTest, test/e2e/hooks/): a destroyed WebGPU device, and an SFT step on NaN weights.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let server: PreviewServer;
let url: string;
let browser: Browser;

beforeAll(async () => {
  ({ server, url } = await serveDist());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
});

async function openLab(config: object, query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await (await contextWithConfig(browser, config)).newPage();
  const errors = watchConsole(page);
  await page.goto(url + query);
  await waitFor(() => page.evaluate(() => window.__labReady === true), 'the lab to be ready', errors, 120_000);
  return { page, errors };
}

describe('backend fallbacks and failures', () => {
  it('trains on a forced WASM backend, with SIMD and threads when cross-origin isolated', async () => {
    const { page, errors } = await openLab({ ...TINY_CONFIG, backend: 'wasm' });
    expect(await hookText(page, 'backend-name')).toBe('wasm');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.getByText('Why this one?').click();
    await expect.poll(() => page.locator('header').innerText()).toMatch(/SIMD, threads/);
    await page.getByTestId('start').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 2, 'two loss points on WASM', errors);
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'stopped', errors);
    expect(errors).toEqual([]);
  });

  it('fails a run whose GPU device is lost, with the reason, keeps its curve, and runs again', async () => {
    const { page, errors } = await openLab({ ...TINY_CONFIG, backend: 'webgpu' }); // forced: 'auto' skips a software GPU
    expect(await hookText(page, 'backend-name')).toBe('webgpu');
    await page.getByTestId('start').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 1, 'a loss point', errors);
    expect(await page.evaluate(() => window.__labTest!.simulateDeviceLoss())).toBe(true);
    await waitFor(async () => (await hookText(page, 'run-status')) === 'failed', 'the run to fail', errors);
    await expect.poll(() => page.locator('body').innerText()).toMatch(/GPU device was lost/);
    const failed = page.locator('[data-testid="run-item"][data-status="failed"]');
    await waitFor(async () => (await failed.count()) === 1, 'the failed run in the list', errors);
    await failed.click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 1, 'the failed run keeps its curve', errors);
    await page.getByTestId('start').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'a new run after the loss', errors);
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 1, 'the new run training', errors);
    expect(await hookText(page, 'backend-name')).toBe('webgpu');
    await page.getByTestId('stop').click();
  });

  it('pauses a run whose loss becomes NaN, naming the step and checkpoint, and resumes from that checkpoint', async () => {
    const { page, errors } = await openLab(TINY_CONFIG);
    await page.getByTestId('start').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 3, 'a few loss points', errors);
    expect(await page.evaluate(() => window.__labTest!.simulateNanLoss())).toBe(true);
    await waitFor(async () => (await hookText(page, 'run-status')) === 'paused', 'the run to pause', errors);
    const reason = await hookText(page, 'paused-reason');
    expect(reason).toMatch(
      /loss became NaN at step \d+; the run is paused and Resume continues from the last good checkpoint, at step \d+/,
    );
    const [, nanStep, checkpoint] = /step (\d+);.*at step (\d+)/.exec(reason)!.map(Number);
    expect(checkpoint).toBeLessThan(nanStep!);
    const points = await chartPoints(page, 'loss-chart');
    expect(points).toBeGreaterThanOrEqual(3); // the curve so far is kept
    await page.getByTestId('resume').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'running again', errors);
    await waitFor(
      async () => Number((await hookText(page, 'run-step')).split(' / ')[0]) > nanStep!,
      'training past the NaN step',
      errors,
    );
    expect(await page.getByTestId('paused-reason').count()).toBe(0);
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'stopped', errors);
    expect(errors).toEqual([]);
  });
});
