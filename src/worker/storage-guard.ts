// Training that survives a full disk: every storage hook of a run, wrapped so a QuotaExceededError frees
// old checkpoints and retries once; if storage is still full the run keeps training, its unsaved metric
// rows wait in memory and go first on the next write, and the user is told (once per kind).
import { isQuotaError } from '../store/db';
import type { MetricRow } from '../store/types';
import { writeOrFree } from '../store/quota';
import type { RunHooks } from '../train/run';

export interface GuardOptions {
  /** Make room (prune checkpoints); returns how many were removed. */
  free: () => Promise<number>;
  warn: (message: string) => void;
  /** A metric row that could not be stored yet: the page should still see it. */
  unsaved: (row: MetricRow) => void;
}

const FREED = (n: number) =>
  `Storage was full: ${n} older checkpoint${n === 1 ? ' was' : 's were'} deleted to keep writing metrics (every run keeps its newest checkpoint).`;
const STILL_FULL =
  'Storage is full: new metrics are kept in this tab only until space is freed. Export or delete runs you do not need; nothing already saved is lost.';

/** `hooks` with quota handling around each one (checkpoint keeps its own: a skipped checkpoint is fine; progress writes nothing). */
export function guardQuota(hooks: RunHooks, opts: GuardOptions): RunHooks {
  const told = new Set<string>();
  const tell = (key: string, message: string) => {
    if (!told.has(key)) opts.warn(message);
    told.add(key);
  };
  let unsaved: MetricRow[] = [];
  const attempt = async (write: () => Promise<void>): Promise<boolean> => {
    try {
      const out = await writeOrFree(write, opts.free);
      if (out.freed !== null) tell('freed', FREED(out.freed));
      return true;
    } catch (err) {
      if (!isQuotaError(err)) throw err;
      tell('full', STILL_FULL);
      return false;
    }
  };
  const guarded: Record<string, unknown> = {};
  for (const [key, hook] of Object.entries(hooks) as [string, (...args: unknown[]) => Promise<void>][]) {
    guarded[key] =
      key === 'checkpoint' || key === 'progress'
        ? hook
        : async (...args: unknown[]) => void (await attempt(() => hook(...args)));
  }
  guarded.metrics = async (row: MetricRow) => {
    const rows = [...unsaved, row];
    const saved = await attempt(async () => {
      for (const r of rows) await hooks.metrics(r); // in step order; a row written twice is the same row
    });
    unsaved = saved ? [] : rows;
    if (!saved) opts.unsaved(row);
  };
  return guarded as unknown as RunHooks;
}
