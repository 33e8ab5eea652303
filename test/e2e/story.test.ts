// The story as a visitor meets it, in headless Chromium on the built app: the page opens on the flagship
// experiment's question and its kept runs (findings/runs/phases.json.gz served by a route, built from
// real kept runs), the replay moves the curves, the shading and the regime label with nothing training,
// a missing file is said plainly and "Run it yourself" still starts the experiment in one click, and a
// result link opened in a fresh browser shows the phase chart. Screenshots at 1280x800 and 390x844 go
// to test-artifacts/e2e (git-ignored); every page checked has no sideways overflow and no cut label, and on a phone Start
// and the story's heading are on the first screen. Service workers are blocked so the routes see every request.
import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { analyzePhases } from '../../src/analysis/phases';
import { getPreset } from '../../src/experiment/presets';
import { encodeResultLink } from '../../src/experiment/result-link';
import { MAIN_LINES } from '../../src/ui/run/rl-charts';
import { FLAGSHIP_ID, shortestArm, storyColumns, storyRuns } from '../../src/ui/story/story-data';
import { flagshipFile, flagshipRuns } from '../ui/story-fixtures';
import { chartPoints, it, type Lab, type LabPage, type PageOptions } from './harness';

const SHOTS = 'test-artifacts/e2e';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const preset = getPreset(FLAGSHIP_ID)!;
const FILE = Buffer.from(flagshipFile([1, 2]));
const read = storyRuns(flagshipRuns([1, 2]) as never);
if (!read.ok) throw new Error(read.error);
const runOf = (arm: string, seed = 1) => read.runs.find((r) => r.armId === arm && r.seed === seed)!;
/** Points the story chart draws for a whole kept run (from the RL start on). */
const wholePoints = (arm: string) => storyColumns(runOf(arm).rows, 240, runOf(arm).config, 0)[0].length;

beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** A new context at the lab (service workers blocked, a desktop unless told), once its story has loaded. */
async function openLab(
  lab: Lab,
  options: PageOptions & { kept?: 'fixture' | 'missing'; hash?: string } = {},
): Promise<LabPage> {
  const { kept = 'fixture', hash = '', ...contextOptions } = options;
  const lp = await lab.open({
    viewport: DESKTOP,
    serviceWorkers: 'block',
    ...contextOptions,
    at: hash,
    ready: false,
    prepare: (page) =>
      page.route(`**/findings/runs/${FLAGSHIP_ID}.json.gz`, (route) =>
        kept === 'fixture'
          ? route.fulfill({ body: FILE, contentType: 'application/gzip' })
          : route.fulfill({ status: 404, body: 'not found' }),
      ),
  });
  await lp.waitFor(
    async () =>
      ['ready', 'missing', 'error'].includes((await lp.page.getByTestId('story').getAttribute('data-status')) ?? ''),
    'the story to load',
  );
  return lp;
}

/** No sideways scrolling: the page is no wider than the viewport. */
async function expectNoOverflow(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(client);
}

/**
 * Labels cut short on the page: visible selects whose chosen option's text is wider than the box shows,
 * and visible labels, buttons, legends, headings and chart axis texts whose text overflows their own box.
 */
async function cutLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const cut: string[] = [];
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const canvas = document.createElement('canvas').getContext('2d')!;
    for (const sel of Array.from(document.querySelectorAll('select'))) {
      if (!visible(sel)) continue;
      const style = getComputedStyle(sel);
      canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const text = sel.selectedOptions[0]?.textContent ?? '';
      const room = sel.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16; // the arrow
      if (canvas.measureText(text).width > room + 1) cut.push(`select: ${text}`);
    }
    for (const el of Array.from(
      document.querySelectorAll('label, button, legend, h1, h2, h3, summary, th, .u-legend .u-label, .u-axis'),
    )) {
      if (!visible(el) || el.children.length > 0) continue;
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
        cut.push(`${el.tagName.toLowerCase()}: ${el.textContent?.trim()}`);
    }
    return cut;
  });
}

/** The element lies wholly within the first screen (the page not scrolled). */
async function onFirstScreen(page: Page, testid: string, height: number): Promise<boolean> {
  const box = await page.getByTestId(testid).boundingBox();
  return box !== null && box.y >= 0 && box.y + box.height <= height;
}

const arm = (page: Page, id: string) => page.locator(`[data-testid="story-arm"][data-arm="${id}"]`);

describe('the story', () => {
  it('opens on the flagship question with its kept runs drawn, and replays them step by step without training', async ({
    lab,
  }) => {
    const { page, errors, waitFor } = await openLab(lab);
    expect(await page.getByTestId('story').getAttribute('data-status')).toBe('ready');
    expect(await page.getByTestId('story-title').innerText()).toContain(preset.title);
    expect(await page.getByTestId('story-question').innerText()).toBe(preset.question);
    for (const id of ['many', 'few']) expect(await chartPoints(page, `story-chart-${id}`)).toBe(wholePoints(id));
    expect(await arm(page, 'few').getByTestId('story-regime').getAttribute('data-regime')).toBe(
      analyzePhases(runOf('few').rows).regime,
    );
    await expectNoOverflow(page);
    expect(await cutLabels(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/story-1280x800.png` });

    await page.getByTestId('story-play').click();
    await waitFor(
      async () => (await chartPoints(page, 'story-chart-few')) < 5,
      'the replay to go back to the RL start',
    );
    const points: number[] = [];
    const regimes: string[] = [];
    const bands: number[] = [];
    await waitFor(
      async () => {
        points.push(await chartPoints(page, 'story-chart-few'));
        const regime = (await arm(page, 'few').getByTestId('story-regime').getAttribute('data-regime')) ?? '';
        if (regimes.at(-1) !== regime) regimes.push(regime);
        bands.push(Number(await page.getByTestId('story-chart-few').getAttribute('data-bands')));
        return (await page.getByTestId('story-replay').getAttribute('data-playing')) === 'false';
      },
      'the replay to play through',
      60_000,
    );
    // It drew more points as it went, and ended on the whole run.
    expect(new Set(points).size).toBeGreaterThan(5);
    expect(points.every((n, i) => i === 0 || n >= points[i - 1]!)).toBe(true);
    expect(points.at(-1)).toBe(wholePoints('few'));
    // The label changed as the prefix grew (the kept N = 8 run: too early, then rising, then memorizing), and the shading appeared.
    expect(regimes.slice(0, 3)).toEqual(['insufficient_data', 'pre_saturation', 'memorizing']);
    expect(bands[0]).toBe(0);
    expect(bands.at(-1)).toBe(1);
    // Nothing trained.
    expect(await page.getByTestId('run-status').innerText()).toBe('idle');
    expect(await page.getByTestId('run-item').count()).toBe(0);

    await page.getByTestId('story-seed').selectOption('2');
    await waitFor(async () => (await arm(page, 'few').locator('h3').innerText()).includes('seed 2'), 'seed 2 shown');
    expect(errors).toEqual([]);
  });

  it('on a phone: Start and the story on the first screen, no sideways overflow, light and dark; All experiments and the skip link jump', async ({
    lab,
  }) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, errors, waitFor } = await openLab(lab, {
        viewport: PHONE,
        colorScheme,
        isMobile: true,
        hasTouch: true,
      });
      await waitFor(async () => (await chartPoints(page, 'story-chart-few')) > 0, 'the story drawn');
      expect(await onFirstScreen(page, 'start', PHONE.height)).toBe(true);
      expect(await onFirstScreen(page, 'story-title', PHONE.height)).toBe(true);
      await expectNoOverflow(page);
      expect(await cutLabels(page)).toEqual([]);
      await page.screenshot({ path: `${SHOTS}/story-390x844${colorScheme === 'dark' ? '-dark' : ''}.png` });
      if (colorScheme === 'dark') {
        const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
        expect(bg).toBe('rgb(21, 24, 28)');
        await page.context().close();
        continue;
      }
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
      expect(await onFirstScreen(page, 'skip-link', PHONE.height)).toBe(true); // shown once focused
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
      await page.getByTestId('story-all').click();
      await waitFor(async () => {
        const box = await page.getByTestId('preset-gallery').boundingBox();
        return box !== null && box.y >= -1 && box.y < PHONE.height / 2;
      }, 'the gallery scrolled into view');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('gallery');
      expect(await page.evaluate(() => location.hash)).toBe(''); // the hash is for links: a jump leaves it alone
      expect(await page.getByTestId('link-banner').count()).toBe(0);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });

  it('says plainly when the kept file is missing, keeps the question, and Run it yourself starts the shortest arm', async ({
    lab,
  }) => {
    const lp = await openLab(lab, { kept: 'missing' });
    const { page, errors, waitFor } = lp;
    expect(await page.getByTestId('story').getAttribute('data-status')).toBe('missing');
    expect(await page.getByTestId('story-message').innerText()).toMatch(
      /^Our runs of this experiment are not on this site yet: findings\/runs\/phases\.json\.gz is missing/,
    );
    expect(await page.getByTestId('story-question').innerText()).toBe(preset.question);
    expect(await page.getByTestId('story-replay').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/story-missing-1280x800.png` });

    const expected = shortestArm(preset, []);
    await lp.ready();
    await page.getByTestId('story-run').click();
    await waitFor(
      async () => ['queued', 'running'].includes(await page.getByTestId('run-status').innerText()),
      'the run to start',
      120_000,
    );
    expect(await page.getByTestId('cfg-data.trainSize').inputValue()).toBe(
      String((expected.changes.data as { trainSize: number }).trainSize),
    );
    expect(await page.getByTestId('story-started').innerText()).toContain(expected.label);
    expect(errors.filter((e) => !e.includes('status of 404'))).toEqual([]); // the browser logs the missing file itself
    // The cut-label check sees a cut: the backend select squeezed, a button's text forced onto one short line.
    await page.addStyleTag({
      content:
        '[data-testid="cfg-backend"] { width: 3rem !important; } [data-testid="story-run"] { width: 3rem; white-space: nowrap; overflow: hidden; }',
    });
    const cut = await cutLabels(page);
    expect(cut.some((t) => t.startsWith('select: '))).toBe(true);
    expect(cut).toContain('button: Run it yourself');
  });

  it('a result link opened in a fresh browser shows the phase chart, on a desktop and a phone', async ({ lab }) => {
    const few = read.runs.find((r) => r.armId === 'few' && r.seed === 1)!;
    const total = few.rows.at(-1)!.step;
    const hash = encodeResultLink({
      config: few.config,
      name: few.name,
      status: 'completed',
      step: total,
      totalSteps: total,
      backend: 'wasm',
      rows: few.rows,
      samples: [],
    });
    for (const [viewport, name] of [
      [DESKTOP, '1280x800'],
      [PHONE, '390x844'],
    ] as const) {
      const { page, errors, waitFor } = await openLab(lab, { viewport, hash: `#${hash}` });
      await waitFor(
        async () => (await page.getByTestId('link-banner').getAttribute('data-kind')) === 'result',
        'the result banner',
      );
      await waitFor(async () => (await chartPoints(page, 'rl-chart')) > 0, 'the phase chart');
      const chart = page.getByTestId('rl-chart');
      expect(Number(await chart.getAttribute('data-bands'))).toBe(analyzePhases(few.rows).bands.length);
      expect(await chart.getAttribute('data-markers')).toContain('→ RL');
      // One legend row per line: reward, true reward, held-out pass@1 and greedy, training prompts, OOD.
      expect(await chart.locator('.u-legend .u-series:not(.no-legend)').count()).toBe(MAIN_LINES.length + 1); // + the step row
      expect(await page.getByTestId('run-status').innerText()).toBe('idle');
      await expectNoOverflow(page);
      expect(await cutLabels(page)).toEqual([]);
      await chart.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/result-link-${name}.png` });
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });
});
