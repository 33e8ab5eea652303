// Full storage, simulated: a write that hits QuotaExceededError prunes old checkpoints and is retried
// once; metrics already written are never touched, and every run keeps its newest checkpoint.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { isQuotaError, openLabDb } from '../../src/store/db';
import { freeCheckpointSpace, writeOrFree } from '../../src/store/quota';
import { putRun } from '../../src/store/runs';
import { checkpointSteps, getMetrics, putCheckpoint, putMetrics } from '../../src/store/step-rows';
import { checkpoint, freshName, quotaDb, quotaError, runRecord } from './fixtures';

const row = (runId: string, step: number) => ({ runId, step, stage: 'sft', time: step, values: { loss: 1 / step } });

async function libraryWithCheckpoints() {
  const db = await openLabDb(freshName());
  for (const id of ['r', 'other']) {
    await putRun(db, runRecord(id, 1));
    for (const [step, stage] of [
      [10, 'cpt'],
      [20, 'sft'],
      [30, 'sft'],
      [40, 'sft'],
    ] as const)
      await putCheckpoint(db, checkpoint(id, step, stage));
  }
  await putMetrics(db, [row('r', 10), row('r', 20)]);
  return db;
}

describe('quota errors', () => {
  it('recognises the DOMException browsers throw when storage is full', () => {
    expect(isQuotaError(quotaError())).toBe(true);
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isQuotaError(new Error('QuotaExceededError'))).toBe(false);
  });

  it('frees checkpoints and retries a metrics write once; earlier metrics and newest checkpoints stay', async () => {
    const db = await libraryWithCheckpoints();
    const full = quotaDb(db, 'metrics', () => 1); // the first write fails, the retry fits
    const out = await writeOrFree(
      () => putMetrics(full, [row('r', 30)]),
      () => freeCheckpointSpace(db, 'r'),
    );
    expect(full.failed).toBe(1);
    expect(out.freed).toBe(4); // 20 and 30 of each run; 10 is a stage end (cpt -> sft), 40 the newest
    expect(await checkpointSteps(db, 'r')).toEqual([10, 40]);
    expect(await checkpointSteps(db, 'other')).toEqual([10, 40]);
    expect((await getMetrics(db, 'r')).map((m) => m.step)).toEqual([10, 20, 30]);
  });

  it('does not free anything when the write fits', async () => {
    const db = await libraryWithCheckpoints();
    const out = await writeOrFree(
      () => putMetrics(db, [row('r', 30)]),
      () => freeCheckpointSpace(db, 'r'),
    );
    expect(out.freed).toBeNull();
    expect(await checkpointSteps(db, 'r')).toEqual([10, 20, 30, 40]);
  });

  it('throws the quota error when even the retry does not fit, losing no metric already written', async () => {
    const db = await libraryWithCheckpoints();
    const full = quotaDb(db, 'metrics', () => Infinity);
    await expect(
      writeOrFree(
        () => putMetrics(full, [row('r', 30)]),
        () => freeCheckpointSpace(db, 'r'),
      ),
    ).rejects.toSatisfy(isQuotaError);
    expect(full.failed).toBe(2);
    expect((await getMetrics(db, 'r')).map((m) => m.step)).toEqual([10, 20]);
  });

  it('passes other errors through without freeing anything', async () => {
    let freed = false;
    const failing = () => Promise.reject(new TypeError('bad row'));
    await expect(writeOrFree(failing, async () => ((freed = true), 0))).rejects.toThrow('bad row');
    expect(freed).toBe(false);
  });
});
