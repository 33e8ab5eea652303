// The app as a user clicks it, in headless Chromium with WebGPU in the worker: switch the model to rotary
// positions, start a tiny run, watch the loss chart grow, pause, take one step, resume, stop, reload and
// find the run with its curve (and the config with its positions).
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { chartPoints, hookText, it, TINY_CONFIG, type Lab, type LabPage } from './harness';

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

/** The lab on forced WebGPU ('auto' skips this machine's software GPU) with the tiny run in the form. */
const openOnWebGpu = (lab: Lab) => lab.open({ config: { ...TINY_CONFIG, backend: 'webgpu' } });

/** Switch the form to rotary positions: no position table, so the parameter count in the legend drops. */
async function chooseRope({ page, waitFor }: LabPage): Promise<void> {
  const legend = page.locator('legend', { hasText: 'Model' });
  const learned = await legend.textContent();
  expect(await page.getByTestId('cfg-model.position').inputValue()).toBe('learned');
  await page.getByTestId('cfg-model.position').selectOption('rope');
  await waitFor(async () => (await legend.textContent()) !== learned, 'the parameter count to drop the position table');
}

describe('RLVR Lab in headless Chromium', () => {
  it('opens ready, with the worker on WebGPU, and rotary positions drop the position table', async ({ lab }) => {
    const lp = await openOnWebGpu(lab);
    const { page } = lp;
    expect(await hookText(page, 'backend-name')).toBe('webgpu');
    expect(await hookText(page, 'backend-adapter')).toBe(await pageAdapterName(page));
    if (/swiftshader/i.test(await hookText(page, 'backend-adapter')))
      expect(await hookText(page, 'backend-software')).toBe('software GPU: slower than WASM here');
    expect(await page.getByTestId('start').isEnabled()).toBe(true);
    expect(await page.getByTestId('cfg-model.layers').inputValue()).toBe('1');
    await chooseRope(lp);
    expect(lp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('trains with rotary positions: the loss chart grows, Pause, exactly one Step and Resume work, and after Stop and a reload the run is listed with its curve', async ({
    lab,
  }) => {
    const lp = await openOnWebGpu(lab);
    const { page, waitFor } = lp;
    await chooseRope(lp);

    // Start: the loss chart updates.
    await page.getByTestId('start').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'running');
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 2, 'two points on the loss chart');
    const runId = (await page.getByTestId('run-item').first().getAttribute('data-run-id')) ?? '';
    expect(runId).not.toBe('');

    // Pause between two steps, take exactly one step on Step, and resume.
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

    // Stop; after a reload the run is listed with its curve and its config.
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 4, 'four points on the loss chart');
    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    console.log(
      `e2e: main-thread long tasks while training: ${longTasks.length} (longest ${Math.round(Math.max(0, ...longTasks))} ms)`,
    );
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'stopped');
    const points = await chartPoints(page, 'loss-chart');
    await page.reload();
    await lp.ready('the lab to be ready after reload');
    const item = page.locator(`[data-testid="run-item"][data-run-id="${runId}"]`);
    await waitFor(async () => (await item.count()) === 1, 'the run in the list');
    expect(await item.getAttribute('data-status')).toBe('stopped');
    await item.click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= points, 'the stored curve');
    expect(await page.getByTestId('cfg-model.position').inputValue()).toBe('rope');
    expect(lp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
