// Shared tiny configs and helpers for the model tests (CPU backend unless a test says otherwise).
import type { ModelConfig } from '../../src/model/model-config';
import { maskedCrossEntropy } from '../../src/model/loss';
import type { Params } from '../../src/model/params';
import { tf } from '../../src/model/tf';
import { encodeExample, PAD_ID } from '../../src/model/tokenizer';
import { forward } from '../../src/model/transformer';
import { rngFor } from '../../src/util/rng';

export const TINY: ModelConfig = { layers: 2, dModel: 32, heads: 2, context: 16, vocabSize: 100 };
/** TINY with rotary positions: no wpe, queries and keys rotated between wqkv and the scores. */
export const TINY_ROPE: ModelConfig = { ...TINY, position: 'rope' };

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

/** Right-padded teacher-forcing batch: inputs/targets int32 [B, T-1], mask 1 on completion targets (EOS included). */
export function exampleBatch(examples: [string, string][]) {
  const encoded = examples.map(([p, c]) => encodeExample(p, c));
  const T = Math.max(...encoded.map((e) => e.tokens.length));
  const B = encoded.length;
  const [inputs, targets, mask] = [
    new Int32Array(B * (T - 1)),
    new Int32Array(B * (T - 1)),
    new Float32Array(B * (T - 1)),
  ];
  encoded.forEach(({ tokens, completionStart }, b) => {
    for (let t = 0; t < T - 1; t++) {
      inputs[b * (T - 1) + t] = tokens[t] ?? PAD_ID;
      targets[b * (T - 1) + t] = tokens[t + 1] ?? PAD_ID;
      mask[b * (T - 1) + t] = t + 1 >= completionStart && t + 1 < tokens.length ? 1 : 0;
    }
  });
  const shape: [number, number] = [B, T - 1];
  return {
    inputs: tf.tensor2d(inputs, shape, 'int32'),
    targets: tf.tensor2d(targets, shape, 'int32'),
    mask: tf.tensor2d(mask, shape),
  };
}

/** A minimal Adam loop (the real SFT loop lives in train/): returns the loss every 10 steps until it is below `target`. */
export async function overfit(
  params: Params,
  cfg: ModelConfig,
  examples: [string, string][],
  opts: { maxSteps: number; lr: number; target: number },
): Promise<number[]> {
  const { inputs, targets, mask } = exampleBatch(examples);
  const optimizer = tf.train.adam(opts.lr);
  const losses: number[] = [];
  for (let step = 1; step <= opts.maxSteps; step++) {
    const cost = optimizer.minimize(
      () => maskedCrossEntropy(forward(params, cfg, inputs), targets, mask).loss,
      true,
      Object.values(params),
    );
    if (step % 10 === 0) losses.push((await cost!.data())[0]!);
    cost?.dispose();
    if (losses.length > 0 && losses[losses.length - 1]! < opts.target) break;
  }
  optimizer.dispose();
  tf.dispose([inputs, targets, mask]);
  return losses;
}
