// Resume and fork as records: a resumable run continues from its newest checkpoint with its config; a
// fork is a new run that starts with its parent's history and checkpoint, keeps the parent's model,
// and records its lineage. Completed runs are not resumed; impossible forks name the field.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLabDb } from '../../src/store/db';
import { putRun, getRun } from '../../src/store/runs';
import { getMetrics, latestCheckpoint } from '../../src/store/step-rows';
import { writeRuns } from '../../src/store/library';
import { prepareFork, prepareResume, stepsOf } from '../../src/worker/lineage';
import { bundle, freshName, runRecord, TINY } from '../store/fixtures';

async function library() {
  const db = await openLabDb(freshName());
  await writeRuns(db, [bundle('p')]); // checkpoints at 10 and 20, metrics at 2..20
  return db;
}

describe('resume', () => {
  it('continues an interrupted run from its newest checkpoint, with its own config', async () => {
    const db = await library();
    await putRun(db, { ...(await getRun(db, 'p'))!, status: 'interrupted' });
    const p = await prepareResume(db, 'p');
    if (!p.ok) throw new Error(p.message);
    expect(p.from?.step).toBe(20);
    expect(p.record.config).toEqual(TINY);
  });

  it.each(['stopped', 'failed'] as const)('resumes a %s run', async (status) => {
    const db = await library();
    await putRun(db, { ...(await getRun(db, 'p'))!, status });
    expect((await prepareResume(db, 'p')).ok).toBe(true);
  });

  it('resumes a paused run only for a caller that says no loop holds it (a NaN pause)', async () => {
    const db = await library();
    await putRun(db, { ...(await getRun(db, 'p'))!, status: 'paused' });
    expect(await prepareResume(db, 'p')).toMatchObject({ ok: false, message: expect.stringMatching(/paused/) });
    const p = await prepareResume(db, 'p', { paused: true });
    expect(p.ok && p.from?.step).toBe(20);
  });

  it('refuses a completed run (fork it instead) and a missing one', async () => {
    const db = await library();
    await putRun(db, { ...(await getRun(db, 'p'))!, status: 'completed' });
    expect(await prepareResume(db, 'p')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/completed.*fork it/),
    });
    expect(await prepareResume(db, 'nope')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no longer in the library/),
    });
  });

  it('starts over from step 0 when no checkpoint was written yet', async () => {
    const db = await library();
    await putRun(db, runRecord('fresh', 5, 'interrupted'));
    const p = await prepareResume(db, 'fresh');
    expect(p.ok && p.from).toBeUndefined();
  });
});

describe('fork', () => {
  const changed = { ...TINY, seed: 9, sft: { ...TINY.sft, lr: 1e-3 } };

  it('creates a child with the parent history up to the step, its checkpoint and the lineage', async () => {
    const db = await library();
    const p = await prepareFork(db, 'p', 10, changed, 'child', undefined);
    if (!p.ok) throw new Error(p.message);
    const child = p.record;
    expect(child.parent).toEqual({ runId: 'p', step: 10, name: 'run p' });
    expect(child.config.seed).toBe(9);
    expect(child).toMatchObject({ status: 'queued', step: 10, totalSteps: stepsOf(child.config) });
    expect(p.from?.runId).toBe(child.id);
    expect((await getRun(db, child.id))?.parent?.runId).toBe('p');
    expect((await getMetrics(db, child.id)).map((m) => m.step)).toEqual([2, 4, 6, 8, 10]);
    expect((await latestCheckpoint(db, child.id))?.step).toBe(10);
    expect((await getMetrics(db, 'p')).length).toBe(10); // the parent is untouched
  });

  it('refuses another model, a missing checkpoint, an invalid setting and too few steps, naming the field', async () => {
    const db = await library();
    const wider = { ...changed, model: { ...TINY.model, dModel: 64 } };
    expect(await prepareFork(db, 'p', 10, wider, 'x', undefined)).toMatchObject({
      ok: false,
      field: 'model',
      message: expect.stringMatching(/keeps its parent's model \(1 layers, width 32/),
    });
    expect(await prepareFork(db, 'p', 15, changed, 'x', undefined)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no checkpoint at step 15/),
    });
    expect(await prepareFork(db, 'p', 10, { ...changed, sft: { lr: -1 } }, 'x', undefined)).toMatchObject({
      ok: false,
      field: 'sft.lr',
    });
    const short = {
      ...changed,
      ...Object.fromEntries(
        Object.entries(changed)
          .filter(([, s]) => typeof s === 'object' && s !== null && 'steps' in s)
          .map(([k, s]) => [k, { ...(s as object), steps: k === 'sft' ? 5 : 0 }]),
      ),
    };
    expect(await prepareFork(db, 'p', 10, short, 'x', undefined)).toMatchObject({
      ok: false,
      field: 'sft.steps',
      message: expect.stringMatching(/more than 10 steps in all \(it has 5\)/),
    });
  });
});
