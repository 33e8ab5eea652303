// The run library as a user meets it, in headless Chromium on the WASM backend (fast on any machine):
// a run interrupted by a reload resumes from its checkpoint and its curve continues; a run exports to
// a file, is deleted, and imports back identical; a damaged file is refused; a fork records its lineage;
// a result link opened in a fresh browser shows the curves without training; bad links say so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import {
  chartPoints,
  contextWithConfig,
  hookText,
  launchChromium,
  serveDist,
  TINY_CONFIG,
  waitFor as waitUntil,
  watchConsole,
} from './harness';

/** SFT only (no RL stage), WASM, a checkpoint every 4 steps and a log point every 2. */
const LIB_CONFIG = {
  ...TINY_CONFIG,
  backend: 'wasm',
  sft: { ...TINY_CONFIG.sft, steps: 400, evalEvery: 200 },
  rl: { ...TINY_CONFIG.rl, steps: 0 },
};

let server: PreviewServer;
let url: string;
let browser: Browser;
let page: Page;
let errors: string[];
const dir = mkdtempSync(join(tmpdir(), 'rlvr-e2e-'));
const waitFor = (fn: () => Promise<boolean>, what: string, timeout?: number) => waitUntil(fn, what, errors, timeout);
const ready = (p: Page) =>
  waitFor(
    () => p.evaluate(() => (window as { __labReady?: boolean }).__labReady === true),
    'the lab to be ready',
    120_000,
  );
const item = (id: string) => page.locator(`[data-testid="run-item"][data-run-id="${id}"]`);
const stepOf = async () => Number((await hookText(page, 'run-step')).split('/')[0]);

beforeAll(async () => {
  ({ server, url } = await serveDist());
  browser = await launchChromium();
  page = await (await contextWithConfig(browser, LIB_CONFIG)).newPage();
  errors = watchConsole(page);
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
});

describe('the run library', () => {
  let runId = '';

  it('resumes a run interrupted by a reload from its checkpoint, and its curve continues', async () => {
    await page.goto(url);
    await ready(page);
    await page.getByTestId('start').click();
    await waitFor(async () => (await stepOf()) >= 10, 'ten steps (two checkpoints)');
    runId = (await page.getByTestId('run-item').first().getAttribute('data-run-id')) ?? '';
    await page.reload(); // the worker dies with the page, mid-run
    await ready(page);
    await waitFor(
      async () => (await item(runId).getAttribute('data-status')) === 'interrupted',
      'the run marked interrupted',
    );
    await item(runId).locator('.run-open').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 5, 'the stored curve');
    const before = await chartPoints(page, 'loss-chart');
    await page.getByTestId('resume').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'the resumed run training');
    const resumedAt = await stepOf();
    expect(resumedAt).toBeGreaterThanOrEqual(4); // from a checkpoint, not from step 0
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= before + 3, 'the curve continuing');
    expect(await page.getByTestId('run-item').count()).toBe(1); // the same run, not a new one
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'stopped');
  });

  it('exports a run, deletes it, and imports it back identical', async () => {
    await waitFor(
      async () => (await item(runId).getAttribute('data-status')) === 'stopped',
      'the list to show the stopped run',
    );
    const text = await item(runId).locator('.run-meta').innerText();
    const points = await chartPoints(page, 'loss-chart');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      item(runId).getByTestId('export-run').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^rlvr-lab-.*\.zip$/);
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    await item(runId).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await waitFor(async () => (await page.getByTestId('run-item').count()) === 0, 'the run deleted');
    await page.getByTestId('import-file').setInputFiles(file);
    await waitFor(async () => (await item(runId).count()) === 1, 'the run imported');
    expect(await hookText(page, 'import-notice')).toMatch(/Imported 1 run/);
    expect(await item(runId).locator('.run-meta').innerText()).toBe(text);
    await item(runId).locator('.run-open').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) === points, 'the same curve');
    // Importing the same file again changes nothing; a damaged copy is refused with a reason.
    const damaged = readFileSync(file);
    const mid = damaged.length >> 1;
    damaged[mid] = damaged[mid]! ^ 0xff;
    writeFileSync(join(dir, 'damaged.zip'), damaged);
    await page.getByTestId('import-file').setInputFiles(join(dir, 'damaged.zip'));
    await waitFor(async () => (await page.getByTestId('import-error').count()) === 1, 'the refusal');
    expect(await hookText(page, 'import-error')).toMatch(/damaged\.zip was not imported\. The file is damaged/);
    expect(await page.getByTestId('run-item').count()).toBe(1);
  });

  it('forks a checkpoint with changed settings into a new run that shows its lineage', async () => {
    await page.getByTestId('cfg-seed').fill('5');
    await waitFor(async () => (await page.getByTestId('fork-step').count()) === 1, 'the checkpoint list');
    const step = Number(await page.getByTestId('fork-step').inputValue());
    await page.getByTestId('fork').click();
    await waitFor(async () => (await page.getByTestId('run-item').count()) === 2, 'the fork in the list');
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'the fork training');
    expect(await stepOf()).toBeGreaterThanOrEqual(step);
    expect(await page.getByTestId('run-lineage').first().innerText()).toMatch(
      new RegExp(`forked from .* at step ${step}`),
    );
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'the fork stopped');
  });

  it('opens a result link in a fresh browser with the curves and phase summary, without training', async () => {
    await item(runId).locator('.run-open').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 5, 'the run shown');
    await page.getByTestId('share-result').click();
    const link = await page.getByTestId('share-url').inputValue();
    expect(link.startsWith(url)).toBe(true);
    expect(link.length).toBeLessThan(8192);
    const fresh = await (await browser.newContext()).newPage();
    const freshErrors = watchConsole(fresh);
    await fresh.goto(link);
    await waitUntil(
      async () => (await fresh.getByTestId('link-banner').count()) === 1,
      'the result banner',
      freshErrors,
    );
    expect(await fresh.getByTestId('link-banner').getAttribute('data-kind')).toBe('result');
    expect(await fresh.getByTestId('link-phases').innerText()).toMatch(/Phase \(mean_token_accuracy\)/);
    await waitUntil(async () => (await chartPoints(fresh, 'loss-chart')) >= 5, 'the shared curve', freshErrors);
    expect(await fresh.getByTestId('run-item').count()).toBe(0); // nothing trained, nothing stored
    expect(await fresh.getByTestId('run-status').innerText()).toBe('idle');
    expect(await fresh.getByTestId('run-shared').isEnabled()).toBe(true);
    expect(freshErrors).toEqual([]);
    await fresh.context().close();
  });

  it('refuses to resume, in a second tab, a run the first tab is training (one trainer per run)', async () => {
    await page.getByTestId('start').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'running', 'a new run training in tab A');
    const liveId =
      (await page.locator('[data-testid="run-item"][data-status="running"]').first().getAttribute('data-run-id')) ?? '';
    const tabB = await page.context().newPage();
    await tabB.goto(url);
    await ready(tabB);
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
    await ready(tabB);
    await inB.locator('.run-open').click();
    await waitUntil(() => tabB.getByTestId('resume').isEnabled(), 'Resume offered in tab B', errors);
    await tabB.getByTestId('resume').click();
    await waitUntil(
      async () =>
        /training in another tab/.test(
          await tabB
            .locator('.controls [role="alert"]')
            .innerText()
            .catch(() => ''),
        ),
      'the refusal in tab B',
      errors,
    );
    expect(await tabB.getByTestId('run-status').innerText()).toBe('idle');
    const at = await stepOf();
    await waitFor(async () => (await stepOf()) > at, 'tab A still training');
    await tabB.close();
    await page.getByTestId('stop').click();
    await waitFor(async () => (await hookText(page, 'run-status')) === 'stopped', 'stopped');
  });

  it('opens a config link ready to run, and refuses a damaged link with a message and the default lab', async () => {
    await page.getByTestId('share-config').click();
    const link = await page.getByTestId('share-url').inputValue();
    const fresh = await (await browser.newContext()).newPage();
    await fresh.goto(link);
    await waitUntil(async () => (await fresh.getByTestId('link-banner').count()) === 1, 'the config banner', []);
    expect(await fresh.getByTestId('cfg-seed').inputValue()).toBe('5');
    expect(await fresh.getByTestId('cfg-model.layers').inputValue()).toBe('1');
    await fresh.goto(`${url}#r1.${'x'.repeat(50)}`);
    await fresh.reload();
    await waitUntil(async () => (await fresh.getByTestId('link-error').count()) === 1, 'the link error', []);
    expect(await fresh.getByTestId('link-error').innerText()).toMatch(/could not be opened/);
    await ready(fresh);
    expect(await fresh.getByTestId('start').isEnabled()).toBe(true);
    await fresh.context().close();
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
