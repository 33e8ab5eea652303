// The end-to-end build's src/worker/trainer-worker.ts (swapped in by vite.config.ts in mode e2e): each
// trainer is the e2e worker (worker/lab.worker.ts), and window.__labTest calls the failure hooks of the
// newest one.
import * as Comlink from 'comlink';
import type { LabTestHooks } from '../worker/lab.worker';

declare global {
  interface Window {
    /** The e2e build's failure hooks on the current trainer (never in the product build). */
    __labTest?: { [K in keyof LabTestHooks]: () => Promise<ReturnType<LabTestHooks[K]>> };
  }
}

export function newTrainerWorker(): Worker {
  const worker = new Worker(new URL('../worker/lab.worker.ts', import.meta.url), {
    type: 'module',
    name: 'rlvr-lab-trainer',
  });
  const hooks = Comlink.wrap<LabTestHooks>(worker);
  window.__labTest = {
    simulateDeviceLoss: () => hooks.simulateDeviceLoss(),
    simulateNanLoss: () => hooks.simulateNanLoss(),
  };
  return worker;
}
