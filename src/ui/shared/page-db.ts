// The page's own read connection to the lab database (the worker writes; the page lists and reads).
// One shared promise; dropped when another tab upgrades the schema or when opening fails, so the next call retries.
import { openLabDb, type LabDb } from '../../store/db';

let pending: Promise<LabDb> | null = null;

export function pageDb(): Promise<LabDb> {
  if (!pending) {
    const opening = openLabDb(undefined, () => {
      void opening.then((db) => db.close());
      if (pending === opening) pending = null;
    });
    opening.catch(() => {
      if (pending === opening) pending = null;
    });
    pending = opening;
  }
  return pending;
}
