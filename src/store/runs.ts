// The runs object store: one record per run (config, status, backend, progress). Not metrics or weights.
// Reads are checked (records.ts): a damaged record is listed apart, never returned as a run.
import { SERIES_STORES, type LabDb } from './db';
import { checkRun, type DamagedRun } from './records';
import type { RunRecord, RunStatus } from './types';

/** Runs that can be resumed: stopped by the user, failed (a lost device, NaN), or left by a closed tab. */
export const RESUMABLE: readonly RunStatus[] = ['interrupted', 'failed', 'stopped'];

export async function putRun(db: LabDb, run: RunRecord): Promise<void> {
  await db.put('runs', run);
}

/** The run, checked as an import checks it; a damaged record reads as absent (readRuns lists it as damaged). */
export async function getRun(db: LabDb, id: string): Promise<RunRecord | undefined> {
  const c = checkRun(await db.get('runs', id));
  return c.ok ? c.value : undefined;
}

const newestFirst = (a: RunRecord, b: RunRecord) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Every run, newest first, and the records that failed their check (skipped, so they never hide the others). */
export async function readRuns(db: LabDb): Promise<{ runs: RunRecord[]; damaged: DamagedRun[] }> {
  const tx = db.transaction('runs');
  const [keys, records] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
  const runs: RunRecord[] = [];
  const damaged: DamagedRun[] = [];
  records.forEach((raw: unknown, i) => {
    const c = checkRun(raw);
    if (c.ok) return void runs.push(c.value);
    const name = (raw as { name?: unknown } | null)?.name;
    damaged.push({
      key: keys[i]!,
      label: typeof name === 'string' ? name.slice(0, 200) : String(keys[i]),
      problem: c.problem,
    });
  });
  return { runs: runs.sort(newestFirst), damaged };
}

/** All runs that pass their check, newest first. */
export async function listRuns(db: LabDb): Promise<RunRecord[]> {
  return (await readRuns(db)).runs;
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

/** Delete a run with its metrics, samples, rollouts and checkpoints, in one transaction (a damaged record's key may be any key). */
export async function deleteRun(db: LabDb, id: IDBValidKey): Promise<void> {
  const tx = db.transaction(['runs', ...SERIES_STORES], 'readwrite');
  const range = IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
  await Promise.all([
    tx.objectStore('runs').delete(id as string),
    ...SERIES_STORES.map((name) => tx.objectStore(name).delete(range)),
    tx.done,
  ]);
}

/** Runs left training (or paused) by a closed tab or a crash are marked interrupted; `isAlive` spares runs another tab still trains. */
export async function markInterrupted(db: LabDb, isAlive: (id: string) => boolean = () => false): Promise<string[]> {
  const ids: string[] = [];
  for (const run of await db.getAll('runs')) {
    if ((run.status === 'running' || run.status === 'paused' || run.status === 'queued') && !isAlive(run.id)) {
      ids.push(run.id);
      await db.put('runs', {
        ...run,
        status: 'interrupted',
        reason: 'the page was closed or crashed while it trained',
        updatedAt: Date.now(),
      });
    }
  }
  return ids;
}
