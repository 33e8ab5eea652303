// Whole runs as plain bundles: read a run with everything it owns (export), write bundles all or nothing
// (import: the rows in bounded transactions, the run records last), and start a fork with its parent's
// history. No file format here (archive.ts), no validation of untrusted data (archive-schema.ts).
import { SERIES_STORES, type LabDb } from './db';
import { getCheckpoint, getCheckpoints, getMetrics, getRollouts, getSamples } from './step-rows';
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
  const runs = ids
    ? (await Promise.all(ids.map((id) => getRun(db, id)))).filter((r): r is RunRecord => r !== undefined)
    : await listRuns(db);
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

export interface WriteOptions {
  /** Rows written of all rows, before the first chunk and after each (awaited: a slow listener slows the writes). */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  /** Checked between chunks: an abort deletes what was written and rejects with the signal's reason. */
  signal?: AbortSignal;
}

type SeriesStore = (typeof SERIES_STORES)[number];
/** Rows of one store, written in one transaction. */
interface Chunk {
  store: SeriesStore;
  rows: object[];
}

const CHUNK_ROWS = 2000; // a transaction of small rows (metrics, samples, rollouts)
const CHUNK_BYTES = 64 * 2 ** 20; // a transaction of checkpoints: their tensors' bytes
const tensorBytes = (c: CheckpointRow) =>
  [...Object.values(c.weights), ...Object.values(c.optimizer)].reduce((n, t) => n + t.data.byteLength, 0);

/** The bundles' rows in chunks of one store each, bounded in rows and in checkpoint bytes. */
function chunksOf(bundles: readonly RunBundle[]): Chunk[] {
  const chunks: Chunk[] = [];
  for (const store of SERIES_STORES) {
    let chunk: Chunk = { store, rows: [] };
    let bytes = 0;
    for (const row of bundles.flatMap((b) => b[store] as object[])) {
      const size = store === 'checkpoints' ? tensorBytes(row as CheckpointRow) : 0;
      if (chunk.rows.length >= CHUNK_ROWS || (chunk.rows.length > 0 && bytes + size > CHUNK_BYTES)) {
        chunks.push(chunk);
        chunk = { store, rows: [] };
        bytes = 0;
      }
      chunk.rows.push(row);
      bytes += size;
    }
    if (chunk.rows.length > 0) chunks.push(chunk);
  }
  return chunks;
}

/** Rows into one store in one transaction, every put issued at once (the transaction keeps their order). */
async function putAll(db: LabDb, store: SeriesStore | 'runs', rows: readonly object[]): Promise<void> {
  const tx = db.transaction(store, 'readwrite');
  try {
    for (const row of rows) tx.store.put(row as never).catch(() => undefined); // a failed put aborts the transaction: tx.done says why
    await tx.done;
  } catch (err) {
    try {
      tx.abort(); // a put that threw before its request existed (an invalid key) leaves the transaction open
    } catch {
      // it had already aborted: a failed request or a full disk
    }
    await tx.done.catch(() => undefined);
    throw err;
  }
}

/** Delete every row of the runs `ids` (rows an earlier, cut-off write left behind, or this one's on failure). */
async function clearRows(db: LabDb, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const tx = db.transaction([...SERIES_STORES], 'readwrite');
  for (const store of SERIES_STORES)
    for (const id of ids) void tx.objectStore(store).delete(IDBKeyRange.bound([id, -Infinity], [id, Infinity]));
  await tx.done;
}

/**
 * Write validated bundles, all or nothing. Runs whose id the library holds are skipped. The rows go in
 * chunks (one transaction per store chunk), then every run record in one last transaction: until that
 * commits no run shows, and a failure or an abort before it deletes the rows written so far.
 */
export async function writeRuns(
  db: LabDb,
  bundles: readonly RunBundle[],
  options: WriteOptions = {},
): Promise<ImportReport> {
  const report: ImportReport = { added: [], skipped: [] };
  const fresh: RunBundle[] = [];
  for (const b of bundles) {
    const held = (await db.getKey('runs', b.run.id)) !== undefined;
    (held ? report.skipped : report.added).push(b.run.id);
    if (!held) fresh.push(b);
  }
  const chunks = chunksOf(fresh);
  const total = chunks.reduce((n, c) => n + c.rows.length, 0);
  let done = 0;
  try {
    await options.onProgress?.(0, total);
    await clearRows(db, report.added);
    for (const chunk of chunks) {
      options.signal?.throwIfAborted();
      await putAll(db, chunk.store, chunk.rows);
      done += chunk.rows.length;
      await options.onProgress?.(done, total);
    }
    options.signal?.throwIfAborted();
    await putAll(
      db,
      'runs',
      fresh.map((b) => b.run),
    );
  } catch (err) {
    await clearRows(db, report.added).catch(() => undefined); // the library as it was; the error says why
    throw err;
  }
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
  const [metrics, samples, rollouts] = await Promise.all([
    getMetrics(db, parentId, step),
    getSamples(db, parentId, step),
    getRollouts(db, parentId, step),
  ]);
  const own = <T extends { runId: string }>(rows: T[]) => rows.map((r) => ({ ...r, runId: child.id }));
  const checkpoint = { ...from, runId: child.id };
  await writeRuns(db, [
    { run: child, metrics: own(metrics), samples: own(samples), rollouts: own(rollouts), checkpoints: [checkpoint] },
  ]);
  return checkpoint;
}
