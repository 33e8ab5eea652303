// The fused causal attention kernels against the naive tfjs ops, values and gradients w.r.t. the packed
// qkv, on WebGPU (Dawn, SwiftShader). Shapes: a few rows under one tile, and T > 64 (several workgroups of
// rows, several key tiles, tiles of query rows the key-side kernel skips) with D = 16 and 64; without a key
// mask, with a left-padded sequence (its first query rows have no allowed key), and with a gap inside it.
// Also the dispatch counts and tensor leaks.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/tf';
import { useWebGPU } from '../../src/cli/shared/dawn';
import { causalAttention, causalAttentionNaive } from '../../src/model/kernels/attention';
import { withKernelMode } from '../../src/model/kernels/mode';
import { rawDispatchCount } from '../../src/model/kernels/raw';
import { expectClose, randn } from './kernel-helpers';

beforeAll(async () => {
  await useWebGPU();
});

/** Padding of the key mask: sequence 1 (of 2) left-padded by `pad`, then (if `gap`) one padded key 2 later. */
type Padding = { pad: number; gap: boolean } | null;

/** keyMask [B, T]: sequence 0 all real, sequence 1 padded as `p` says. */
function maskFor(B: number, T: number, p: Padding): tf.Tensor2D | undefined {
  if (!p) return undefined;
  const m = new Float32Array(B * T).fill(1);
  for (let t = 0; t < p.pad; t++) m[T + t] = 0;
  if (p.gap) m[T + p.pad + 2] = 0;
  return tf.tensor2d(m, [B, T]);
}

// [name, B, T, H, D, padding, scale of qkv]. Scale 1.5: scores of a few units (a peaked softmax); scale 6:
// scores of tens, so the rows without an allowed key see scores that float32 rounds to multiples of 64.
type Case = [string, number, number, number, number, Padding, number];
const CASES: Case[] = [
  ['tiny, no mask', 2, 7, 2, 4, null, 1.5],
  ['tiny, left padding', 2, 9, 2, 4, { pad: 3, gap: false }, 1.5],
  ['tiny, left padding and a gap', 2, 9, 2, 4, { pad: 3, gap: true }, 1.5],
  ['tiny, left padding, large scores', 2, 9, 2, 4, { pad: 4, gap: true }, 6],
  ['T > 64, D = 16, left padding and a gap', 2, 70, 2, 16, { pad: 40, gap: true }, 1.5],
  ['T > 64, D = 64, padding past the first 64 rows', 2, 70, 1, 64, { pad: 66, gap: false }, 1],
];

describe.each(CASES)('fused causal attention: %s [B %i, T %i, H %i, D %i]', (_name, B, T, H, D, padding, scale) => {
  const C = H * D;
  const mask = () => maskFor(B, T, padding);

  /** y and d sum(y * w) / dqkv, computed by `attention` in `mode`. */
  const run = (mode: 'fused' | 'naive', attention = causalAttention) =>
    withKernelMode(mode, () =>
      tf.tidy(() => {
        const qkv = randn([B, T, 3 * C], 1).mul(scale) as tf.Tensor3D;
        const w = randn([B, T, C], 2);
        const keyMask = mask();
        const f = (x: tf.Tensor) =>
          attention(x as tf.Tensor3D, H, keyMask)
            .mul(w)
            .sum() as tf.Scalar;
        const { value, grad } = tf.valueAndGrad(f)(qkv);
        return [attention(qkv, H, keyMask), value, grad];
      }),
    );

  it('matches the naive attention: values and gradients', async () => {
    const before = rawDispatchCount();
    const fused = run('fused');
    expect(rawDispatchCount() - before).toBeGreaterThan(0); // the WGSL path really ran
    const naive = run('naive');
    const names = ['y', 'loss', 'dqkv'];
    for (let i = 0; i < fused.length; i++) await expectClose(fused[i]!, naive[i]!, 1e-4, names[i]!);
    for (const t of [...fused, ...naive]) expect(Array.from(await t.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([...fused, ...naive]);
  });

  it('a wrong reference fails the comparison (the check has teeth)', async () => {
    // the attention without the causal mask, i.e. a kernel that let queries see the future
    const leaky = (qkv: tf.Tensor3D, heads: number, keyMask?: tf.Tensor2D) =>
      tf.tidy(() => {
        const flipped = tf.reverse(qkv, 1) as tf.Tensor3D; // time reversed: the future becomes the past
        return tf.reverse(
          causalAttentionNaive(flipped, heads, keyMask ? (tf.reverse(keyMask, 1) as tf.Tensor2D) : undefined),
          1,
        ) as tf.Tensor3D;
      });
    const fused = run('fused');
    const wrong = run('naive', leaky);
    await expect(expectClose(fused[0]!, wrong[0]!, 1e-4, 'y')).rejects.toThrow();
    await expect(expectClose(fused[2]!, wrong[2]!, 1e-4, 'dqkv')).rejects.toThrow();
    tf.dispose([...fused, ...wrong]);
  });

  it('one dispatch forward, three forward + backward, and frees what it makes', async () => {
    const qkv = randn([B, T, 3 * C], 3) as tf.Tensor3D;
    const keyMask = mask();
    const start = tf.memory().numTensors;
    const before = rawDispatchCount();
    const y = withKernelMode('fused', () => causalAttention(qkv, H, keyMask));
    expect(rawDispatchCount() - before).toBe(1);
    const mid = rawDispatchCount();
    const g = withKernelMode('fused', () =>
      tf.grad((x: tf.Tensor) => causalAttention(x as tf.Tensor3D, H, keyMask).sum() as tf.Scalar)(qkv),
    );
    expect(rawDispatchCount() - mid).toBe(3);
    await g.data();
    tf.dispose([y, g]);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose(keyMask ? [qkv, keyMask] : [qkv]);
  });
});
