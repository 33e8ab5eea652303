// AdamW (Loshchilov & Hutter: decoupled weight decay) with global-norm gradient clipping, on tfjs
// variables. Not tf.train.adam: that has no decoupled decay and hides its state from checkpoints.
// In fused mode on WebGPU the update runs as a few WGSL dispatches (src/model/kernels/adamw.ts) on a
// flat copy of the state; m and v stay per-parameter variables to everyone else (checkpoints), synced
// on access: see AdamWStore.
import { tf } from '../model/tf';
import type { Params } from '../model/params';
import { sumMany } from '../model/ops';
import { useFused } from '../model/kernels/mode';
import { createFlatState, fusedAdamW, layoutOf, packState, unpackState, type Layout } from '../model/kernels/adamw';

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

/**
 * The state createAdamW makes. m and v are per-parameter variables (`views`) and, once the fused update
 * ran, also a flat [3N] variable (m | v | g, see kernels/adamw.ts) that the fused update keeps current.
 * `current` says which copy holds the latest m and v. Reading `m` or `v` copies the flat state into the
 * views first, and counts as a possible write (a restore assigns into them), so the next fused update
 * packs them back. A checkpoint thus costs a few copy dispatches; a training step costs none.
 */
class AdamWStore implements AdamWState {
  t = 0;
  readonly layout: Layout;
  private readonly views: { m: Params; v: Params } = { m: {}, v: {} };
  private flat: tf.Variable | null = null;
  /** 'both' at creation: the views are zeros, and so is a flat state made later. */
  private current: 'both' | 'views' | 'flat' = 'both';

  constructor(params: Params) {
    // tidy frees the zerosLike temporary; the variable (not tracked by tidy) survives
    const zeros = (p: tf.Variable) => tf.tidy(() => tf.variable(tf.zerosLike(p), false));
    for (const [name, p] of Object.entries(params)) {
      this.views.m[name] = zeros(p);
      this.views.v[name] = zeros(p);
    }
    this.layout = layoutOf(Object.entries(params).map(([name, p]) => [name, p.shape]));
  }

  get m(): Params {
    return this.handOut().m;
  }

  get v(): Params {
    return this.handOut().v;
  }

  private handOut(): { m: Params; v: Params } {
    if (this.current === 'flat') unpackState(this.flat!, this.layout, this.views.m, this.views.v);
    this.current = 'views';
    return this.views;
  }

  /** The flat state, current, for a fused update (which leaves only it current). */
  flatForUpdate(): tf.Variable {
    this.flat ??= createFlatState(this.layout);
    if (this.current === 'views') packState(this.flat, this.layout, this.views.m, this.views.v);
    this.current = 'flat';
    return this.flat;
  }

  dispose(): void {
    tf.dispose([...Object.values(this.views.m), ...Object.values(this.views.v)]);
    this.flat?.dispose();
    this.flat = null;
  }
}

export function createAdamW(params: Params): AdamWState {
  return new AdamWStore(params);
}

export function disposeAdamW(state: AdamWState): void {
  if (state instanceof AdamWStore) return state.dispose();
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
export function adamwUpdate(
  params: Params,
  grads: Record<string, tf.Tensor>,
  state: AdamWState,
  cfg: AdamWConfig,
  lr: number,
): tf.Scalar {
  if (useFused() && state instanceof AdamWStore && fusable(state.layout, params, grads))
    return adamwUpdateFused(params, grads, state, cfg, lr);
  return adamwUpdateNaive(params, grads, state, cfg, lr);
}

/** The fused kernels handle it: some gradients, each of a parameter the state was made for, of its shape. */
function fusable(layout: Layout, params: Params, grads: Record<string, tf.Tensor>): boolean {
  const slots = new Map(layout.slots.map((s) => [s.name, s]));
  const names = Object.keys(grads);
  const fits = (name: string) => {
    const slot = slots.get(name);
    return (
      !!slot &&
      !!params[name] &&
      tf.util.arraysEqual(params[name].shape, slot.shape) &&
      tf.util.arraysEqual(grads[name]!.shape, slot.shape)
    );
  };
  return names.length > 0 && names.every(fits);
}

/** adamwUpdate as WGSL kernels: same arithmetic, same result (to float rounding), a few dispatches. */
function adamwUpdateFused(
  params: Params,
  grads: Record<string, tf.Tensor>,
  state: AdamWStore,
  cfg: AdamWConfig,
  lr: number,
): tf.Scalar {
  state.t += 1;
  const { beta1: b1, beta2: b2 } = cfg;
  const scalars = {
    b1,
    b2,
    eps: cfg.eps ?? 1e-8,
    c1: 1 - b1 ** state.t,
    c2: 1 - b2 ** state.t,
    lr,
    clip: cfg.gradClip,
    weightDecay: cfg.weightDecay,
  };
  return fusedAdamW(state.flatForUpdate(), state.layout, params, grads, scalars);
}

/** The plain tfjs ops: the baseline, and the path off WebGPU. */
export function adamwUpdateNaive(
  params: Params,
  grads: Record<string, tf.Tensor>,
  state: AdamWState,
  cfg: AdamWConfig,
  lr: number,
): tf.Scalar {
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
