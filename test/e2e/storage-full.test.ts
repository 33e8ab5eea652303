// A full disk while training, made by shrinking the origin's quota to 1 byte through the DevTools
// protocol (and waiting until a write is refused): training goes on, the repeated storage warnings collapse into one with a count, and Stop or
// the run's end still reach the page, so the status leaves "running" and Start works again.
import { describe, expect } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { chartPoints, hookText, it, TINY_CONFIG, type LabPage } from './harness';

/** Set (or with no size, lift) the storage quota of the page's origin; the override lasts while its session stays attached. */
async function quota(page: Page, quotaSize?: number): Promise<void> {
  sessions.set(page, sessions.get(page) ?? (await page.context().newCDPSession(page)));
  await sessions.get(page)!.send('Storage.overrideQuotaForOrigin', {
    origin: new URL(page.url()).origin,
    ...(quotaSize === undefined ? {} : { quotaSize }),
  });
}
const sessions = new Map<Page, CDPSession>();

/** True when a small IndexedDB write from the page is refused as over quota. */
function writeRefused(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('e2e-quota-probe', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('probe');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const refused = await new Promise<boolean>((resolve) => {
      const tx = db.transaction('probe', 'readwrite');
      tx.objectStore('probe').put(new Uint8Array(1024), 'x');
      tx.oncomplete = () => resolve(false);
      tx.onabort = () => resolve(tx.error?.name === 'QuotaExceededError');
    });
    db.close();
    return refused;
  });
}

/** Fill the disk: Chromium keeps an origin's free space cached for up to 30 s, so wait until a write is refused. */
async function fillDisk({ page, waitFor }: LabPage): Promise<void> {
  await quota(page, 1);
  await waitFor(() => writeRefused(page), 'storage to be full', 90_000);
}

const warningCount = async (page: Page) =>
  Number((await page.getByTestId('warning').first().getAttribute('data-count')) ?? '0');

describe('storage full while training', () => {
  it('keeps one counted warning, and Stop and the run end leave the status and enable Start', async ({ lab }) => {
    // SFT only (an RL step is far slower), long enough to be still training when stopped.
    const config = {
      ...TINY_CONFIG,
      backend: 'wasm',
      sft: { ...TINY_CONFIG.sft, steps: 20_000 },
      rl: { ...TINY_CONFIG.rl, steps: 0 },
    };
    const lp = await lab.open({ config });
    const { page, waitFor } = lp;
    const status = () => hookText(page, 'run-status');

    // A long run, stopped while the disk is full.
    await page.getByTestId('start').click();
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) >= 2, 'two loss points');
    await fillDisk(lp);
    await waitFor(async () => (await warningCount(page)) >= 2, 'a storage warning repeated', 120_000);
    expect(await page.getByTestId('warning').count()).toBe(1);
    expect(await hookText(page, 'warning')).toMatch(/^Storage is full.*\(\d+ warnings like this\)/s);
    const points = await chartPoints(page, 'loss-chart');
    await waitFor(async () => (await chartPoints(page, 'loss-chart')) > points, 'training to go on', 120_000);
    await page.getByTestId('stop').click();
    await waitFor(async () => (await status()) === 'stopped', 'stopped with the disk full', 60_000);
    expect(await page.getByTestId('start').isEnabled()).toBe(true);

    // A shorter run, paused, resumed and ended while the disk is full (Start itself needs room for the run's record).
    await quota(page);
    await page.getByTestId('cfg-sft.steps').fill('400');
    await page.getByTestId('cfg-sft.steps').blur();
    await waitFor(() => page.getByTestId('start').isEnabled(), 'Start to accept 400 steps', 60_000);
    await page.getByTestId('start').click();
    await waitFor(async () => (await status()) === 'running', 'the shorter run running', 120_000);
    await page.getByTestId('pause').click();
    await waitFor(async () => (await status()) === 'paused', 'the shorter run paused', 60_000);
    await fillDisk(lp);
    await page.getByTestId('resume').click();
    await waitFor(async () => (await status()) === 'running', 'resumed with the disk full', 60_000);
    await waitFor(
      async () => (await page.getByTestId('warning').count()) === 2,
      "the shorter run's own storage warning",
      120_000,
    );
    await waitFor(async () => (await status()) === 'completed', 'completed with the disk full', 240_000);
    expect(await hookText(page, 'run-step')).toBe('400 / 400');
    expect(await page.getByTestId('start').isEnabled()).toBe(true);
    // The stopped run's record could not be written; the list shows what this tab was told.
    await waitFor(
      async () => (await page.locator('[data-testid="run-item"][data-status="stopped"]').count()) === 1,
      'the first run listed as stopped',
      60_000,
    );
    expect(await page.locator('[data-testid="run-item"][data-status="running"]').count()).toBe(0);
    await quota(page);
  });
});
