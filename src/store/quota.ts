// Full storage, handled: a write that hits QuotaExceededError frees space (old checkpoints) and is
// retried once. Metrics are never what gets deleted: only checkpoints that are neither a run's newest
// nor a stage end. Not here: telling the user (the worker emits a warning with what happened).
import { isQuotaError, type LabDb } from './db';
import { pruneCheckpoints } from './step-rows';

export interface WriteOutcome<T> {
  value: T;
  /** Checkpoints removed to make room; null when the first attempt fit. */
  freed: number | null;
}

/** Run `write`; on a quota error call `free` and try once more. A second quota error is thrown to the caller. */
export async function writeOrFree<T>(write: () => Promise<T>, free: () => Promise<number>): Promise<WriteOutcome<T>> {
  try {
    return { value: await write(), freed: null };
  } catch (err) {
    if (!isQuotaError(err)) throw err;
  }
  const freed = await free();
  return { value: await write(), freed };
}

/**
 * Make room: prune `runId` to its newest checkpoint (and stage ends), then every other run likewise.
 * Every run stays resumable from its newest checkpoint. Returns how many checkpoints were removed.
 */
export async function freeCheckpointSpace(db: LabDb, runId: string): Promise<number> {
  let removed = await pruneCheckpoints(db, runId, 1);
  for (const id of await db.getAllKeys('runs')) if (id !== runId) removed += await pruneCheckpoints(db, id, 1);
  return removed;
}
