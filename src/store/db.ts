// The IndexedDB schema of the lab: one version number, and every migration in order, in this file.
// It opens and upgrades the database; reading and writing records is in one module per object store.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunRecord, MetricRow, SampleRow, CheckpointRow } from './types';

export const DB_NAME = 'rlvr-lab';
export const DB_VERSION = 1;

export interface LabSchema extends DBSchema {
  runs: { key: string; value: RunRecord; indexes: { byCreated: number } };
  metrics: { key: [string, number]; value: MetricRow; indexes: { byRun: string } };
  samples: { key: [string, number]; value: SampleRow; indexes: { byRun: string } };
  checkpoints: { key: [string, number]; value: CheckpointRow; indexes: { byRun: string } };
}

export type LabDb = IDBPDatabase<LabSchema>;

/** Migrations by target version: MIGRATIONS[v] upgrades a database at version v-1 to v. */
const MIGRATIONS: Record<number, (db: IDBPDatabase<LabSchema>) => void> = {
  1: (db) => {
    const runs = db.createObjectStore('runs', { keyPath: 'id' });
    runs.createIndex('byCreated', 'createdAt');
    for (const name of ['metrics', 'samples', 'checkpoints'] as const) {
      const store = db.createObjectStore(name, { keyPath: ['runId', 'step'] });
      store.createIndex('byRun', 'runId');
    }
  },
};

/** Open (and migrate) the lab database. `name` is for tests; `onBlocked` fires when another tab holds an old version. */
export function openLabDb(name = DB_NAME, onVersionChange?: () => void): Promise<LabDb> {
  return openDB<LabSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion, newVersion) {
      for (let v = oldVersion + 1; v <= (newVersion ?? DB_VERSION); v++) MIGRATIONS[v]?.(db);
    },
    blocking() {
      // Another tab wants a newer schema: let it, and let our owner reopen later.
      onVersionChange?.();
    },
  });
}

/** True when an error is the browser saying storage is full. */
export function isQuotaError(err: unknown): boolean {
  return err instanceof DOMException && (err.name === 'QuotaExceededError' || err.code === 22);
}
