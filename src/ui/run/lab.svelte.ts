// The page's side of training: owns the one LabBridge, routes worker events to the live run, the view
// and the run list, and keeps the backend report for the badge. A trainer that is gone or stuck is
// replaced by a new one, its run marked interrupted (or stopped, on Stop). Not the config (ConfigState).
import { totalSteps, type RunConfig } from '../../experiment/run-config';
import type { BackendReport, MetricRow, RunStatus } from '../../store/types';
import { LabBridge, STOP_ANSWER_MS } from '../../worker/client';
import { patchRun } from '../../store/runs';
import { pageDb } from '../shared/page-db';
import { noteStatus } from './reported-status';
import type { LabEvent, StartResult, WarningKind } from '../../worker/events';
import type { RunProgress } from '../../analysis/eta';
import type { RunsState } from '../library/runs.svelte';
import type { ViewState } from './view.svelte';
import { errorMessage } from '../../util/errors';

const SLOW_TRAINER_MS = 30_000; // first load fetches tfjs and compiles shaders; past this something is wrong

const SLOW_START =
  'The trainer has not started the run after 30 s: it may still be preparing its backend, or it failed to load it.';

const SILENT =
  'The trainer has not answered for a minute: it may be stuck. Stop ends it; the run keeps what it saved and can be resumed.';
/** Why the page ended a trainer, as the run's reason and as the message. */
const ENDED = {
  lost: {
    reason: 'the trainer stopped unexpectedly (its worker exited)',
    run: 'The trainer stopped unexpectedly (its worker exited), so the run was marked interrupted. A new trainer is ready: Resume continues the run from its newest checkpoint, Start begins a new one.',
    idle: 'The trainer stopped unexpectedly (its worker exited); a new one was started.',
  },
  stuck: {
    reason: `the trainer did not answer Stop within ${STOP_ANSWER_MS / 1000} s, so it was ended`,
    run: `The trainer did not answer Stop within ${STOP_ANSWER_MS / 1000} s, so it was ended and the run marked stopped. A new trainer is ready: Resume continues the run from its newest checkpoint.`,
    idle: `The trainer did not answer Stop within ${STOP_ANSWER_MS / 1000} s, so it was ended; a new one was started.`,
  },
};

export interface LiveRun {
  runId: string;
  name: string;
  status: RunStatus;
  step: number;
  total: number;
  reason?: string;
}

/** A warning from the trainer; repeats of one kind for one run collapse into it (the latest message, counted). */
export interface Warning {
  id: number;
  runId: string;
  kind: WarningKind;
  message: string;
  count: number;
}

const ACTIVE: readonly RunStatus[] = ['queued', 'running', 'paused'];

export class LabState {
  backend: BackendReport | null = $state.raw(null);
  backendError: string | null = $state(null);
  /** The run this tab started most recently (its status keeps updating while it trains). */
  live: LiveRun | null = $state.raw(null);
  /** The live run's latest progress from the trainer (stage, step, measured time left); null before its first. */
  progress: RunProgress | null = $state.raw(null);
  /** A failure to reach or start the trainer (not a config error: those go next to their field). */
  alert: string | null = $state(null);
  warnings: Warning[] = $state.raw([]);
  starting = $state(false);

  private bridge: LabBridge;
  private backendChoice: RunConfig['backend'] = 'auto';
  private backendRequest = 0;
  private warningId = 0;
  private pendingStart: { name: string; total: number } | null = null;
  private statusListeners: ((runId: string, status: RunStatus, reason?: string) => void)[] = [];
  private metricsListeners: ((row: MetricRow) => void)[] = [];

  constructor(
    private readonly view: ViewState,
    private readonly runs: RunsState,
  ) {
    this.bridge = this.connect();
  }

  /** A new trainer worker, watched: gone means replaced, silent means the user is told. */
  private connect(): LabBridge {
    return new LabBridge((e) => this.onEvent(e), {
      error: (message) => (this.alert = `The trainer stopped working: ${message}`),
      lost: () => void this.replaceTrainer('interrupted', ENDED.lost),
      silent: () => {
        if (this.active) this.alert = SILENT;
      },
      answered: () => this.clearAlert(SILENT),
    });
  }

  /**
   * End the trainer (gone or stuck) and start a new one. The live run, if it was training, takes
   * `status` with the reason, on the page and in storage, so Start and Resume work again.
   */
  private async replaceTrainer(
    status: 'interrupted' | 'stopped',
    why: (typeof ENDED)[keyof typeof ENDED],
  ): Promise<void> {
    const live = this.active ? this.live : null;
    this.bridge.dispose();
    this.bridge = this.connect();
    this.progress = null;
    this.alert = live ? why.run : why.idle;
    if (live) {
      this.live = { ...live, status, reason: why.reason };
      noteStatus(live.runId, status, why.reason);
      for (const listener of this.statusListeners) listener(live.runId, status, why.reason);
      // The old trainer can no longer write; a failed write here is marked interrupted at the next load.
      await patchRun(await pageDb(), live.runId, { status, reason: why.reason }).catch(() => undefined);
      if (this.view.runId === live.runId) void this.view.refreshRecord();
    }
    void this.runs.refresh();
    void this.requestBackend(this.backendChoice);
  }

  /** Hear every run status the trainer reports (the sweep queue moves on them); returns the unsubscribe. */
  onStatus(listener: (runId: string, status: RunStatus, reason?: string) => void): () => void {
    this.statusListeners = [...this.statusListeners, listener];
    return () => void (this.statusListeners = this.statusListeners.filter((l) => l !== listener));
  }

  /** Hear every metric row the trainer streams, of any run (the compare page follows its runs with them); returns the unsubscribe. */
  onMetrics(listener: (row: MetricRow) => void): () => void {
    this.metricsListeners = [...this.metricsListeners, listener];
    return () => void (this.metricsListeners = this.metricsListeners.filter((l) => l !== listener));
  }

  get active(): boolean {
    return this.live !== null && ACTIVE.includes(this.live.status);
  }

  /** Startup: mark runs a closed tab left behind, list the library, and fill the backend badge. */
  async init(choice: RunConfig['backend']): Promise<void> {
    window.addEventListener('error', this.onWindowError);
    window.addEventListener('unhandledrejection', this.onRejection);
    void this.runs.refresh();
    void this.requestBackend(choice);
    try {
      await this.bridge.sweepInterrupted();
    } catch (err) {
      this.alert = `The trainer could not check for interrupted runs: ${errorMessage(err)}`;
    }
    await this.runs.refresh();
  }

  /** Ask the worker which backend it runs (initialising `choice`); stale answers are dropped. */
  async requestBackend(choice: RunConfig['backend']): Promise<void> {
    if (this.active) return; // switching tfjs backends under a training run would break it
    this.backendChoice = choice;
    const id = ++this.backendRequest;
    const slow = setTimeout(() => {
      if (id === this.backendRequest && !this.backend)
        this.backendError =
          'The trainer has not answered for 30 s; it may have failed to load. Reload the page; the browser console has details.';
    }, SLOW_TRAINER_MS);
    try {
      const report = await this.bridge.backend(choice);
      if (id !== this.backendRequest) return;
      this.backend = report;
      this.backendError = null;
      window.__labReady = true;
    } catch (err) {
      if (id !== this.backendRequest) return;
      this.backendError = `Backend "${choice}" is not usable: ${errorMessage(err)}`;
      window.__labError = this.backendError;
    } finally {
      clearTimeout(slow);
    }
  }

  /** Start a run. Returns a field error for ConfigState when the worker refuses the config. */
  async start(config: RunConfig, name: string): Promise<{ field: string; message: string } | null> {
    this.alert = null;
    this.starting = true;
    this.pendingStart = { name, total: totalSteps(config) };
    const slow = setTimeout(() => {
      if (this.starting) this.alert = SLOW_START;
    }, SLOW_TRAINER_MS);
    try {
      const result = await this.bridge.start(config, name);
      if (!result.ok) {
        if (result.field !== 'run') return { field: result.field, message: result.message };
        this.alert = result.message; // not a config field: e.g. a run already trains in this tab
        return null;
      }
      this.adopt(result.runId);
      this.clearAlert(SLOW_START);
      void this.runs.refresh();
      return null;
    } catch (err) {
      this.alert = `The run could not start: ${errorMessage(err)}`;
      return null;
    } finally {
      clearTimeout(slow);
      this.starting = false;
      this.pendingStart = null;
    }
  }

  /** Resume a stored run from its newest checkpoint; its curves continue in the view. */
  resumeRun(runId: string, name: string, total: number): Promise<{ field: string; message: string } | null> {
    return this.launch(name, total, () => this.bridge.resumeRun(runId));
  }

  /** Fork `runId`'s checkpoint at `step` into a new run with `config`; a field error goes back to the form. */
  forkRun(
    runId: string,
    step: number,
    config: RunConfig,
    name: string,
  ): Promise<{ field: string; message: string } | null> {
    return this.launch(name, totalSteps(config), () => this.bridge.forkRun(runId, step, config, name));
  }

  private async launch(
    name: string,
    total: number,
    call: () => Promise<StartResult>,
  ): Promise<{ field: string; message: string } | null> {
    this.alert = null;
    this.starting = true;
    this.pendingStart = { name, total };
    try {
      const result = await call();
      if (!result.ok) {
        if (result.field !== 'run') return { field: result.field, message: result.message };
        this.alert = result.message;
        return null;
      }
      this.adopt(result.runId);
      void this.runs.refresh();
      return null;
    } catch (err) {
      this.alert = `The run could not start: ${errorMessage(err)}`;
      return null;
    } finally {
      this.starting = false;
      this.pendingStart = null;
    }
  }

  /** Make `runId` the live run and show it (once: events may arrive before start() resolves). */
  private adopt(runId: string, status: RunStatus = 'queued', step = 0): void {
    if (this.live?.runId === runId) return;
    const pending = this.pendingStart ?? { name: 'run', total: 0 };
    this.live = { runId, name: pending.name, status, step, total: pending.total };
    this.progress = null;
    void this.view.show(runId);
  }

  pause = () => this.call(() => this.bridge.pause());
  resume = () => this.call(() => this.bridge.resume());
  step = () => this.call(() => this.bridge.stepN(1));
  /** Stop always ends stopped: a trainer that does not answer Stop is ended, and the run marked stopped. */
  stop = async (): Promise<void> => {
    try {
      if (!(await this.bridge.stop()) && this.active) await this.replaceTrainer('stopped', ENDED.stuck);
    } catch (err) {
      this.alert = `The trainer did not accept the command: ${errorMessage(err)}`;
    }
  };

  private async call(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.alert = `The trainer did not accept the command: ${errorMessage(err)}`;
    }
  }

  /** Clear the alert if it still says `text` (a later, different alert stays). */
  private clearAlert(text: string): void {
    if (this.alert === text) this.alert = null;
  }

  dismissWarning(id: number): void {
    this.warnings = this.warnings.filter((w) => w.id !== id);
  }

  dispose(): void {
    window.removeEventListener('error', this.onWindowError);
    window.removeEventListener('unhandledrejection', this.onRejection);
    this.bridge.dispose();
  }

  // Uncaught errors of the worker (and its own workers) surface on the page's window: show them, once each.
  private onWindowError = (e: ErrorEvent) => this.unexpected(e.message || 'an error without a message');
  private onRejection = (e: PromiseRejectionEvent) => this.unexpected(errorMessage(e.reason));

  private unexpected(message: string): void {
    if (/ResizeObserver loop/.test(message)) return; // benign layout notice, not a failure
    const text = `Unexpected error: ${message}. Training may not work; the browser console has details.`;
    if (this.alert !== text) this.alert = text;
  }

  private onEvent(e: LabEvent): void {
    switch (e.type) {
      case 'backend':
        this.backend = e.report;
        this.backendError = null;
        window.__labReady = true;
        break;
      case 'status':
        noteStatus(e.runId, e.status, e.reason);
        if (this.starting && this.live?.runId !== e.runId) this.adopt(e.runId, e.status, e.step);
        if (this.live?.runId === e.runId) {
          const { reason, ...rest } = { ...this.live, status: e.status, step: e.step, reason: e.reason };
          this.live = reason ? { ...rest, reason } : rest;
        }
        if (this.view.runId === e.runId) void this.view.refreshRecord();
        void this.runs.refresh();
        for (const listener of this.statusListeners) listener(e.runId, e.status, e.reason);
        break;
      case 'progress':
        if (this.live?.runId !== e.runId) break;
        this.progress = e.progress;
        if (e.progress.step > this.live.step) this.live = { ...this.live, step: e.progress.step };
        break;
      case 'metrics':
        if (this.live?.runId === e.row.runId && e.row.step > this.live.step)
          this.live = { ...this.live, step: e.row.step };
        this.view.append(e.row);
        for (const listener of this.metricsListeners) listener(e.row);
        break;
      case 'samples':
        this.view.setSamples(e.row);
        break;
      case 'rollouts':
        this.view.addRollouts(e.row);
        break;
      case 'warning': {
        const same = this.warnings.find((w) => w.runId === e.runId && w.kind === e.kind);
        const next = same
          ? { ...same, message: e.message, count: same.count + 1 }
          : { id: ++this.warningId, runId: e.runId, kind: e.kind, message: e.message, count: 1 };
        this.warnings = [...this.warnings.filter((w) => w !== same), next];
        break;
      }
    }
  }
}
