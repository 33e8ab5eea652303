// A stored run opened from the list, as a kept (findings) run is: its settings show read-only while the
// form keeps the user's draft until "Load into form"; its panels say what it holds instead of waiting for
// completions and rollouts that will never come.
import { describe, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateRunConfig } from '../../src/experiment/run-config';
import { packArchive } from '../../src/store/archive';
import type { MetricRow } from '../../src/store/types';
import { hookText, it, TINY_CONFIG } from './harness';

/** A run as the findings keep it: config and metric rows, no samples, rollouts or checkpoints. */
function keptFile(): string {
  const config = validateRunConfig({
    ...TINY_CONFIG,
    data: { ...TINY_CONFIG.data, trainSize: 8 },
    sft: { ...TINY_CONFIG.sft, steps: 20 },
    rl: { ...TINY_CONFIG.rl, steps: 10 },
  });
  const values = (step: number): Record<string, number> =>
    step > 20 ? { reward: 0.5, loss: 0 } : { loss: 1, 'eval_heldout/accuracy': 0.25 };
  const metrics: MetricRow[] = [0, 10, 20, 25, 30].map((step) => ({
    runId: 'kept',
    step,
    stage: step > 20 ? 'rl' : 'sft',
    time: step,
    values: values(step),
  }));
  const file = join(mkdtempSync(join(tmpdir(), 'rlvr-stored-')), 'kept.zip');
  writeFileSync(
    file,
    packArchive([
      {
        run: {
          id: 'kept',
          name: 'Scarce data · N = 8 · seed 1',
          config,
          status: 'completed',
          createdAt: 1,
          updatedAt: 2,
          step: 30,
          totalSteps: 30,
          stage: 'rl',
        },
        metrics,
        samples: [],
        rollouts: [],
        checkpoints: [],
      },
    ]),
  );
  return file;
}

describe('a stored run', () => {
  it('shows its settings read-only, loads them into the form only on request, and says what it holds', async ({
    lab,
  }) => {
    const { page, errors, waitFor } = await lab.open({ config: { ...TINY_CONFIG, backend: 'wasm' } });
    await page.getByTestId('import-file').setInputFiles(keptFile());
    await waitFor(async () => (await page.getByTestId('run-item').count()) === 1, 'the run imported');
    await page.locator('[data-testid="run-item"][data-run-id="kept"] .run-open').click();
    await waitFor(async () => (await page.getByTestId('run-settings').count()) === 1, "the run's settings");
    expect(await page.getByTestId('run-settings').locator('div[title="data.trainSize"]').innerText()).toMatch(
      /Training prompts \(N\):\s*8/,
    );
    expect(await page.getByTestId('cfg-data.trainSize').inputValue()).toBe('64'); // the form keeps the draft
    expect(await hookText(page, 'run-holds')).toBe(
      'Holds metric curves for steps 0–30 (5 rows); no sampled completions, rollouts or checkpoints.',
    );
    expect(await hookText(page, 'samples-empty')).toMatch(/^This run holds no sampled completions/);
    expect(await hookText(page, 'rollouts-empty')).toMatch(/^This run holds no rollouts/);
    await page.getByTestId('load-into-form').click();
    await waitFor(
      async () => (await page.getByTestId('cfg-data.trainSize').inputValue()) === '8',
      "the form to hold the run's N",
    );
    expect(await page.getByTestId('load-into-form').isDisabled()).toBe(true);
    expect(errors).toEqual([]);
  });
});
