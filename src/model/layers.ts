// The naive per-layer math of the GPT, in plain tfjs ops: LayerNorm, GELU, the one-hot embedding lookup,
// the attention bias and scaled dot-product attention over heads. transformer.ts builds the model from
// them, and the fused kernels (kernels/) fall back to them and are tested against them.
import { oneHotFloat } from './ops';
import { tf } from './tf';

export const LN_EPS = 1e-5; // GPT-2's LayerNorm epsilon
export const MASK = 1e9; // additive mask: exp(-1e9 - max) is exactly 0 in float32
export const GELU_K = Math.sqrt(2 / Math.PI);

/** LayerNorm over the last axis (biased variance, as PyTorch). */
export function layerNorm<T extends tf.Tensor>(x: T, g: tf.Tensor, b: tf.Tensor): T {
  const { mean, variance } = tf.moments(x, -1, true); // [..., 1] each
  return x
    .sub(mean)
    .mul(tf.rsqrt(variance.add(LN_EPS)))
    .mul(g)
    .add(b) as T;
}

/** GELU, tanh approximation (GPT-2). */
export function gelu<T extends tf.Tensor>(x: T): T {
  const inner = x.add(x.pow(3).mul(0.044715)).mul(GELU_K);
  return x.mul(0.5).mul(tf.tanh(inner).add(1)) as T;
}

/** A one-hot matmul, never gather: gather's gradient has no WASM kernel. int32 [B, T] -> [B, T, C]. */
export function lookup(ids: tf.Tensor2D, table: tf.Tensor): tf.Tensor3D {
  const [B, T] = ids.shape;
  const [N, C] = table.shape as [number, number];
  const oneHot = oneHotFloat(ids.reshape([B * T]), N) as tf.Tensor2D; // [B*T, N]
  return tf.matMul(oneHot, table).reshape([B, T, C]);
}

/**
 * Token plus position embeddings from the tables wte [V, C], wpe [P, C]: int32 [B, T] -> [B, T, C] (positions
 * default 0..T-1). Without wpe (rotary positions), the token embeddings alone.
 */
export function embedTables(
  wte: tf.Tensor,
  wpe: tf.Tensor | null,
  tokens: tf.Tensor2D,
  positions?: tf.Tensor2D,
): tf.Tensor3D {
  return tf.tidy(() => {
    const tok = lookup(tokens, wte); // [B, T, C]
    if (!wpe) return tok;
    if (positions) return tok.add(lookup(positions, wpe));
    return tok.add(wpe.slice([0, 0], [tokens.shape[1], wpe.shape[1]!])); // [T, C] broadcast over B
  });
}

/**
 * Additive attention bias [B or 1, 1, T, S]: 0 where query j (absolute index offset + j) may see key s
 * (s <= offset + j and keyMask[b, s] = 1), -1e9 elsewhere.
 */
export function attentionBias(T: number, S: number, offset: number, keyMask?: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const causal = new Float32Array(T * S);
    for (let j = 0; j < T; j++) for (let s = 0; s <= Math.min(offset + j, S - 1); s++) causal[j * S + s] = 1;
    let allowed: tf.Tensor4D = tf.tensor4d(causal, [1, 1, T, S]);
    if (keyMask) allowed = allowed.mul(keyMask.toFloat().reshape([keyMask.shape[0], 1, 1, S]));
    return allowed.sub(1).mul(MASK);
  });
}

/** [B, T, C] -> [B, H, T, D] */
export function splitHeads(x: tf.Tensor3D, H: number): tf.Tensor4D {
  const [B, T, C] = x.shape;
  return x.reshape([B, T, H, C / H]).transpose([0, 2, 1, 3]);
}

/** Scaled dot-product attention over heads: q [B, H, T, D], k, v [B, H, S, D] -> [B, T, C]. */
export function attend(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor4D): tf.Tensor3D {
  const [B, H, T, D] = q.shape;
  const scores = tf
    .matMul(q, k, false, true)
    .mul(1 / Math.sqrt(D))
    .add(bias); // [B, H, T, S]
  const y = tf.matMul(tf.softmax(scores), v) as tf.Tensor4D; // [B, H, T, D]
  return y.transpose([0, 2, 1, 3]).reshape([B, T, H * D]);
}
