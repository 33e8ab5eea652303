// StoryState against a stubbed fetch (the flagship's kept file built from real kept runs), a faked clock
// and requestAnimationFrame: loading, the seeds, the replay's prefix analysis (the regime changing as it
// goes, the analysis run only when a new row is reached), play / pause / stop / seek, reduced motion,
// a missing or broken file, and "Run it yourself".
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as phases from '../../src/analysis/phases';
import { armConfig, getPreset } from '../../src/experiment/presets';
import { REPLAY_MS, StoryState, type StoryTargets } from '../../src/ui/story/story.svelte';
import { FLAGSHIP_ID } from '../../src/ui/story/story-data';
import { flagshipFile, flagshipRuns } from './story-fixtures';

// The real analysis, counted.
const calls = vi.hoisted(() => ({ n: 0 }));
vi.mock('../../src/analysis/phases', async (original) => {
  const mod = await original<typeof import('../../src/analysis/phases')>();
  return {
    ...mod,
    analyzePhases: (...args: Parameters<typeof mod.analyzePhases>) => (calls.n++, mod.analyzePhases(...args)),
  };
});

const BASE = 'https://example.org/lab/';
const FRAME_MS = 16;
let served: () => Response;
const fetched: string[] = [];
let reduced = false;

beforeEach(() => {
  vi.stubGlobal('document', { baseURI: BASE });
  vi.stubGlobal('fetch', async (url: string) => (fetched.push(url), served()));
  vi.stubGlobal('matchMedia', (q: string) => ({
    matches: q.includes('reduced-motion') && reduced,
    addEventListener: () => {},
    removeEventListener: () => {},
  }));
  // Node has no animation frames: stub them so the fake clock can take them over.
  vi.stubGlobal('requestAnimationFrame', () => 0);
  vi.stubGlobal('cancelAnimationFrame', () => undefined);
  vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
  served = () => new Response(flagshipFile() as BodyInit, { headers: { 'content-type': 'application/gzip' } });
  fetched.length = 0;
  reduced = false;
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function targets() {
  const config = {
    draft: { backend: 'auto' as const },
    load: vi.fn(),
    validateNow: vi.fn(() => null as never),
    showError: vi.fn(),
    notice: null as string | null,
  };
  const lab = {
    start: vi.fn(async () => null as { field: string; message: string } | null),
    forkRun: vi.fn(async () => null as { field: string; message: string } | null),
  };
  return { config, lab } satisfies StoryTargets;
}

async function loaded(t = targets()) {
  const story = new StoryState(t);
  await story.init();
  return story;
}

const kept = flagshipRuns();
const rowsOf = (arm: string, seed: number) => kept.find((r) => r.info.armId === arm && r.info.seed === seed)!.metrics;
const few = (s: StoryState) => s.arms.find((a) => a.arm.id === 'few')!;

describe('StoryState: loading', () => {
  it("fetches the flagship's kept file under the page's base and shows seed 1 of each arm, whole", async () => {
    const story = await loaded();
    expect(fetched).toEqual([`${BASE}findings/runs/${FLAGSHIP_ID}.json.gz`]);
    expect(story.status).toBe('ready');
    expect(story.message).toBeNull();
    expect(story.seeds).toEqual([1, 2]);
    expect(story.seed).toBe(1);
    expect(story.window).toEqual({ from: 240, to: 390 });
    expect(story.arms.map((a) => [a.arm.id, a.run?.seed, a.shownRows])).toEqual([
      ['many', 1, rowsOf('many', 1).length],
      ['few', 1, rowsOf('few', 1).length],
      ['quick', undefined, 0], // an arm without kept runs: its chart says so
    ]);
    expect(few(story).summary).toEqual(phases.analyzePhases(rowsOf('few', 1)));
    expect(few(story).summary!.regime).toBe('pre_saturation');
    expect(few(story).columns[0].at(-1)).toBe(390);
  });

  it('switches seeds (an unknown seed is ignored)', async () => {
    const story = await loaded();
    story.setSeed(2);
    expect(story.arms.map((a) => a.run?.name)).toEqual(['phases · many · seed 2', 'phases · few · seed 2', undefined]);
    expect(few(story).summary).toEqual(phases.analyzePhases(rowsOf('few', 2)));
    story.setSeed(7);
    expect(story.seed).toBe(2);
  });

  it('says plainly when the file is missing, and has nothing to replay', async () => {
    for (const response of [
      () => new Response('gone', { status: 404 }),
      () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }),
    ]) {
      served = response;
      const story = await loaded();
      expect(story.status).toBe('missing');
      expect(story.message).toMatch(
        /^Our runs of this experiment are not on this site yet: findings\/runs\/phases\.json\.gz is missing from this site \(.+\)\. There is nothing to replay; press "Run it yourself"/,
      );
      expect(story.window).toBeNull();
      expect(story.arms.every((a) => a.run === null && a.summary === null)).toBe(true);
      story.play();
      expect(story.playing).toBe(false);
    }
  });

  it('says what is wrong with a broken file, or a body that breaks off', async () => {
    served = () => new Response('not gzip');
    const story = await loaded();
    expect(story.status).toBe('error');
    expect(story.message).toBe(
      `Our runs of this experiment could not be shown: findings/runs/phases.json.gz is not gzip'd JSON (it does not start with gzip's signature). Press "Run it yourself" to train it here.`,
    );
    const broken = new ReadableStream({ pull: (c) => c.error(new TypeError('network error')) });
    served = () => new Response(broken);
    const cut = await loaded();
    expect(cut.status).toBe('error');
    expect(cut.message).toBe(
      `Our runs of this experiment could not be shown: findings/runs/phases.json.gz could not be read (network error). Press "Run it yourself" to train it here.`,
    );
  });
});

describe('StoryState: the replay', () => {
  it('analyses each prefix: the label goes from too early to pre-saturation to memorizing and back, with the shading', async () => {
    const story = await loaded();
    story.play();
    expect(story.cursor).toBe(240);
    const labels: string[] = [];
    const bands: number[] = [];
    while (story.playing) {
      vi.advanceTimersByTime(FRAME_MS);
      const f = few(story);
      if (labels.at(-1) !== f.summary!.regime) labels.push(f.summary!.regime);
      bands.push(f.summary!.bands.length);
      // The view is the analysis of exactly the rows up to the shown step.
      expect(f.shownRows).toBe(rowsOf('few', 1).filter((r) => r.step <= story.at).length);
    }
    // The kept N = 8 run, seed 1: rise at step 275, held-out below its band at 345-355, back within it at 360.
    expect(labels).toEqual(['insufficient_data', 'pre_saturation', 'memorizing', 'pre_saturation']);
    expect(bands[0]).toBe(0);
    expect(bands.at(-1)).toBe(1);
    expect(story.cursor).toBeNull(); // ended: the whole run again
  });

  it('runs the analysis only when the replay reaches a new row, not on every frame', async () => {
    const story = await loaded();
    void story.arms;
    calls.n = 0;
    story.play();
    let frames = 0;
    while (story.playing) {
      vi.advanceTimersByTime(FRAME_MS);
      void story.arms; // what the charts read each frame
      frames++;
    }
    const logged = new Set([...rowsOf('many', 1), ...rowsOf('few', 1)].filter((r) => r.step >= 240).map((r) => r.step))
      .size;
    expect(frames).toBeGreaterThan(REPLAY_MS / FRAME_MS - 2);
    expect(calls.n).toBeLessThanOrEqual(2 * (logged + 1)); // two arms, once per step reached (and once at the end)
  });

  it('plays in REPLAY_MS, pauses where it is, resumes from there, and Stop goes back to the whole run', async () => {
    const story = await loaded();
    story.play();
    vi.advanceTimersByTime(REPLAY_MS / 2);
    story.pause();
    const half = story.cursor!;
    expect(Math.abs(half - 315)).toBeLessThan(1); // halfway through steps 240-390
    expect(story.playing).toBe(false);
    vi.advanceTimersByTime(5_000);
    expect(story.cursor).toBe(half);
    story.play();
    vi.advanceTimersByTime(REPLAY_MS / 2 - 200);
    expect(story.playing).toBe(true);
    vi.advanceTimersByTime(400);
    expect(story.playing).toBe(false);
    expect(story.cursor).toBeNull();

    story.play();
    vi.advanceTimersByTime(3_000);
    story.stop();
    expect([story.playing, story.cursor, story.at]).toEqual([false, null, 390]);
    vi.advanceTimersByTime(REPLAY_MS);
    expect(story.cursor).toBeNull();
    expect(few(story).shownRows).toBe(rowsOf('few', 1).length);
  });

  it('seeks with the slider: the shown step snaps to the last logged one, and the end is the whole run', async () => {
    const story = await loaded();
    story.seek(302);
    expect(story.at).toBe(300);
    expect(few(story).summary).toEqual(phases.analyzePhases(rowsOf('few', 1).filter((r) => r.step <= 300)));
    expect(few(story).columns[0].at(-1)).toBe(300);
    story.seek(100);
    expect(story.at).toBe(240);
    story.seek(390);
    expect(story.cursor).toBeNull();
  });

  it('offers only the slider when the user prefers reduced motion', async () => {
    reduced = true;
    const story = await loaded();
    expect(story.reducedMotion).toBe(true);
    story.play();
    vi.advanceTimersByTime(1_000);
    expect([story.playing, story.cursor]).toEqual([false, null]);
    story.seek(300);
    expect(story.at).toBe(300);
  });
});

describe('StoryState: Run it yourself', () => {
  const preset = getPreset(FLAGSHIP_ID)!;

  it('loads the shortest arm at seed 1 into the form and starts it from step 0 when the page has no SFT model to offer', async () => {
    const t = targets();
    const arm = preset.arms.find((a) => a.id === 'quick')!; // the fewest steps
    t.config.validateNow.mockReturnValue(armConfig(preset, arm, 1) as never);
    const story = await loaded(t);
    expect(story.runArm.id).toBe(arm.id);
    await story.runYourself();
    expect(t.config.load).toHaveBeenCalledWith(armConfig(preset, arm, 1));
    expect(t.lab.start).toHaveBeenCalledWith(
      armConfig(preset, arm, 1),
      `${preset.title.split(':')[0]} · ${arm.label} · seed 1`,
    );
    expect(t.config.notice).toBe(`Loaded from the story: "${preset.title}", arm "${arm.label}", seed 1.`);
    expect(story.started).toBe(`${preset.title.split(':')[0]} · ${arm.label} · seed 1`);
  });

  it('forks our SFT model at its boundary when the site has it, so only RL trains; says why when it cannot', async () => {
    const arm = preset.arms.find((a) => a.id === 'quick')!;
    const cfg = armConfig(preset, arm, 1);
    const name = `${preset.title.split(':')[0]} · ${arm.label} · seed 1`;
    const t = {
      ...targets(),
      base: vi.fn(async () => ({ ok: true as const, runId: 'lab-phases-base-s1', step: 360, imported: true })),
    };
    t.config.validateNow.mockReturnValue(cfg as never);
    const story = await loaded(t);
    await story.runYourself();
    expect(t.base).toHaveBeenCalledWith('phases', 1);
    expect(t.lab.forkRun).toHaveBeenCalledWith('lab-phases-base-s1', 360, cfg, name);
    expect(t.lab.start).not.toHaveBeenCalled();
    expect(t.config.notice).toBe(
      `Loaded from the story: "${preset.title}", arm "${arm.label}", seed 1; RL starts from our SFT model (step 360), in your runs library.`,
    );
    expect(story.started).toBe(name);
    expect(story.starting).toBe(false);

    const u = {
      ...targets(),
      base: vi.fn(async () => ({ ok: false as const, why: 'findings/runs/phases-base.zip is missing (HTTP 404)' })),
    };
    u.config.validateNow.mockReturnValue(cfg as never);
    const again = await loaded(u);
    await again.runYourself();
    expect(u.lab.forkRun).not.toHaveBeenCalled();
    expect(u.lab.start).toHaveBeenCalledWith(cfg, name);
    expect(u.config.notice).toBe(
      `Loaded from the story: "${preset.title}", arm "${arm.label}", seed 1; our SFT model could not be used (findings/runs/phases-base.zip is missing (HTTP 404)), so SFT trains here first.`,
    );
  });

  it('works without kept runs, and shows a refused config in the form', async () => {
    served = () => new Response('gone', { status: 404 });
    const t = targets();
    const cfg = armConfig(
      preset,
      preset.arms.find((a) => a.id === 'quick')!,
      1,
    );
    t.config.validateNow.mockReturnValue(cfg as never);
    t.lab.start.mockResolvedValue({ field: 'model.dModel', message: 'too big' });
    const story = await loaded(t);
    await story.runYourself();
    expect(t.config.load).toHaveBeenCalledWith(cfg);
    expect(t.config.showError).toHaveBeenCalledWith({ field: 'model.dModel', message: 'too big' });
    expect(story.started).toBeNull();
  });

  it('does not start an invalid config', async () => {
    const t = targets();
    const story = await loaded(t);
    await story.runYourself();
    expect(t.config.load).toHaveBeenCalledTimes(1);
    expect(t.lab.start).not.toHaveBeenCalled();
  });
});
