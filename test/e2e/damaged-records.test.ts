// Damaged records in the browser's IndexedDB, written from the page as a bad disk, an old bug or a hand
// edit leaves them: run records whose config is null or a string, a metric row whose values are null
// and a rollout group whose completions are not completions. The run list keeps every sound run and
// lists the damaged records apart, each with Delete; the sound run opens with its curves and rollouts
// and says what it skipped.
import { describe, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateRunConfig } from '../../src/experiment/run-config';
import { packArchive } from '../../src/store/archive';
import type { MetricRow, RolloutRecord } from '../../src/store/types';
import { chartPoints, hookText, it, TINY_CONFIG } from './harness';

function group(step: number, prompt: string): RolloutRecord {
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
    prompt,
    label: '1',
    cleanLabel: '1',
    noisy: false,
    pseudoLabel: null,
    completions: [completion('1', 1), completion('2', 0)],
  };
}

/** One sound run with an RL stage: metric rows and rollouts at its last step. */
function soundFile(): string {
  const config = validateRunConfig({
    ...TINY_CONFIG,
    sft: { ...TINY_CONFIG.sft, steps: 20 },
    rl: { ...TINY_CONFIG.rl, steps: 10 },
  });
  const values = (step: number): Record<string, number> =>
    step > 20 ? { reward: 0.5, loss: 0 } : { loss: 3 / (step + 1), 'eval_heldout/accuracy': 0.25 };
  const metrics: MetricRow[] = [0, 10, 20, 25, 30].map((step) => ({
    runId: 'sound',
    step,
    stage: step > 20 ? 'rl' : 'sft',
    time: step,
    values: values(step),
  }));
  const file = join(mkdtempSync(join(tmpdir(), 'rlvr-damaged-')), 'sound.zip');
  const run = {
    id: 'sound',
    name: 'sound run',
    config,
    status: 'completed' as const,
    createdAt: 1,
    updatedAt: 2,
    step: 30,
    totalSteps: 30,
    stage: 'rl',
  };
  writeFileSync(
    file,
    packArchive([
      {
        run,
        metrics,
        samples: [],
        rollouts: [{ runId: 'sound', step: 30, groups: [group(30, 'a sound prompt')] }],
        checkpoints: [],
      },
    ]),
  );
  return file;
}

describe('a library with damaged records', () => {
  it('lists the sound runs and the damaged records apart, opens the sound run, and deletes a damaged record', async ({
    lab,
  }) => {
    const lp = await lab.open({ config: { ...TINY_CONFIG, backend: 'wasm' } });
    const { page, errors, waitFor } = lp;
    await page.getByTestId('import-file').setInputFiles(soundFile());
    await waitFor(async () => (await page.getByTestId('run-item').count()) === 1, 'the sound run imported');

    const bad = { ...group(30, 'a damaged prompt'), completions: [null, {}, 'x'] };
    await page.evaluate(async (badGroup) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('rlvr-lab');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const tx = db.transaction(['runs', 'metrics', 'rollouts'], 'readwrite');
      const runs = tx.objectStore('runs');
      runs.get('sound').onsuccess = (e) => {
        const sound = (e.target as IDBRequest).result;
        runs.put({ ...sound, id: 'config-null', name: 'config null', createdAt: 3, config: null });
        runs.put({ ...sound, id: 'config-text', name: 'config text', createdAt: 4, config: 'x' });
      };
      tx.objectStore('metrics').put({ runId: 'sound', step: 15, stage: 'sft', time: 15, values: null });
      const rollouts = tx.objectStore('rollouts');
      rollouts.get(['sound', 30]).onsuccess = (e) => {
        const row = (e.target as IDBRequest).result;
        rollouts.put({ ...row, groups: [...row.groups, badGroup] });
      };
      await new Promise((resolve, reject) => ((tx.oncomplete = resolve), (tx.onerror = () => reject(tx.error))));
      db.close();
    }, bad);

    await page.reload();
    await lp.ready('the lab to be ready after reload');
    await waitFor(
      async () => (await page.getByTestId('run-item').count()) === 1,
      'the sound run listed after the reload',
      60_000,
    );
    await waitFor(
      async () => (await page.getByTestId('damaged-run').count()) === 2,
      'two damaged records listed',
      60_000,
    );
    const damaged = await page.getByTestId('damaged-runs').innerText();
    expect(damaged).toMatch(/2 damaged records/);
    expect(damaged).toMatch(/config null\s+its config is not valid \(config: the run config must be an object\)/);
    expect(damaged).toMatch(/config text/);
    expect(await page.locator('.runs [role="alert"]').count()).toBe(0);

    await page.locator('[data-testid="run-item"][data-run-id="sound"] .run-open').click();
    await waitFor(
      async () => (await page.getByTestId('run-damaged').count()) === 1,
      'the note on what was skipped',
      60_000,
    );
    expect(await hookText(page, 'run-damaged')).toBe(
      "Part of this run's stored data is damaged and was left out: 1 metric row, 1 rollout group. The rest is shown.",
    );
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 3, 'the sound rows on the loss chart', 60_000);
    expect(await page.getByTestId('rollout-group').count()).toBe(1);
    expect(await page.getByTestId('rollout-inspector').innerText()).toMatch(/a sound prompt/);
    expect(await page.locator('[role="alert"]').allInnerTexts()).toEqual([]);

    await page
      .getByTestId('damaged-run')
      .filter({ hasText: 'config null' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page
      .getByTestId('damaged-run')
      .filter({ hasText: 'config null' })
      .getByRole('button', { name: 'Yes, delete' })
      .click();
    await waitFor(async () => (await page.getByTestId('damaged-run').count()) === 1, 'one damaged record left', 60_000);
    expect(await page.getByTestId('damaged-runs').innerText()).toMatch(/config text/);
    expect(await page.getByTestId('run-item').count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
