import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLabDb, DB_VERSION } from '../../src/store/db';
import { deleteRun, getRun, listRuns, markInterrupted, patchRun, putRun } from '../../src/store/runs';
import {
  getMetrics,
  latestCheckpoint,
  putCheckpoint,
  putMetrics,
  pruneCheckpoints,
  getSamples,
  putSamples,
} from '../../src/store/step-rows';
import type { CheckpointRow, RunRecord } from '../../src/store/types';
import { DEFAULT_RUN_CONFIG } from '../../src/experiment/run-config';

let dbCount = 0;
const freshDb = () => openLabDb(`test-${++dbCount}`);
const run = (id: string, createdAt: number, status: RunRecord['status'] = 'running'): RunRecord => ({
  id,
  name: id,
  config: DEFAULT_RUN_CONFIG,
  status,
  createdAt,
  updatedAt: createdAt,
  step: 0,
  totalSteps: 10,
  stage: 'sft',
});
const ckpt = (runId: string, step: number, stage = 'sft'): CheckpointRow => ({
  runId,
  step,
  stage,
  time: step,
  weights: { w: { shape: [2], data: new Float32Array([step, step]).buffer } },
  optimizer: {},
  state: { step },
});

describe('store', () => {
  it('opens at the current schema version with every object store', async () => {
    const db = await freshDb();
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['checkpoints', 'metrics', 'rollouts', 'runs', 'samples']);
  });

  it('lists runs newest first and patches them', async () => {
    const db = await freshDb();
    await putRun(db, run('a', 1));
    await putRun(db, run('b', 2));
    expect((await listRuns(db)).map((r) => r.id)).toEqual(['b', 'a']);
    const patched = await patchRun(db, 'a', { status: 'completed', step: 10 });
    expect(patched.status).toBe('completed');
    expect((await getRun(db, 'a'))?.step).toBe(10);
    await expect(patchRun(db, 'zzz', { step: 1 })).rejects.toThrow(/not in the library/);
  });

  it('keeps metrics per run in step order and deletes a run with everything it owns', async () => {
    const db = await freshDb();
    await putRun(db, run('a', 1));
    await putRun(db, run('b', 2));
    await putMetrics(
      db,
      [20, 10, 30].map((step) => ({ runId: 'a', step, stage: 'sft', time: 0, values: { loss: step } })),
    );
    await putMetrics(db, [{ runId: 'b', step: 5, stage: 'sft', time: 0, values: { loss: 1 } }]);
    await putSamples(db, { runId: 'a', step: 10, items: [] });
    await putCheckpoint(db, ckpt('a', 10));
    expect((await getMetrics(db, 'a')).map((m) => m.step)).toEqual([10, 20, 30]);
    await deleteRun(db, 'a');
    expect(await getRun(db, 'a')).toBeUndefined();
    expect(await getMetrics(db, 'a')).toEqual([]);
    expect(await getSamples(db, 'a')).toEqual([]);
    expect(await latestCheckpoint(db, 'a')).toBeUndefined();
    expect(await getMetrics(db, 'b')).toHaveLength(1);
  });

  it('prunes old checkpoints but keeps the newest ones and every stage end', async () => {
    const db = await freshDb();
    for (const [step, stage] of [
      [10, 'cpt'],
      [20, 'sft'],
      [30, 'sft'],
      [40, 'sft'],
      [50, 'sft'],
      [60, 'sft'],
    ] as const)
      await putCheckpoint(db, ckpt('r', step, stage));
    const removed = await pruneCheckpoints(db, 'r', 2);
    expect(removed).toBe(3);
    const left = await db.getAllKeys('checkpoints');
    expect(left.map((k) => k[1])).toEqual([10, 50, 60]);
    expect((await latestCheckpoint(db, 'r'))?.step).toBe(60);
  });

  it('marks runs left training by a closed tab as interrupted, sparing live ones', async () => {
    const db = await freshDb();
    await putRun(db, run('dead', 1, 'running'));
    await putRun(db, run('live', 2, 'running'));
    await putRun(db, run('done', 3, 'completed'));
    const ids = await markInterrupted(db, (id) => id === 'live');
    expect(ids).toEqual(['dead']);
    expect((await getRun(db, 'dead'))?.status).toBe('interrupted');
    expect((await getRun(db, 'live'))?.status).toBe('running');
    expect((await getRun(db, 'done'))?.status).toBe('completed');
  });
});
