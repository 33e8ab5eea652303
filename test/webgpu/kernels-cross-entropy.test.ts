// The fused masked cross-entropy and pickLogProbs kernels against the naive tfjs ops (loss.ts's), values and
// gradients, on WebGPU (Dawn, SwiftShader). V = 100 (the real vocabulary) and 40 (below the workgroup size);
// masks with a fully masked-out row, an all-zero and a one-position mask, argmax hits, ties, logits offset
// by +-1e3.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/tf';
import { useWebGPU } from '../../src/cli/shared/dawn';
import { maskedCrossEntropy, pickLogProbs } from '../../src/model/kernels/cross-entropy';
import { withKernelMode } from '../../src/model/kernels/mode';
import { counted, expectClose, randn } from './kernel-helpers';

beforeAll(async () => {
  await useWebGPU();
});

/** First index of the max of each row of logits [N, V] (tfjs's CPU argMax). */
function firstArgmax(data: Float32Array, V: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < data.length / V; r++) {
    let best = 0;
    for (let v = 1; v < V; v++) if (data[r * V + v]! > data[r * V + best]!) best = v;
    out.push(best);
  }
  return out;
}

/**
 * Seeded batch: logits [B, T, V], int32 targets where every third is the row's argmax (so `correct` counts
 * something), and a 0/1 mask whose row 1 is all zeros.
 */
async function batch(
  B: number,
  T: number,
  V: number,
  seed: number,
  logits = randn([B, T, V], seed).mul(2) as tf.Tensor3D,
) {
  const arg = firstArgmax((await logits.data()) as Float32Array, V);
  const tgt = Array.from({ length: B * T }, (_, i) => (i % 3 === 0 ? arg[i]! : (i * 37 + seed) % V));
  const m = Array.from({ length: B * T }, (_, i) => (Math.floor(i / T) === 1 ? 0 : (i * 7 + seed) % 4 === 0 ? 0 : 1));
  return {
    logits,
    targets: tf.tensor2d(tgt, [B, T], 'int32'),
    mask: tf.tensor2d(m, [B, T]),
    hits: arg.filter((a, i) => a === tgt[i] && m[i] === 1).length,
  };
}

type Batch = Awaited<ReturnType<typeof batch>>;
const disposeBatch = (b: Batch) => tf.dispose([b.logits, b.targets, b.mask]);

/** loss, correct, count and d(1.7 loss)/dlogits. */
function crossEntropyAndGrad({ logits, targets, mask }: Batch): tf.Tensor[] {
  const f = (l: tf.Tensor) => maskedCrossEntropy(l as tf.Tensor3D, targets, mask).loss.mul(1.7) as tf.Scalar;
  const { correct, count, loss } = maskedCrossEntropy(logits, targets, mask);
  return [loss, correct, count, tf.grad(f)(logits)];
}

describe.each([
  [4, 17, 100],
  [2, 5, 40],
])('fused cross-entropy [%i, %i, %i]', (B, T, V) => {
  it('maskedCrossEntropy matches the naive ops: loss, correct, count, dlogits, in 2 + 1 dispatches', async () => {
    const b = await batch(B, T, V, 11);
    const fused = counted('fused', () => crossEntropyAndGrad(b));
    const naive = counted('naive', () => crossEntropyAndGrad(b));
    expect(fused.dispatches).toBe(2 + 2 + 1); // the plain forward, then forward + backward under grad
    expect(naive.dispatches).toBe(0);
    expect(b.hits).toBeGreaterThan(0);
    expect((await fused.out[1]!.data())[0]).toBe(b.hits);
    for (let i = 0; i < fused.out.length; i++) await expectClose(fused.out[i]!, naive.out[i]!, 1e-4, `output ${i}`);
    tf.dispose([...fused.out, ...naive.out]);
    disposeBatch(b);
  });

  it('an all-zero mask gives loss 0, correct 0, count 0 and a zero gradient', async () => {
    const b = await batch(B, T, V, 12);
    b.mask.dispose();
    b.mask = tf.zeros([B, T]) as tf.Tensor2D;
    const fused = counted('fused', () => crossEntropyAndGrad(b));
    for (let i = 0; i < 3; i++) expect((await fused.out[i]!.data())[0], `output ${i}`).toBe(0);
    expect(Math.max(...(await fused.out[3]!.abs().data()))).toBe(0);
    tf.dispose(fused.out);
    disposeBatch(b);
  });

  it('pickLogProbs matches the naive ops, values and dlogits, in 1 + 1 dispatches', async () => {
    const b = await batch(B, T, V, 13);
    const w = randn([B, T], 14);
    const run = (mode: 'fused' | 'naive') =>
      counted(mode, () => {
        const { value, grads } = tf.valueAndGrads(
          (l: tf.Tensor) =>
            pickLogProbs(l as tf.Tensor3D, b.targets)
              .mul(w)
              .sum() as tf.Scalar,
        )([b.logits]);
        return [pickLogProbs(b.logits, b.targets), value, ...grads];
      });
    const fused = run('fused');
    const naive = run('naive');
    expect(fused.dispatches).toBe(1 + 1 + 1);
    for (let i = 0; i < fused.out.length; i++) await expectClose(fused.out[i]!, naive.out[i]!, 1e-4, `output ${i}`);
    tf.dispose([...fused.out, ...naive.out, w]);
    disposeBatch(b);
  });
});

describe('fused cross-entropy edge cases', () => {
  it('argmax ties go to the first max, as tfjs CPU argMax', async () => {
    const [B, T, V] = [3, 9, 100];
    // integer logits in [0, 3): nearly every row has ties for its max, in the same thread's stride or not
    const ints = tf.tidy(() => randn([B, T, V], 21).mul(0.8).add(1).clipByValue(0, 2.99).floor());
    const data = (await ints.data()) as Float32Array;
    ints.dispose();
    // and rows with exactly two maxima: in one thread (i, i + 64), across threads either way
    [
      [5, 69],
      [1, 64],
      [3, 40],
      [0, 99],
      [63, 64],
    ].forEach(([i, j], r) => {
      data.fill(0, r * V, (r + 1) * V);
      data[r * V + i!] = data[r * V + j!] = 1;
    });
    const first = firstArgmax(data, V);
    const next = first.map((a, r) => data.subarray(r * V + a + 1, (r + 1) * V).indexOf(data[r * V + a]!) + a + 1); // a if none
    const logits = tf.tensor3d(data, [B, T, V]);
    // every first max is a hit; every later max a miss (masked to the rows that have one)
    const cases = [
      { tgt: first, m: first.map(() => 1), correct: B * T },
      { tgt: next, m: next.map((n, r) => (n === first[r] ? 0 : 1)), correct: 0 },
    ];
    for (const c of cases) {
      const targets = tf.tensor2d(c.tgt, [B, T], 'int32');
      const mask = tf.tensor2d(c.m, [B, T]);
      const fused = withKernelMode('fused', () => maskedCrossEntropy(logits, targets, mask));
      expect((await fused.correct.data())[0]).toBe(c.correct);
      expect((await fused.count.data())[0]).toBe(c.m.filter((x) => x === 1).length);
      const naive = maskedCrossEntropy(logits, targets, mask);
      await expectClose(fused.loss, naive.loss, 1e-4, 'loss');
      tf.dispose([targets, mask, fused.loss, fused.correct, fused.count, naive.loss, naive.correct, naive.count]);
    }
    expect(next.filter((n, r) => n !== first[r]).length).toBeGreaterThan(B * T - 3); // ties really are there
    logits.dispose();
  });

  it('a one-position mask averages over 1', async () => {
    const b = await batch(2, 5, 40, 41);
    b.mask.dispose();
    b.mask = tf.tensor2d([0, 0, 0, 1, 0, 0, 0, 0, 0, 0], [2, 5]);
    const fused = counted('fused', () => crossEntropyAndGrad(b));
    const naive = counted('naive', () => crossEntropyAndGrad(b));
    expect((await fused.out[2]!.data())[0]).toBe(1);
    for (let i = 0; i < fused.out.length; i++) await expectClose(fused.out[i]!, naive.out[i]!, 1e-4, `output ${i}`);
    tf.dispose([...fused.out, ...naive.out]);
    disposeBatch(b);
  });

  it('is stable for logits offset by +-1e3 (max-subtracted) and frees what it makes', async () => {
    const offset = tf.tensor3d([1000, -1000, 1000, -1000, 0, -1000, 1000, -1000, 1000, 0], [2, 5, 1]);
    const b = await batch(2, 5, 100, 31, randn([2, 5, 100], 31).add(offset) as tf.Tensor3D);
    offset.dispose();
    const w = randn([2, 5], 32);
    const start = tf.memory().numTensors;
    const run = (mode: 'fused' | 'naive') =>
      withKernelMode(mode, () => {
        const ce = maskedCrossEntropy(b.logits, b.targets, b.mask);
        const lp = pickLogProbs(b.logits, b.targets);
        const f = (l: tf.Tensor) =>
          maskedCrossEntropy(l as tf.Tensor3D, b.targets, b.mask).loss.add(
            pickLogProbs(l as tf.Tensor3D, b.targets)
              .mul(w)
              .sum(),
          ) as tf.Scalar;
        const { value, grads } = tf.valueAndGrads(f)([b.logits]);
        return [ce.loss, ce.correct, ce.count, lp, value, ...grads];
      });
    const fused = run('fused');
    expect(tf.memory().numTensors - start).toBe(fused.length); // only the results are left
    const naive = run('naive');
    for (let i = 0; i < fused.length; i++) await expectClose(fused[i]!, naive[i]!, 1e-4, `output ${i}`);
    tf.dispose([...fused, ...naive]);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose(w);
    disposeBatch(b);
  });
});
