// One GRPO step, top to bottom (TRL's GRPOTrainer, single process): sample B x G rollouts, score them,
// advantages, then num_iterations AdamW updates on the batch. Metrics stay on the device until a log
// interval reads them (readGrpoMetrics: one read for the whole interval). No loop, no storage.
import { tf } from '../model/tf';
import type { ModelConfig } from '../model/model-config';
import type { Params } from '../model/params';
import { epsilonHighOf, samplesPerPrompt, type RlConfig } from '../experiment/rl-config';
import type { Dataset, TrainItem } from '../tasks/dataset';
import type { AnyTask } from '../tasks/types';
import { hashSeed } from '../util/rng';
import { createAdamW, disposeAdamW, type AdamWState } from './adamw';
import { computeAdvantages, type AdvantageResult } from './advantages';
import { SUM_KEYS, type LossSettings } from './grpo-loss';
import {
  disposeMicros,
  grpoUpdate,
  logProbsOf,
  makeMicros,
  selfCertaintyOf,
  setAdvantages,
  setMasks,
  sumAndDispose,
  type Micro,
  type UpdateResult,
} from './grpo-update';
import { keepRows, profKeep } from './process-filter';
import { computeRewards, rewardMetrics, type RewardResult } from './rewards';
import { buildRlTokens, completionMetrics, sampleRollouts, type Rollouts, type RlTokens } from './rollout';
import { learningRate } from './schedule';

/** What persists across RL steps. The caller owns `params`; opt and ref belong to the state. */
export interface GrpoState {
  params: Params;
  opt: AdamWState;
  /** Frozen copy of the policy at the start of RL (only when beta > 0). */
  ref: Params | null;
  /** RL steps (batches) taken. */
  step: number;
  /** Prompt + completion tokens trained on so far (TRL's num_tokens). */
  tokens: number;
}

export interface GrpoContext {
  model: ModelConfig;
  rl: RlConfig;
  task: AnyTask;
  seed: number;
}

export interface GrpoStepOutput {
  step: number;
  /** Device scalars, read (and disposed) by readGrpoMetrics. */
  device: UpdateResult;
  /** Metrics already on the CPU (rewards, lengths, learning rate, ...). */
  values: Record<string, number>;
  rollouts: Rollouts;
  rewards: RewardResult;
  advantages: Float32Array;
}

/** A state for RL from `params` (the SFT'd policy): fresh AdamW, and the reference when beta > 0. */
export function createGrpoState(params: Params, rl: RlConfig): GrpoState {
  const ref =
    rl.beta > 0
      ? tf.tidy(() => Object.fromEntries(Object.entries(params).map(([k, p]) => [k, tf.variable(p.clone(), false)])))
      : null;
  return { params, opt: createAdamW(params), ref, step: 0, tokens: 0 };
}

/** Frees the optimizer and the reference; not the policy (the caller owns it). */
export function disposeGrpoState(state: GrpoState): void {
  disposeAdamW(state.opt);
  if (state.ref) tf.dispose(Object.values(state.ref));
}

/** The B prompts of RL step `step`: draws step*B .. step*B + B - 1 after `offset` (N prompts repeat as epochs). */
export function rlBatchItems(dataset: Dataset, step: number, B: number, offset = 0): TrainItem[] {
  return Array.from({ length: B }, (_, j) => dataset.train(offset + step * B + j));
}

/** Learning rate of RL step `step` (0-based): warmup, then cosine to lr * minLrRatio (1 = constant). */
export function rlLearningRate(rl: RlConfig, step: number): number {
  return learningRate({ lr: rl.lr, warmupSteps: rl.warmupSteps, steps: rl.steps, minLrRatio: rl.minLrRatio }, step);
}

/** `sequences`: rows the loss counts (all, less PROF's dropped rows); `b.activeTokens` is already net of them. */
function lossSettings(rl: RlConfig, b: RlTokens, sequences: number, micros: number): LossSettings {
  return {
    lossType: rl.lossType,
    epsilonLow: rl.epsilon,
    epsilonHigh: epsilonHighOf(rl),
    beta: rl.beta,
    entropyCoef: rl.entropyCoef,
    maxCompletionLength: rl.maxCompletionLength,
    totalSequences: Math.max(1, sequences),
    totalTokens: b.activeTokens,
    microBatches: micros,
  };
}

/** Old-policy (num_iterations > 1) and reference (beta > 0) log-probs, computed once per batch. */
function frozenLogProbs(state: GrpoState, ctx: GrpoContext, micros: Micro[]): void {
  for (const m of micros) {
    if (ctx.rl.numIterations > 1) m.old = logProbsOf(state.params, ctx.model, m, ctx.rl.temperature);
    if (state.ref) m.ref = logProbsOf(state.ref, ctx.model, m, ctx.rl.temperature);
  }
}

/** num_iterations updates on one batch; loss and grad norm averaged over them, metric sums added. */
function iterate(state: GrpoState, ctx: GrpoContext, micros: Micro[], s: LossSettings, lr: number): UpdateResult {
  const runs: UpdateResult[] = [];
  for (let it = 0; it < ctx.rl.numIterations; it++)
    runs.push(grpoUpdate(state.params, ctx.model, state.opt, ctx.rl, micros, s, ctx.rl.temperature, lr));
  const k = runs.length;
  const mean = (xs: tf.Scalar[]) => (k === 1 ? xs[0]! : tf.tidy(() => sumAndDispose(xs).div(k) as tf.Scalar));
  const loss = mean(runs.map((r) => r.loss));
  const gradNorm = mean(runs.map((r) => r.gradNorm));
  return { loss, gradNorm, sums: sumAndDispose(runs.map((r) => r.sums)) };
}

interface Scored {
  rewards: RewardResult;
  adv: AdvantageResult;
  /** The token batch the loss counts (PROF's dropped rows masked out) and its rows left. */
  trained: RlTokens;
  sequences: number;
  /** prof/kept_frac when the filter is on. */
  filter: Record<string, number>;
}

/**
 * Rewards (self-certainty reads the full masks, so it comes first), then with processFilter 'prof' the
 * keep mask: dropped rows get advantage 0, leave their group's statistics and lose their loss mask, and the
 * normalisers (dapo's tokens, grpo's and dr_grpo's sequences) count kept rows only: the loss of a batch without them.
 */
async function scoreBatch(
  state: GrpoState,
  ctx: GrpoContext,
  rollouts: Rollouts,
  tokens: RlTokens,
  micros: Micro[],
): Promise<Scored> {
  const { rl, model, task, seed } = ctx;
  const sc = rl.rewards.some((r) => r.name === 'self_certainty')
    ? await selfCertaintyOf(state.params, model, micros)
    : null;
  const rewards = computeRewards(rollouts, rl.rewards, { task, seed, step: state.step, selfCertainty: sc });
  const keep = rl.processFilter === 'prof' ? profKeep(rollouts, task) : null;
  const adv = computeAdvantages(rewards.total, rl.numGenerations, rl.scaleRewards, keep);
  setAdvantages(micros, adv.advantages);
  if (!keep) return { rewards, adv, trained: tokens, sequences: tokens.rows, filter: {} };
  const trained = keepRows(tokens, keep);
  setMasks(micros, trained.mask);
  const sequences = keep.filter(Boolean).length;
  return { rewards, adv, trained, sequences, filter: { 'prof/kept_frac': sequences / keep.length } };
}

/**
 * One RL step on `items` (B prompts) at learning rate `lr`: 1. sample B x samplesPerPrompt rollouts (one batch, KV cache);
 * 2. rewards (self-certainty needs one extra forward and one read) and PROF's filter; 3. advantages;
 * 4. old/ref log-probs if needed; 5. num_iterations updates. Sync points: sampling's per-token reads,
 * self-certainty's read.
 */
export async function grpoStep(
  state: GrpoState,
  ctx: GrpoContext,
  items: TrainItem[],
  lr: number,
): Promise<GrpoStepOutput> {
  const t0 = performance.now();
  const { rl, model, task, seed } = ctx;
  const sampling = {
    G: rl.numGenerations,
    samplesPerPrompt: samplesPerPrompt(rl),
    maxCompletionLength: rl.maxCompletionLength,
    temperature: rl.temperature,
    topK: rl.topK,
  };
  const rollouts = await sampleRollouts(state.params, model, task, items, {
    ...sampling,
    seed: hashSeed(seed, state.step, 'rollout'),
  });
  const tokens = buildRlTokens(rollouts, model.context, rl.maskTruncatedCompletions);
  const micros = makeMicros(
    tokens,
    rl.microBatchTokens > 0 ? Math.max(1, Math.floor(rl.microBatchTokens / tokens.L)) : 0,
  );
  try {
    const { rewards, adv, trained, sequences, filter } = await scoreBatch(state, ctx, rollouts, tokens, micros);
    frozenLogProbs(state, ctx, micros);
    const device = iterate(state, ctx, micros, lossSettings(rl, trained, sequences, micros.length), lr);
    state.tokens += tokens.numTokens;
    const values = {
      ...completionMetrics(rollouts),
      ...rewardMetrics(rollouts, rewards, task),
      ...filter,
      reward: adv.reward,
      reward_std: adv.rewardStd,
      frac_reward_zero_std: adv.fracZeroStd,
      learning_rate: lr,
      num_tokens: state.tokens,
      step_time: (performance.now() - t0) / 1000,
    };
    return { step: state.step++, device, values, rollouts, rewards, advantages: adv.advantages };
  } finally {
    disposeMicros(micros);
  }
}

/** Metrics not averaged over a log interval: the last value stands (cumulative counters). */
const LAST_VALUE = new Set(['num_tokens']);

/** Device metrics of one step from its read-back values: loss, grad_norm, entropy, kl, clip ratios. */
function deviceMetrics(v: ArrayLike<number>, withKl: boolean): Record<string, number> {
  const sum = (key: (typeof SUM_KEYS)[number]) => v[2 + SUM_KEYS.indexOf(key)]!;
  const per = (key: (typeof SUM_KEYS)[number]) => sum(key) / Math.max(1, sum('tokens'));
  const out: Record<string, number> = {
    loss: v[0]!,
    grad_norm: v[1]!,
    entropy: per('entropy'),
    'clip_ratio/low_mean': per('clip_low'),
    'clip_ratio/high_mean': per('clip_high'),
    'clip_ratio/region_mean': per('clip_region'),
  };
  if (withKl) out.kl = per('kl');
  return out;
}

/**
 * The one CPU-GPU sync point of a log interval: every step's device scalars read at once, merged with
 * its CPU values and averaged over the steps (finite values only; num_tokens: the last). Disposes them.
 */
export async function readGrpoMetrics(
  pending: GrpoStepOutput[],
  rl: Pick<RlConfig, 'beta'>,
): Promise<Record<string, number>> {
  if (pending.length === 0) return {};
  const width = 2 + SUM_KEYS.length;
  const all = tf.tidy(() =>
    tf.concat(pending.flatMap((p) => [p.device.loss.reshape([1]), p.device.gradNorm.reshape([1]), p.device.sums])),
  );
  const data = await all.data();
  all.dispose();
  disposeGrpoSteps(pending);
  const rows = pending.map((p, i) => ({
    ...p.values,
    ...deviceMetrics(data.subarray(i * width, (i + 1) * width), rl.beta > 0),
  }));
  const out: Record<string, number> = {};
  for (const key of new Set(rows.flatMap((r) => Object.keys(r)))) {
    const xs = rows.map((r) => r[key]).filter((x): x is number => x !== undefined && Number.isFinite(x));
    if (xs.length > 0) out[key] = LAST_VALUE.has(key) ? xs.at(-1)! : xs.reduce((a, b) => a + b, 0) / xs.length;
  }
  return out;
}

/** Frees the device scalars of steps that will not be read (a stopped run). */
export function disposeGrpoSteps(pending: GrpoStepOutput[]): void {
  for (const p of pending) tf.dispose([p.device.loss, p.device.gradNorm, p.device.sums]);
}
