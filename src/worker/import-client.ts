// The page's side of the import worker: one worker per file, terminated when it answers. Cancel before the
// worker writes ends it at once (it has only read and checked); once it writes (the worker waits for the
// page to hear "write" first), Cancel asks it to stop between two transactions and delete what it wrote.
import * as Comlink from 'comlink';
import type { ImportApi, ImportOutcome, ImportProgress } from './import.worker';

export type { ImportOutcome, ImportProgress };

export interface ImportJob {
  done: Promise<ImportOutcome>;
  cancel(): void;
}

/** Import `file` in a worker; `onProgress` hears each step. A worker that fails to load rejects `done`. */
export function importInWorker(file: File, onProgress: (p: ImportProgress) => void): ImportJob {
  const worker = new Worker(new URL('./import.worker.ts', import.meta.url), { type: 'module', name: 'rlvr-import' });
  const api = Comlink.wrap<ImportApi>(worker);
  let writing = false;
  let stop: (outcome: ImportOutcome) => void = () => undefined;
  const stopped = new Promise<ImportOutcome>((resolve, reject) => {
    stop = resolve;
    worker.addEventListener('error', (e) => reject(new Error(e.message || 'the import worker failed to load')));
  });
  const heard = (p: ImportProgress) => {
    writing ||= p.phase === 'write';
    onProgress(p);
  };
  const done = Promise.race([api.importFile(file, Comlink.proxy(heard)), stopped]).finally(() => {
    api[Comlink.releaseProxy]();
    worker.terminate();
  });
  const cancel = () => (writing ? void api.cancel() : stop({ ok: false, cancelled: true }));
  return { done, cancel };
}
