// The page's one-click run as a teacher meets it, in headless Chromium on the built app with the real
// files it ships (the kept runs and our SFT model): forced WASM, "Run it yourself" imports our SFT model
// into the library once and trains the flagship's quick arm's RL from it to completion, with its stage,
// step and time left moving at least once a second; the run ends on its phase label and a result link
// made from it shows the phase chart in a fresh browser. A screenshot of the finished run goes to
// test-artifacts/e2e (git-ignored). Waits on conditions only.
import { mkdirSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { armConfig, getPreset } from '../../src/experiment/presets';
import { shortestArm, FLAGSHIP_ID } from '../../src/ui/story/story-data';
import { chartPoints, hookText, it } from './harness';

const preset = getPreset(FLAGSHIP_ID)!;
const arm = shortestArm(preset, []);
const config = armConfig(preset, arm, preset.seeds[0] ?? 1);
const boundary = config.cpt.steps + config.sft.steps;
const total = boundary + config.rl.steps;

describe('the one-click run', () => {
  it('trains the quick arm on forced WASM from our SFT model to completion, with progress, and its result link shows the phase chart', async ({
    lab,
    pages,
  }) => {
    const { page, errors, waitFor } = await lab.open({ viewport: { width: 1280, height: 800 }, ready: false });
    await waitFor(
      async () => (await page.getByTestId('story').getAttribute('data-status')) === 'ready',
      'the story with its kept runs',
    );
    expect(await page.getByTestId('story-run-what').innerText()).toContain(
      `its ${config.rl.steps} RL steps from our SFT model (${total} steps in all)`,
    );
    // A first visit's form already holds that run.
    expect(await page.getByTestId('cfg-data.trainSize').inputValue()).toBe(String(config.data.trainSize));
    expect(await page.getByTestId('cfg-rl.steps').inputValue()).toBe(String(config.rl.steps));
    await page.getByTestId('cfg-backend').selectOption('wasm');

    await page.getByTestId('story-run').click();
    await waitFor(
      async () => ['running', 'completed'].includes(await hookText(page, 'run-status')),
      'the run to start',
      120_000,
    );
    expect(await page.getByTestId('story-started').innerText()).toContain(arm.label);
    await waitFor(async () => (await hookText(page, 'backend-name')) === 'wasm', 'the badge on wasm');
    // Our SFT model is in the library, stopped at the boundary, and the run is its fork.
    await waitFor(
      async () => (await page.getByTestId('run-item').count()) === 2,
      'our SFT model and the fork in the run list',
    );
    expect(await page.getByTestId('run-item').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining('SFT model · seed 1')]),
    );
    expect(await page.getByTestId('run-lineage').first().innerText()).toMatch(
      new RegExp(`forked from .*SFT model · seed 1 at step ${boundary}`),
    );

    // At once, the run view draws the SFT model's own history (its loss and accuracy through SFT).
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) > 10, "the SFT model's curves");
    // Progress in words, from the run's own measured times, moving at least once a second.
    const progress = () => hookText(page, 'run-progress');
    const shape = new RegExp(
      `^(RL \\d+/${config.rl.steps}|RL evaluating for [\\dhms]+) · step \\d+/${total} · (about|at least) \\d`,
    );
    await waitFor(async () => shape.test(await progress()), 'progress with a time left');
    const before = await progress();
    await waitFor(async () => (await progress()) !== before, 'the progress words to move', 2500);

    await waitFor(async () => (await hookText(page, 'run-status')) === 'completed', 'the run to complete', 540_000);
    await waitFor(async () => (await chartPoints(page, 'rl-chart')) > 0, 'the phase chart');
    const regime = await page.getByTestId('regime-label').getAttribute('data-regime');
    expect(regime).toBe('memorizing'); // what this arm shows, every kept seed (public/findings/notes/phases.md)
    expect(errors).toEqual([]);
    mkdirSync('test-artifacts/e2e', { recursive: true });
    await page.getByTestId('rl-chart').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-artifacts/e2e/one-click-done-1280x800.png' }); // git-ignored

    await page.getByTestId('share-result').click();
    const link = await page.getByTestId('share-url').inputValue();
    expect(link.length).toBeLessThan(8192);
    const fresh = await pages.newPage();
    await fresh.page.goto(link);
    await fresh.waitFor(
      async () => (await fresh.page.getByTestId('link-banner').getAttribute('data-kind')) === 'result',
      'the result banner',
    );
    await fresh.waitFor(async () => (await chartPoints(fresh.page, 'rl-chart')) > 0, 'the shared phase chart');
    expect(await fresh.page.getByTestId('regime-label').getAttribute('data-regime')).toBe(regime);
    expect(await fresh.page.getByTestId('run-item').count()).toBe(0); // nothing trained, nothing stored
    expect(fresh.errors).toEqual([]);
  });
});
