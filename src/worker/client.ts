// The page's side of the worker: one bridge object owns the Worker's lifecycle and the comlink proxy.
// The UI calls it through one-line methods; only the API *type* comes from the worker module.
import * as Comlink from 'comlink';
import type { LabApi } from './lab.worker';
import type { LabEvent, StartResult } from './events';
import type { BackendReport } from '../store/types';

export class LabBridge {
  private worker: Worker;
  private api: Comlink.Remote<LabApi>;

  /** `onError` hears about a worker that failed to load or crashed (its pending calls never answer). */
  constructor(
    private readonly onEvent: (e: LabEvent) => void,
    onError: (message: string) => void = () => undefined,
  ) {
    this.worker = new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module', name: 'rlvr-lab-trainer' });
    this.worker.addEventListener('error', (e) => onError(e.message || 'the trainer worker failed to load'));
    this.worker.addEventListener('messageerror', () => onError('a message from the trainer could not be read'));
    this.api = Comlink.wrap<LabApi>(this.worker);
  }

  backend(choice: Parameters<LabApi['backend']>[0] = 'auto'): Promise<BackendReport> {
    return this.api.backend(choice);
  }
  start(config: unknown, name: string): Promise<StartResult> {
    return this.api.start(config, name, Comlink.proxy(this.onEvent));
  }
  /** Resume a stored run from its newest checkpoint (refused while another tab trains it). */
  resumeRun(runId: string): Promise<StartResult> {
    return this.api.resumeRun(runId, Comlink.proxy(this.onEvent));
  }
  /** Fork a run's checkpoint at `step` into a new run with `config`. */
  forkRun(runId: string, step: number, config: unknown, name: string): Promise<StartResult> {
    return this.api.forkRun(runId, step, config, name, Comlink.proxy(this.onEvent));
  }
  pause = () => this.api.pause();
  resume = () => this.api.resume();
  stop = () => this.api.stop();
  stepN = (n: number) => this.api.stepN(n);
  current = () => this.api.current();
  sweepInterrupted = () => this.api.sweepInterrupted();
  /** Test hook: destroy the WebGPU device, as a driver reset would. */
  simulateDeviceLoss = () => this.api.simulateDeviceLoss();
  simulateNanLoss = () => this.api.simulateNanLoss();

  dispose(): void {
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }
}
