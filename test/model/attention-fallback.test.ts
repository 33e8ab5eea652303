// causalAttention off WebGPU: in fused mode on the CPU backend it runs the naive ops (no WGSL dispatch), and
// the naive composite is the model's attention: the transformer's attentionBias, matMul and softmax.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/tf';
import { causalAttention, causalAttentionNaive } from '../../src/model/kernels/attention';
import { useFused, withKernelMode } from '../../src/model/kernels/mode';
import { rawDispatchCount } from '../../src/model/kernels/raw';
import { attentionBias } from '../../src/model/layers';

const [B, T, H, D] = [2, 6, 2, 3];
const C = H * D;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** keyMask [B, T]: sequence 1 left-padded by 2 (its queries 0 and 1 have no allowed key). */
const leftPadded = () =>
  tf.tensor2d([
    [1, 1, 1, 1, 1, 1],
    [0, 0, 1, 1, 1, 1],
  ]);

/** The model's attention written out: per-head q, k, v from qkv [B, T, 3C], attentionBias, softmax. */
function modelAttention(qkv: tf.Tensor3D, keyMask?: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const heads = (j: number) =>
      qkv
        .slice([0, 0, j * C], [B, T, C])
        .reshape([B, T, H, D])
        .transpose([0, 2, 1, 3]); // [B, H, T, D]
    const scores = tf
      .matMul(heads(0), heads(1), false, true)
      .mul(1 / Math.sqrt(D))
      .add(attentionBias(T, T, 0, keyMask)); // [B, H, T, T]
    return tf.matMul(tf.softmax(scores), heads(2)).transpose([0, 2, 1, 3]).reshape([B, T, C]) as tf.Tensor3D;
  });
}

describe('causalAttention on the CPU backend', () => {
  it.each([false, true])('falls back to the naive ops in fused mode (key mask: %s)', async (masked) => {
    const qkv = tf.randomNormal([B, T, 3 * C], 0, 1, 'float32', 7) as tf.Tensor3D;
    const keyMask = masked ? leftPadded() : undefined;
    const start = tf.memory().numTensors;
    const before = rawDispatchCount();
    const [fused, grad] = withKernelMode('fused', () => {
      expect(useFused()).toBe(false);
      const f = (x: tf.Tensor) => causalAttention(x as tf.Tensor3D, H, keyMask).sum() as tf.Scalar;
      return [causalAttention(qkv, H, keyMask), tf.grad(f)(qkv)];
    });
    expect(rawDispatchCount()).toBe(before);
    const naive = causalAttentionNaive(qkv, H, keyMask);
    const model = modelAttention(qkv, keyMask);
    expect(Array.from(await fused!.data())).toEqual(Array.from(await naive.data()));
    expect(Array.from(await naive.data())).toEqual(Array.from(await model.data()));
    expect(Array.from(await grad!.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([fused!, grad!, naive, model]);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose(keyMask ? [qkv, keyMask] : [qkv]);
  });

  it('a query row with no allowed key averages the values of all T keys, as the naive softmax does', async () => {
    // left padding: queries 0, 1 of sequence 1 see no real key; every score becomes score - 1e9, which
    // float32 rounds to -1e9 for these small scores, so the softmax is uniform over all T keys
    const qkv = tf.randomNormal([B, T, 3 * C], 0, 1, 'float32', 8) as tf.Tensor3D;
    const keyMask = leftPadded();
    const y = causalAttentionNaive(qkv, H, keyMask);
    const [rows, mean] = tf.tidy(() => [y.slice([1, 0, 0], [1, 2, C]), qkv.slice([1, 0, 2 * C], [1, T, C]).mean(1)]); // [1, 2, C], [1, C]
    const [row, meanV] = [await rows!.data(), await mean!.data()];
    for (let c = 0; c < C; c++) {
      expect(row[c]).toBeCloseTo(meanV[c]!, 5);
      expect(row[C + c]).toBeCloseTo(meanV[c]!, 5);
    }
    tf.dispose([qkv, keyMask, y, rows!, mean!]);
  });
});
