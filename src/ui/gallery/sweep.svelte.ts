// The page's sweep queue: starts a preset's runs one after another through LabState, moves on when
// the trainer reports a run's end, keeps the queue in localStorage so a reload can continue it, and
// opens the compare view on the runs once all are done. The transitions are experiment/sweep.ts.
import { totalSteps } from '../../experiment/run-config';
import type { Preset } from '../../experiment/presets';
import {
  continueSweep,
  itemRun,
  markRefused,
  markStarted,
  newSweep,
  nextStep,
  onRunStatus,
  parseStoredSweep,
  sweepDone,
  sweepRunIds,
  type Sweep,
} from '../../experiment/sweep';
import type { RunStatus } from '../../store/types';
import type { LabState } from '../run/lab.svelte';

const STORAGE_KEY = 'rlvr-lab:sweep';

/** What the queue opens when it is done (the compare view). */
export interface CompareOpener {
  open(runIds: string[]): unknown;
}

export class SweepState {
  sweep: Sweep | null = $state.raw(null);
  /** Why a saved queue could not be restored, or why the queue halted on a refusal. */
  notice: string | null = $state(null);
  /** A start or resume is on its way to the trainer. */
  busy = $state(false);

  private unsubscribe: (() => void) | null = null;
  /** Statuses of runs the trainer reported before their start call returned (a fast run can end first). */
  private early: Record<string, [RunStatus, string | undefined]> = {};
  private opened = false;

  constructor(
    private readonly lab: LabState,
    private readonly compare: CompareOpener,
  ) {}

  /** Restore a saved queue (halted: the user continues it) and follow the trainer's statuses. */
  init(): void {
    this.unsubscribe = this.lab.onStatus((runId, status, reason) => this.onStatus(runId, status, reason));
    let text: string | null = null;
    try {
      text = localStorage.getItem(STORAGE_KEY);
    } catch {
      return; // storage disabled: queues just do not survive a reload
    }
    if (text === null) return;
    const r = parseStoredSweep(text);
    if (r.ok) this.sweep = r.sweep;
    else {
      this.notice = `A saved sweep could not be restored: ${r.error}. Its runs are still in the library.`;
      this.forget();
    }
  }

  dispose(): void {
    this.unsubscribe?.();
  }

  get running(): boolean {
    return this.sweep !== null && !this.sweep.halted && !sweepDone(this.sweep);
  }

  /** Queue `preset`'s runs (the chosen seeds and arms) and start the first. */
  async start(preset: Preset, seeds: readonly number[], armIds: readonly string[]): Promise<void> {
    if (this.running) {
      this.notice = 'A sweep is already running: cancel it first.';
      return;
    }
    if (this.lab.active) {
      this.notice = 'A run is training in this tab: stop it (or let it finish) before starting a sweep.';
      return;
    }
    this.notice = null;
    this.opened = false;
    this.set(newSweep(preset, seeds, armIds));
    await this.advance();
  }

  /** Go on after a halt (a stopped run, a reload, a refusal). */
  async continue(): Promise<void> {
    if (!this.sweep) return;
    this.notice = null;
    this.set(continueSweep(this.sweep));
    await this.advance();
  }

  /** Forget the queue; its runs stay in the library. A run that trains goes on until stopped. */
  cancel(): void {
    this.sweep = null;
    this.notice = null;
    this.forget();
  }

  /** Open the compare view on the queue's runs. */
  openCompare(): void {
    if (this.sweep) this.compare.open(sweepRunIds(this.sweep));
  }

  private onStatus(runId: string, status: RunStatus, reason?: string): void {
    if (!this.sweep) return;
    if (!this.sweep.items.some((i) => i.runId === runId)) {
      if (this.busy) this.early[runId] = [status, reason];
      return;
    }
    this.set(onRunStatus(this.sweep, runId, status, reason));
    void this.advance();
  }

  private async advance(): Promise<void> {
    const sweep = this.sweep;
    if (!sweep || this.busy) return;
    const step = nextStep(sweep);
    if (step.kind === 'none') {
      if (sweepDone(sweep) && !this.opened) {
        this.opened = true;
        this.openCompare();
      }
      return;
    }
    const item = sweep.items[step.index]!;
    const run = itemRun(sweep, step.index);
    if (!run) return this.refuse(step.index, 'the preset no longer has this arm');
    this.busy = true;
    this.early = {};
    try {
      let runId: string | null = null;
      const err =
        step.kind === 'resume'
          ? await this.lab.resumeRun(step.runId, item.name, totalSteps(run.config))
          : await this.lab.start(run.config, run.name);
      const live = this.lab.live;
      if (!err && !this.lab.alert && live) runId = live.runId;
      else this.refuse(step.index, err?.message ?? this.lab.alert ?? 'the trainer did not take the run');
      if (runId && this.sweep) {
        let next = markStarted(this.sweep, step.index, runId);
        const seen = this.early[runId];
        if (seen) next = onRunStatus(next, runId, seen[0], seen[1]);
        this.set(next);
      }
    } finally {
      this.busy = false;
      this.early = {};
    }
    await this.advance(); // a run that ended before its start returned lets the next one go
  }

  private refuse(index: number, reason: string): void {
    if (!this.sweep) return;
    this.set(markRefused(this.sweep, index, reason));
    this.notice = `The sweep is halted: ${reason}`;
  }

  private set(sweep: Sweep): void {
    this.sweep = sweep;
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(sweep));
    } catch {
      // storage full or disabled: the queue still runs, it just will not survive a reload
    }
  }

  private forget(): void {
    try {
      localStorage.removeItem(STORAGE_KEY);
    } catch {
      // nothing to forget
    }
  }
}
