// The runs object store: one record per run (config, status, backend, progress). Not metrics or weights.
import { SERIES_STORES, type LabDb } from './db';
import type { RunRecord, RunStatus } from './types';

/** Runs that can be resumed: stopped by the user, failed (a lost device, NaN), or left by a closed tab. */
export const RESUMABLE: readonly RunStatus[] = ['interrupted', 'failed', 'stopped'];

export async function putRun(db: LabDb, run: RunRecord): Promise<void> {
  await db.put('runs', run);
}

export async function getRun(db: LabDb, id: string): Promise<RunRecord | undefined> {
  return db.get('runs', id);
}

/** All runs, newest first. */
export async function listRuns(db: LabDb): Promise<RunRecord[]> {
  const runs = await db.getAllFromIndex('runs', 'byCreated');
  return runs.reverse();
}

/** Merge a change into a stored run, stamping updatedAt. Returns the new record. */
export async function patchRun(db: LabDb, id: string, change: Partial<RunRecord>): Promise<RunRecord> {
  const tx = db.transaction('runs', 'readwrite');
  const run = await tx.store.get(id);
  if (!run) throw new Error(`run ${id} is not in the library`);
  const next = { ...run, ...change, updatedAt: Date.now() };
  await tx.store.put(next);
  await tx.done;
  return next;
}

/** Delete a run with its metrics, samples, rollouts and checkpoints, in one transaction. */
export async function deleteRun(db: LabDb, id: string): Promise<void> {
  const tx = db.transaction(['runs', ...SERIES_STORES], 'readwrite');
  const range = IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
  await Promise.all([tx.objectStore('runs').delete(id), ...SERIES_STORES.map((name) => tx.objectStore(name).delete(range)), tx.done]);
}

/** Runs left training (or paused) by a closed tab or a crash are marked interrupted; `isAlive` spares runs another tab still trains. */
export async function markInterrupted(db: LabDb, isAlive: (id: string) => boolean = () => false): Promise<string[]> {
  const ids: string[] = [];
  for (const run of await db.getAll('runs')) {
    if ((run.status === 'running' || run.status === 'paused' || run.status === 'queued') && !isAlive(run.id)) {
      ids.push(run.id);
      await db.put('runs', { ...run, status: 'interrupted', reason: 'the page was closed or crashed while it trained', updatedAt: Date.now() });
    }
  }
  return ids;
}
