// The compare and predictor pages as a user meets them, in headless Chromium: each test starts from three
// finished runs imported from an export file built here with packArchive (no training needed). Two that
// differ in data.trainSize are ticked and compared (the diff table names exactly that field, the overlay
// chart draws both, CSV downloads), a third that differs only in seed joins as a mean + band group, and
// the predictor page fits its scatters, with the phase rules edited in the run view's phase lab. The tab
// bar works from the keyboard. Last, a run trained here is compared while it trains: its curve grows.
import { describe, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { validateRunConfig } from '../../src/experiment/run-config';
import { runPredictors } from '../../src/analysis/predictor';
import { packArchive } from '../../src/store/archive';
import type { RunBundle } from '../../src/store/library';
import type { MetricRow } from '../../src/store/types';
import { chartPoints, hookText, it, TINY_CONFIG, type Lab, type LabPage } from './harness';

const SFT = 100;
const RL = 200;

/** SFT rows, then RL rows with a logistic reward (saturating near RL step `mid` + 40) and evaluations every 25 steps. */
function rowsOf(runId: string, mid: number, faith: number, gain: number): MetricRow[] {
  const rows: MetricRow[] = [];
  for (let s = 0; s < SFT; s += 10)
    rows.push({
      runId,
      step: s,
      stage: 'sft',
      time: s,
      values: { loss: 3 / (1 + s), ...(s % 50 === 0 ? { 'eval_heldout/accuracy': 0.2 } : {}) },
    });
  for (let t = 0; t <= RL; t += 5) {
    const reward = 1 / (1 + Math.exp(-(t - mid) / 8));
    const values: Record<string, number> =
      t === 0 ? {} : { reward, 'train/acc_true': reward, frac_reward_zero_std: reward > 0.9 ? 0.9 : 0.1, loss: 0.1 };
    if (t % 25 === 0)
      Object.assign(values, {
        'eval_heldout/accuracy': 0.2 + (gain * t) / RL,
        'eval_faith/entailed': faith,
        'eval_div/distinct_completions': 2 + faith,
      });
    rows.push({ runId, step: SFT + t, stage: 'rl', time: SFT + t, values });
  }
  return rows;
}

function bundle(
  id: string,
  name: string,
  trainSize: number,
  seed: number,
  mid: number,
  faith: number,
  gain: number,
): RunBundle {
  const config = validateRunConfig({
    ...TINY_CONFIG,
    seed,
    data: { ...TINY_CONFIG.data, trainSize },
    sft: { ...TINY_CONFIG.sft, steps: SFT },
    rl: { ...TINY_CONFIG.rl, steps: RL },
  });
  return {
    run: {
      id,
      name,
      config,
      status: 'completed',
      createdAt: 1_700_000_000_000 + mid,
      updatedAt: 1_700_000_000_000,
      step: SFT + RL,
      totalSteps: SFT + RL,
      stage: 'rl',
    },
    metrics: rowsOf(id, mid, faith, gain),
    samples: [],
    rollouts: [],
    checkpoints: [],
  };
}

const dir = mkdtempSync(join(tmpdir(), 'rlvr-compare-'));
const THREE_RUNS = join(dir, 'three-runs.zip');
writeFileSync(
  THREE_RUNS,
  packArchive([
    bundle('run-a', 'N=8, "scarce"', 8, 1, 40, 0.3, 0.1),
    bundle('run-b', 'N=512', 512, 1, 120, 0.8, 0.5),
    bundle('run-c', 'N=8 again', 8, 2, 60, 0.5, 0.26),
  ]),
);

const tick = (page: Page, id: string) =>
  page.locator(`[data-testid="run-item"][data-run-id="${id}"]`).getByTestId('compare-tick');
const diffFields = (page: Page) => page.getByTestId('diff-field').allInnerTexts();
/** The entries a user sees in a chart's uPlot legend (rows left out of it are in the DOM, hidden). */
const legendOf = (page: Page, metric: string) =>
  page.getByTestId(`compare-chart-${metric}`).locator('.u-legend .u-series:visible th').allInnerTexts();

const openLab = (lab: Lab) => lab.open({ config: { ...TINY_CONFIG, backend: 'wasm' } });

/** A fresh lab with the three runs imported from the file. */
async function withThreeRuns(lab: Lab): Promise<LabPage> {
  const lp = await openLab(lab);
  await lp.page.getByTestId('import-file').setInputFiles(THREE_RUNS);
  await lp.waitFor(async () => (await lp.page.getByTestId('run-item').count()) === 3, 'the three runs imported');
  return lp;
}

/** A fresh lab with the three runs imported, all ticked and compared. */
async function comparingThree(lab: Lab): Promise<LabPage> {
  const lp = await withThreeRuns(lab);
  for (const id of ['run-a', 'run-b', 'run-c']) await tick(lp.page, id).check();
  await lp.page.getByTestId('compare-open').click();
  await lp.waitFor(
    async () => (await lp.page.getByTestId('compare-table').locator('tbody tr').count()) === 3,
    'three runs compared',
  );
  return lp;
}

describe('the compare page', () => {
  it('starts from three finished runs imported from a file', async ({ lab }) => {
    const { page, errors } = await withThreeRuns(lab);
    expect(await page.getByTestId('compare-open').isDisabled()).toBe(true); // nothing ticked yet
    expect(errors).toEqual([]);
  });

  it('compares two runs: the diff table shows exactly the differing field, the overlay draws both, CSV downloads', async ({
    lab,
  }) => {
    const { page, errors, waitFor } = await withThreeRuns(lab);
    await tick(page, 'run-a').check();
    await tick(page, 'run-b').check();
    await page.getByTestId('compare-open').click();
    await waitFor(async () => (await page.getByTestId('compare-table').count()) === 1, 'the compare table');
    expect(await diffFields(page)).toEqual(['Training prompts (N)']); // the form's label; the path in its tooltip
    expect(await page.getByTestId('diff-field').getAttribute('title')).toBe('data.trainSize');
    expect(await page.getByTestId('compare-table').locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/^N=8, "scarce"\s+8\s/),
      expect.stringMatching(/^N=512\s+512\s/),
    ]);
    expect(await legendOf(page, 'reward')).toEqual(['step', 'N=8, "scarce"', 'N=512']);
    // One step axis with the SFT -> RL boundary on every chart, titled in plain words.
    for (const metric of ['reward', 'eval_heldout/accuracy'])
      expect(await page.getByTestId(`compare-chart-${metric}`).getAttribute('data-markers')).toBe('SFT → RL');
    expect(await page.getByTestId('compare-chart-eval_heldout/accuracy').locator('figcaption').innerText()).toBe(
      'held-out accuracy (greedy)',
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true); // nothing runs off sideways
    expect(await chartPoints(page, 'compare-chart-reward')).toBe(RL / 5); // RL steps 5..200, one log every 5
    expect(await page.getByTestId('tab-run').getAttribute('aria-selected')).toBe('false');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^rlvr-lab-compare-2-runs-.*\.csv$/);
    const csv = join(dir, 'compare.csv');
    await download.saveAs(csv);
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'step,"N=8, ""scarce"" [reward]","N=8, ""scarce"" [eval_heldout/accuracy]",N=512 [reward],N=512 [eval_heldout/accuracy]',
    );
    // Header, then the union of both metrics' steps: SFT evaluations at 0 and 50, RL's opening evaluation at 100, rewards at 105..300.
    expect(lines).toHaveLength(1 + 2 + 1 + RL / 5);
    expect(lines[1]).toBe('0,,0.2,,0.2'); // step 0: no reward yet, held-out 0.2 for both
    expect(errors).toEqual([]);
  });

  it('draws a run that differs only in seed as one group with the first, and lists seed among the differing fields', async ({
    lab,
  }) => {
    const { page, errors, waitFor } = await comparingThree(lab);
    expect(await diffFields(page)).toEqual(['Seed', 'Training prompts (N)']);
    const group = 'N=8, "scarce" (mean of 2 seeds)';
    // One legend entry per group (its mean line, under the group's name); the band's edges are drawn, not listed.
    expect(await legendOf(page, 'reward')).toEqual(['step', group, 'N=512']);
    expect(await page.getByTestId('compare-chart-reward').locator('.u-legend .u-series').count()).toBe(1 + 3 + 1);
    await page.getByTestId('group-seeds').uncheck();
    await waitFor(async () => (await legendOf(page, 'reward')).length === 4, 'one line per run with grouping off');
    await page.getByTestId('group-seeds').check();
    await waitFor(async () => (await legendOf(page, 'reward')).length === 3, 'one line per group with grouping on');
    expect(errors).toEqual([]);
  });
});

describe('the predictor page', () => {
  it('opens from the keyboard and fits each scatter over the compared runs', async ({ lab }) => {
    const { page, errors, waitFor } = await comparingThree(lab);
    await page.getByTestId('tab-compare').focus();
    await page.keyboard.press('ArrowRight');
    await waitFor(async () => (await page.getByTestId('predictor-view').count()) === 1, 'the predictor page');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-predictor');
    // The page reads the compared runs before it draws: wait for the four scatters.
    const scatters = page.getByTestId('predictor-scatter');
    await waitFor(async () => (await scatters.count()) === 4, 'four scatters');
    // Held-out gain = 0.1, 0.5, 0.26 for faithfulness 0.3, 0.8, 0.5: exactly 0.8 x - 0.14, so R^2 = 1.
    const gain = page.locator('[data-testid="predictor-scatter"]', {
      has: page.getByTestId('predictor-faithfulness-heldoutGain'),
    });
    expect(await gain.getAttribute('data-n')).toBe('3');
    expect(await gain.getByTestId('predictor-fit').innerText()).toMatch(/^R² = 1\.000, n = 3; y = -0\.14 \+ 0\.8 · x$/);
    expect(await chartPoints(page, 'predictor-faithfulness-heldoutGain')).toBe(3);
    await page.keyboard.press('Home');
    await waitFor(
      async () => (await page.getByTestId('tab-run').getAttribute('aria-selected')) === 'true',
      'back on the run page',
    );
    expect(await page.getByTestId('start').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('the predictor and the phase lab', () => {
  // run-a, b, c under reachFraction 0.99 (analyzePhases, as the page computes it): b never gets that close to 1.
  const strict = { reachFraction: 0.99 };
  const rows = {
    a: rowsOf('run-a', 40, 0.3, 0.1),
    b: rowsOf('run-b', 120, 0.8, 0.5),
    c: rowsOf('run-c', 60, 0.5, 0.26),
  };
  const lengths = (rules?: object) =>
    Object.values(rows).map((r) => runPredictors({ id: '', name: '', rows: r }, undefined, rules).preSaturationLength);

  it('uses the phase rules edited in the run view, and says which', async ({ lab }) => {
    expect(lengths(strict)).toEqual([70, null, 75]);
    expect(lengths()).not.toEqual(lengths(strict));
    const { page, errors, waitFor } = await comparingThree(lab);
    await page.getByTestId('tab-run').click();
    await page.locator('[data-testid="run-item"][data-run-id="run-b"] .run-open').click();
    await page.getByTestId('phase-rules-info').locator('summary').click();
    await page.getByTestId('cfg-phase.reachFraction').fill('0.99');
    await page.getByTestId('tab-predictor').click();
    await waitFor(async () => (await page.getByTestId('predictor-view').count()) === 1, 'the predictor page');
    expect(await page.getByTestId('predictor-rules').innerText()).toBe('phase rules: edited (reachFraction 0.99)');
    const scatter = page.locator('[data-testid="predictor-scatter"]', {
      has: page.getByTestId('predictor-faithfulness-preSaturationLength'),
    });
    expect(await scatter.getAttribute('data-n')).toBe('2');
    expect(await scatter.locator('tbody td:nth-of-type(2)').allTextContents()).toEqual(['70', '75']); // sorted by faithfulness: a (0.3), c (0.5)
    expect(await page.getByTestId('predictor-excluded').innerText()).toContain(
      'the training reward has not saturated under the phase rules',
    );
    await page.getByTestId('tab-run').click();
    await page.getByRole('button', { name: 'Default rules' }).click();
    await page.getByTestId('tab-predictor').click();
    await waitFor(async () => (await page.getByTestId('predictor-rules').count()) === 1, 'the predictor page again');
    expect(await page.getByTestId('predictor-rules').innerText()).toBe('phase rules: default');
    expect(errors).toEqual([]);
  });
});

describe('comparing a run that trains', () => {
  it('draws the rows the run logs after the comparison opened, without opening it again', async ({ lab }) => {
    // The three runs compared first: the comparison keeps their charts (the reward, held-out accuracy).
    const { page, errors, waitFor } = await comparingThree(lab);
    await page.getByTestId('tab-run').click();
    await page.getByTestId('cfg-sft.steps').fill('2000'); // still training when the comparison opens
    await page.getByTestId('start').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'the run to train');
    await waitFor(async () => (await page.getByTestId('run-item').count()) === 4, 'the run in the list');
    const liveId = (await page.getByTestId('run-item').first().getAttribute('data-run-id')) ?? ''; // newest first
    expect(['run-a', 'run-b', 'run-c']).not.toContain(liveId);
    for (const id of ['run-a', 'run-b', 'run-c']) await tick(page, id).uncheck();
    await tick(page, liveId).check();
    await page.getByTestId('compare-open').click();
    await waitFor(
      async () => (await page.getByTestId('compare-metric-pick').count()) === 1,
      'the comparison of the training run',
    );
    await page.getByTestId('compare-metric-pick').selectOption('loss');
    await page.getByTestId('compare-metric-add').click();
    expect(await chartPoints(page, 'compare-chart-reward')).toBe(0); // an SFT run has no reward: an empty chart, and no page error
    await waitFor(async () => (await chartPoints(page, 'compare-chart-loss')) >= 1, 'the loss chart');
    const first = await chartPoints(page, 'compare-chart-loss');
    await waitFor(
      async () => (await chartPoints(page, 'compare-chart-loss')) >= first + 3,
      'the loss curve to grow while the comparison stays open',
    );
    expect(await page.getByTestId('tab-compare').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('tab-run').click();
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'the run to stop');
    expect(errors).toEqual([]);
  });
});
