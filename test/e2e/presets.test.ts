// The preset gallery and classroom mode as a user meets them, in headless Chromium on the WASM backend:
// a preset's sweep queues its runs, runs them one after another with the preset's settings (the e2e
// build caps every stage at two steps, test/e2e/hooks/page/sweep.ts, so it takes seconds), and opens the
// compare view on them; a stop halts the queue and Continue goes on; a classroom link hides what it names
// and says so.
import { describe, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { SWEEP_STEP_CAP } from './hooks/page/sweep';
import { hookText, it, TINY_CONFIG, type Lab } from './harness';

const openLab = (lab: Lab, at = '') => lab.open({ config: { ...TINY_CONFIG, backend: 'wasm' }, at });

const statuses = (page: Page) =>
  page.getByTestId('sweep-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));

describe('the preset gallery', () => {
  it('runs a preset sweep one run after another with the preset settings, then opens compare on its runs', async ({
    lab,
  }) => {
    const { page, errors, waitFor } = await openLab(lab);
    const card = page.locator('[data-testid="preset-card"][data-preset="scarce_data"]');
    await card.locator('summary').click();
    await expect.poll(() => card.innerText()).toMatch(/The paper found:.*few distinct prompts/s);
    // What the shipped findings say of this preset, as the report wrote them (public/findings/findings.json).
    const shipped = (
      JSON.parse(readFileSync('public/findings/findings.json', 'utf8')) as {
        presets: Record<string, { verdict: string; summary: string }>;
      }
    ).presets.scarce_data!;
    const measured = await card.getByTestId('preset-measured').innerText();
    if (shipped.verdict === 'not run') expect(measured).toMatch(/not measured yet/);
    else expect(measured).toContain(`${shipped.verdict} ${shipped.summary}`);
    await card.getByLabel('Seeds per arm').selectOption('1');
    await expect.poll(() => card.getByTestId('preset-run').innerText()).toBe('Run sweep (2 runs)');
    await card.getByTestId('preset-run').click();
    await waitFor(async () => (await page.getByTestId('sweep-item').count()) === 2, 'two queued runs');
    // One at a time: while the first trains, the second waits.
    await waitFor(async () => (await statuses(page))[0] === 'running', 'the first run training');
    expect((await statuses(page))[1]).toBe('waiting');
    await waitFor(
      async () => JSON.stringify(await statuses(page)) === '["completed","completed"]',
      'both runs completed',
      300_000,
    );
    // The runs were the preset's, capped at SWEEP_STEP_CAP steps a stage by the e2e build.
    const [done, total] = (await hookText(page, 'run-step')).split(' / ').map(Number);
    expect(done).toBe(total);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(3 * SWEEP_STEP_CAP);
    const names = await page.getByTestId('run-item').allInnerTexts();
    expect(names.some((n) => n.includes('Scarce data · N = 8 · seed 1'))).toBe(true);
    expect(names.some((n) => n.includes('Scarce data · N = 512 · seed 1'))).toBe(true);
    await waitFor(async () => (await page.getByTestId('compare-view').count()) === 1, 'the compare view on the sweep');
    await expect
      .poll(() => page.getByTestId('diff-field').evaluateAll((els) => els.map((e) => e.getAttribute('title'))))
      .toContain('data.trainSize');
    expect(await page.getByTestId('compare-view').innerText()).toContain('Training prompts (N)');
    expect(errors).toEqual([]);
  });

  it('halts the queue when its run is stopped, and Continue goes on with the next one', async ({ lab }) => {
    const { page, errors, waitFor } = await openLab(lab);
    const card = page.locator('[data-testid="preset-card"][data-preset="random_reward"]');
    await card.locator('summary').click();
    await card.getByLabel('Seeds per arm').selectOption('1');
    await card.getByTestId('preset-run').click();
    await waitFor(async () => (await statuses(page))[0] === 'running', 'the first run training');
    await page.getByTestId('stop').click();
    await waitFor(async () => (await statuses(page))[0] === 'stopped', 'the first run stopped');
    await waitFor(async () => (await page.getByTestId('sweep-continue').count()) === 1, 'the Continue button');
    expect((await statuses(page))[1]).toBe('waiting');
    await page.getByTestId('sweep-continue').click();
    await waitFor(async () => (await statuses(page))[1] === 'completed', 'the second run completed', 300_000);
    expect(errors).toEqual([]);
  });
});

describe('classroom mode', () => {
  it('hides the parts a link names, says what is hidden, and still runs', async ({ lab }) => {
    const { page, errors, waitFor } = await openLab(lab, '?classroom=model,rl,share,bogus');
    const banner = await hookText(page, 'classroom-banner');
    expect(banner).toMatch(/Classroom mode\. Hidden by this link: model size, RL \(GRPO\) settings, share links\./);
    expect(banner).toMatch(/Ignored \(not parts of the lab\): bogus/);
    expect(await page.locator('legend', { hasText: /^Model/ }).count()).toBe(0);
    expect(await page.getByTestId('share-config').count()).toBe(0);
    expect(await page.getByTestId('preset-gallery').count()).toBe(1);
    await page.getByTestId('start').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'a run in classroom mode');
    await page.getByTestId('stop').click();
    await page.getByRole('link', { name: 'Show the full lab' }).click();
    await waitFor(async () => (await page.getByTestId('share-config').count()) === 1, 'the full lab');
    expect(await page.getByTestId('classroom-banner').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
