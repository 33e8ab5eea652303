// Rotary positions (model.position = 'rope'), CPU backend: the rotation against a plain JS rotation of
// each channel pair, the property RoPE exists for (q.k depends on the offset only), a whole model that
// is translation invariant and has no position table, and the config's validation. The KV cache
// (kv-cache.test.ts), finite differences (grad.test.ts), the fused kernels and WebGPU against the CPU
// (test/webgpu) run with rotary positions too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countParams, paramShapes, validateModelConfig } from '../../src/model/model-config';
import { disposeParams, initParams, paramsFromArrays, paramsToArrays, type Params } from '../../src/model/params';
import { angleTable, ROPE_BASE, ropeTables, ropeTablesAt, rotate } from '../../src/model/rope';
import { tf } from '../../src/model/tf';
import { forward } from '../../src/model/transformer';
import { rngFor } from '../../src/util/rng';
import { maxAbsDiff, roughen, TINY, TINY_ROPE } from './fixtures';

const D = TINY_ROPE.dModel / TINY_ROPE.heads;

/** Channel pair (i, i + D/2) of a row at position p turned by p * base^(-2i/D), in double precision. */
function referenceRotate(row: ArrayLike<number>, p: number): number[] {
  const half = row.length / 2;
  const out = Array.from(row);
  for (let i = 0; i < half; i++) {
    const a = p * Math.pow(ROPE_BASE, (-2 * i) / row.length);
    const [x, y] = [row[i]!, row[half + i]!];
    out[i] = x * Math.cos(a) - y * Math.sin(a);
    out[half + i] = x * Math.sin(a) + y * Math.cos(a);
  }
  return out;
}

const noise = (n: number, seed: number) => {
  const rng = rngFor(seed, 0, 'rope-test');
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
};

let params: Params;
beforeAll(async () => {
  await tf.setBackend('cpu');
  params = initParams(TINY_ROPE, 31);
  roughen(params, 31); // large weights: a wrong position or a leaking pad key shows far above 1e-5
});
afterAll(() => disposeParams(params));

describe('the rotation', () => {
  it("turns each channel pair by its position's angle, at default and explicit positions", async () => {
    const T = 12;
    const x = tf.tensor3d(noise(T * D, 1), [1, T, D]);
    const def = ropeTables(TINY_ROPE, T);
    const explicit = ropeTables(TINY_ROPE, T, tf.tensor2d([[3, 0, 15, 7, 1, 2, 9, 4, 11, 5, 6, 8]], [1, T], 'int32'));
    const at = [[...Array(T).keys()], [3, 0, 15, 7, 1, 2, 9, 4, 11, 5, 6, 8]];
    for (const [k, tables] of [def, explicit].entries()) {
      const got = await rotate(x, tables.cos, tables.sin).data();
      const xs = await x.data();
      for (let t = 0; t < T; t++) {
        const want = referenceRotate(xs.slice(t * D, (t + 1) * D), at[k]![t]!);
        expect(maxAbsDiff(got.slice(t * D, (t + 1) * D), want), `tables ${k}, row ${t}`).toBeLessThan(1e-5);
      }
      tf.dispose([tables.cos, tables.sin]);
    }
    x.dispose();
  });

  it('gives decoding the same rows as a forward at those positions, and refuses one past the context', async () => {
    const at = ropeTablesAt(TINY_ROPE, [3, 0, 15]);
    const ref = ropeTables(TINY_ROPE, 1, tf.tensor2d([[3], [0], [15]], [3, 1], 'int32'));
    expect(at.cos.shape).toEqual([3, 1, D]);
    expect(maxAbsDiff(await at.cos.data(), await ref.cos.data())).toBe(0);
    expect(maxAbsDiff(await at.sin.data(), await ref.sin.data())).toBe(0);
    expect(() => ropeTablesAt(TINY_ROPE, [TINY_ROPE.context])).toThrow(/outside the model's context \(16 tokens\)/);
    tf.dispose([at.cos, at.sin, ref.cos, ref.sin]);
  });

  it('makes q.k depend on the offset between positions only, and keeps norms', async () => {
    const q = tf.tensor3d(noise(D, 2), [1, 1, D]);
    const k = tf.tensor3d(noise(D, 3), [1, 1, D]);
    const table = angleTable(TINY_ROPE.context, D);
    const turned = async (x: tf.Tensor3D, p: number) => {
      const cos = tf.tensor3d(table.cos.slice(p * D, (p + 1) * D), [1, 1, D]);
      const sin = tf.tensor3d(table.sin.slice(p * D, (p + 1) * D), [1, 1, D]);
      const y = Array.from(await rotate(x, cos, sin).data());
      tf.dispose([cos, sin]);
      return y;
    };
    const dot = async (m: number, n: number) => {
      const [a, b] = [await turned(q, m), await turned(k, n)];
      return a.reduce((s: number, v: number, i: number) => s + v * b[i]!, 0);
    };
    const base = await dot(5, 2);
    for (const shift of [1, 4, 9]) expect(Math.abs((await dot(5 + shift, 2 + shift)) - base)).toBeLessThan(1e-5);
    expect(Math.abs((await dot(6, 2)) - base), 'another offset gives another score').toBeGreaterThan(1e-3);
    const [x, y] = [await q.data(), await turned(q, 11)];
    expect(Math.abs(Math.hypot(...x) - Math.hypot(...y))).toBeLessThan(1e-5);
    tf.dispose([q, k]);
  });
});

describe('a model with rotary positions', () => {
  it('has no position table, and checkpoints round-trip with its shape', async () => {
    expect(paramShapes(TINY_ROPE).map(([n]) => n)).not.toContain('wpe');
    expect(paramShapes(TINY).map(([n]) => n)).toContain('wpe');
    expect(countParams(TINY) - countParams(TINY_ROPE)).toBe(TINY.context * TINY.dModel);
    expect(Object.keys(params)).not.toContain('wpe');
    const arrays = await paramsToArrays(params);
    const back = paramsFromArrays(arrays, TINY_ROPE);
    disposeParams(back);
    expect(() => paramsFromArrays(arrays, TINY)).toThrow(/missing parameter wpe/);
  });

  it('is translation invariant: the same tokens at shifted positions give the same logits', async () => {
    const seq = [1, 40, 41, 42, 3, 20, 21];
    const tokens = tf.tensor2d([seq], [1, seq.length], 'int32');
    const at = (offset: number) =>
      forward(params, TINY_ROPE, tokens, {
        positions: tf.tensor2d([seq.map((_, t) => t + offset)], [1, seq.length], 'int32'),
      });
    const [plain, shifted] = [forward(params, TINY_ROPE, tokens), at(6)];
    expect(maxAbsDiff(await plain.data(), await shifted.data())).toBeLessThan(1e-4);
    // and a reordering of positions is not a no-op (positions reach attention at all)
    const swapped = forward(params, TINY_ROPE, tokens, {
      positions: tf.tensor2d([[0, 1, 2, 4, 3, 5, 6]], [1, 7], 'int32'),
    });
    expect(maxAbsDiff(await plain.data(), await swapped.data())).toBeGreaterThan(1e-2);
    tf.dispose([tokens, plain, shifted, swapped]);
  });
});

describe('model.position', () => {
  it('is absent for learned positions (old configs read and serialize the same) and kept for rope', () => {
    const learned = validateModelConfig({ ...TINY, position: 'learned' });
    expect('position' in learned).toBe(false);
    expect(validateModelConfig(TINY)).toEqual(learned);
    expect(validateModelConfig({ ...TINY, position: 'rope' }).position).toBe('rope');
  });

  it('refuses an unknown scheme and an odd head width, naming the field', () => {
    expect(() => validateModelConfig({ ...TINY, position: 'alibi' })).toThrow(
      /model.position must be one of learned, rope; got "alibi"/,
    );
    try {
      validateModelConfig({ ...TINY, dModel: 33, heads: 3, position: 'rope' });
      expect.unreachable();
    } catch (err) {
      expect((err as { field: string }).field).toBe('model.heads');
      expect(String(err)).toMatch(/head width \(dModel \/ heads = 11\) must be even/);
    }
  });
});
