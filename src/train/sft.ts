// One supervised step: masked next-token loss, gradients, AdamW. Tensors only; no loop, no storage.
// The loop that calls it (and decides when to read values back) is in run.ts.
import { tf } from '../model/tf';
import { forward } from '../model/transformer';
import { maskedCrossEntropy } from '../model/loss';
import { sumMany } from '../model/ops';
import type { ModelConfig } from '../model/model-config';
import type { Params } from '../model/params';
import { adamwUpdate, type AdamWConfig, type AdamWState } from './adamw';
import type { TokenBatch } from './batch';

/** Per-step values kept on the device until a log interval reads them (caller disposes). */
export interface StepTensors {
  loss: tf.Scalar;
  correct: tf.Scalar;
  count: tf.Scalar;
  gradNorm: tf.Scalar;
}

export function sftStep(
  params: Params,
  cfg: ModelConfig,
  opt: AdamWState,
  optCfg: AdamWConfig,
  batch: TokenBatch,
  lr: number,
): StepTensors {
  const { B, L } = batch;
  const inputs = tf.tensor2d(batch.inputs, [B, L], 'int32');
  const targets = tf.tensor2d(batch.targets, [B, L], 'int32');
  const mask = tf.tensor2d(batch.mask, [B, L], 'float32');
  let correct: tf.Scalar | null = null;
  let count: tf.Scalar | null = null;
  // 1. forward + backward; correct/count are kept out of the gradient tape's tidy with tf.keep
  const { value: loss, grads } = tf.variableGrads(() => {
    const logits = forward(params, cfg, inputs); // [B, L, V]
    const out = maskedCrossEntropy(logits, targets, mask);
    correct = tf.keep(out.correct);
    count = tf.keep(out.count);
    return out.loss;
  }, Object.values(params));
  // 2. clip + AdamW; grads are keyed by variable name, as params are
  const byName: Record<string, tf.Tensor> = {};
  for (const [name, p] of Object.entries(params)) byName[name] = grads[p.name]!;
  const gradNorm = adamwUpdate(params, byName, opt, optCfg, lr);
  tf.dispose([inputs, targets, mask, ...Object.values(grads)]);
  return { loss, correct: correct!, count: count!, gradNorm };
}

/** Sum a list of step tensors into one set of scalars (still on the device) and dispose the list. */
export function reduceSteps(steps: StepTensors[]): StepTensors {
  // clone: with one step, sumMany returns that step's own tensor, which is disposed below
  const sum = (k: keyof StepTensors) => tf.tidy(() => sumMany(steps.map((s) => s[k])).clone());
  const out = { loss: sum('loss'), correct: sum('correct'), count: sum('count'), gradNorm: sum('gradNorm') };
  for (const s of steps) tf.dispose([s.loss, s.correct, s.count, s.gradNorm]);
  return out;
}
