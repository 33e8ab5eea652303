// A trainer worker that dies or hangs mid-run, made through the DevTools protocol (the worker's own
// `self.close()`, or an endless loop queued as one of its tasks): the page notices, says so, marks the run
// interrupted (or stopped, on Stop), and a new trainer starts the next run.
import { describe, expect } from 'vitest';
import type { Worker } from 'playwright-core';
import { chartPoints, hookText, it, TINY_CONFIG, type LabPage } from './harness';

/** The trainer worker of the page (the newest, after a replacement). */
async function trainer({ page, waitFor }: LabPage): Promise<Worker> {
  await waitFor(async () => page.workers().some((w) => /lab\.worker/.test(w.url())), 'the trainer worker', 60_000);
  return page
    .workers()
    .filter((w) => /lab\.worker/.test(w.url()))
    .at(-1)!;
}

async function startRun({ page, waitFor }: LabPage): Promise<string> {
  await waitFor(() => page.getByTestId('start').isEnabled(), 'Start enabled', 120_000);
  const before = await page.getByTestId('run-item').count();
  await page.getByTestId('start').click();
  await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'running', 120_000);
  await waitFor(async () => (await page.getByTestId('run-item').count()) === before + 1, 'the run listed', 60_000);
  await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 1, 'a loss point', 120_000);
  return (await page.locator('[data-testid="run-item"]').first().getAttribute('data-run-id')) ?? '';
}

describe('a lost or stuck trainer', () => {
  it('marks the run interrupted when the worker exits, and Stop ends a stuck worker as stopped; a new trainer runs after each', async ({
    lab,
  }) => {
    const config = { ...TINY_CONFIG, backend: 'wasm', sft: { ...TINY_CONFIG.sft, steps: 2000 } }; // still training when killed
    const lp = await lab.open({ config });
    const { page, waitFor } = lp;
    const status = () => hookText(page, 'run-status');
    const alert = () => page.locator('.controls [role="alert"]').allInnerTexts();

    // The worker exits mid-run.
    const first = await startRun(lp);
    await (await trainer(lp)).evaluate(() => self.close()).catch(() => undefined);
    await waitFor(async () => (await status()) === 'interrupted', 'the run marked interrupted', 60_000);
    expect((await alert()).join(' ')).toMatch(
      /The trainer stopped unexpectedly \(its worker exited\), so the run was marked interrupted/,
    );
    expect(await page.getByTestId('resume').isEnabled()).toBe(true);
    const second = await startRun(lp);
    expect(second).not.toBe(first);
    await waitFor(
      async () =>
        (await page.locator(`[data-testid="run-item"][data-run-id="${first}"]`).getAttribute('data-status')) ===
        'interrupted',
      'the first run listed as interrupted',
      60_000,
    );

    // The worker hangs mid-run (an endless loop in one of its own tasks): Stop is not answered, so the page ends it.
    await (
      await trainer(lp)
    ).evaluate(() => {
      setTimeout(() => {
        for (;;);
      });
    });
    await page.getByTestId('stop').click();
    await waitFor(async () => (await status()) === 'stopped', 'stopped although the trainer hangs', 60_000);
    expect((await alert()).join(' ')).toMatch(
      /did not answer Stop within 15 s, so it was ended and the run marked stopped/,
    );
    await startRun(lp);
    await page.getByTestId('stop').click();
    await waitFor(async () => (await status()) === 'stopped', 'the third run stopped as usual', 60_000);
    await waitFor(
      async () =>
        (await page.locator(`[data-testid="run-item"][data-run-id="${second}"]`).getAttribute('data-status')) ===
        'stopped',
      'the second run listed as stopped',
      60_000,
    );
  });
});
