// The training loop of one run, top to bottom: CPT -> SFT -> RL stages on one global step counter,
// with logged metrics, evaluations, rollouts and checkpoints, and pause/resume/stop/step-N between
// steps. What a stage does is in its own module; storage and messaging are the caller's hooks.
import { initParams, disposeParams, paramsToArrays, type Params } from '../model/params';
import { setKernelMode } from '../model/kernels/mode';
import { buildDataset, type Dataset } from '../tasks/dataset';
import { STAGES, type RunConfig, type StageName } from '../experiment/run-config';
import type { CheckpointRow, MetricRow, RolloutRow, RunStatus, SampleRow } from '../store/types';
import { arraysToRecord, assignArrays, recordToArrays } from './checkpoint';
import type { Stage, StageContext } from './stage';
import { tokenStage } from './token-stage';
import { rlStage } from './rl-stage';
import { etaPlan, secondsFor, StageClock, workLeft, type EtaStage, type RunProgress } from '../analysis/eta';

export interface RunHooks {
  metrics(row: MetricRow): Promise<void>;
  samples(row: SampleRow): Promise<void>;
  rollouts?(row: RolloutRow): Promise<void>;
  checkpoint(row: CheckpointRow): Promise<void>;
  status(status: RunStatus, step: number, reason?: string): Promise<void>;
  /** Where the run is and its measured time left: before each evaluation and after each step (synchronous; the hook throttles). */
  progress?(p: RunProgress): void;
}

/** A stage in the run's plan: where it starts on the global step counter and how long it runs. */
export interface StageSpan {
  name: StageName;
  start: number;
  steps: number;
}

/** The stages with steps, in order, on one global step counter. */
export function stagePlan(config: RunConfig): StageSpan[] {
  let start = 0;
  const plan: StageSpan[] = [];
  for (const name of STAGES) {
    const steps = config[name].steps;
    if (steps > 0) plan.push({ name, start, steps });
    start += steps;
  }
  return plan;
}

function makeStage(name: StageName, ctx: StageContext): Stage {
  return name === 'rl' ? (rlStage(ctx) as Stage) : (tokenStage(name, ctx) as Stage);
}

type Control = 'run' | 'pause' | 'stop';

/**
 * The loss became NaN or infinite at `step`. The caller pauses the run: its metrics stay, and resuming
 * continues from `checkpoint` (the last good one; null: from the start), never from poisoned weights.
 */
export class NonFiniteLoss extends Error {
  constructor(
    readonly loss: number,
    readonly step: number,
    readonly checkpoint: number | null,
  ) {
    const from =
      checkpoint === null
        ? 'there is no checkpoint yet, so Resume starts again from step 0'
        : `Resume continues from the last good checkpoint, at step ${checkpoint}`;
    super(
      `the loss became ${loss} at step ${step}; the run is paused and ${from}. Lower the learning rate or raise gradient clipping first (fork from that checkpoint to change them)`,
    );
    this.name = 'NonFiniteLoss';
  }
}

/** Yield to the event loop so control messages (pause, stop) are handled between steps. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class RunController {
  private control: Control = 'run';
  private stepBudget = Infinity;
  private wake: (() => void) | null = null;
  private params: Params | null = null;
  private readonly dataset: Dataset;
  private lastRow: MetricRow | null = null;
  private lastCheckpoint: number | null = null;
  /** Seconds per step and per evaluation of each stage in this session (pauses excluded). */
  private readonly clock = new StageClock();
  private readonly etaStages: EtaStage[];
  readonly plan: StageSpan[];
  /** Global steps done (the next optimizer step to take, 0-based). */
  step = 0;

  constructor(
    readonly runId: string,
    readonly config: RunConfig,
    private readonly hooks: RunHooks,
  ) {
    this.dataset = buildDataset(config.data, config.seed);
    this.plan = stagePlan(config);
    this.etaStages = etaPlan(config);
  }

  pause(): void {
    if (this.control === 'run') this.control = 'pause';
  }
  resume(): void {
    if (this.control === 'stop') return;
    this.control = 'run';
    this.stepBudget = Infinity;
    this.wake?.();
  }
  /** While paused: take `n` more steps, then pause again. */
  stepN(n: number): void {
    if (this.control === 'stop') return;
    this.control = 'run';
    this.stepBudget = n;
    this.wake?.();
  }
  stop(): void {
    this.control = 'stop';
    this.wake?.();
  }

  /** Run to the end (or until stopped), from a checkpoint if given. Throws on failure, after disposing. */
  async run(from?: CheckpointRow): Promise<RunStatus> {
    setKernelMode(this.config.kernels); // before any tensor work: the first step must already use the run's kernels
    this.params = initParams(this.config.model, this.config.seed);
    try {
      if (from) {
        assignArrays(this.params, arraysToRecord(from.weights));
        this.step = from.state.step ?? from.step;
        this.lastCheckpoint = from.step;
      }
      return await this.loop(from);
    } finally {
      disposeParams(this.params);
      this.params = null;
    }
  }

  private async loop(from?: CheckpointRow): Promise<RunStatus> {
    await this.hooks.status('running', this.step);
    const ctx: StageContext = {
      params: this.params!,
      config: this.config,
      model: this.config.model,
      dataset: this.dataset,
    };
    for (const [i, span] of this.plan.entries()) {
      if (this.step >= span.start + span.steps) continue; // finished before a resume
      const stage = makeStage(span.name, ctx);
      try {
        if (from && from.stage === span.name && this.step > span.start) {
          stage.restore({ optimizer: arraysToRecord(from.optimizer), state: from.state });
        }
        const next = this.plan[i + 1]; // SFT and RL open with an evaluation; CPT (always first) does not
        if (!(await this.runStage(stage, span.start, next !== undefined))) break;
      } finally {
        stage.dispose();
      }
    }
    const status: RunStatus = this.control === 'stop' ? 'stopped' : 'completed';
    await this.hooks.status(status, this.step);
    return status;
  }

  /**
   * One stage's steps. Evaluates at its start and every evalEvery steps; at its end too, unless the next
   * stage opens with an evaluation at the same step (RL's, with pre-RL faithfulness and diversity).
   * An evaluation that meets the stage's target (SFT's) ends it early. Returns false when the run was stopped.
   */
  private async runStage(stage: Stage, start: number, nextEvaluates: boolean): Promise<boolean> {
    const evaluates = Number.isFinite(stage.evalEvery);
    let local = this.step - start;
    if (local === 0 && evaluates && (await this.evaluate(stage, 0))) return this.endEarly(stage, start);
    let pending: unknown[] = [];
    let t0 = performance.now();
    try {
      while (local < stage.steps) {
        if (!(await this.gate())) return false;
        const s0 = performance.now(); // after any pause: a paused wait is not a step's cost
        let evalSeconds = 0; // an evaluation in this step is timed on its own
        pending.push(await stage.step(local));
        local += 1;
        this.step += 1;
        this.stepBudget -= 1;
        const end = local === stage.steps;
        const evalNow = evaluates && (local % stage.evalEvery === 0 || (end && !nextEvaluates));
        const checkpointNow = local % stage.checkpointEvery === 0 || end;
        // A checkpoint step is also a read: weights are saved only after their loss proved finite.
        if (local % stage.logEvery === 0 || evalNow || checkpointNow) {
          const values = await stage.read(pending, (performance.now() - t0) / 1000);
          pending = [];
          this.checkFinite(values);
          let reached = false;
          const e0 = performance.now();
          if (evalNow) reached = await this.evaluate(stage, local, values);
          else await this.emit(stage.name, values);
          if (evalNow) evalSeconds = (performance.now() - e0) / 1000;
          t0 = performance.now();
          if (reached && !end) return this.endEarly(stage, start);
        }
        if (checkpointNow) await this.checkpoint(stage);
        this.clock.steps(stage.name, 1, (performance.now() - s0) / 1000 - evalSeconds);
        this.report(stage, 'training');
        await nextTask();
      }
      return true;
    } finally {
      stage.discard(pending);
    }
  }

  /**
   * The stage met its target before its last step: the step counter jumps to the stage's planned end, so
   * the next stage starts where the plan puts it (steps in between have no rows), and the final checkpoint
   * is written there, so a resume from it goes straight on to the next stage.
   */
  private async endEarly(stage: Stage, start: number): Promise<boolean> {
    this.step = start + stage.steps;
    await this.checkpoint(stage);
    return true;
  }

  /** A NaN or infinite loss stops this loop (the weights are poisoned) with the step and the last good checkpoint named. */
  private checkFinite(values: Record<string, number>): void {
    const loss = values.loss;
    if (loss !== undefined && Number.isFinite(loss)) return;
    throw new NonFiniteLoss(loss ?? NaN, this.step, this.lastCheckpoint);
  }

  /** Wait while paused; false when the run should end. */
  private async gate(): Promise<boolean> {
    if (this.control === 'run' && this.stepBudget <= 0) this.control = 'pause';
    if (this.control === 'pause') {
      await this.hooks.status('paused', this.step);
      while (this.control === 'pause') await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
      if (this.control === 'run') await this.hooks.status('running', this.step);
    }
    return this.control !== 'stop';
  }

  /** Write a metric row; rows of the same step (a stage's last log and the next stage's first evaluation) merge. */
  private async emit(stage: StageName, values: Record<string, number>): Promise<void> {
    const prev = this.lastRow?.step === this.step ? this.lastRow : null;
    const row: MetricRow = prev
      ? { ...prev, time: Date.now(), values: { ...prev.values, ...values } }
      : { runId: this.runId, step: this.step, stage, time: Date.now(), values };
    this.lastRow = row;
    await this.hooks.metrics(row);
  }

  /** Tell the progress hook where the run is, with the time left at the rates measured so far. */
  private report(stage: Stage, activity: RunProgress['activity']): void {
    if (!this.hooks.progress) return;
    const span = this.plan.find((p) => p.name === stage.name)!;
    const rates = this.clock.rates();
    const { seconds, untimed } = secondsFor(
      workLeft(this.etaStages, this.step, stage.name, activity === 'evaluating'),
      rates,
    );
    const total = this.plan.reduce((n, p) => n + p.steps, 0);
    this.hooks.progress({
      stage: stage.name,
      activity,
      step: this.step,
      total,
      stageStart: span.start,
      stageSteps: span.steps,
      secondsLeft: seconds,
      untimed,
      rates,
      at: Date.now(),
    });
  }

  /** Evaluate (timed for the ETA), and write the evaluation in one row with this step's training values; true when it meets the stage's target. */
  private async evaluate(stage: Stage, local: number, values: Record<string, number> = {}): Promise<boolean> {
    this.report(stage, 'evaluating');
    const e0 = performance.now();
    const ev = await stage.evaluate(local);
    this.clock.evaluation(stage.name, (performance.now() - e0) / 1000);
    await this.emit(stage.name, { ...values, ...ev.values });
    await this.hooks.samples({ runId: this.runId, step: this.step, items: ev.samples });
    if (ev.rollouts && ev.rollouts.length > 0)
      await this.hooks.rollouts?.({ runId: this.runId, step: this.step, groups: ev.rollouts });
    return ev.reached === true;
  }

  private async checkpoint(stage: Stage): Promise<void> {
    const weights = recordToArrays(await paramsToArrays(this.params!));
    const saved = await stage.save();
    const state = { ...saved.state, step: this.step };
    await this.hooks.checkpoint({
      runId: this.runId,
      step: this.step,
      stage: stage.name,
      time: Date.now(),
      weights,
      optimizer: recordToArrays(saved.optimizer),
      state,
    });
    this.lastCheckpoint = this.step;
  }
}
