// Transformer forward pass: shapes, causality, seeded init.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/model/model-config';
import { disposeParams, initParams, paramsToArrays } from '../../src/model/params';
import { tf } from '../../src/model/tf';
import { forward } from '../../src/model/transformer';
import { maxAbsDiff, roughen, TINY } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('transformer forward', () => {
  it.each([
    [{ layers: 1, dModel: 32, heads: 1, context: 16, vocabSize: 100 }],
    [{ layers: 8, dModel: 384, heads: 16, context: 64, vocabSize: 100 }],
  ] as [ModelConfig][])('gives logits [B, T, V] for %o', async (cfg) => {
    const params = initParams(cfg, 1);
    const tokens = tf.tensor2d([[1, 20, 30, 3, 40]], [1, 5], 'int32');
    const logits = forward(params, cfg, tokens);
    expect(logits.shape).toEqual([1, 5, 100]);
    const data = await logits.data();
    expect(data.every(Number.isFinite)).toBe(true);
    tf.dispose([logits, tokens]);
    disposeParams(params);
  });

  it('is causal: changing a later token leaves earlier logits unchanged', async () => {
    const params = initParams(TINY, 2);
    roughen(params, 2);
    const a = tf.tensor2d([[1, 10, 11, 12, 13, 14, 15, 16]], [1, 8], 'int32');
    const b = tf.tensor2d([[1, 10, 11, 12, 13, 50, 60, 70]], [1, 8], 'int32');
    const [la, lb] = [forward(params, TINY, a), forward(params, TINY, b)];
    const early = (l: tf.Tensor3D) => l.slice([0, 0, 0], [1, 5, 100]).data();
    const late = (l: tf.Tensor3D) => l.slice([0, 5, 0], [1, 3, 100]).data();
    expect(maxAbsDiff(await early(la), await early(lb))).toBe(0);
    expect(maxAbsDiff(await late(la), await late(lb))).toBeGreaterThan(1e-2); // the change does matter later
    tf.dispose([a, b, la, lb]);
    disposeParams(params);
  });

  it('inits deterministically by seed, with GPT-2 scales', async () => {
    const [p1, p2, p3] = [initParams(TINY, 7), initParams(TINY, 7), initParams(TINY, 8)];
    const [a1, a2, a3] = [await paramsToArrays(p1), await paramsToArrays(p2), await paramsToArrays(p3)];
    for (const name of Object.keys(a1)) expect(a2[name]!.data).toEqual(a1[name]!.data);
    expect(maxAbsDiff(a1['wte']!.data, a3['wte']!.data)).toBeGreaterThan(0.01);
    const std = (d: Float32Array) => Math.sqrt(d.reduce((s, x) => s + x * x, 0) / d.length);
    expect(std(a1['h0.attn.wqkv']!.data)).toBeCloseTo(0.02, 2);
    expect(std(a1['h1.mlp.w2']!.data)).toBeCloseTo(0.02 / Math.sqrt(4), 2); // 1/sqrt(2 * layers)
    expect(a1['h0.ln1.g']!.data.every((x) => x === 1)).toBe(true);
    expect(a1['h0.mlp.b1']!.data.every((x) => x === 0)).toBe(true);
    [p1, p2, p3].forEach(disposeParams);
  });

  it('treats keyMask and explicit positions like a shorter unpadded sequence', async () => {
    const params = initParams(TINY, 3);
    roughen(params, 3);
    const [plain, tail] = tf.tidy(() => {
      const padded = forward(params, TINY, tf.tensor2d([[0, 0, 1, 30, 31, 3]], [1, 6], 'int32'), {
        positions: tf.tensor2d([[0, 0, 0, 1, 2, 3]], [1, 6], 'int32'),
        keyMask: tf.tensor2d([[0, 0, 1, 1, 1, 1]], [1, 6]),
      });
      return [
        forward(params, TINY, tf.tensor2d([[1, 30, 31, 3]], [1, 4], 'int32')),
        padded.slice([0, 2, 0], [1, 4, 100]),
      ];
    });
    expect(maxAbsDiff(await plain!.data(), await tail!.data())).toBeLessThan(1e-5);
    tf.dispose([plain!, tail!]);
    disposeParams(params);
  });
});
