// Metrics, samples and checkpoints: rows keyed [runId, step], read back per run in step order.
import type { LabDb } from './db';
import type { CheckpointRow, MetricRow, SampleRow } from './types';

const runRange = (runId: string) => IDBKeyRange.bound([runId, -Infinity], [runId, Infinity]);

/** Write a batch of metric rows in one transaction (the worker calls this once per log interval). */
export async function putMetrics(db: LabDb, rows: MetricRow[]): Promise<void> {
  const tx = db.transaction('metrics', 'readwrite');
  await Promise.all([...rows.map((r) => tx.store.put(r)), tx.done]);
}

export async function getMetrics(db: LabDb, runId: string): Promise<MetricRow[]> {
  return db.getAll('metrics', runRange(runId));
}

export async function putSamples(db: LabDb, row: SampleRow): Promise<void> {
  await db.put('samples', row);
}

export async function getSamples(db: LabDb, runId: string): Promise<SampleRow[]> {
  return db.getAll('samples', runRange(runId));
}

export async function putCheckpoint(db: LabDb, row: CheckpointRow): Promise<void> {
  await db.put('checkpoints', row);
}

/** The newest checkpoint of a run, if any. */
export async function latestCheckpoint(db: LabDb, runId: string): Promise<CheckpointRow | undefined> {
  const cursor = await db.transaction('checkpoints').store.openCursor(runRange(runId), 'prev');
  return cursor?.value;
}

/** Keep the newest `keep` checkpoints of a run (and every one whose stage differs from its successor's: stage ends). */
export async function pruneCheckpoints(db: LabDb, runId: string, keep: number): Promise<number> {
  const keys = await db.getAllKeys('checkpoints', runRange(runId));
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
