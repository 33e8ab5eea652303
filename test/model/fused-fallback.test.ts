// Fused mode off WebGPU: every fused op falls back to the naive tfjs ops (CPU backend here) and gives the
// model's original result, with no WGSL dispatch. The references are written out here (the ops of
// transformer.ts and loss.ts before they called the fused ones), so the check is not circular.
import { beforeAll, describe, expect, it } from 'vitest';
import { maskedCrossEntropy, pickLogProbs } from '../../src/model/kernels/cross-entropy';
import { embed } from '../../src/model/kernels/embed';
import { biasGelu, gelu } from '../../src/model/kernels/gelu';
import { withKernelMode } from '../../src/model/kernels/mode';
import { rawDispatchCount } from '../../src/model/kernels/raw';
import { oneHotFloat } from '../../src/model/ops';
import { tf } from '../../src/model/tf';
import { maxAbsDiff } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const randn = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

const refGelu = (x: tf.Tensor) =>
  x.mul(0.5).mul(tf.tanh(x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1));

const refPick = (logits: tf.Tensor3D, targets: tf.Tensor2D) =>
  tf.logSoftmax(logits).mul(oneHotFloat(targets, logits.shape[2])).sum(-1) as tf.Tensor2D;

function refCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D) {
  const count = mask.sum() as tf.Scalar;
  const loss = refPick(logits, targets).neg().mul(mask).sum().div(count.maximum(1)) as tf.Scalar;
  const correct = tf.argMax(logits, -1).equal(targets).toFloat().mul(mask).sum() as tf.Scalar;
  return { loss, correct, count };
}

/** wte[tokens] + wpe[positions or 0..T-1] as one-hot matmuls. */
function refEmbed(wte: tf.Tensor2D, wpe: tf.Tensor2D, tokens: tf.Tensor2D, positions?: tf.Tensor2D): tf.Tensor3D {
  const [B, T] = tokens.shape;
  const lookup = (ids: tf.Tensor2D, table: tf.Tensor2D) =>
    tf.matMul(oneHotFloat(ids.reshape([B * T]), table.shape[0]) as tf.Tensor2D, table).reshape([B, T, table.shape[1]]);
  return lookup(tokens, wte).add(
    positions ? lookup(positions, wpe) : wpe.slice([0, 0], [T, wpe.shape[1]]),
  ) as tf.Tensor3D;
}

/** f in fused mode and the reference give the same numbers, and fused mode dispatched nothing of ours. */
async function expectSame(fused: () => tf.Tensor[], reference: () => tf.Tensor[]): Promise<void> {
  const before = rawDispatchCount();
  const a = withKernelMode('fused', () => tf.tidy(fused));
  expect(rawDispatchCount()).toBe(before);
  const b = tf.tidy(reference);
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    expect(a[i]!.shape).toEqual(b[i]!.shape);
    expect(maxAbsDiff(await a[i]!.data(), await b[i]!.data()), `output ${i}`).toBeLessThan(1e-6);
  }
  tf.dispose([...a, ...b]);
}

describe('fused ops on the CPU backend fall back to the naive ones', () => {
  it('gelu and biasGelu, with gradients', async () => {
    const x = randn([2, 3, 8], 1) as tf.Tensor3D;
    const b = randn([8], 2);
    const g = (f: (x: tf.Tensor) => tf.Tensor) => [f(x), tf.grad((x_: tf.Tensor) => f(x_).sum() as tf.Scalar)(x)];
    await expectSame(
      () => g(gelu),
      () => g(refGelu),
    );
    await expectSame(
      () => g((x_) => biasGelu(x_, b)),
      () => g((x_) => refGelu(x_.add(b))),
    );
    tf.dispose([x, b]);
  });

  it('maskedCrossEntropy and pickLogProbs, with gradients', async () => {
    const logits = randn([2, 3, 10], 3) as tf.Tensor3D;
    const targets = tf.tensor2d(
      [
        [1, 2, 3],
        [9, 0, 0],
      ],
      [2, 3],
      'int32',
    );
    const mask = tf.tensor2d([
      [1, 1, 0],
      [0, 1, 1],
    ]);
    const ce = (f: typeof refCrossEntropy) => {
      const { loss: l, correct, count } = f(logits, targets, mask);
      return [l, correct, count, tf.grad((x: tf.Tensor) => f(x as tf.Tensor3D, targets, mask).loss)(logits)];
    };
    await expectSame(
      () => ce(maskedCrossEntropy),
      () => ce(refCrossEntropy),
    );
    const pick = (f: typeof refPick) => [
      f(logits, targets),
      tf.grad((x: tf.Tensor) => f(x as tf.Tensor3D, targets).sum() as tf.Scalar)(logits),
    ];
    await expectSame(
      () => pick(pickLogProbs),
      () => pick(refPick),
    );
    tf.dispose([logits, targets, mask]);
  });

  it('embed, default and explicit positions, with gradients', async () => {
    const params = {
      wte: tf.variable(randn([10, 4], 4) as tf.Tensor2D),
      wpe: tf.variable(randn([6, 4], 5) as tf.Tensor2D),
    };
    const tokens = tf.tensor2d(
      [
        [1, 1, 7],
        [0, 9, 1],
      ],
      [2, 3],
      'int32',
    );
    const positions = tf.tensor2d(
      [
        [0, 0, 1],
        [0, 1, 2],
      ],
      [2, 3],
      'int32',
    );
    const w = randn([2, 3, 4], 6);
    for (const pos of [undefined, positions]) {
      const run = (f: () => tf.Tensor) => {
        const { value, grads } = tf.variableGrads(() => f().mul(w).sum() as tf.Scalar, [params.wte, params.wpe]);
        return [f(), value, grads[params.wte.name]!, grads[params.wpe.name]!];
      };
      await expectSame(
        () => run(() => embed(params.wte, params.wpe, tokens, pos)),
        () => run(() => refEmbed(params.wte, params.wpe, tokens, pos)),
      );
    }
    tf.dispose([params.wte, params.wpe, tokens, positions, w]);
  });
});
