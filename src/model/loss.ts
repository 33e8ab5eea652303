// Losses and log-probabilities over token sequences. One-hot * logSoftmax, never gather (no WASM gradient).
// No optimizer, no schedule: train/ decides what to minimise.
import type { ModelConfig } from './config';
import type { Params } from './params';
import { oneHotFloat } from './ops';
import { tf } from './tf';
import { forward, type ForwardOptions } from './transformer';

/** log p(target) at every position: logits [B, T, V], int32 targets [B, T] -> [B, T]. */
export function pickLogProbs(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const V = logits.shape[2];
    const oneHot = oneHotFloat(targets, V); // [B, T, V]
    return tf.logSoftmax(logits).mul(oneHot).sum(-1) as tf.Tensor2D;
  });
}

/**
 * Mean cross-entropy over positions where mask = 1, plus the count of those positions whose argmax
 * is the target. `correct` and `count` carry no gradient; under tf.variableGrads, tf.keep them.
 */
export function maskedCrossEntropy(
  logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D,
): { loss: tf.Scalar; correct: tf.Scalar; count: tf.Scalar } {
  return tf.tidy(() => {
    const m = mask.toFloat(); // [B, T]
    const count = m.sum() as tf.Scalar;
    const nll = pickLogProbs(logits, targets).neg(); // [B, T]
    const loss = nll.mul(m).sum().div(count.maximum(1)) as tf.Scalar; // an all-zero mask gives 0, not NaN
    const hits = tf.argMax(logits, -1).equal(targets.toInt()).toFloat(); // [B, T]
    const correct = hits.mul(m).sum() as tf.Scalar;
    return { loss, correct, count };
  });
}

/**
 * log p(tokens[:, t+1] | tokens[:, <= t]) for int32 tokens [B, T] -> [B, T - 1], plus the logits
 * [B, T, V] (self-certainty and entropy need them). Differentiable; the caller owns both.
 */
export function tokenLogProbsWithLogits(
  params: Params, cfg: ModelConfig, tokens: tf.Tensor2D, opts: ForwardOptions = {},
): { logProbs: tf.Tensor2D; logits: tf.Tensor3D } {
  return tf.tidy(() => {
    const [B, T] = tokens.shape;
    const logits = forward(params, cfg, tokens, opts); // [B, T, V]
    const inputs = logits.slice([0, 0, 0], [B, T - 1, cfg.vocabSize]); // predictions for t + 1
    const next = tokens.slice([0, 1], [B, T - 1]); // [B, T - 1]
    return { logProbs: pickLogProbs(inputs, next), logits };
  });
}

/** log p(tokens[:, t+1] | tokens[:, <= t]): [B, T] -> [B, T - 1]. */
export function tokenLogProbs(params: Params, cfg: ModelConfig, tokens: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor2D {
  return tf.tidy(() => tokenLogProbsWithLogits(params, cfg, tokens, opts).logProbs);
}
