// "Open our runs" as a user meets it, in headless Chromium on the built app: the gallery reads a
// findings.json (served by a route) that says which presets keep runs, shows the button only there,
// and opening a preset's kept file (served by the real preview server, which sends .gz files with
// Content-Encoding: gzip) puts its runs in the run list and on the Compare page with their curves.
// A broken file and a missing one (the server's start page) say what was wrong and add no run.
// Service workers are blocked so the routes see every request.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { getPreset } from '../../src/experiment/presets';
import { keptFileOf, keptRun } from '../store/kept-fixtures';
import { it as base, TINY_CONFIG, type Lab, type LabPage } from './harness';

const RUNS = [keptRun('scarce_data', 'n8', 1, 0.3), keptRun('scarce_data', 'n512', 1, 0.6)];

/** The fixture's kept file, in a folder of its own in the served build (never over a real findings file) while the file's tests run. */
const it = base.extend('keptDir', { scope: 'file' }, async ({ site }, { onCleanup }) => {
  const keptDir = `e2e-kept-${process.pid}`;
  mkdirSync(join(site.dir, keptDir), { recursive: true });
  onCleanup(() => rmSync(join(site.dir, keptDir), { recursive: true, force: true }));
  writeFileSync(join(site.dir, keptDir, 'scarce_data.json.gz'), keptFileOf('scarce_data', RUNS));
  return keptDir;
});

const entry = (runs?: number) => ({
  verdict: 'mixed',
  summary: 'fixture summary',
  machine: 'Fixture CPU',
  ...(runs === undefined ? {} : { runs }),
});
const FINDINGS = {
  generatedAt: '2026-12-03T00:00:00.000Z',
  // label_noise's file is broken, random_reward's missing; proxy_rewards is carried over (no kept data).
  presets: { scarce_data: entry(2), label_noise: entry(3), random_reward: entry(1), proxy_rewards: entry() },
};

async function openLab(lab: Lab, keptDir: string): Promise<LabPage> {
  return lab.open({
    serviceWorkers: 'block',
    config: { ...TINY_CONFIG, backend: 'wasm' },
    prepare: (page) =>
      Promise.all([
        page.route('**/findings/findings.json', (route) => route.fulfill({ json: FINDINGS })),
        page.route('**/findings/runs/scarce_data.json.gz', (route) =>
          route.continue({ url: `${lab.url}${keptDir}/scarce_data.json.gz` }),
        ),
        page.route('**/findings/runs/label_noise.json.gz', (route) =>
          route.fulfill({ body: 'not gzip', contentType: 'application/gzip' }),
        ),
        page.route('**/findings/runs/random_reward.json.gz', (route) =>
          route.continue({ url: `${lab.url}${keptDir}/no-such-file.json.gz` }),
        ),
      ]),
  });
}

const card = (page: Page, presetId: string) => page.locator(`[data-testid="preset-card"][data-preset="${presetId}"]`);
async function openRunsOf({ page, waitFor }: LabPage, presetId: string): Promise<string> {
  if (!(await card(page, presetId).evaluate((el) => (el as HTMLDetailsElement).open)))
    await card(page, presetId).locator('summary').click();
  await card(page, presetId).getByTestId('preset-open-runs').click();
  await waitFor(
    async () => (await card(page, presetId).getByTestId('preset-runs-message').count()) === 1,
    `the message of ${presetId}`,
  );
  return card(page, presetId).getByTestId('preset-runs-message').innerText();
}

describe('opening the runs behind a finding', () => {
  it('shows the button only where runs are kept, and opens them in the run list and on the Compare page', async ({
    lab,
    keptDir,
  }) => {
    const lp = await openLab(lab, keptDir);
    const { page, errors, waitFor } = lp;
    await waitFor(
      async () => (await page.getByTestId('preset-open-runs').count()) === 3,
      'a button on the three presets that keep runs',
    );
    expect(await card(page, 'proxy_rewards').getByTestId('preset-open-runs').count()).toBe(0);
    expect(await card(page, 'paro').getByTestId('preset-open-runs').count()).toBe(0);
    expect(await page.getByTestId('run-item').count()).toBe(0);

    expect(await openRunsOf(lp, 'scarce_data')).toBe(
      `Opened 2 runs of ${getPreset('scarce_data')!.title} from the findings.`,
    );
    const names = RUNS.map((r) => r.info.name);
    await waitFor(async () => (await page.getByTestId('run-item').count()) === 2, 'the two runs in the run list');
    const items = await page.getByTestId('run-item').allInnerTexts();
    for (const name of names) expect(items.some((t) => t.includes(name) && t.includes('completed'))).toBe(true);
    for (const r of RUNS)
      expect(
        await page
          .locator(`[data-testid="run-item"][data-run-id="${r.info.id}"]`)
          .getByTestId('compare-tick')
          .isChecked(),
      ).toBe(true);

    await waitFor(
      async () => (await page.getByTestId('compare-table').locator('tbody tr').count()) === 2,
      'both runs on the Compare page',
    );
    // The differing setting by its form label, the stored key in its tooltip.
    expect(await page.getByTestId('diff-field').allInnerTexts()).toContain('Training prompts (N)');
    expect(
      await page.getByTestId('diff-field').evaluateAll((els) => els.map((e) => e.getAttribute('title'))),
    ).toContain('data.trainSize');
    // Short legends: each run by the part of its name that differs (its arm), not the whole name.
    const legend = await page.getByTestId('compare-legend').innerText();
    expect(legend.split('\n')).toEqual(RUNS.map((r) => r.info.armId));
    // The kept metric rows drawn: reward at two RL steps, held-out accuracy at step 0, the end of SFT and the end.
    expect(Number(await page.getByTestId('compare-chart-reward').getAttribute('data-points'))).toBe(2);
    expect(Number(await page.getByTestId('compare-chart-eval_heldout/accuracy').getAttribute('data-points'))).toBe(3);

    expect(await openRunsOf(lp, 'scarce_data')).toMatch(/All of them were already in the library/);
    expect(await page.getByTestId('run-item').count()).toBe(2);
    expect(errors).toEqual([]);
  });

  it('says what is wrong with a broken or missing file and adds no run', async ({ lab, keptDir }) => {
    const lp = await openLab(lab, keptDir);
    const { page, errors } = lp;
    const broken = await openRunsOf(lp, 'label_noise');
    expect(broken).toBe(
      `The runs of ${getPreset('label_noise')!.title} could not be opened: findings/runs/label_noise.json.gz is not gzip'd JSON (it does not start with gzip's signature). Nothing was added.`,
    );
    expect(await card(page, 'label_noise').getByRole('alert').count()).toBe(1);
    const missing = await openRunsOf(lp, 'random_reward');
    expect(missing).toMatch(
      /could not be opened: findings\/runs\/random_reward\.json\.gz is missing from this site \((HTTP 404|the server sent a web page instead)\)\. Nothing was added\.$/,
    );
    expect(await page.getByTestId('run-item').count()).toBe(0);
    expect(await page.getByTestId('compare-view').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
