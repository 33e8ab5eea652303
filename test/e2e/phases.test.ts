// The phase lab on a run whose metrics cross the saturation rule: a run built in Node from closed-form
// curves (the reward rises and saturates, held-out accuracy lags) is imported as a file; the page must
// find the saturation step the analysis finds here, shade the phase bands and mark saturation, and
// scrubbing the chart (hover, arrow keys) must open the rollouts of the step under the cursor.
import { describe, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePhases } from '../../src/analysis/phases';
import { validateRunConfig } from '../../src/experiment/run-config';
import { packArchive } from '../../src/store/archive';
import type { RunBundle } from '../../src/store/library';
import type { RolloutRecord } from '../../src/store/types';
import { buildRows, logistic, stepUp } from '../analysis/curves';
import { hookText, it, TINY_CONFIG, type Lab, type LabPage } from './harness';

const STEPS = 200;
const EVAL_EVERY = 10;
const config = validateRunConfig({
  ...TINY_CONFIG,
  sft: { ...TINY_CONFIG.sft, steps: 0 },
  rl: { ...TINY_CONFIG.rl, steps: STEPS, evalEvery: EVAL_EVERY, logEvery: 2 },
});
const rows = buildRows({
  steps: STEPS,
  logEvery: 2,
  evalEvery: EVAL_EVERY,
  train: {
    reward: logistic(60, 8),
    true_reward: logistic(60, 8),
    frac_reward_zero_std: stepUp(90, 0.2, 0.95),
    loss: (t) => 1 / (1 + t),
  },
  evals: { 'eval_heldout/accuracy': logistic(70, 12, 0.5), 'eval_train/accuracy': logistic(60, 8) },
});
const expected = analyzePhases(rows);

function group(step: number): RolloutRecord {
  const completion = (text: string, reward: number) => ({
    text,
    finished: true,
    answer: text,
    reward,
    rewards: { verifiable: reward },
    trueReward: reward,
    advantage: reward - 0.5,
    steps: [],
    faithful: true,
  });
  return {
    step,
    prompt: `prompt at step ${step}`,
    label: '1',
    cleanLabel: '1',
    noisy: false,
    pseudoLabel: null,
    completions: [completion('1', 1), completion('2', 0)],
  };
}

const bundle: RunBundle = {
  run: {
    id: 'phases',
    name: 'phase fixture',
    config,
    status: 'completed',
    createdAt: 1,
    updatedAt: 2,
    step: STEPS,
    totalSteps: STEPS,
    stage: 'rl',
  },
  metrics: rows.map((r) => ({ runId: 'phases', step: r.step, stage: 'rl', time: r.step, values: r.values })),
  samples: [],
  rollouts: Array.from({ length: STEPS / EVAL_EVERY + 1 }, (_, i) => ({
    runId: 'phases',
    step: i * EVAL_EVERY,
    groups: [group(i * EVAL_EVERY)],
  })),
  checkpoints: [],
};

const file = join(mkdtempSync(join(tmpdir(), 'rlvr-phases-')), 'phases.zip');
writeFileSync(file, packArchive([bundle]));

const shownStep = async (lp: LabPage) =>
  Number(await lp.page.getByTestId('rollout-shown-step').getAttribute('data-step'));

/** A fresh lab with the fixture run imported from its file and opened. */
async function openPhaseRun(lab: Lab): Promise<LabPage> {
  const lp = await lab.open({ config: { ...TINY_CONFIG, backend: 'wasm' } });
  const run = lp.page.locator('[data-testid="run-item"][data-run-id="phases"]');
  await lp.page.getByTestId('import-file').setInputFiles(file);
  await lp.waitFor(async () => (await run.count()) === 1, 'the run imported');
  await run.locator('.run-open').click();
  return lp;
}

describe('phases on a run that crosses the rule', () => {
  it('finds the saturation step the analysis finds, shades the bands and marks saturation', async ({ lab }) => {
    expect(expected.saturationStep).not.toBeNull();
    const { page, errors, waitFor } = await openPhaseRun(lab);
    await waitFor(
      async () => (await hookText(page, 'saturation-step')) === String(expected.saturationStep),
      `saturation at step ${expected.saturationStep}`,
    );
    const chart = page.getByTestId('rl-chart');
    expect(Number(await chart.getAttribute('data-bands'))).toBe(expected.bands.length);
    expect(expected.bands.map((b) => b.kind)).toContain('pre_saturation');
    expect(await chart.getAttribute('data-markers')).toMatch(/saturation/);
    expect(await page.getByTestId('regime-label').getAttribute('data-regime')).toBe(expected.regime);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('opens the rollouts of the step under the cursor when the chart is hovered or moved with the arrow keys', async ({
    lab,
  }) => {
    const lp = await openPhaseRun(lab);
    const { page, waitFor } = lp;
    await waitFor(
      async () => (await hookText(page, 'saturation-step')) === String(expected.saturationStep),
      'the run shown with its phases',
    );
    const over = page.getByTestId('rl-chart').locator('.u-over');
    await over.scrollIntoViewIfNeeded();
    const box = (await over.boundingBox())!;
    await over.hover({ position: { x: box.width * 0.25, y: box.height / 2 } });
    await waitFor(
      async () => Math.abs((await shownStep(lp)) - STEPS * 0.25) <= EVAL_EVERY,
      'the rollouts near a quarter of the run',
    );
    await over.hover({ position: { x: box.width * 0.75, y: box.height / 2 } });
    await waitFor(
      async () => Math.abs((await shownStep(lp)) - STEPS * 0.75) <= EVAL_EVERY,
      'the rollouts near three quarters of the run',
    );
    await expect.poll(() => page.getByTestId('rollout-inspector').innerText()).toMatch(/prompt at step \d+/);
    const before = await shownStep(lp);
    await over.focus();
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowLeft');
    await waitFor(async () => (await shownStep(lp)) < before, 'an earlier step after ArrowLeft');
    expect(lp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
