// Metrics, samples, rollouts and checkpoints: rows keyed [runId, step], read back per run in step order.
// Checkpoint pruning lives here too (keep the newest few and every stage end). Reads are checked
// (records.ts): a damaged row is skipped and counted, never handed on.
import type { LabDb } from './db';
import { checkCheckpoint, checkMetric, checkRollout, checkRows, checkSample, type Read } from './records';
import type { CheckpointRow, MetricRow, RolloutRow, SampleRow } from './types';

const runRange = (runId: string, from = -Infinity, to = Infinity) => IDBKeyRange.bound([runId, from], [runId, to]);

/** Write a batch of metric rows in one transaction (the worker calls this once per log interval). */
export async function putMetrics(db: LabDb, rows: MetricRow[]): Promise<void> {
  const tx = db.transaction('metrics', 'readwrite');
  await Promise.all([...rows.map((r) => tx.store.put(r)), tx.done]);
}

/** A run's metric rows in step order, and how many failed their check (skipped); `upTo` keeps steps <= upTo. */
export async function readMetrics(db: LabDb, runId: string, upTo = Infinity): Promise<Read<MetricRow>> {
  return checkRows(await db.getAll('metrics', runRange(runId, -Infinity, upTo)), checkMetric);
}

/** A run's sound metric rows in step order; `upTo` keeps steps <= upTo (a fork copies its parent's history). */
export async function getMetrics(db: LabDb, runId: string, upTo = Infinity): Promise<MetricRow[]> {
  return (await readMetrics(db, runId, upTo)).rows;
}

export async function putSamples(db: LabDb, row: SampleRow): Promise<void> {
  await db.put('samples', row);
}

export async function readSamples(db: LabDb, runId: string, upTo = Infinity): Promise<Read<SampleRow>> {
  return checkRows(await db.getAll('samples', runRange(runId, -Infinity, upTo)), checkSample);
}

export async function getSamples(db: LabDb, runId: string, upTo = Infinity): Promise<SampleRow[]> {
  return (await readSamples(db, runId, upTo)).rows;
}

/** RL rollouts of one evaluation step; the writer caps `groups` (rl.rolloutsKept). */
export async function putRollouts(db: LabDb, row: RolloutRow): Promise<void> {
  await db.put('rollouts', row);
}

/** Rollout rows with their well-formed groups; `damaged` counts the groups (or whole rows) left out. */
export async function readRollouts(db: LabDb, runId: string, upTo = Infinity): Promise<Read<RolloutRow>> {
  return checkRows(await db.getAll('rollouts', runRange(runId, -Infinity, upTo)), checkRollout);
}

export async function getRollouts(db: LabDb, runId: string, upTo = Infinity): Promise<RolloutRow[]> {
  return (await readRollouts(db, runId, upTo)).rows;
}

export async function putCheckpoint(db: LabDb, row: CheckpointRow): Promise<void> {
  await db.put('checkpoints', row);
}

/** The newest sound checkpoint of a run, if any (a damaged one is passed over for the one before it). */
export async function latestCheckpoint(db: LabDb, runId: string): Promise<CheckpointRow | undefined> {
  for (
    let cursor = await db.transaction('checkpoints').store.openCursor(runRange(runId), 'prev');
    cursor;
    cursor = await cursor.continue()
  ) {
    const c = checkCheckpoint(cursor.value);
    if (c.ok) return c.value;
  }
  return undefined;
}

/** The checkpoint at `step`; a damaged one reads as absent. */
export async function getCheckpoint(db: LabDb, runId: string, step: number): Promise<CheckpointRow | undefined> {
  const c = checkCheckpoint(await db.get('checkpoints', [runId, step]));
  return c.ok ? c.value : undefined;
}

/** A run's sound checkpoints, oldest first (weights included: export reads them). */
export async function getCheckpoints(db: LabDb, runId: string): Promise<CheckpointRow[]> {
  return checkRows(await db.getAll('checkpoints', runRange(runId)), checkCheckpoint).rows;
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
