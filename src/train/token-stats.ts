// Per-token quantities the GRPO step reads off the logits: log-probs of the sampled tokens, entropy of
// the policy, and self-certainty (an intrinsic reward). Tensor math only; no loss, no optimizer.
import { oneHotFloat } from '../model/ops';
import { tf } from '../model/tf';

/**
 * log p(target) and the entropy H = -sum_v p_v log p_v at every position, from logits [n, L, V] scaled
 * by 1 / temperature (as TRL does before its log-softmax, so the ratio is taken under the sampling
 * distribution). One-hot (cast: WASM's float one-hot is broken), never gather (no WASM gradient). Differentiable; the caller owns both.
 */
export function tokenStats(
  logits: tf.Tensor3D,
  targets: tf.Tensor2D,
  temperature: number,
): { logps: tf.Tensor2D; entropy: tf.Tensor2D } {
  return tf.tidy(() => {
    const V = logits.shape[2];
    const scaled = temperature === 1 ? logits : logits.div(temperature);
    const lsm = tf.logSoftmax(scaled); // [n, L, V]
    const logps = lsm.mul(oneHotFloat(targets, V)).sum(-1) as tf.Tensor2D; // [n, L]
    const entropy = lsm.exp().mul(lsm).sum(-1).neg() as tf.Tensor2D; // [n, L]
    return { logps, entropy };
  });
}

/**
 * Self-certainty per sequence [n]: per token logsumexp(logits) - mean(logits) over the vocabulary
 * (KL(uniform || p) up to the constant log V), averaged over the positions where mask = 1. Raw logits:
 * it measures the model's own distribution. A row with no masked position gives 0.
 */
export function selfCertainty(logits: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const perToken = tf.logSumExp(logits, -1).sub(logits.mean(-1)); // [n, L]
    const m = mask.toFloat();
    return perToken.mul(m).sum(1).div(m.sum(1).maximum(1)) as tf.Tensor1D; // [n]
  });
}
