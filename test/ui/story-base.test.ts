// The SFT model "Run it yourself" starts from: `npm run story-base` turns an SFT-only run of the arm into
// the arm's own run stopped at the SFT -> RL boundary (and refuses any other run); the page imports that
// file once into the library, finds it there the next time, and says why when the file is missing,
// damaged, too large or lost its checkpoint.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { storyBaseBundle } from '../../src/cli/story-base';
import { totalSteps, type RunConfig } from '../../src/experiment/run-config';
import { storyBaseId } from '../../src/experiment/story-base';
import { packArchive } from '../../src/store/archive';
import { openLabDb } from '../../src/store/db';
import { writeRuns } from '../../src/store/library';
import { getRun } from '../../src/store/runs';
import { getCheckpoints, getMetrics } from '../../src/store/step-rows';
import { loadStoryBase, STORY_BASE_MAX_BYTES } from '../../src/ui/story/story-base';
import { bundle, checkpoint, freshName, TINY } from '../store/fixtures';

const ARM_CONFIG: RunConfig = { ...TINY, sft: { ...TINY.sft, steps: 20 }, rl: { ...TINY.rl, steps: 12 } };
const arm = { presetId: 'phases', name: 'The phases · quick · seed 1', seed: 1, config: ARM_CONFIG };
const BOUNDARY = 20;

/** What `npm run lab --patch '{"rl":{"steps":0}}'` leaves: the arm's config without RL steps, completed at the SFT end. */
function sftOnlyRun() {
  const b = bundle('lab-run');
  const config = { ...ARM_CONFIG, rl: { ...ARM_CONFIG.rl, steps: 0 } };
  return {
    ...b,
    run: { ...b.run, config, status: 'completed' as const, step: BOUNDARY, totalSteps: BOUNDARY },
    checkpoints: [checkpoint('lab-run', 10, 'sft', config), checkpoint('lab-run', BOUNDARY, 'sft', config)],
  };
}

const served =
  (bytes: Uint8Array, headers: Record<string, string> = {}) =>
  async () =>
    new Response(bytes as BodyInit, { headers });

describe('npm run story-base', () => {
  it("makes the arm's own run, stopped at the SFT -> RL boundary, with SFT's history and only that checkpoint", () => {
    const out = storyBaseBundle(sftOnlyRun(), arm);
    expect(out.run).toMatchObject({
      id: storyBaseId('phases', 1),
      name: 'The phases · quick · SFT model · seed 1',
      status: 'stopped',
      step: BOUNDARY,
      stage: 'sft',
      totalSteps: totalSteps(ARM_CONFIG),
    });
    expect(out.run.config).toEqual(ARM_CONFIG);
    expect(out.checkpoints.map((c) => [c.runId, c.step])).toEqual([[out.run.id, BOUNDARY]]);
    expect(out.metrics.length).toBeGreaterThan(0);
    expect(out.metrics.every((m) => m.runId === out.run.id && m.step <= BOUNDARY)).toBe(true);
  });

  it('refuses a run trained with other settings, one not completed, and one without the boundary checkpoint', () => {
    const run = sftOnlyRun();
    expect(() => storyBaseBundle({ ...run, run: { ...run.run, config: ARM_CONFIG } }, arm)).toThrow(
      /not The phases · quick · seed 1's with rl.steps 0/,
    );
    expect(() => storyBaseBundle({ ...run, run: { ...run.run, status: 'stopped' } }, arm)).toThrow(
      /stopped, not completed/,
    );
    expect(() => storyBaseBundle({ ...run, checkpoints: run.checkpoints.slice(0, 1) }, arm)).toThrow(
      /no checkpoint at the end of SFT \(step 20\)/,
    );
  });
});

describe('loadStoryBase', () => {
  const file = () => packArchive([storyBaseBundle(sftOnlyRun(), arm)]);

  it('imports the file once, then finds the run in the library without fetching', async () => {
    const db = await openLabDb(freshName());
    let fetched = 0;
    const fetchFile = async (path: string) => {
      fetched++;
      expect(path).toBe('findings/runs/phases-base.zip');
      return served(file())();
    };
    expect(await loadStoryBase(db, 'phases', 1, fetchFile)).toEqual({
      ok: true,
      runId: storyBaseId('phases', 1),
      step: BOUNDARY,
      imported: true,
    });
    expect((await getRun(db, storyBaseId('phases', 1)))?.status).toBe('stopped');
    expect((await getCheckpoints(db, storyBaseId('phases', 1))).map((c) => c.step)).toEqual([BOUNDARY]);
    expect((await getMetrics(db, storyBaseId('phases', 1))).length).toBeGreaterThan(0);
    expect(await loadStoryBase(db, 'phases', 1, fetchFile)).toEqual({
      ok: true,
      runId: storyBaseId('phases', 1),
      step: BOUNDARY,
      imported: false,
    });
    expect(fetched).toBe(1);
  });

  it('says why when the file is missing, damaged, too large, for another seed, or the stored run lost its checkpoint', async () => {
    const db = await openLabDb(freshName());
    expect(await loadStoryBase(db, 'phases', 1, async () => new Response('not found', { status: 404 }))).toEqual({
      ok: false,
      why: 'findings/runs/phases-base.zip is missing (HTTP 404)',
    });
    expect(await loadStoryBase(db, 'phases', 1, async () => Promise.reject(new TypeError('Failed to fetch')))).toEqual({
      ok: false,
      why: 'findings/runs/phases-base.zip could not be fetched (Failed to fetch)',
    });
    const damaged = await loadStoryBase(db, 'phases', 1, served(file().slice(0, 200)));
    expect(damaged.ok ? '' : damaged.why).toMatch(/^findings\/runs\/phases-base\.zip could not be read: /);
    const large = await loadStoryBase(
      db,
      'phases',
      1,
      served(new Uint8Array(8), { 'content-length': String(STORY_BASE_MAX_BYTES + 1) }),
    );
    expect(large.ok ? '' : large.why).toMatch(/more than the \d+ an SFT model of this size takes/);
    expect(await loadStoryBase(db, 'phases', 2, served(file()))).toEqual({
      ok: false,
      why: 'findings/runs/phases-base.zip holds no SFT model for seed 2',
    });
    expect(await getRun(db, storyBaseId('phases', 1))).toBeUndefined(); // nothing was written by any of these

    const noCheckpoint = storyBaseBundle(sftOnlyRun(), arm);
    await writeRuns(db, [{ ...noCheckpoint, checkpoints: [] }]);
    expect(await loadStoryBase(db, 'phases', 1, served(file()))).toEqual({
      ok: false,
      why: '"The phases · quick · SFT model · seed 1" in your library no longer has its checkpoint at step 20',
    });
  });
});
