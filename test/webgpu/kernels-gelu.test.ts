// The fused GELU and bias + GELU kernels against the naive tfjs ops, values and gradients, on WebGPU (Dawn,
// SwiftShader). Widths below and above the workgroup size, element counts with a partial last group, and
// inputs out to |x| = 24 where tanh saturates.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/tf';
import { useWebGPU } from '../../src/cli/shared/dawn';
import { biasGelu, gelu } from '../../src/model/kernels/gelu';
import { withKernelMode } from '../../src/model/kernels/mode';
import { counted, expectClose, randn } from './kernel-helpers';

beforeAll(async () => {
  await useWebGPU();
});

describe.each([
  [3, 7, 40],
  [2, 5, 130],
])('fused GELU [%i, %i, %i]', (B, T, C) => {
  // spread 3 so the tails (tanh near +-1) are exercised; the last channel column is pushed to +-24
  const x = () =>
    tf.tidy(() =>
      randn([B, T, C], 1)
        .mul(3)
        .add(tf.oneHot(C - 1, C).mul(randn([B, T, 1], 7).sign().mul(21))),
    );
  const w = () => randn([B, T, C], 5); // weighs every output element differently
  const bias = () => randn([C], 3);

  it('gelu matches the naive ops, values and gradient, in 1 + 1 dispatches', async () => {
    const run = (mode: 'fused' | 'naive') =>
      counted(mode, () => {
        const a = w();
        const { value, grads } = tf.valueAndGrads((x_: tf.Tensor) => gelu(x_).mul(a).sum() as tf.Scalar)([x()]);
        return [gelu(x()), value, ...grads];
      });
    const fused = run('fused');
    const naive = run('naive');
    expect(fused.dispatches).toBe(3); // forward + backward under valueAndGrads, then the plain forward
    expect(naive.dispatches).toBe(0);
    for (let i = 0; i < fused.out.length; i++) await expectClose(fused.out[i]!, naive.out[i]!, 1e-4, `output ${i}`);
    tf.dispose([...fused.out, ...naive.out]);
  });

  it('biasGelu matches gelu(x + bias), values and both gradients, in 1 + 2 dispatches', async () => {
    const run = (mode: 'fused' | 'naive') =>
      counted(mode, () => {
        const a = w();
        const { value, grads } = tf.valueAndGrads(
          (x_: tf.Tensor, b_: tf.Tensor) => biasGelu(x_, b_).mul(a).sum() as tf.Scalar,
        )([x(), bias()]);
        return [value, ...grads];
      });
    const fused = run('fused');
    const naive = run('naive');
    expect(fused.dispatches).toBe(3);
    for (let i = 0; i < fused.out.length; i++) await expectClose(fused.out[i]!, naive.out[i]!, 1e-4, `output ${i}`);
    tf.dispose([...fused.out, ...naive.out]);
  });

  it('frees what it makes', () => {
    const [x0, b0, a] = [x(), bias(), w()];
    const start = tf.memory().numTensors;
    withKernelMode('fused', () => {
      const y = gelu(x0);
      const z = biasGelu(x0, b0);
      const { value, grads } = tf.valueAndGrads(
        (x_: tf.Tensor, b_: tf.Tensor) => biasGelu(gelu(x_), b_).mul(a).sum() as tf.Scalar,
      )([x0, b0]);
      tf.dispose([y, z, value, ...grads]);
    });
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x0, b0, a]);
  });
});

describe('fused GELU edge cases', () => {
  it('handles a 1-D input and rejects a bias of the wrong width', async () => {
    const x = randn([5], 9);
    const fused = withKernelMode('fused', () => gelu(x));
    const naive = gelu(x);
    await expectClose(fused, naive, 1e-4, '1-D');
    const [x2, b4] = [randn([2, 3], 1), randn([4], 2)];
    expect(() => withKernelMode('fused', () => biasGelu(x2, b4))).toThrow(/bias/);
    tf.dispose([x, fused, naive, x2, b4]);
  });
});
