// The page's side of the TRL export worker: one worker per export, terminated when it answers, fails or
// is aborted. The UI calls buildTrlExportInWorker; only the API type comes from the worker module.
import * as Comlink from 'comlink';
import type { TrlExport } from '../export/trl/bundle';
import type { TrlExportApi } from './trl-export.worker';

/** The TRL export zip of a config (a stored run's when `stored`), built in a worker. Rejects on abort. */
export async function buildTrlExportInWorker(
  config: unknown,
  name: string,
  stored: boolean,
  signal?: AbortSignal,
): Promise<TrlExport> {
  const worker = new Worker(new URL('./trl-export.worker.ts', import.meta.url), {
    type: 'module',
    name: 'rlvr-trl-export',
  });
  const api = Comlink.wrap<TrlExportApi>(worker);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(e.message || 'the export worker failed to load')));
    if (signal?.aborted) reject(new DOMException('The export was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => reject(new DOMException('The export was cancelled.', 'AbortError')));
  });
  try {
    return await Promise.race([api.build(config, name, stored), failed]);
  } finally {
    api[Comlink.releaseProxy]();
    worker.terminate();
  }
}
