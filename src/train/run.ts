// The training loop of one run, top to bottom: data -> SFT steps -> logged metrics, evaluations and
// checkpoints, with pause/resume/stop/step-N between steps. Storage and messaging are the caller's hooks.
import { tf } from '../model/tf';
import { initParams, disposeParams, paramsToArrays, paramsFromArrays, type Params } from '../model/params';
import { buildDataset, type Dataset } from '../tasks/dataset';
import type { RunConfig } from '../experiment/config';
import type { CheckpointRow, MetricRow, RunStatus, SampleRow } from '../store/types';
import { createAdamW, disposeAdamW, type AdamWState } from './adamw';
import { makeBatch } from './batch';
import { learningRate } from './schedule';
import { reduceSteps, sftStep, type StepTensors } from './sft';
import { evaluateSplit } from './evaluate';
import { arraysToRecord, recordToArrays } from './checkpoint';

export interface RunHooks {
  metrics(row: MetricRow): Promise<void>;
  samples(row: SampleRow): Promise<void>;
  checkpoint(row: CheckpointRow): Promise<void>;
  status(status: RunStatus, step: number, reason?: string): Promise<void>;
}

type Control = 'run' | 'pause' | 'stop';

/** Yield to the event loop so control messages (pause, stop) are handled between steps. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class RunController {
  private control: Control = 'run';
  private stepBudget = Infinity;
  private wake: (() => void) | null = null;
  private params: Params | null = null;
  private opt: AdamWState | null = null;
  private dataset: Dataset;
  /** Next optimizer step to take (0-based); equals the number of steps done. */
  step = 0;

  constructor(
    readonly runId: string,
    readonly config: RunConfig,
    private readonly hooks: RunHooks,
  ) {
    this.dataset = buildDataset(config.data, config.seed);
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

  /** Run to the end (or until stopped). Resolves with the final status; throws on failure (after disposing). */
  async run(from?: CheckpointRow): Promise<RunStatus> {
    this.params = initParams(this.config.model, this.config.seed);
    this.opt = createAdamW(this.params);
    if (from) this.restore(from);
    try {
      return await this.loop();
    } finally {
      disposeParams(this.params);
      disposeAdamW(this.opt);
      this.params = null;
      this.opt = null;
    }
  }

  private async loop(): Promise<RunStatus> {
    const { sft } = this.config;
    await this.hooks.status('running', this.step);
    if (this.step === 0) await this.evaluate(0, {});
    let pending: StepTensors[] = [];
    let t0 = performance.now();
    while (this.step < sft.steps) {
      if (!(await this.gate())) break;
      pending.push(this.trainStep());
      this.step += 1;
      this.stepBudget -= 1;
      const evalNow = this.step % sft.evalEvery === 0 || this.step === sft.steps;
      if (this.step % sft.logEvery === 0 || evalNow) {
        const values = await this.readMetrics(pending, (performance.now() - t0) / 1000);
        pending = [];
        if (!Number.isFinite(values.loss)) throw new Error(`the loss became ${values.loss} at step ${this.step}; lower the learning rate or raise gradient clipping`);
        if (evalNow) await this.evaluate(this.step, values);
        else await this.hooks.metrics(this.row(values));
        t0 = performance.now();
      }
      if (this.step % sft.checkpointEvery === 0 || this.step === sft.steps) await this.checkpoint();
      await nextTask();
    }
    tf.dispose(pending.flatMap((s) => [s.loss, s.correct, s.count, s.gradNorm]));
    const status: RunStatus = this.control === 'stop' ? 'stopped' : 'completed';
    await this.hooks.status(status, this.step);
    return status;
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

  private trainStep(): StepTensors {
    const { sft, model } = this.config;
    const pairs = [];
    for (let j = 0; j < sft.batchSize; j++) {
      const item = this.dataset.train(this.step * sft.batchSize + j);
      pairs.push({ prompt: item.example.prompt, completion: item.completion });
    }
    const batch = makeBatch(pairs, model.context);
    const lr = learningRate(sft, this.step);
    const out = sftStep(this.params!, model, this.opt!, sft, batch, lr);
    this.tokens += batch.numTokens;
    return out;
  }
  private tokens = 0;

  /** The one CPU-GPU sync point of a log interval: every scalar of the interval read at once. */
  private async readMetrics(pending: StepTensors[], seconds: number): Promise<Record<string, number>> {
    const n = pending.length;
    const sum = reduceSteps(pending);
    const [loss, correct, count, gradNorm] = await Promise.all([sum.loss, sum.correct, sum.count, sum.gradNorm].map(async (t) => (await t.data())[0]!));
    tf.dispose([sum.loss, sum.correct, sum.count, sum.gradNorm]);
    return {
      loss: loss! / n,
      mean_token_accuracy: correct! / Math.max(1, count!),
      grad_norm: gradNorm! / n,
      learning_rate: learningRate(this.config.sft, this.step - 1),
      num_tokens: this.tokens,
      step_time: seconds / n,
    };
  }

  private row(values: Record<string, number>): MetricRow {
    return { runId: this.runId, step: this.step, stage: 'sft', time: Date.now(), values };
  }

  /** Greedy accuracy on held-out (in- and out-of-distribution) and training prompts; logged with `eval_`. */
  private async evaluate(step: number, values: Record<string, number>): Promise<void> {
    const { sft, model, seed } = this.config;
    const out: Record<string, number> = { ...values };
    const samples = [];
    for (const split of ['heldout', 'ood', 'train'] as const) {
      const { examples, references } = this.evalSet(split, sft.evalSize);
      if (examples.length === 0) continue;
      // Generation budget: a little past the longest reference completion; a model that rambles on is wrong anyway.
      const longest = Math.max(...references.map((r) => r.length));
      const maxNewTokens = Math.min(sft.maxNewTokens, Math.ceil(longest * 1.25) + 8);
      const r = await evaluateSplit(this.params!, model, this.dataset.task, examples, split, { maxNewTokens, keepSamples: 4, seed });
      out[`eval_${split}/accuracy`] = r.accuracy;
      out[`eval_${split}/mean_length`] = r.meanLength;
      samples.push(...r.samples.slice(0, split === 'heldout' ? 4 : 2));
    }
    await this.hooks.metrics(this.row(out));
    await this.hooks.samples({ runId: this.runId, step, items: samples });
  }

  /** The first `n` examples of a split with their reference completions (the training prompts' own for 'train'). */
  private evalSet(split: 'heldout' | 'ood' | 'train', n: number) {
    if (split === 'train') {
      const items = Array.from({ length: Math.min(n, this.trainPromptCount()) }, (_, i) => this.dataset.train(i));
      return { examples: items.map((it) => it.example), references: items.map((it) => it.completion) };
    }
    const examples = this.dataset[split].slice(0, n);
    return { examples, references: examples.map((_, j) => this.dataset.renderEval(split, j)) };
  }

  private trainPromptCount(): number {
    const n = this.config.data.trainSize;
    return n > 0 ? n : Number.MAX_SAFE_INTEGER;
  }

  private async checkpoint(): Promise<void> {
    const weights = recordToArrays(await paramsToArrays(this.params!));
    const m = await paramsToArrays(this.opt!.m);
    const v = await paramsToArrays(this.opt!.v);
    const optimizer = recordToArrays({ ...prefixed('m/', m), ...prefixed('v/', v) });
    const state = { step: this.step, adamStep: this.opt!.t, tokens: this.tokens };
    await this.hooks.checkpoint({ runId: this.runId, step: this.step, stage: 'sft', time: Date.now(), weights, optimizer, state });
  }

  private restore(from: CheckpointRow): void {
    const assign = (target: Params, arrays: ReturnType<typeof arraysToRecord>) => {
      const loaded = paramsFromArrays(arrays);
      for (const [name, t] of Object.entries(loaded)) {
        target[name]!.assign(t);
        t.dispose();
      }
    };
    assign(this.params!, arraysToRecord(from.weights));
    const opt = arraysToRecord(from.optimizer);
    assign(this.opt!.m, unprefixed('m/', opt));
    assign(this.opt!.v, unprefixed('v/', opt));
    this.opt!.t = from.state.adamStep ?? 0;
    this.step = from.state.step ?? from.step;
    this.tokens = from.state.tokens ?? 0;
  }
}

function prefixed<T>(prefix: string, rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(rec).map(([k, v]) => [prefix + k, v]));
}
function unprefixed<T>(prefix: string, rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(rec).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}
