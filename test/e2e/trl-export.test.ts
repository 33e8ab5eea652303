// "Export for TRL" as a user meets it, in headless Chromium: the run view's button builds the zip in a
// worker and downloads it (data, train_trl.py, verifiers.py, evaluate.py, README for the form's
// experiment), and the guide it links is served. No training: the export needs none.
import { describe, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { it, TINY_CONFIG } from './harness';

describe('Export for TRL', () => {
  it("downloads the form's experiment as a TRL project, and links the guide", async ({ lab }) => {
    const config = { ...TINY_CONFIG, data: { ...TINY_CONFIG.data, labelNoise: 0.25 } };
    const { page, errors, waitFor } = await lab.open({ config });
    expect(await page.getByTestId('trl-export-run').isDisabled()).toBe(true); // no run shown yet
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('trl-export-config').click(),
    ]);
    expect(download.suggestedFilename()).toBe('rlvr-trl-addition-pattern-n-64-0-25-seed-1.zip');
    const file = join(mkdtempSync(join(tmpdir(), 'rlvr-e2e-trl-')), download.suggestedFilename());
    await download.saveAs(file);
    const entries = unzipSync(new Uint8Array(readFileSync(file)));
    const stem = download.suggestedFilename().replace(/\.zip$/, '');
    const text = (name: string) => new TextDecoder().decode(entries[`${stem}/${name}`]);
    expect(Object.keys(entries)).toEqual(
      expect.arrayContaining(
        ['train_trl.py', 'verifiers.py', 'evaluate.py', 'README.md', 'data/grpo_train.jsonl', 'data/heldout.jsonl'].map(
          (f) => `${stem}/${f}`,
        ),
      ),
    );
    expect(JSON.parse(text('trl_config.json'))).toMatchObject({ task: 'addition', label_noise: 0.25, seed: 1 });
    expect(text('data/grpo_train.jsonl').trim().split('\n')).toHaveLength(64);
    await waitFor(
      async () => ((await page.getByTestId('trl-notice').textContent()) ?? '').includes('64 GRPO rows'),
      'the notice',
    );
    const guide = await page.getByTestId('trl-guide').getAttribute('href');
    const res = await page.request.get(new URL(guide!, lab.url).href);
    expect(res.status()).toBe(200);
    expect(await res.text()).toContain('Export for TRL');
    expect(errors).toEqual([]);
  });
});
