// The page's side of the worker: one bridge object owns the Worker's lifecycle and the comlink proxy.
// The UI calls it through one-line methods; only the API *type* comes from the worker module. It also
// watches the worker: a Web Lock the worker holds for its life tells at once that it is gone (closed,
// crashed), a heartbeat tells that it has stopped answering, and a lost worker's calls reject.
import * as Comlink from 'comlink';
import type { LabApi } from './trainer';
import { newTrainerWorker } from './trainer-worker';
import type { LabEvent, StartResult } from './events';
import type { BackendReport } from '../store/types';
import { Heartbeat } from './heartbeat';

/** A ping every 5 s; a minute unanswered is far past any step or evaluation between two turns of the worker's event loop. */
const HEARTBEAT = { everyMs: 5_000, silentMs: 60_000 };
/** Stop answers as soon as the worker reads it (it takes effect between two steps): 15 s unanswered means the worker is stuck. */
export const STOP_ANSWER_MS = 15_000;

export interface BridgeHandlers {
  /** The worker failed to load, threw an uncaught error, or sent an unreadable message. */
  error: (message: string) => void;
  /** The worker is gone (its life lock was released): its calls reject, and it will send nothing more. */
  lost: () => void;
  /** The worker has not answered a ping for `ms`; `answered` follows if it answers after all. */
  silent: (ms: number) => void;
  answered: () => void;
}

export class TrainerLost extends Error {
  constructor() {
    super('the trainer is gone (its worker exited)');
  }
}

export class LabBridge {
  private worker: Worker;
  private api: Comlink.Remote<LabApi>;
  private heartbeat: Heartbeat;
  private disposed = false;
  private lose: () => void = () => undefined;
  /** Rejects when the worker is gone: every call races it, so none waits forever on a dead worker. */
  private readonly gone: Promise<never>;

  constructor(
    private readonly onEvent: (e: LabEvent) => void,
    private readonly handlers: BridgeHandlers,
  ) {
    this.worker = newTrainerWorker();
    this.worker.addEventListener('error', (e) => handlers.error(e.message || 'the trainer worker failed to load'));
    this.worker.addEventListener('messageerror', () => handlers.error('a message from the trainer could not be read'));
    this.api = Comlink.wrap<LabApi>(this.worker);
    this.gone = new Promise<never>((_, reject) => (this.lose = () => reject(new TrainerLost())));
    this.gone.catch(() => undefined); // a rejection nobody awaits is not an error
    this.heartbeat = new Heartbeat(() => this.api.ping(), {
      ...HEARTBEAT,
      onSilent: handlers.silent,
      onAnswer: handlers.answered,
    });
    this.heartbeat.start();
    void this.watchLife();
  }

  /** Ask the worker to hold a lock for its life, then queue for it: the browser grants it to us when the worker is gone. */
  private async watchLife(): Promise<void> {
    if (!navigator.locks) return; // the heartbeat alone tells
    const name = `rlvr-trainer:${crypto.randomUUID()}`;
    if (!(await this.call(this.api.holdLife(name)).catch(() => false))) return;
    await navigator.locks.request(name, () => {
      if (this.disposed) return;
      this.lose();
      this.heartbeat.stop();
      this.handlers.lost();
    });
  }

  private call<T>(pending: Promise<T>): Promise<T> {
    return Promise.race([pending, this.gone]);
  }

  backend(choice: Parameters<LabApi['backend']>[0] = 'auto'): Promise<BackendReport> {
    return this.call(this.api.backend(choice));
  }
  start(config: unknown, name: string): Promise<StartResult> {
    return this.call<StartResult>(this.api.start(config, name, Comlink.proxy(this.onEvent)));
  }
  /** Resume a stored run from its newest checkpoint (refused while another tab trains it). */
  resumeRun(runId: string): Promise<StartResult> {
    return this.call<StartResult>(this.api.resumeRun(runId, Comlink.proxy(this.onEvent)));
  }
  /** Fork a run's checkpoint at `step` into a new run with `config`. */
  forkRun(runId: string, step: number, config: unknown, name: string): Promise<StartResult> {
    return this.call<StartResult>(this.api.forkRun(runId, step, config, name, Comlink.proxy(this.onEvent)));
  }
  pause = () => this.call(this.api.pause());
  resume = () => this.call(this.api.resume());
  /** Ask the run to stop; false when the worker did not answer within `answerMs` (it is stuck or gone). */
  stop = (answerMs = STOP_ANSWER_MS): Promise<boolean> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), answerMs)));
    const answered = this.call(this.api.stop()).then(
      () => true,
      (err: unknown) => {
        if (err instanceof TrainerLost) return false;
        throw err;
      },
    );
    return Promise.race([answered, late]).finally(() => clearTimeout(timer));
  };
  stepN = (n: number) => this.call(this.api.stepN(n));
  current = () => this.call(this.api.current());
  sweepInterrupted = () => this.call(this.api.sweepInterrupted());

  /** End the worker (a stuck one too); what it held (its locks, its open transactions) is released. */
  dispose(): void {
    this.disposed = true;
    this.heartbeat.stop();
    this.lose();
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }
}
