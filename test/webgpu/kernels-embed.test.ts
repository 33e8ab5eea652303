// The fused token + position embedding against the naive one-hot matmuls, values and table gradients, on
// WebGPU (Dawn, SwiftShader). V = 100 (the real vocabulary), token ids repeated many times (the backward
// pass sums them), default positions and explicit ones (left-padded rows, repeats), ids outside the tables.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/tf';
import { useWebGPU } from '../../src/cli/shared/dawn';
import { embed } from '../../src/model/kernels/embed';
import { withKernelMode } from '../../src/model/kernels/mode';
import { rawDispatchCount } from '../../src/model/kernels/raw';
import { expectClose, randn } from './kernel-helpers';

beforeAll(async () => {
  await useWebGPU();
});

const V = 100;
const P = 16; // context

/** int32 [B, T]: ids from a small range (so they repeat), with every seventh one anywhere in [0, V). */
const tokenIds = (B: number, T: number) =>
  tf.tensor2d(
    Array.from({ length: B * T }, (_, i) => (i % 7 === 0 ? (i * 31) % V : (i * 5) % 11)),
    [B, T],
    'int32',
  );

/** int32 [B, T]: row b starts at position b (as a left-padded batch), clamped to 0, so positions repeat. */
const positionIds = (B: number, T: number) =>
  tf.tensor2d(
    Array.from({ length: B * T }, (_, i) => Math.max(0, (i % T) - Math.floor(i / T))),
    [B, T],
    'int32',
  );

describe.each([
  [3, 7, 40, false],
  [3, 7, 40, true],
  [2, 16, 130, false],
  [5, 13, 130, true],
])('fused embedding [%i, %i, C %i], explicit positions %s', (B, T, C, explicit) => {
  it('matches the naive lookup: values and both table gradients, in 1 + 1 dispatches', async () => {
    const [wte, wpe, tokens] = [randn([V, C], 1) as tf.Tensor2D, randn([P, C], 2) as tf.Tensor2D, tokenIds(B, T)];
    const positions = explicit ? positionIds(B, T) : undefined;
    const w = randn([B, T, C], 3); // weighs every output element differently
    const start = tf.memory().numTensors;
    const run = (mode: 'fused' | 'naive') => {
      const before = rawDispatchCount();
      const out = withKernelMode(mode, () =>
        tf.tidy(() => {
          const f = (a: tf.Tensor, b: tf.Tensor) =>
            embed(a as tf.Tensor2D, b as tf.Tensor2D, tokens, positions)
              .mul(w)
              .sum() as tf.Scalar;
          const { value, grads } = tf.valueAndGrads(f)([wte, wpe]);
          return [embed(wte, wpe, tokens, positions), value, ...grads];
        }),
      );
      return { out, dispatches: rawDispatchCount() - before };
    };
    const fused = run('fused');
    expect(fused.dispatches).toBe(1 + 1 + 1); // forward + backward under valueAndGrads, then the plain forward
    expect(tf.memory().numTensors - start).toBe(fused.out.length); // only the results are left
    const naive = run('naive');
    expect(naive.dispatches).toBe(0);
    for (let i = 0; i < fused.out.length; i++) await expectClose(fused.out[i]!, naive.out[i]!, 1e-4, `output ${i}`);
    tf.dispose([...fused.out, ...naive.out, wte, wpe, tokens, w, ...(positions ? [positions] : [])]);
  });
});

describe('fused embedding edge cases', () => {
  it('ids outside the tables add nothing, as the one-hot does; too long a sequence is refused', async () => {
    const [wte, wpe] = [randn([V, 8], 4) as tf.Tensor2D, randn([P, 8], 5) as tf.Tensor2D];
    const tokens = tf.tensor2d([[3, V, -1, 3]], [1, 4], 'int32');
    const positions = tf.tensor2d([[0, 1, P, -2]], [1, 4], 'int32');
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      embed(a as tf.Tensor2D, b as tf.Tensor2D, tokens, positions).sum() as tf.Scalar;
    const run = (mode: 'fused' | 'naive') =>
      withKernelMode(mode, () => tf.tidy(() => [embed(wte, wpe, tokens, positions), ...tf.grads(f)([wte, wpe])]));
    const fused = run('fused');
    const naive = run('naive');
    for (let i = 0; i < fused.length; i++) await expectClose(fused[i]!, naive[i]!, 1e-4, `output ${i}`);
    const long = tf.zeros([1, P + 1], 'int32') as tf.Tensor2D;
    expect(() => withKernelMode('fused', () => embed(wte, wpe, long))).toThrow(/longer than the model's context/);
    tf.dispose([...fused, ...naive, wte, wpe, tokens, positions, long]);
  });
});
