// Whole runs as plain bundles: read a run with everything it owns (export), write bundles in one
// transaction (import: all or nothing), and start a fork with its parent's history. No file format here
// (archive.ts), no validation of untrusted data (archive-schema.ts).
import { SERIES_STORES, type LabDb } from './db';
import { getCheckpoint, getCheckpoints, getMetrics, getRollouts, getSamples } from './series';
import { getRun, listRuns } from './runs';
import type { CheckpointRow, MetricRow, RolloutRow, RunRecord, SampleRow } from './types';

export interface RunBundle {
  run: RunRecord;
  metrics: MetricRow[];
  samples: SampleRow[];
  rollouts: RolloutRow[];
  checkpoints: CheckpointRow[];
}

export interface ImportReport {
  added: string[];
  /** Runs whose id is already in the library: left as they are (importing a file twice adds nothing). */
  skipped: string[];
}

/** The runs `ids` (all runs when absent, newest first) with their rows. Unknown ids are skipped. */
export async function collectRuns(db: LabDb, ids?: readonly string[]): Promise<RunBundle[]> {
  const runs = ids ? (await Promise.all(ids.map((id) => getRun(db, id)))).filter((r): r is RunRecord => r !== undefined) : await listRuns(db);
  return Promise.all(
    runs.map(async (run) => ({
      run,
      metrics: await getMetrics(db, run.id),
      samples: await getSamples(db, run.id),
      rollouts: await getRollouts(db, run.id),
      checkpoints: await getCheckpoints(db, run.id),
    })),
  );
}

/** Write validated bundles in one transaction: a failure part-way leaves the library as it was. */
export async function writeRuns(db: LabDb, bundles: readonly RunBundle[]): Promise<ImportReport> {
  const tx = db.transaction(['runs', ...SERIES_STORES], 'readwrite');
  const report: ImportReport = { added: [], skipped: [] };
  try {
    for (const b of bundles) {
      if ((await tx.objectStore('runs').getKey(b.run.id)) !== undefined) {
        report.skipped.push(b.run.id);
        continue;
      }
      await tx.objectStore('runs').put(b.run);
      for (const name of SERIES_STORES) for (const row of b[name]) await tx.objectStore(name).put(row as never);
      report.added.push(b.run.id);
    }
  } catch (err) {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw err;
  }
  await tx.done;
  return report;
}

/**
 * Create a fork: `child` (a new record with its parent set) gets a copy of the parent's metrics,
 * samples and rollouts up to the fork step, and of that checkpoint, so its curves start with its
 * history and it can resume before its own first checkpoint. One transaction. Returns the checkpoint.
 */
export async function createFork(db: LabDb, child: RunRecord, parentId: string, step: number): Promise<CheckpointRow> {
  const from = await getCheckpoint(db, parentId, step);
  if (!from) throw new Error(`the run has no checkpoint at step ${step}`);
  const [metrics, samples, rollouts] = await Promise.all([getMetrics(db, parentId, step), getSamples(db, parentId, step), getRollouts(db, parentId, step)]);
  const own = <T extends { runId: string }>(rows: T[]) => rows.map((r) => ({ ...r, runId: child.id }));
  const checkpoint = { ...from, runId: child.id };
  await writeRuns(db, [{ run: child, metrics: own(metrics), samples: own(samples), rollouts: own(rollouts), checkpoints: [checkpoint] }]);
  return checkpoint;
}
