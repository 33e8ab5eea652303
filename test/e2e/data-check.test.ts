// A huge but valid config link (issue 20, case 1): the form builds and measures its dataset in a worker,
// so the page never freezes (a 50 ms heartbeat's longest gap stays under 1 s); the check shows its
// progress and can be cancelled; a config is remembered only once its check has finished; the examples
// preview still fills for an ordinary config.
import { describe, expect } from 'vitest';
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../../src/experiment/run-config';
import { encodeConfigLink } from '../../src/experiment/config-link';
import { starterConfig } from '../../src/ui/story/story-data';
import { hookText, it } from './harness';
import { longestGap, resetHeartbeat } from './heartbeat';

const STORED = 'rlvr-lab/run-config/v1';
/** The link: multi_hop, N = 65,536, sftSize 65,536, 4,096 evaluation prompts, context 1024 (about a minute of work). */
const HUGE: RunConfig = {
  ...DEFAULT_RUN_CONFIG,
  data: {
    ...DEFAULT_RUN_CONFIG.data,
    task: 'multi_hop',
    taskConfig: {},
    trainSize: 65_536,
    sftSize: 65_536,
    heldoutSize: 4096,
    oodSize: 4096,
  },
  model: { ...DEFAULT_RUN_CONFIG.model, context: 1024 },
};
const FREEZE_MS = 1000;

describe('the form checks its data off the main thread', () => {
  it('opens a huge config link without freezing, shows progress, cancels, and remembers only checked configs', async ({
    lab,
  }) => {
    expect(() => validateRunConfig(HUGE)).not.toThrow(); // valid by the schema: only its data are big
    const { page, errors, waitFor } = await lab.open({
      heartbeat: true,
      at: `#${encodeConfigLink(HUGE)}`,
      ready: false,
    });
    await waitFor(
      async () => (await page.getByTestId('cfg-data.trainSize').inputValue()) === '65536',
      'the link in the form',
      120_000,
    );
    expect(await longestGap(page)).toBeLessThan(FREEZE_MS);
    await waitFor(async () => (await page.getByTestId('data-check').count()) === 1, 'the data check to show', 60_000);
    const progress = page.getByTestId('data-check').locator('progress');
    await waitFor(
      async () => Number(await progress.getAttribute('value')) >= 4096,
      'the check to draw 4,096 prompts',
      120_000,
    );
    expect(await hookText(page, 'data-check')).toMatch(/Checking the data: drawing prompts, [\d,]+ of 73,728/);
    expect(await longestGap(page)).toBeLessThan(FREEZE_MS);
    expect(await page.evaluate((key) => localStorage.getItem(key), STORED)).toBeNull(); // not remembered while unchecked
    expect(await page.getByTestId('start').isEnabled()).toBe(true); // the schema passed; the trainer checks the data itself

    await page.getByTestId('data-check-cancel').click();
    await waitFor(async () => (await page.getByTestId('data-check').count()) === 0, 'the check to stop');
    expect(await page.locator('.config .notice').innerText()).toMatch(/Data check cancelled/);

    // A visit without the link starts from the page's starting run, not from the huge config, and its check finishes.
    await resetHeartbeat(page);
    await page.goto(lab.url);
    await waitFor(async () => (await page.locator('.example').count()) === 3, 'the examples preview', 60_000);
    expect(await page.getByTestId('cfg-data.trainSize').inputValue()).toBe(String(starterConfig().data.trainSize));
    await waitFor(
      async () => (await page.evaluate((key) => localStorage.getItem(key), STORED)) !== null,
      'the checked config remembered',
    );
    expect(await longestGap(page)).toBeLessThan(FREEZE_MS);
    expect(errors).toEqual([]);
  });
});
