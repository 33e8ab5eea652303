// A first visit as a teacher meets it, in fresh headless Chromium contexts: forcing WASM and pressing
// Start at once trains (the startup backend request and Start's no longer cancel each other), with its
// stage, step and time left in words; a setting made invalid inside a collapsed group opens that group
// and Start's message names the field.
import { describe, expect } from 'vitest';
import { hookText, it, TINY_CONFIG, type Lab } from './harness';

/** A fresh context at the lab, not waiting for it to be ready (a first visit's user does not). */
const freshPage = (lab: Lab) => lab.open({ config: TINY_CONFIG, ready: false });

describe('a first visit', () => {
  it('trains on WASM chosen right after the page opens, in every fresh context', async ({ lab }) => {
    for (let i = 0; i < 4; i++) {
      const { page, context, waitFor } = await freshPage(lab);
      await page.getByTestId('cfg-backend').selectOption('wasm');
      await page.getByTestId('start').click();
      await waitFor(
        async () =>
          ['running', 'failed'].includes(await hookText(page, 'run-status')) ||
          (await page.getByRole('alert').count()) > 0,
        `context ${i}: the run to start or fail`,
      );
      const alerts = await page.getByRole('alert').allInnerTexts();
      expect(
        alerts.filter((a) => /usable backend|could not start/.test(a)),
        `context ${i}`,
      ).toEqual([]);
      expect(await hookText(page, 'run-status'), `context ${i}`).toBe('running');
      await waitFor(async () => (await hookText(page, 'backend-name')) === 'wasm', `context ${i}: the badge on wasm`);
      if (i === 0) {
        // Progress in words, from the run's own measured times, moving at least once a second.
        const progress = () => hookText(page, 'run-progress');
        await waitFor(
          async () =>
            /^(SFT \d+\/200|RL \d+\/100|(SFT|RL) evaluating for [\dhms]+) · step \d+\/300 · (about|at least) \d/.test(
              await progress(),
            ),
          'progress with a time left',
        );
        const before = await progress();
        await waitFor(async () => (await progress()) !== before, 'the progress words to move', 2500);
      }
      await page.getByTestId('stop').click();
      await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', `context ${i}: stopped`);
      await context.close();
    }
  });

  it("opens the collapsed group of an invalid setting and names the field in Start's message", async ({ lab }) => {
    const { page, errors, waitFor } = await freshPage(lab);
    const warmup = page.getByTestId('cfg-rl.warmupSteps');
    expect(await warmup.isVisible()).toBe(false); // RL's Optimizer group starts collapsed
    await page.locator('summary', { hasText: 'RL (GRPO)' }).click();
    await page.getByTestId('cfg-rl.steps').fill('6');
    await waitFor(async () => (await page.getByTestId('start-blocked').count()) === 1, "Start's message");
    expect(await hookText(page, 'start-blocked')).toMatch(
      /^Start is off until RL \(GRPO\) › Optimizer › warmup_steps is fixed: rl\.warmupSteps \(\d+\) must be at most rl\.steps \(6\)/,
    );
    await waitFor(() => warmup.isVisible(), 'the Optimizer group to open');
    expect(await page.getByTestId('start').isEnabled()).toBe(false);
    expect(errors).toEqual([]);
  });
});
