// The page's side of the data-check worker: one worker per check, terminated when it answers, fails or is
// aborted (a newer edit, or Cancel). The form's state calls checkDataInWorker; only types come from the worker.
import * as Comlink from 'comlink';
import type { DataConfig, TrainItem } from '../tasks/dataset';
import type { DataCheckApi, DataCheckResult, DataProgress } from './data-check.worker';

export type { DataCheckResult, DataProgress };

export interface DataCheckHandlers {
  onProgress(p: DataProgress): void;
  onExamples(items: TrainItem[]): void;
}

/** Build and measure the dataset of (data, seed) in a worker. Rejects with an AbortError on abort. */
export async function checkDataInWorker(
  data: DataConfig,
  seed: number,
  handlers: DataCheckHandlers,
  signal: AbortSignal,
): Promise<DataCheckResult> {
  const worker = new Worker(new URL('./data-check.worker.ts', import.meta.url), {
    type: 'module',
    name: 'rlvr-data-check',
  });
  const api = Comlink.wrap<DataCheckApi>(worker);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(e.message || 'the data check worker failed to load')));
    const abort = () => reject(new DOMException('The data check was cancelled.', 'AbortError'));
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort);
  });
  try {
    return await Promise.race([
      api.check(data, seed, Comlink.proxy(handlers.onProgress), Comlink.proxy(handlers.onExamples)),
      failed,
    ]);
  } finally {
    api[Comlink.releaseProxy]();
    worker.terminate();
  }
}
