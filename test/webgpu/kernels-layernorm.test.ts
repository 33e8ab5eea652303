// The fused add + LayerNorm kernels against the naive tfjs ops, values and gradients, on WebGPU (Dawn,
// SwiftShader). Widths below and above the workgroup size, and a row count with a partial last group.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/tf';
import { useWebGPU } from '../../src/cli/shared/dawn';
import { addLayerNorm, layerNorm } from '../../src/model/kernels/layernorm';
import { withKernelMode } from '../../src/model/kernels/mode';
import { rawDispatchCount } from '../../src/model/kernels/raw';
import { expectClose, randn } from './kernel-helpers';

beforeAll(async () => {
  await useWebGPU();
});

describe.each([
  [3, 7, 40],
  [2, 5, 130],
])('fused LayerNorm [%i, %i, %i]', (B, T, C) => {
  const inputs = () => ({ x: randn([B, T, C], 1), d: randn([B, T, C], 2), g: randn([C], 3).add(1), b: randn([C], 4) });
  // a loss that weighs every output element differently, so every gradient entry is exercised
  const w1 = () => randn([B, T, C], 5);
  const w2 = () => randn([B, T, C], 6);

  it('matches the naive add + LayerNorm: values and gradients', async () => {
    const run = (mode: 'fused' | 'naive') =>
      withKernelMode(mode, () =>
        tf.tidy(() => {
          const { x, d, g, b } = inputs();
          const a = w1();
          const c = w2();
          const f = (x_: tf.Tensor, d_: tf.Tensor, g_: tf.Tensor, b_: tf.Tensor) => {
            const { sum, y } = addLayerNorm(x_, d_, g_, b_);
            return y.mul(a).sum().add(sum.mul(c).sum()) as tf.Scalar;
          };
          const { value, grads } = tf.valueAndGrads(f)([x, d, g, b]);
          const { y } = addLayerNorm(x, d, g, b);
          return [y, value, ...grads];
        }),
      );
    const before = rawDispatchCount();
    const fused = run('fused');
    expect(rawDispatchCount() - before).toBeGreaterThan(0); // the WGSL path really ran
    const naive = run('naive');
    for (let i = 0; i < fused.length; i++) await expectClose(fused[i]!, naive[i]!, 1e-4, `output ${i}`);
    tf.dispose([...fused, ...naive]);
  });

  it('plain LayerNorm matches too, and frees what it makes', async () => {
    const { x, g, b } = inputs();
    const start = tf.memory().numTensors;
    const run = (mode: 'fused' | 'naive') =>
      withKernelMode(mode, () =>
        tf.tidy(() => {
          const a = w1();
          const { value, grads } = tf.valueAndGrads(
            (x_: tf.Tensor, g_: tf.Tensor, b_: tf.Tensor) => layerNorm(x_, g_, b_).mul(a).sum() as tf.Scalar,
          )([x, g, b]);
          return [value, ...grads];
        }),
      );
    const fused = run('fused');
    const naive = run('naive');
    for (let i = 0; i < fused.length; i++) await expectClose(fused[i]!, naive[i]!, 1e-4, `output ${i}`);
    tf.dispose([...fused, ...naive]);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x, g, b]);
  });
});
