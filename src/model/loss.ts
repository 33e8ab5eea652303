// Losses and log-probabilities over token sequences. One-hot * logSoftmax, never gather (no WASM gradient),
// or the fused kernels on WebGPU.
// No optimizer, no schedule: train/ decides what to minimise.
import type { ModelConfig } from './model-config';
import type { Params } from './params';
import { tf } from './tf';
import { pickLogProbs } from './kernels/cross-entropy';
import { forward, type ForwardOptions } from './transformer';

// log p(target) per position and the masked mean cross-entropy (with argmax hits and the mask count) live
// with their fused WGSL kernels; off WebGPU or in naive mode they run the plain one-hot * logSoftmax ops.
export { pickLogProbs, maskedCrossEntropy } from './kernels/cross-entropy';

/**
 * log p(tokens[:, t+1] | tokens[:, <= t]) for int32 tokens [B, T] -> [B, T - 1], plus the logits
 * [B, T, V] (self-certainty and entropy need them). Differentiable; the caller owns both.
 */
export function tokenLogProbsWithLogits(
  params: Params,
  cfg: ModelConfig,
  tokens: tf.Tensor2D,
  opts: ForwardOptions = {},
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
export function tokenLogProbs(
  params: Params,
  cfg: ModelConfig,
  tokens: tf.Tensor2D,
  opts: ForwardOptions = {},
): tf.Tensor2D {
  return tf.tidy(() => tokenLogProbsWithLogits(params, cfg, tokens, opts).logProbs);
}
