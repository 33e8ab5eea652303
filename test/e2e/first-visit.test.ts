// A first visit as a teacher meets it, in fresh headless Chromium contexts: forcing WASM and pressing
// Start at once trains (the startup backend request and Start's no longer cancel each other), with its
// stage, step and time left in words; a setting made invalid inside a collapsed group opens that group
// and Start's message names the field.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { contextWithConfig, hookText, labSession, TINY_CONFIG, waitFor, watchConsole } from './harness';

const lab = labSession();

async function freshPage(config: object = TINY_CONFIG): Promise<{ page: Page; errors: string[] }> {
  const page = await (await contextWithConfig(lab.browser, config)).newPage();
  const errors = watchConsole(page);
  await page.goto(lab.url);
  return { page, errors };
}

describe('a first visit', () => {
  it('trains on WASM chosen right after the page opens, in every fresh context', async () => {
    for (let i = 0; i < 4; i++) {
      const { page, errors } = await freshPage();
      await page.getByTestId('cfg-backend').selectOption('wasm');
      await page.getByTestId('start').click();
      await waitFor(
        async () =>
          ['running', 'failed'].includes(await hookText(page, 'run-status')) ||
          (await page.getByRole('alert').count()) > 0,
        `context ${i}: the run to start or fail`,
        errors,
      );
      const alerts = await page.getByRole('alert').allInnerTexts();
      expect(
        alerts.filter((a) => /usable backend|could not start/.test(a)),
        `context ${i}`,
      ).toEqual([]);
      expect(await hookText(page, 'run-status'), `context ${i}`).toBe('running');
      await waitFor(
        async () => (await hookText(page, 'backend-name')) === 'wasm',
        `context ${i}: the badge on wasm`,
        errors,
      );
      if (i === 0) {
        // Progress in words, from the run's own measured times, moving at least once a second.
        const progress = () => hookText(page, 'run-progress');
        await waitFor(
          async () =>
            /^(SFT \d+\/200|RL \d+\/100|(SFT|RL) evaluating for [\dhms]+) · step \d+\/300 · (about|at least) \d/.test(
              await progress(),
            ),
          'progress with a time left',
          errors,
        );
        const before = await progress();
        await waitFor(async () => (await progress()) !== before, 'the progress words to move', errors, 2500);
      }
      await page.getByTestId('stop').click();
      await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', `context ${i}: stopped`, errors);
      await page.context().close();
    }
  });

  it("opens the collapsed group of an invalid setting and names the field in Start's message", async () => {
    const { page, errors } = await freshPage();
    const warmup = page.getByTestId('cfg-rl.warmupSteps');
    expect(await warmup.isVisible()).toBe(false); // RL's Optimizer group starts collapsed
    await page.locator('summary', { hasText: 'RL (GRPO)' }).click();
    await page.getByTestId('cfg-rl.steps').fill('6');
    await waitFor(async () => (await page.getByTestId('start-blocked').count()) === 1, "Start's message", errors);
    expect(await hookText(page, 'start-blocked')).toMatch(
      /^Start is off until RL \(GRPO\) › Optimizer › warmup_steps is fixed: rl\.warmupSteps \(\d+\) must be at most rl\.steps \(6\)/,
    );
    await waitFor(() => warmup.isVisible(), 'the Optimizer group to open', errors);
    expect(await page.getByTestId('start').isEnabled()).toBe(false);
    await page.context().close();
  });
});
