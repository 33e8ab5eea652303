// The compare and predictor pages as a user meets them, in headless Chromium: three finished runs are
// imported from an export file built here with packArchive (no training needed), two that differ in
// data.trainSize are ticked and compared (the diff table names exactly that field, the overlay chart
// draws both, CSV downloads), a third that differs only in seed joins as a mean + band group, and the
// predictor page fits its scatters. The tab bar works from the keyboard.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { validateRunConfig } from '../../src/experiment/config';
import { packArchive } from '../../src/store/archive';
import type { RunBundle } from '../../src/store/library';
import type { MetricRow } from '../../src/store/types';
import { chartPoints, contextWithConfig, labSession, TINY_CONFIG, waitFor as waitUntil, watchConsole } from './harness';

const SFT = 100;
const RL = 200;

/** SFT rows, then RL rows with a logistic reward (saturating near RL step `mid` + 40) and evaluations every 25 steps. */
function rowsOf(runId: string, mid: number, faith: number, gain: number): MetricRow[] {
  const rows: MetricRow[] = [];
  for (let s = 0; s < SFT; s += 10) rows.push({ runId, step: s, stage: 'sft', time: s, values: { loss: 3 / (1 + s), ...(s % 50 === 0 ? { 'eval_heldout/accuracy': 0.2 } : {}) } });
  for (let t = 0; t <= RL; t += 5) {
    const reward = 1 / (1 + Math.exp(-(t - mid) / 8));
    const values: Record<string, number> = t === 0 ? {} : { reward, 'train/acc_true': reward, frac_reward_zero_std: reward > 0.9 ? 0.9 : 0.1, loss: 0.1 };
    if (t % 25 === 0) Object.assign(values, { 'eval_heldout/accuracy': 0.2 + (gain * t) / RL, 'eval_faith/entailed': faith, 'eval_div/distinct_completions': 2 + faith });
    rows.push({ runId, step: SFT + t, stage: 'rl', time: SFT + t, values });
  }
  return rows;
}

function bundle(id: string, name: string, trainSize: number, seed: number, mid: number, faith: number, gain: number): RunBundle {
  const config = validateRunConfig({ ...TINY_CONFIG, seed, data: { ...TINY_CONFIG.data, trainSize }, sft: { ...TINY_CONFIG.sft, steps: SFT }, rl: { ...TINY_CONFIG.rl, steps: RL } });
  return {
    run: { id, name, config, status: 'completed', createdAt: 1_700_000_000_000 + mid, updatedAt: 1_700_000_000_000, step: SFT + RL, totalSteps: SFT + RL, stage: 'rl' },
    metrics: rowsOf(id, mid, faith, gain),
    samples: [],
    rollouts: [],
    checkpoints: [],
  };
}

const lab = labSession();
let page: Page;
let errors: string[];
const dir = mkdtempSync(join(tmpdir(), 'rlvr-compare-'));
const waitFor = (fn: () => Promise<boolean>, what: string, timeout?: number) => waitUntil(fn, what, errors, timeout);
const tick = (id: string) => page.locator(`[data-testid="run-item"][data-run-id="${id}"]`).getByTestId('compare-tick');
const diffFields = () => page.getByTestId('diff-field').allInnerTexts();
const legendOf = (metric: string) => page.getByTestId(`compare-chart-${metric}`).locator('.u-legend .u-series th').allInnerTexts();

beforeAll(async () => {
  page = await (await contextWithConfig(lab.browser, { ...TINY_CONFIG, backend: 'wasm' })).newPage();
  errors = watchConsole(page);
});

describe('the compare page', () => {
  it('starts from three finished runs imported from a file', async () => {
    const file = join(dir, 'three-runs.zip');
    writeFileSync(file, packArchive([bundle('run-a', 'N=8, "scarce"', 8, 1, 40, 0.3, 0.1), bundle('run-b', 'N=512', 512, 1, 120, 0.8, 0.5), bundle('run-c', 'N=8 again', 8, 2, 60, 0.5, 0.26)]));
    await page.goto(lab.url);
    await waitFor(() => page.evaluate(() => window.__labReady === true), 'the lab to be ready', 120_000);
    await page.getByTestId('import-file').setInputFiles(file);
    await waitFor(async () => (await page.getByTestId('run-item').count()) === 3, 'the three runs imported');
    expect(await page.getByTestId('compare-open').isDisabled()).toBe(true); // nothing ticked yet
  });

  it('compares two runs: the diff table shows exactly the differing field, the overlay draws both, CSV downloads', async () => {
    await tick('run-a').check();
    await tick('run-b').check();
    await page.getByTestId('compare-open').click();
    await waitFor(async () => (await page.getByTestId('compare-table').count()) === 1, 'the compare table');
    expect(await diffFields()).toEqual(['data.trainSize']);
    expect(await page.getByTestId('compare-table').locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^N=8, "scarce"\s+8\s/), expect.stringMatching(/^N=512\s+512\s/)]);
    expect(await legendOf('reward')).toEqual(['step', 'N=8, "scarce"', 'N=512']);
    expect(await chartPoints(page, 'compare-chart-reward')).toBe(RL / 5); // RL steps 5..200, one log every 5
    expect(await page.getByTestId('tab-run').getAttribute('aria-selected')).toBe('false');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^rlvr-lab-compare-2-runs-.*\.csv$/);
    const csv = join(dir, 'compare.csv');
    await download.saveAs(csv);
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('step,"N=8, ""scarce"" [reward]","N=8, ""scarce"" [eval_heldout/accuracy]",N=512 [reward],N=512 [eval_heldout/accuracy]');
    // Header, then the union of both metrics' steps: SFT evaluations at 0 and 50, RL's opening evaluation at 100, rewards at 105..300.
    expect(lines).toHaveLength(1 + 2 + 1 + RL / 5);
    expect(lines[1]).toBe('0,,0.2,,0.2'); // step 0: no reward yet, held-out 0.2 for both
    expect(errors).toEqual([]);
  });

  it('draws a run that differs only in seed as one group with the first, and lists seed among the differing fields', async () => {
    await tick('run-c').check();
    await page.getByTestId('compare-open').click();
    await waitFor(async () => (await page.getByTestId('compare-table').locator('tbody tr').count()) === 3, 'three runs compared');
    expect(await diffFields()).toEqual(['seed', 'data.trainSize']);
    const group = 'N=8, "scarce" (mean of 2, seeds 1, 2)';
    expect(await legendOf('reward')).toEqual(['step', `${group} mean`, `${group} min`, `${group} max`, 'N=512']);
    await page.getByTestId('group-seeds').uncheck();
    await waitFor(async () => (await legendOf('reward')).length === 4, 'one line per run with grouping off');
    await page.getByTestId('group-seeds').check();
  });
});

describe('the predictor page', () => {
  it('opens from the keyboard and fits each scatter over the compared runs', async () => {
    await page.getByTestId('tab-compare').focus();
    await page.keyboard.press('ArrowRight');
    await waitFor(async () => (await page.getByTestId('predictor-view').count()) === 1, 'the predictor page');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-predictor');
    const scatters = page.getByTestId('predictor-scatter');
    expect(await scatters.count()).toBe(4);
    // Held-out gain = 0.1, 0.5, 0.26 for faithfulness 0.3, 0.8, 0.5: exactly 0.8 x - 0.14, so R^2 = 1.
    const gain = page.locator('[data-testid="predictor-scatter"]', { has: page.getByTestId('predictor-faithfulness-heldoutGain') });
    expect(await gain.getAttribute('data-n')).toBe('3');
    expect(await gain.getByTestId('predictor-fit').innerText()).toMatch(/^R² = 1\.000, n = 3; y = -0\.14 \+ 0\.8 · x$/);
    expect(await chartPoints(page, 'predictor-faithfulness-heldoutGain')).toBe(3);
    await page.keyboard.press('Home');
    await waitFor(async () => (await page.getByTestId('tab-run').getAttribute('aria-selected')) === 'true', 'back on the run page');
    expect(await page.getByTestId('start').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });
});
