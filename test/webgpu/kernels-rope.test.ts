// The fused rotary-position kernel against the naive tfjs ops (rope.ts's rotatePacked), values and the
// gradient w.r.t. qkv, on WebGPU (Dawn, SwiftShader): tables shared by every row (default positions) and
// per row (explicit positions), head widths from 2 to 64, a partial last workgroup; one dispatch each way.
import { beforeAll, describe, expect, it } from 'vitest';
import { useWebGPU } from '../../src/cli/shared/dawn';
import type { ModelConfig } from '../../src/model/model-config';
import { rotatePacked } from '../../src/model/kernels/rope';
import { withKernelMode } from '../../src/model/kernels/mode';
import { ropeTables } from '../../src/model/rope';
import { tf } from '../../src/model/tf';
import { counted, expectClose, randn } from './kernel-helpers';

beforeAll(async () => {
  await useWebGPU();
});

describe.each([
  { B: 3, T: 7, C: 32, H: 2 },
  { B: 2, T: 5, C: 64, H: 32 }, // head width 2: one channel pair per head
  { B: 1, T: 9, C: 128, H: 2 },
])('fused rotation of packed qkv, B $B, T $T, C $C, H $H', ({ B, T, C, H }) => {
  const cfg: ModelConfig = { layers: 1, dModel: C, heads: H, context: 32, vocabSize: 100, position: 'rope' };
  const qkv = () => randn([B, T, 3 * C], 1) as tf.Tensor3D;
  const w = () => randn([B, T, 3 * C], 5); // weighs every output element differently
  const positions = () =>
    tf.tensor2d(
      Array.from({ length: B * T }, (_, i) => (i * 5 + 3) % 32),
      [B, T],
      'int32',
    );

  for (const explicit of [false, true]) {
    it(`matches the naive ops, values and gradient, in 1 + 1 dispatches (${explicit ? 'per-row' : 'shared'} tables)`, async () => {
      const pos = explicit ? positions() : undefined;
      const rope = ropeTables(cfg, T, pos);
      const run = (mode: 'fused' | 'naive') =>
        counted(mode, () => {
          const a = w();
          const { value, grads } = tf.valueAndGrads(
            (x: tf.Tensor) =>
              rotatePacked(x as tf.Tensor3D, H, rope)
                .mul(a)
                .sum() as tf.Scalar,
          )([qkv()]);
          return [value, ...grads];
        });
      const fused = run('fused');
      const naive = run('naive');
      expect(fused.dispatches).toBe(2);
      for (let i = 0; i < fused.out.length; i++) await expectClose(fused.out[i]!, naive.out[i]!, 1e-5, `output ${i}`);
      const values = withKernelMode('fused', () => rotatePacked(qkv(), H, rope));
      const x = qkv();
      await expectClose(
        values.slice([0, 0, 2 * C], [B, T, C]),
        x.slice([0, 0, 2 * C], [B, T, C]),
        0,
        'values are copied',
      );
      tf.dispose([...fused.out, ...naive.out, values, x, rope.cos, rope.sin, ...(pos ? [pos] : [])]);
    });
  }

  it('frees what it makes', () => {
    const rope = ropeTables(cfg, T);
    const [x0, a] = [qkv(), w()];
    const start = tf.memory().numTensors;
    withKernelMode('fused', () => {
      const { value, grads } = tf.valueAndGrads(
        (x: tf.Tensor) =>
          rotatePacked(x as tf.Tensor3D, H, rope)
            .mul(a)
            .sum() as tf.Scalar,
      )([x0]);
      tf.dispose([value, ...grads]);
    });
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x0, a, rope.cos, rope.sin]);
  });
});
