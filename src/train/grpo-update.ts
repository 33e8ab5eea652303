// The device side of one GRPO batch: micro-batches of the token batch as tensors, the no-gradient
// passes (old policy, reference, self-certainty) and the gradient-accumulating AdamW update.
// Who owns what: every tensor made here lives in a Micro until disposeMicros; updates return new scalars.
import { tf } from '../model/tf';
import { forward } from '../model/transformer';
import { sumMany } from '../model/ops';
import type { ModelConfig } from '../model/model-config';
import type { Params } from '../model/params';
import { adamwUpdate, type AdamWConfig, type AdamWState } from './adamw';
import { grpoLoss, type LossSettings } from './grpo-loss';
import type { RlTokens } from './rollout';
import { selfCertainty, tokenStats } from './token-stats';

/** One micro-batch of n sequences of the update batch. */
export interface Micro {
  n: number;
  inputs: tf.Tensor2D; // int32 [n, L]
  targets: tf.Tensor2D; // int32 [n, L]
  mask: tf.Tensor2D; // [n, L]
  advantages: tf.Tensor1D | null; // [n], set once rewards are known
  old: tf.Tensor2D | null; // [n, L] sampling policy's log-probs (num_iterations > 1)
  ref: tf.Tensor2D | null; // [n, L] reference log-probs (beta > 0)
}

/** Rows of the batch in chunks of `size` (0 = all at once), uploaded once for every pass and iteration. */
export function makeMicros(b: RlTokens, size: number): Micro[] {
  const step = size > 0 ? size : b.rows;
  const out: Micro[] = [];
  for (let r0 = 0; r0 < b.rows; r0 += step) {
    const n = Math.min(step, b.rows - r0);
    const span = [r0 * b.L, (r0 + n) * b.L] as const;
    out.push({
      n,
      inputs: tf.tensor2d(b.inputs.subarray(...span), [n, b.L], 'int32'),
      targets: tf.tensor2d(b.targets.subarray(...span), [n, b.L], 'int32'),
      mask: tf.tensor2d(b.mask.subarray(...span), [n, b.L], 'float32'),
      advantages: null,
      old: null,
      ref: null,
    });
  }
  return out;
}

export function setAdvantages(micros: Micro[], advantages: Float32Array): void {
  let r0 = 0;
  for (const m of micros) {
    m.advantages?.dispose();
    m.advantages = tf.tensor1d(advantages.subarray(r0, r0 + m.n), 'float32');
    r0 += m.n;
  }
}

/** Replaces each micro-batch's loss mask with its rows of `mask` [rows, L] (a row dropped from the loss is all 0). */
export function setMasks(micros: Micro[], mask: Float32Array): void {
  let r0 = 0;
  for (const m of micros) {
    const L = m.mask.shape[1];
    m.mask.dispose();
    m.mask = tf.tensor2d(mask.subarray(r0 * L, (r0 + m.n) * L), [m.n, L], 'float32');
    r0 += m.n;
  }
}

export function disposeMicros(micros: Micro[]): void {
  for (const m of micros)
    tf.dispose([m.inputs, m.targets, m.mask, ...[m.advantages, m.old, m.ref].filter((t) => t !== null)]);
}

/** Log-probs [n, L] of the taken tokens under `params` (no gradient needed: outside variableGrads). */
export function logProbsOf(params: Params, cfg: ModelConfig, m: Micro, temperature: number): tf.Tensor2D {
  return tf.tidy(() => tokenStats(forward(params, cfg, m.inputs), m.targets, temperature).logps);
}

/** Self-certainty [rows] of every sequence, micro-batch by micro-batch, read back once (a sync point). */
export async function selfCertaintyOf(params: Params, cfg: ModelConfig, micros: Micro[]): Promise<Float32Array> {
  const all = tf.tidy(() => tf.concat(micros.map((m) => selfCertainty(forward(params, cfg, m.inputs), m.mask))));
  const values = new Float32Array(await all.data());
  all.dispose();
  return values;
}

export interface UpdateResult {
  loss: tf.Scalar;
  gradNorm: tf.Scalar;
  /** [6] metric sums (grpo-loss.ts SUM_KEYS). */
  sums: tf.Tensor1D;
}

/** acc + grads, key by key, as new tensors; both inputs are disposed. */
function addInto(acc: Record<string, tf.Tensor>, grads: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
  const out = tf.tidy(() => Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, acc[k]!.add(g)])));
  tf.dispose([...Object.values(acc), ...Object.values(grads)]);
  return out;
}

/**
 * Gradients of the whole batch's loss by parameter name, summed over micro-batches (each micro-batch's
 * loss already carries its share), with each micro-batch's loss [scalar] and metric sums [6]. Caller disposes.
 */
export function batchGradients(
  params: Params,
  cfg: ModelConfig,
  micros: Micro[],
  s: LossSettings,
  temperature: number,
) {
  const vars = Object.values(params);
  let acc: Record<string, tf.Tensor> | null = null;
  const losses: tf.Scalar[] = [];
  const sums: tf.Tensor1D[] = [];
  for (const m of micros) {
    const { value, grads } = tf.variableGrads(() => {
      const { logps, entropy } = tokenStats(forward(params, cfg, m.inputs), m.targets, temperature);
      const out = grpoLoss(
        { logps, entropy, oldLogps: m.old, refLogps: m.ref, advantages: m.advantages!, mask: m.mask },
        s,
      );
      sums.push(tf.keep(out.sums));
      return out.loss;
    }, vars);
    losses.push(value);
    acc = acc ? addInto(acc, grads) : grads;
  }
  const byName: Record<string, tf.Tensor> = {};
  for (const [name, p] of Object.entries(params)) byName[name] = acc![p.name]!;
  return { grads: byName, losses, sums };
}

/** One optimizer step on the whole batch: accumulate over micro-batches, clip, AdamW. */
export function grpoUpdate(
  params: Params,
  cfg: ModelConfig,
  opt: AdamWState,
  optCfg: AdamWConfig,
  micros: Micro[],
  s: LossSettings,
  temperature: number,
  lr: number,
): UpdateResult {
  const { grads, losses, sums } = batchGradients(params, cfg, micros, s, temperature);
  const gradNorm = adamwUpdate(params, grads, opt, optCfg, lr);
  tf.dispose(Object.values(grads));
  return { loss: sumAndDispose(losses), gradNorm, sums: sumAndDispose(sums) };
}

/** The sum of same-shape tensors as a new tensor; the inputs are disposed (a single input is returned as is). */
export function sumAndDispose<T extends tf.Tensor>(list: T[]): T {
  if (list.length === 1) return list[0]!;
  const total = tf.tidy(() => sumMany(list));
  tf.dispose(list);
  return total;
}
