// The IndexedDB schema of the lab: one version number, and every migration in order, in this file.
// It opens and upgrades the database; reading and writing records is in one module per object store.
// Two tabs: a tab holding an older version closes its connection when another tab upgrades (blocking).
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { RunRecord, MetricRow, SampleRow, CheckpointRow, RolloutRow } from './types';

export const DB_NAME = 'rlvr-lab';
export const DB_VERSION = 2;

export interface LabSchema extends DBSchema {
  runs: { key: string; value: RunRecord; indexes: { byCreated: number } };
  metrics: { key: [string, number]; value: MetricRow; indexes: { byRun: string } };
  samples: { key: [string, number]; value: SampleRow; indexes: { byRun: string } };
  checkpoints: { key: [string, number]; value: CheckpointRow; indexes: { byRun: string } };
  rollouts: { key: [string, number]; value: RolloutRow; indexes: { byRun: string } };
}

export type LabDb = IDBPDatabase<LabSchema>;
type UpgradeTx = IDBPTransaction<LabSchema, StoreNames<LabSchema>[], 'versionchange'>;

/** Every object store of the current schema (export, import and delete walk these). */
export const STORE_NAMES = ['runs', 'metrics', 'samples', 'checkpoints', 'rollouts'] as const;
/** The stores keyed [runId, step] with a byRun index. */
export const SERIES_STORES = ['metrics', 'samples', 'checkpoints', 'rollouts'] as const;

function seriesStore(db: LabDb, name: (typeof SERIES_STORES)[number]): void {
  const store = db.createObjectStore(name, { keyPath: ['runId', 'step'] });
  store.createIndex('byRun', 'runId');
}

/** Migrations by target version: MIGRATIONS[v] upgrades a database at version v-1 to v. Never edit a shipped one. */
const MIGRATIONS: Record<number, (db: LabDb, tx: UpgradeTx) => void> = {
  1: (db) => {
    const runs = db.createObjectStore('runs', { keyPath: 'id' });
    runs.createIndex('byCreated', 'createdAt');
    for (const name of ['metrics', 'samples', 'checkpoints'] as const) seriesStore(db, name);
  },
  // v2: RL rollouts (a capped sample per evaluation, written by the GRPO stage). Runs gain an optional
  // `parent` (fork lineage); no rewrite needed, an absent parent means "not forked".
  2: (db) => seriesStore(db, 'rollouts'),
};

export interface OpenHandlers {
  /** Another tab wants a newer schema: this connection is already closed; reopen on next use. */
  onVersionChange?: () => void;
  /** Our upgrade waits for another tab that keeps an old connection open. */
  onBlocked?: () => void;
}

/** The user-facing message when this page's code is older than the database another tab upgraded. */
export const NEWER_DB_MESSAGE =
  'The run library was upgraded by a newer version of RLVR Lab in another tab. Reload this page to use it.';

/**
 * Open (and migrate) the lab database. `name` and `version` are for tests (a database at an older
 * schema); a function as `handlers` is the version-change callback alone.
 */
export async function openLabDb(
  name = DB_NAME,
  handlers: OpenHandlers | (() => void) = {},
  version = DB_VERSION,
): Promise<LabDb> {
  const h: OpenHandlers = typeof handlers === 'function' ? { onVersionChange: handlers } : handlers;
  try {
    const db: LabDb = await openDB<LabSchema>(name, version, {
      upgrade(up, oldVersion, newVersion, tx) {
        for (let v = oldVersion + 1; v <= (newVersion ?? version); v++) MIGRATIONS[v]?.(up, tx);
      },
      blocked: () => h.onBlocked?.(),
      blocking() {
        // Let the other tab upgrade now; our owner reopens (at its own version) on its next call.
        db.close();
        h.onVersionChange?.();
      },
    });
    return db;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'VersionError') throw new Error(NEWER_DB_MESSAGE);
    throw err;
  }
}

/** True when an error is the browser saying storage is full. */
export function isQuotaError(err: unknown): boolean {
  return err instanceof DOMException && (err.name === 'QuotaExceededError' || err.code === 22);
}
