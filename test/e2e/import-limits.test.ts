// Hostile and huge imports (issue 20, case 5), in headless Chromium with a 50 ms main-thread heartbeat: the
// import runs in a worker, so no file freezes the page (the longest gap stays under 1 s); a zip bomb, a file
// that lies about its size and a file of a million rows are refused by the limit they pass, saying by how
// much; a big valid file shows its progress, cancels leaving nothing written, and imports whole.
import { beforeAll, describe, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8 } from 'fflate';
import type { Page } from 'playwright-core';
import { packArchive } from '../../src/store/archive';
import { crc32Hex } from '../../src/util/crc32';
import { rawZip } from '../helpers/zips';
import { bundle } from '../store/fixtures';
import { hookText, it } from './harness';
import { longestGap, resetHeartbeat } from './heartbeat';

const MIB = 2 ** 20;
const FREEZE_MS = 1000;
const dir = mkdtempSync(join(tmpdir(), 'rlvr-import-'));
const files = {
  ratio: join(dir, 'ratio.zip'),
  bomb: join(dir, 'bomb.zip'),
  rows: join(dir, 'rows.zip'),
  big: join(dir, 'big.zip'),
};

/** A small run's manifest, and `tensors` with checksums that match (so only the size is wrong). */
function exportWith(
  tensors: Uint8Array,
  tensorsSize?: number,
  manifest = strToU8(JSON.stringify({ format: 'rlvr-lab-library', version: 1, exportedAt: 1, runs: [] })),
): Uint8Array {
  const checksums = strToU8(JSON.stringify({ 'manifest.json': crc32Hex(manifest), 'tensors.bin': crc32Hex(tensors) }));
  return rawZip([
    { name: 'manifest.json', data: manifest },
    { name: 'tensors.bin', data: tensors, size: tensorsSize },
    { name: 'checksums.json', data: checksums },
  ]);
}

/** One run with `n` metric rows (about 60 bytes each in the manifest). */
function manyRows(n: number) {
  const b = bundle('big');
  b.metrics = Array.from({ length: n }, (_, i) => ({
    runId: 'big',
    step: i,
    stage: 'sft',
    time: i,
    values: { loss: 1 / (i + 1) },
  }));
  return b;
}

beforeAll(() => {
  writeFileSync(files.ratio, exportWith(new Uint8Array(1500 * MIB))); // 1.5 MB that unpacks to 1,500 MB
  writeFileSync(files.bomb, exportWith(new Uint8Array(1024 * MIB), 1024)); // 1 GB of zeros that declares 1 KB
  const rows = manyRows(1_000_000);
  const manifest = strToU8(
    JSON.stringify({
      format: 'rlvr-lab-library',
      version: 1,
      exportedAt: 1,
      runs: [
        {
          ...rows,
          metrics: rows.metrics.map(({ runId: _, ...m }) => ({
            ...m,
            values: { ...m.values, mean_token_accuracy: 0.5, grad_norm: 1.25 },
          })),
          checkpoints: [],
        },
      ],
    }),
  );
  writeFileSync(files.rows, exportWith(new Uint8Array(0), undefined, manifest)); // ~14 MB: a 100+ MB manifest, a million metric rows
  writeFileSync(files.big, packArchive([manyRows(250_000)])); // inside every limit: it imports
}, 120_000);

async function importFile(page: Page, file: string): Promise<void> {
  await page.getByTestId('import-file').setInputFiles(file);
}

const storedMetrics = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('rlvr-lab');
        open.onsuccess = () => {
          const count = open.result.transaction('metrics').objectStore('metrics').count();
          count.onsuccess = () => (open.result.close(), resolve(count.result));
          count.onerror = () => reject(count.error);
        };
      }),
  );

describe('imports run in a worker, within limits', () => {
  it('refuses a 1,000:1 zip, a bomb that lies about its size and a million-row file by their limits, without freezing', async ({
    lab,
  }) => {
    const { page, errors, waitFor } = await lab.open({ heartbeat: true });
    const cases: [string, RegExp][] = [
      [
        files.ratio,
        /ratio.zip was not imported\. The file would unpack to 1500 MB from 1\.\d MB, a ratio of \d+:1: \d+\.\d times the limit of 100:1/,
      ],
      [
        files.bomb,
        /bomb.zip was not imported\. The file is damaged or forged: tensors.bin unpacks to more than the 1024 bytes its zip entry declares/,
      ],
      [files.rows, /rows.zip was not imported\. The file's manifest is \d+ MB, \d+ MB over the limit of 64 MB/],
    ];
    for (const [file, message] of cases) {
      await resetHeartbeat(page);
      await importFile(page, file);
      await waitFor(
        async () => (await page.getByTestId('import-error').count()) === 1,
        `the refusal of ${file}`,
        120_000,
      );
      expect(await hookText(page, 'import-error')).toMatch(message);
      expect(await longestGap(page)).toBeLessThan(FREEZE_MS);
      expect(await page.getByTestId('run-item').count()).toBe(0);
      await page.getByTestId('import-error').getByRole('button', { name: 'Dismiss' }).click();
    }
    expect(await storedMetrics(page)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows the progress of a big import, cancels it with nothing written, then imports it whole without freezing', async ({
    lab,
  }) => {
    const { page, errors, waitFor } = await lab.open({ heartbeat: true });
    await resetHeartbeat(page);
    await importFile(page, files.big);
    await waitFor(
      async () => /writing, [\d,]+ of 250,005 rows/.test(await hookText(page, 'import-progress')),
      'the import writing',
      120_000,
    );
    await page.getByTestId('import-cancel').click();
    await waitFor(async () => (await page.getByTestId('import-notice').count()) === 1, 'the cancel', 120_000);
    expect(await hookText(page, 'import-notice')).toMatch(/The import of big.zip was cancelled; nothing was written/);
    expect(await page.getByTestId('run-item').count()).toBe(0);
    expect(await storedMetrics(page)).toBe(0);
    await importFile(page, files.big);
    await waitFor(
      async () => /Imported 1 run from big.zip/.test(await hookText(page, 'import-notice').catch(() => '')),
      'the import',
      300_000,
    );
    await waitFor(async () => (await page.getByTestId('run-item').count()) === 1, 'the run listed');
    expect(await storedMetrics(page)).toBe(250_000);
    expect(await longestGap(page)).toBeLessThan(FREEZE_MS);
    expect(errors).toEqual([]);
  });
});
