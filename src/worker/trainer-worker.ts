// The trainer's Web Worker, made in this one module: the page's bridge (client.ts) takes a new one for
// each trainer. The end-to-end build swaps this module for one whose worker adds failure hooks
// (vite.config.ts, mode e2e), so the product's trainer has none.
export function newTrainerWorker(): Worker {
  return new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module', name: 'rlvr-lab-trainer' });
}
