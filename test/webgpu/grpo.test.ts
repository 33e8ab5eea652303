// The GRPO loss, its metric sums and every gradient on WebGPU agree with the CPU backend on a fixed
// tiny batch (two micro-batches, off-policy ratios that clip, KL to a reference, entropy bonus), and so
// do the loss and gradient norm of the full update path. Weights after the update are not compared:
// Adam's first step is lr * sign(g), so a gradient that is zero in exact math (the key bias) turns
// float noise into +-lr differences.
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeParams, initParams } from '../../src/model/params';
import { tf } from '../../src/model/tf';
import { createAdamW, disposeAdamW } from '../../src/train/adamw';
import type { LossSettings } from '../../src/train/grpo-loss';
import {
  batchGradients,
  disposeMicros,
  grpoUpdate,
  logProbsOf,
  makeMicros,
  setAdvantages,
} from '../../src/train/grpo-update';
import { buildRlTokens } from '../../src/train/rollout';
import { useWebGPU } from '../../src/cli/shared/dawn';
import { maxAbsDiff, roughen, TINY } from '../model/fixtures';
import { additionItem, fakeRollouts } from '../train/grpo/fixtures';

const ROLLOUTS = fakeRollouts(
  [
    { item: additionItem(3, 4), texts: ['A: 7', 'A: 8'] },
    { item: additionItem(1, 2), texts: ['d1: 1+2', 'A: 3'] },
  ],
  2,
  [[1, 0]],
);
const ADVANTAGES = Float32Array.from([0.9, -0.9, -1.2, 1.2]);
const OPT = { beta1: 0.9, beta2: 0.99, weightDecay: 0.1, gradClip: 0.5 };

beforeAll(async () => {
  await useWebGPU();
});

/** Loss, metric sums and gradients of the fixed batch on `backend`, then the loss and grad norm of one update. */
async function lossAndGrads(backend: string) {
  await tf.setBackend(backend);
  const params = initParams(TINY, 9);
  roughen(params, 9, 0.2); // away from the near-uniform init, so ratios and entropies differ per token
  const ref = initParams(TINY, 10);
  const batch = buildRlTokens(ROLLOUTS, TINY.context, false);
  const micros = makeMicros(batch, 3); // rows 0-2 and 3: gradients accumulate over two passes
  setAdvantages(micros, ADVANTAGES);
  for (const m of micros) {
    // An older policy whose log-probs differ by +-0.4 on alternating positions: some ratios leave [0.8, 1.28].
    m.old = tf.tidy(() =>
      logProbsOf(params, TINY, m, 1).add(tf.tensor1d(Array.from({ length: batch.L }, (_, t) => (t % 2 ? 0.4 : -0.4)))),
    );
    m.ref = logProbsOf(ref, TINY, m, 1);
  }
  const s: LossSettings = {
    lossType: 'dapo',
    epsilonLow: 0.2,
    epsilonHigh: 0.28,
    beta: 0.1,
    entropyCoef: 0.05,
    maxCompletionLength: 8,
    totalSequences: 4,
    totalTokens: batch.activeTokens,
    microBatches: 2,
  };
  const { grads, losses, sums } = batchGradients(params, TINY, micros, s, 1);
  const out = {
    losses: await Promise.all(losses.map(async (l) => (await l.data())[0]!)),
    sums: (await Promise.all(sums.map(async (x) => Array.from(await x.data())))).flat(),
    grads: Object.fromEntries(
      await Promise.all(Object.entries(grads).map(async ([k, g]) => [k, Array.from(await g.data())] as const)),
    ),
  };
  tf.dispose([...losses, ...sums, ...Object.values(grads)]);
  const opt = createAdamW(params);
  const update = grpoUpdate(params, TINY, opt, OPT, micros, s, 1, 1e-2);
  const updated = [(await update.loss.data())[0]!, (await update.gradNorm.data())[0]!];
  tf.dispose([update.loss, update.gradNorm, update.sums]);
  disposeMicros(micros);
  disposeAdamW(opt);
  disposeParams(params);
  disposeParams(ref);
  return { ...out, updated };
}

describe('GRPO loss on WebGPU', () => {
  it("matches the CPU backend: loss, metric sums, every gradient, and the update's loss and gradient norm", async () => {
    const gpu = await lossAndGrads('webgpu');
    const cpu = await lossAndGrads('cpu');
    expect(maxAbsDiff(gpu.losses, cpu.losses)).toBeLessThan(1e-4);
    expect(maxAbsDiff(gpu.sums, cpu.sums)).toBeLessThan(1e-4);
    expect(cpu.sums[2]! + cpu.sums[3]! + cpu.sums[8]! + cpu.sums[9]!).toBeGreaterThan(0); // some tokens really clipped
    expect(cpu.sums[1]! + cpu.sums[7]!).toBeGreaterThan(0); // the KL term is live
    for (const [name, g] of Object.entries(cpu.grads)) {
      expect(Math.max(...g.map(Math.abs)), `${name} has a gradient`).toBeGreaterThan(0);
      expect(maxAbsDiff(gpu.grads[name]!, g), name).toBeLessThan(1e-4);
    }
    expect(maxAbsDiff(gpu.updated, cpu.updated)).toBeLessThan(1e-4);
    expect(cpu.updated[0]).toBeCloseTo(cpu.losses[0]! + cpu.losses[1]!, 5); // the update's loss is the batch loss
  });
});
