// The run library as a user meets it, in headless Chromium on the WASM backend (fast on any machine):
// a run interrupted by a reload resumes from its checkpoint and its curve continues; a stopped run exports
// to a file, is deleted, and imports back identical; a damaged file is refused; a fork records its
// lineage; a result link opened in a fresh browser shows the curves without training; a second tab cannot
// resume a run the first one trains; bad links say so. Each test trains the runs it needs.
import { describe, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chartPoints, hookText, it, TINY_CONFIG, type Lab, type LabPage } from './harness';

/** SFT only (no RL stage), WASM, a checkpoint every 4 steps and a log point every 2. */
const LIB_CONFIG = {
  ...TINY_CONFIG,
  backend: 'wasm',
  sft: { ...TINY_CONFIG.sft, steps: 400, evalEvery: 200 },
  rl: { ...TINY_CONFIG.rl, steps: 0 },
};

const dir = mkdtempSync(join(tmpdir(), 'rlvr-e2e-'));
const item = (page: Page, id: string) => page.locator(`[data-testid="run-item"][data-run-id="${id}"]`);
const stepOf = async (page: Page) => Number((await hookText(page, 'run-step')).split('/')[0]);

const openLab = (lab: Lab) => lab.open({ config: LIB_CONFIG });

/** A fresh lab with one run trained for ten steps (two checkpoints) and stopped; the run view shows it. */
async function withStoppedRun(lab: Lab): Promise<{ lp: LabPage; runId: string }> {
  const lp = await openLab(lab);
  const { page, waitFor } = lp;
  await page.getByTestId('start').click();
  await waitFor(async () => (await stepOf(page)) >= 10, 'ten steps (two checkpoints)');
  const runId = (await page.getByTestId('run-item').first().getAttribute('data-run-id')) ?? '';
  expect(runId).not.toBe('');
  await page.getByTestId('stop').click();
  await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'stopped');
  await waitFor(
    async () => (await item(page, runId).getAttribute('data-status')) === 'stopped',
    'the list to show the stopped run',
  );
  return { lp, runId };
}

describe('the run library', () => {
  it('resumes a run interrupted by a reload from its checkpoint, and its curve continues', async ({ lab }) => {
    const lp = await openLab(lab);
    const { page, waitFor } = lp;
    await page.getByTestId('start').click();
    await waitFor(async () => (await stepOf(page)) >= 10, 'ten steps (two checkpoints)');
    const runId = (await page.getByTestId('run-item').first().getAttribute('data-run-id')) ?? '';
    await page.reload(); // the worker dies with the page, mid-run
    await lp.ready();
    await waitFor(
      async () => (await item(page, runId).getAttribute('data-status')) === 'interrupted',
      'the run marked interrupted',
    );
    await item(page, runId).locator('.run-open').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 5, 'the stored curve');
    const before = await chartPoints(page, 'loss-chart');
    await page.getByTestId('resume').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'the resumed run training');
    const resumedAt = await stepOf(page);
    expect(resumedAt).toBeGreaterThanOrEqual(4); // from a checkpoint, not from step 0
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= before + 3, 'the curve continuing');
    expect(await page.getByTestId('run-item').count()).toBe(1); // the same run, not a new one
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'stopped');
    expect(lp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('exports a run, deletes it, and imports it back identical; a damaged copy is refused', async ({ lab }) => {
    const { lp, runId } = await withStoppedRun(lab);
    const { page, waitFor } = lp;
    const text = await item(page, runId).locator('.run-meta').innerText();
    const points = await chartPoints(page, 'loss-chart');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      item(page, runId).getByTestId('export-run').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^rlvr-lab-.*\.zip$/);
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    await item(page, runId).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await waitFor(async () => (await page.getByTestId('run-item').count()) === 0, 'the run deleted');
    await page.getByTestId('import-file').setInputFiles(file);
    await waitFor(async () => (await item(page, runId).count()) === 1, 'the run imported');
    expect(await hookText(page, 'import-notice')).toMatch(/Imported 1 run/);
    expect(await item(page, runId).locator('.run-meta').innerText()).toBe(text);
    await item(page, runId).locator('.run-open').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) === points, 'the same curve');
    // A damaged copy is refused with a reason, and nothing changes.
    const damaged = readFileSync(file);
    const mid = damaged.length >> 1;
    damaged[mid] = damaged[mid]! ^ 0xff;
    writeFileSync(join(dir, 'damaged.zip'), damaged);
    await page.getByTestId('import-file').setInputFiles(join(dir, 'damaged.zip'));
    await waitFor(async () => (await page.getByTestId('import-error').count()) === 1, 'the refusal');
    expect(await hookText(page, 'import-error')).toMatch(/damaged\.zip was not imported\. The file is damaged/);
    expect(await page.getByTestId('run-item').count()).toBe(1);
    expect(lp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('forks a checkpoint with changed settings into a new run that shows its lineage', async ({ lab }) => {
    const { lp } = await withStoppedRun(lab);
    const { page, waitFor } = lp;
    await page.getByTestId('cfg-seed').fill('5');
    await waitFor(async () => (await page.getByTestId('fork-step').count()) === 1, 'the checkpoint list');
    const step = Number(await page.getByTestId('fork-step').inputValue());
    await page.getByTestId('fork').click();
    await waitFor(async () => (await page.getByTestId('run-item').count()) === 2, 'the fork in the list');
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'the fork training');
    expect(await stepOf(page)).toBeGreaterThanOrEqual(step);
    expect(await page.getByTestId('run-lineage').first().innerText()).toMatch(
      new RegExp(`forked from .* at step ${step}`),
    );
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'the fork stopped');
    expect(lp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('opens a result link in a fresh browser with the curves and phase summary, without training', async ({
    lab,
    pages,
  }) => {
    const { lp, runId } = await withStoppedRun(lab);
    const { page, waitFor } = lp;
    await item(page, runId).locator('.run-open').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 5, 'the run shown');
    await page.getByTestId('share-result').click();
    const link = await page.getByTestId('share-url').inputValue();
    expect(link.startsWith(lab.url)).toBe(true);
    expect(link.length).toBeLessThan(8192);
    const fresh = await pages.newPage();
    await fresh.page.goto(link);
    await fresh.waitFor(async () => (await fresh.page.getByTestId('link-banner').count()) === 1, 'the result banner');
    expect(await fresh.page.getByTestId('link-banner').getAttribute('data-kind')).toBe('result');
    expect(await fresh.page.getByTestId('link-phases').innerText()).toMatch(/Phase \(mean_token_accuracy\)/);
    await fresh.waitFor(async () => (await chartPoints(fresh.page, 'loss-chart')) >= 5, 'the shared curve');
    expect(await fresh.page.getByTestId('run-item').count()).toBe(0); // nothing trained, nothing stored
    expect(await fresh.page.getByTestId('run-status').innerText()).toBe('idle');
    expect(await fresh.page.getByTestId('run-shared').isEnabled()).toBe(true);
    expect(fresh.errors).toEqual([]);
    expect(lp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('refuses to resume, in a second tab, a run the first tab is training (one trainer per run)', async ({ lab }) => {
    const lp = await openLab(lab);
    const { page, waitFor } = lp;
    await page.getByTestId('start').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'a new run training in tab A');
    const liveId =
      (await page.locator('[data-testid="run-item"][data-status="running"]').first().getAttribute('data-run-id')) ?? '';
    expect(liveId).not.toBe('');
    const tabB = await page.context().newPage();
    await tabB.goto(lab.url);
    await waitFor(() => tabB.evaluate(() => window.__labReady === true), 'the lab to be ready in tab B', 120_000);
    const inB = tabB.locator(`[data-testid="run-item"][data-run-id="${liveId}"]`);
    await waitFor(
      async () => (await inB.getAttribute('data-status')) === 'running',
      'tab B to see the run as alive, not interrupted',
    );
    // As a stale copy would: tab B's record says interrupted, so B offers Resume; the run's Web Lock refuses it.
    await tabB.evaluate(
      (id) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('rlvr-lab');
          open.onsuccess = () => {
            const tx = open.result.transaction('runs', 'readwrite');
            const get = tx.objectStore('runs').get(id);
            get.onsuccess = () => tx.objectStore('runs').put({ ...get.result, status: 'interrupted' });
            tx.oncomplete = () => (open.result.close(), resolve());
            tx.onerror = () => reject(tx.error);
          };
        }),
      liveId,
    );
    await tabB.reload();
    await waitFor(
      () => tabB.evaluate(() => window.__labReady === true),
      'the lab to be ready in tab B after reload',
      120_000,
    );
    await inB.locator('.run-open').click();
    await waitFor(() => tabB.getByTestId('resume').isEnabled(), 'Resume offered in tab B');
    await tabB.getByTestId('resume').click();
    await waitFor(
      async () =>
        /training in another tab/.test(
          await tabB
            .locator('.controls [role="alert"]')
            .innerText()
            .catch(() => ''),
        ),
      'the refusal in tab B',
    );
    expect(await tabB.getByTestId('run-status').innerText()).toBe('idle');
    const at = await stepOf(page);
    await waitFor(async () => (await stepOf(page)) > at, 'tab A still training');
    await tabB.close();
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'stopped');
    expect(lp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('opens a config link ready to run, and refuses a damaged link with a message and the default lab', async ({
    lab,
    pages,
  }) => {
    const { page, waitFor, errors } = await openLab(lab);
    await page.getByTestId('cfg-seed').fill('5');
    // The form remembers a config once it is validated with its data checked: then the link carries it.
    const storedSeed = () =>
      page.evaluate(
        () => (JSON.parse(localStorage.getItem('rlvr-lab/run-config/v1') ?? 'null') as { seed?: number } | null)?.seed,
      );
    await waitFor(async () => (await storedSeed()) === 5, 'the form to hold seed 5, validated');
    await page.getByTestId('share-config').click();
    const link = await page.getByTestId('share-url').inputValue();
    const fresh = await pages.newPage();
    await fresh.page.goto(link);
    await fresh.waitFor(async () => (await fresh.page.getByTestId('link-banner').count()) === 1, 'the config banner');
    expect(await fresh.page.getByTestId('cfg-seed').inputValue()).toBe('5');
    expect(await fresh.page.getByTestId('cfg-model.layers').inputValue()).toBe('1');
    await fresh.page.goto(`${lab.url}#r1.${'x'.repeat(50)}`);
    await fresh.page.reload();
    await fresh.waitFor(async () => (await fresh.page.getByTestId('link-error').count()) === 1, 'the link error');
    expect(await fresh.page.getByTestId('link-error').innerText()).toMatch(/could not be opened/);
    await fresh.ready();
    expect(await fresh.page.getByTestId('start').isEnabled()).toBe(true);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
