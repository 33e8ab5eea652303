// The GRPO objective as TRL's GRPOTrainer._compute_loss defines it, on per-token tensors of one
// micro-batch: clipped surrogate, k3 KL to a reference, optional entropy bonus, and the four loss
// aggregations. No model, no sampling: inputs are log-probs, advantages and masks.
//
//   r_{i,t} = exp(logp_{i,t} - old_{i,t})              (old = stop_gradient(logp) when on-policy)
//   l_{i,t} = -min(r A_i, clip(r, 1 - eps_low, 1 + eps_high) A_i)
//             + beta (exp(ref - logp) - (ref - logp) - 1)  (k3 estimator; 0 where ref == logp)
//             - entropyCoef H_{i,t}                      (not in TRL: an optional entropy bonus, 0 by default)
//   grpo:    (1/S) sum_i [ sum_t m l / max(1, sum_t m) ]        per-sequence mean, then over sequences
//   bnpo:    sum m l / max(1, sum m) over this micro-batch, / microBatches  (TRL: / accumulation steps)
//   dr_grpo: sum m l / (S * maxCompletionLength)
//   dapo:    sum m l / max(1, active tokens of the whole batch)  (TRL: num_items_in_batch)
// S is the whole batch's sequence count. With one micro-batch bnpo and dapo are the same number; they
// differ once the batch is split (bnpo normalises each micro-batch by its own tokens).
import { tf } from '../model/tf';
import type { LossType } from '../experiment/rl-config';

export interface LossInputs {
  /** [n, L] log-probs of the taken tokens under the policy being trained (differentiable). */
  logps: tf.Tensor2D;
  /** [n, L] log-probs under the policy that sampled; null = on-policy (num_iterations 1). */
  oldLogps: tf.Tensor2D | null;
  /** [n, L] log-probs under the frozen reference; needed when beta > 0. */
  refLogps: tf.Tensor2D | null;
  /** [n, L] policy entropy per position (differentiable; only trained on when entropyCoef > 0). */
  entropy: tf.Tensor2D;
  /** [n] one advantage per sequence. */
  advantages: tf.Tensor1D;
  /** [n, L] 1 on completion tokens that are trained on, 0 on prompt, padding and masked truncations. */
  mask: tf.Tensor2D;
}

export interface LossSettings {
  lossType: LossType;
  epsilonLow: number;
  epsilonHigh: number;
  beta: number;
  entropyCoef: number;
  maxCompletionLength: number;
  /** S: sequences in the whole batch (all micro-batches). */
  totalSequences: number;
  /** Active completion tokens in the whole batch (dapo's normaliser). */
  totalTokens: number;
  /** Micro-batches the batch is split into (bnpo divides each one's mean by this). */
  microBatches: number;
}

/** Order of the metric sums in LossOutput.sums (each a sum over active tokens). */
export const SUM_KEYS = ['entropy', 'kl', 'clip_low', 'clip_high', 'clip_region', 'tokens'] as const;

/** A type alias, not an interface, so tf.tidy can return it. */
export type LossOutput = {
  loss: tf.Scalar;
  /** [6] masked sums, in SUM_KEYS order: no gradient flows through them (tf.keep them under variableGrads). */
  sums: tf.Tensor1D;
};

/** Identity forward, zero gradient: torch's .detach(). */
const detach = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor;
  return { value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return detach(x) as T;
}

/** Per-token loss [n, L] and the masked metric sums. */
function perToken(inp: LossInputs, s: LossSettings): { loss: tf.Tensor2D; sums: tf.Tensor1D } {
  const m = inp.mask; // [n, L]
  const A = inp.advantages.expandDims(1); // [n, 1]
  const old = inp.oldLogps ?? stopGradient(inp.logps);
  const ratio = inp.logps.sub(old).mul(m).exp(); // [n, L]; 1 on masked positions (no overflow there)
  const clipped = ratio.clipByValue(1 - s.epsilonLow, 1 + s.epsilonHigh);
  let loss = tf.minimum(ratio.mul(A), clipped.mul(A)).neg() as tf.Tensor2D; // [n, L]
  let kl: tf.Tensor2D = tf.zerosLike(m);
  if (inp.refLogps) {
    const d = inp.refLogps.sub(inp.logps).mul(m); // [n, L]: ref - logp, 0 where masked
    kl = d.exp().sub(d).sub(1);
    if (s.beta !== 0) loss = loss.add(kl.mul(s.beta));
  }
  if (s.entropyCoef !== 0) loss = loss.sub(inp.entropy.mul(s.entropyCoef));
  const low = ratio
    .less(1 - s.epsilonLow)
    .toFloat()
    .mul(A.less(0).toFloat()); // [n, L]
  const high = ratio
    .greater(1 + s.epsilonHigh)
    .toFloat()
    .mul(A.greater(0).toFloat());
  const masked = (x: tf.Tensor) => stopGradient(x.mul(m).sum());
  const sums = tf.stack([
    masked(inp.entropy),
    masked(kl),
    masked(low),
    masked(high),
    masked(low.add(high)),
    m.sum(),
  ]) as tf.Tensor1D;
  return { loss, sums };
}

/** Aggregate a masked per-token loss [n, L] by loss type (formulas in the file header). */
export function aggregate(perTokenLoss: tf.Tensor2D, mask: tf.Tensor2D, s: LossSettings): tf.Scalar {
  return tf.tidy(() => {
    const lm = perTokenLoss.mul(mask); // [n, L]
    switch (s.lossType) {
      case 'grpo':
        return lm.sum(1).div(mask.sum(1).maximum(1)).sum().div(s.totalSequences) as tf.Scalar;
      case 'bnpo':
        return lm.sum().div(mask.sum().maximum(1)).div(s.microBatches) as tf.Scalar;
      case 'dr_grpo':
        return lm.sum().div(s.totalSequences * s.maxCompletionLength) as tf.Scalar;
      case 'dapo':
        return lm.sum().div(Math.max(1, s.totalTokens)) as tf.Scalar;
    }
  });
}

/** The GRPO loss of one micro-batch and its metric sums. Call under tf.variableGrads for gradients. */
export function grpoLoss(inp: LossInputs, s: LossSettings): LossOutput {
  return tf.tidy(() => {
    const { loss, sums } = perToken(inp, s);
    return { loss: aggregate(loss, inp.mask, s), sums };
  });
}
