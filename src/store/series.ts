// Metrics, samples, rollouts and checkpoints: rows keyed [runId, step], read back per run in step order.
// Checkpoint pruning lives here too (keep the newest few and every stage end).
import type { LabDb } from './db';
import type { CheckpointRow, MetricRow, RolloutRow, SampleRow } from './types';

const runRange = (runId: string, from = -Infinity, to = Infinity) => IDBKeyRange.bound([runId, from], [runId, to]);

/** Write a batch of metric rows in one transaction (the worker calls this once per log interval). */
export async function putMetrics(db: LabDb, rows: MetricRow[]): Promise<void> {
  const tx = db.transaction('metrics', 'readwrite');
  await Promise.all([...rows.map((r) => tx.store.put(r)), tx.done]);
}

/** A run's metric rows in step order; `upTo` keeps steps <= upTo (a fork copies its parent's history). */
export async function getMetrics(db: LabDb, runId: string, upTo = Infinity): Promise<MetricRow[]> {
  return db.getAll('metrics', runRange(runId, -Infinity, upTo));
}

export async function putSamples(db: LabDb, row: SampleRow): Promise<void> {
  await db.put('samples', row);
}

export async function getSamples(db: LabDb, runId: string, upTo = Infinity): Promise<SampleRow[]> {
  return db.getAll('samples', runRange(runId, -Infinity, upTo));
}

/** RL rollouts of one evaluation step; the writer caps `groups` (rl.rolloutsKept). */
export async function putRollouts(db: LabDb, row: RolloutRow): Promise<void> {
  await db.put('rollouts', row);
}

export async function getRollouts(db: LabDb, runId: string, upTo = Infinity): Promise<RolloutRow[]> {
  return db.getAll('rollouts', runRange(runId, -Infinity, upTo));
}

export async function putCheckpoint(db: LabDb, row: CheckpointRow): Promise<void> {
  await db.put('checkpoints', row);
}

/** The newest checkpoint of a run, if any. */
export async function latestCheckpoint(db: LabDb, runId: string): Promise<CheckpointRow | undefined> {
  const cursor = await db.transaction('checkpoints').store.openCursor(runRange(runId), 'prev');
  return cursor?.value;
}

export async function getCheckpoint(db: LabDb, runId: string, step: number): Promise<CheckpointRow | undefined> {
  return db.get('checkpoints', [runId, step]);
}

/** The steps a run has checkpoints at, oldest first (keys only: no weights are read). */
export async function checkpointSteps(db: LabDb, runId: string): Promise<number[]> {
  return (await db.getAllKeys('checkpoints', runRange(runId))).map((k) => k[1]);
}

/** Keep the newest `keep` checkpoints of a run (and every one whose stage differs from its successor's: stage ends). */
export async function pruneCheckpoints(db: LabDb, runId: string, keep: number): Promise<number> {
  const keys = await db.getAllKeys('checkpoints', runRange(runId));
  if (keys.length <= keep) return 0; // nothing to prune: do not read the weights
  const rows = await Promise.all(keys.map((k) => db.get('checkpoints', k)));
  let removed = 0;
  for (let i = 0; i < keys.length - keep; i++) {
    const stageEnd = rows[i] && rows[i + 1] && rows[i]!.stage !== rows[i + 1]!.stage;
    if (stageEnd) continue;
    await db.delete('checkpoints', keys[i]!);
    removed++;
  }
  return removed;
}
