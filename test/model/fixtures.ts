// Shared tiny configs and helpers for the model tests (CPU backend unless a test says otherwise).
import type { ModelConfig } from '../../src/model/config';
import type { Params } from '../../src/model/params';
import { tf } from '../../src/model/tf';
import { rngFor } from '../../src/util/rng';

export const TINY: ModelConfig = { layers: 2, dModel: 32, heads: 2, context: 16, vocabSize: 100 };

/**
 * Replaces every parameter with uniform noise of scale `scale` (LayerNorm gains around 1), so logits
 * differ clearly between positions: a freshly initialised model (std 0.02) is nearly uniform,
 * which would let a wrong position or mask hide under the tolerance.
 */
export function roughen(params: Params, seed: number, scale = 0.3): void {
  for (const [name, v] of Object.entries(params)) {
    const rng = rngFor(seed, 0, name);
    const data = Float32Array.from({ length: v.size }, () => (rng.next() * 2 - 1) * scale);
    if (name.endsWith('.g')) data.forEach((x, i) => (data[i] = 1 + x));
    const t = tf.tensor(data, v.shape);
    v.assign(t);
    t.dispose();
  }
}

/** Max |a - b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
