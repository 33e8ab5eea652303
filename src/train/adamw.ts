// AdamW (Loshchilov & Hutter: decoupled weight decay) with global-norm gradient clipping, on tfjs
// variables. Not tf.train.adam: that has no decoupled decay and hides its state from checkpoints.
import { tf } from '../model/tf';
import type { Params } from '../model/params';
import { sumMany } from '../model/ops';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  weightDecay: number;
  gradClip: number;
  eps?: number;
}

export interface AdamWState {
  /** Optimizer steps taken so far (bias correction needs it). */
  t: number;
  m: Params;
  v: Params;
}

export function createAdamW(params: Params): AdamWState {
  // tidy frees the zerosLike temporary; the variable (not tracked by tidy) survives
  const zeros = (p: tf.Variable) => tf.tidy(() => tf.variable(tf.zerosLike(p), false));
  const m: Params = {};
  const v: Params = {};
  for (const [name, p] of Object.entries(params)) {
    m[name] = zeros(p);
    v[name] = zeros(p);
  }
  return { t: 0, m, v };
}

export function disposeAdamW(state: AdamWState): void {
  for (const t of [...Object.values(state.m), ...Object.values(state.v)]) t.dispose();
}

/** sqrt(sum of squares over every gradient): a scalar tensor, no read-back. */
export function globalNorm(grads: Record<string, tf.Tensor>): tf.Scalar {
  return tf.tidy(() => tf.sqrt(sumMany(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/**
 * One AdamW update of every parameter. Clips by global norm first. Returns the pre-clip norm
 * (a scalar the caller owns, for the `grad_norm` metric). Gradients are read, not disposed.
 * Decay applies to matrices only (rank >= 2), as nanoGPT does: not to biases or LayerNorm gains.
 */
export function adamwUpdate(params: Params, grads: Record<string, tf.Tensor>, state: AdamWState, cfg: AdamWConfig, lr: number): tf.Scalar {
  state.t += 1;
  const { beta1: b1, beta2: b2 } = cfg;
  const eps = cfg.eps ?? 1e-8;
  const c1 = 1 - b1 ** state.t; // bias corrections, known on the CPU
  const c2 = 1 - b2 ** state.t;
  return tf.tidy(() => {
    const norm = globalNorm(grads);
    const scale = cfg.gradClip > 0 ? tf.minimum(1, tf.div(cfg.gradClip, tf.add(norm, 1e-6))) : tf.scalar(1);
    for (const [name, p] of Object.entries(params)) {
      const g0 = grads[name];
      if (!g0) continue;
      const g = tf.mul(g0, scale);
      const m = state.m[name]!;
      const v = state.v[name]!;
      m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
      v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
      const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps));
      const decay = p.rank >= 2 && cfg.weightDecay > 0 ? tf.mul(p, cfg.weightDecay) : null;
      p.assign(tf.sub(p, tf.mul(decay ? tf.add(update, decay) : update, lr)));
    }
    return norm;
  });
}
