// The phase lab as a user sees it, in headless Chromium on the WASM backend (fast on any machine):
// the RL settings come from the stored config and say what is wrong next to a field; a tiny SFT 4 + RL 4
// run finishes, the RL chart has points, a regime label and the saturation step are shown, and the
// rollout inspector lists groups with their completions; picking a step switches them.
import { describe, expect } from 'vitest';
import { chartPoints, hookText, it, TINY_CONFIG, type Lab } from './harness';

const RL_CONFIG = {
  ...TINY_CONFIG,
  backend: 'wasm',
  sft: {
    ...TINY_CONFIG.sft,
    steps: 4,
    batchSize: 4,
    logEvery: 2,
    evalEvery: 4,
    evalSize: 2,
    maxNewTokens: 8,
    checkpointEvery: 4,
  },
  rl: {
    ...TINY_CONFIG.rl,
    steps: 4,
    promptsPerStep: 2,
    numGenerations: 2,
    maxCompletionLength: 8,
    logEvery: 1,
    evalEvery: 2,
    evalSize: 2,
    passK: 2,
    rolloutsKept: 2,
    warmupSteps: 0,
    checkpointEvery: 2,
  },
};

const openLab = (lab: Lab) => lab.open({ config: RL_CONFIG, viewport: { width: 1280, height: 800 } });

describe('the phase lab', () => {
  it('shows the RL settings from the stored config', async ({ lab }) => {
    const { page, errors } = await openLab(lab);
    expect(await page.getByTestId('cfg-rl.steps').inputValue()).toBe('4');
    expect(await page.getByTestId('cfg-rl.numGenerations').inputValue()).toBe('2');
    expect(await page.getByTestId('cfg-cpt.steps').inputValue()).toBe('0');
    expect(await page.getByTestId('reward-row').count()).toBe(1);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('flags an invalid RL field next to it, and adds a reward', async ({ lab }) => {
    const { page, errors, waitFor } = await openLab(lab);
    await page.locator('summary', { hasText: 'RL (GRPO)' }).click(); // the section starts collapsed
    await page.getByTestId('cfg-rl.numGenerations').fill('1');
    await waitFor(
      async () => (await page.locator('#cfg-rl\\.numGenerations-error').count()) === 1,
      'the error next to num_generations',
    );
    expect(await page.locator('#cfg-rl\\.numGenerations-error').textContent()).toMatch(/rl\.numGenerations/);
    await page.getByTestId('cfg-rl.numGenerations').fill('2');
    await page.getByTestId('reward-add').click();
    expect(await page.getByTestId('reward-row').count()).toBe(2);
    await page
      .getByRole('button', { name: /Remove reward/ })
      .nth(1)
      .click();
    expect(await page.getByTestId('reward-row').count()).toBe(1);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('takes a number of SFT rationales, and refuses more than the N training prompts next to the field', async ({
    lab,
  }) => {
    const { page, errors, waitFor } = await openLab(lab);
    const sftSize = page.getByTestId('cfg-data.sftSize');
    expect(await sftSize.inputValue()).toBe('0'); // left out of the stored config: all
    const n = Number(await page.getByTestId('cfg-data.trainSize').inputValue());
    await sftSize.fill(String(n + 1));
    await waitFor(
      async () => (await page.locator('#cfg-data\\.sftSize-error').count()) === 1,
      'the error next to SFT rationales',
    );
    expect(await page.locator('#cfg-data\\.sftSize-error').textContent()).toMatch(
      new RegExp(`sftSize \\(${n + 1}\\) cannot exceed the ${n} training prompts`),
    );
    await sftSize.fill('0');
    await waitFor(async () => (await page.locator('#cfg-data\\.sftSize-error').count()) === 0, 'the error to clear');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('runs SFT then RL to completion, draws the RL chart with a regime label, and inspects its rollouts: groups of G completions, and another step picked', async ({
    lab,
  }) => {
    const { page, errors, waitFor } = await openLab(lab);
    await waitFor(() => page.getByTestId('start').isEnabled(), 'Start on, the restored config validated');
    await page.getByTestId('start').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'completed', 'the run to complete', 400_000);
    await waitFor(async () => (await chartPoints(page, 'rl-chart')) >= 4, 'points on the RL chart');
    // SFT evaluations at 0 and 4, RL logs at 5..8: held-out and reward points on one axis.
    expect(await chartPoints(page, 'rl-chart')).toBeGreaterThanOrEqual(5);
    expect(await hookText(page, 'regime-label')).not.toBe('');
    // 4 RL steps cannot fill a 50-step saturation window.
    expect(await hookText(page, 'saturation-step')).toBe('not yet');
    expect(await page.getByTestId('phase-rules-info').locator('li').count()).toBeGreaterThanOrEqual(5);

    // The rollout inspector: groups of G completions, and another step picked.
    const inspector = page.getByTestId('rollout-inspector');
    await waitFor(
      async () => (await inspector.getByTestId('rollout-group').count()) === 2,
      'two rollout groups (rolloutsKept 2)',
    );
    expect(await inspector.getByTestId('rollout-completion').count()).toBe(4); // 2 prompts x G = 2
    const flags = await inspector.getByTestId('zero-variance-flag').count();
    const flat = await inspector.locator('[data-zero-variance="true"]').count();
    expect(flags).toBe(flat);
    const steps = await page.getByTestId('rollout-step').locator('option').allTextContents();
    expect(steps.length).toBeGreaterThanOrEqual(3); // "latest" and the RL evaluation steps
    const first = steps[1]!.trim();
    await page.getByTestId('rollout-step').selectOption(first);
    await waitFor(
      async () => (await page.getByTestId('rollout-shown-step').getAttribute('data-step')) === first,
      `the inspector at step ${first}`,
    );
    await page.getByTestId('log-steps').check();
    await waitFor(async () => (await chartPoints(page, 'rl-chart')) >= 4, 'the RL chart on a log step axis');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
