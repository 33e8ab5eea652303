// The fallbacks and failure paths as a user meets them: a forced WASM backend trains with SIMD and
// threads (the preview server sends COOP/COEP), and a lost GPU device fails the run with its reason,
// keeps its curve, and leaves the lab usable for the next run; a NaN loss pauses the run and Resume
// goes on from the last good checkpoint. The device loss and the NaN loss are made by the e2e build's
// hooks (window.__labTest, test/e2e/hooks/): a destroyed WebGPU device, and an SFT step on NaN weights.
import { describe, expect } from 'vitest';
import { chartPoints, hookText, it, TINY_CONFIG } from './harness';

describe('backend fallbacks and failures', () => {
  it('trains on a forced WASM backend, with SIMD and threads when cross-origin isolated', async ({ lab }) => {
    const { page, errors, waitFor } = await lab.open({ config: { ...TINY_CONFIG, backend: 'wasm' } });
    expect(await hookText(page, 'backend-name')).toBe('wasm');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.getByText('Why this one?').click();
    await expect.poll(() => page.locator('header').innerText()).toMatch(/SIMD, threads/);
    await page.getByTestId('start').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 2, 'two loss points on WASM');
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'stopped');
    expect(errors).toEqual([]);
  });

  it('fails a run whose GPU device is lost, with the reason, keeps its curve, and runs again', async ({ lab }) => {
    const { page, waitFor } = await lab.open({ config: { ...TINY_CONFIG, backend: 'webgpu' } }); // forced: 'auto' skips a software GPU
    expect(await hookText(page, 'backend-name')).toBe('webgpu');
    await page.getByTestId('start').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 1, 'a loss point');
    expect(await page.evaluate(() => window.__labTest!.simulateDeviceLoss())).toBe(true);
    await waitFor(async () => (await hookText(page, 'run-status')) === 'failed', 'the run to fail');
    await expect.poll(() => page.locator('body').innerText()).toMatch(/GPU device was lost/);
    const failed = page.locator('[data-testid="run-item"][data-status="failed"]');
    await waitFor(async () => (await failed.count()) === 1, 'the failed run in the list');
    await failed.click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 1, 'the failed run keeps its curve');
    await page.getByTestId('start').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'a new run after the loss');
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 1, 'the new run training');
    expect(await hookText(page, 'backend-name')).toBe('webgpu');
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'the new run stopped');
  });

  it('pauses a run whose loss becomes NaN, naming the step and checkpoint, and resumes from that checkpoint', async ({
    lab,
  }) => {
    const { page, errors, waitFor } = await lab.open({ config: TINY_CONFIG });
    await page.getByTestId('start').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 3, 'a few loss points');
    expect(await page.evaluate(() => window.__labTest!.simulateNanLoss())).toBe(true);
    await waitFor(async () => (await hookText(page, 'run-status')) === 'paused', 'the run to pause');
    const reason = await hookText(page, 'paused-reason');
    expect(reason).toMatch(
      /loss became NaN at step \d+; the run is paused and Resume continues from the last good checkpoint, at step \d+/,
    );
    const [, nanStep, checkpoint] = /step (\d+);.*at step (\d+)/.exec(reason)!.map(Number);
    expect(checkpoint).toBeLessThan(nanStep!);
    const points = await chartPoints(page, 'loss-chart');
    expect(points).toBeGreaterThanOrEqual(3); // the curve so far is kept
    await page.getByTestId('resume').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'running again');
    await waitFor(
      async () => Number((await hookText(page, 'run-step')).split(' / ')[0]) > nanStep!,
      'training past the NaN step',
    );
    expect(await page.getByTestId('paused-reason').count()).toBe(0);
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'stopped');
    expect(errors).toEqual([]);
  });
});
