// The whole model on the fused kernels against the naive tfjs path, on WebGPU (Dawn, SwiftShader):
// logits with and without a key mask and positions, every parameter's gradient (learned and rotary
// positions), and whole SFT steps
// (forward, backward, clipping, AdamW). Also what the fused path is for: far fewer dispatches per SFT
// step, no GPU-to-CPU read inside a step, and no tensor left behind across steps.
import { beforeAll, describe, expect, it } from 'vitest';
import { useWebGPU } from '../../src/cli/shared/dawn';
import { tf } from '../../src/model/tf';
import { countBackend } from '../../src/model/counters';
import { initParams, disposeParams, paramsToArrays, type Params } from '../../src/model/params';
import { forward } from '../../src/model/transformer';
import { maskedCrossEntropy } from '../../src/model/loss';
import { withKernelMode, type KernelMode } from '../../src/model/kernels/mode';
import { createAdamW, disposeAdamW } from '../../src/train/adamw';
import { makeBatch } from '../../src/train/batch';
import { sftStep, type StepTensors } from '../../src/train/sft';
import type { ModelConfig } from '../../src/model/model-config';
import { roughen } from '../model/fixtures';
import { expectClose } from './kernel-helpers';

beforeAll(async () => {
  await useWebGPU();
});

const CFG: ModelConfig = { layers: 2, dModel: 32, heads: 2, context: 24, vocabSize: 100 };
const PAIRS = [
  { prompt: '7+8', completion: '15' },
  { prompt: 'abc', completion: 'cba' },
  { prompt: '12+30', completion: '42' },
];
const OPT = { beta1: 0.9, beta2: 0.99, weightDecay: 0.1, gradClip: 0.5 };
const disposeStep = (s: StepTensors) => tf.dispose([s.loss, s.correct, s.count, s.gradNorm]);

/** The same shape with rotary positions: the token-only embedding kernel and the rotated packed projections. */
const ROPE_CFG: ModelConfig = { ...CFG, position: 'rope' };
const POSITIONS = [
  { positions: 'learned', cfg: CFG },
  { positions: 'rotary', cfg: ROPE_CFG },
];

function model(seed: number, cfg: ModelConfig = CFG): Params {
  const params = initParams(cfg, seed);
  roughen(params, seed); // a fresh init is near-uniform: a wrong mask or position would hide under the tolerance
  return params;
}

describe('the fused model against the naive one', () => {
  it.each(POSITIONS)(
    'gives the same logits, with and without key mask and positions ($positions positions)',
    async ({ cfg }) => {
      const params = model(3, cfg);
      const [B, T] = [3, 9];
      const tokens = tf.tensor2d(
        Array.from({ length: B * T }, (_, i) => (i * 7) % 97),
        [B, T],
        'int32',
      );
      const keyMask = tf.tensor2d(
        Array.from({ length: B * T }, (_, i) => (i % T < (i < T ? 3 : 0) ? 0 : 1)),
        [B, T],
      ); // row 0 left-padded by 3
      const positions = tf.tensor2d(
        Array.from({ length: B * T }, (_, i) => Math.max(0, (i % T) - (i < T ? 3 : 0))),
        [B, T],
        'int32',
      );
      for (const opts of [{}, { keyMask, positions }]) {
        const fused = withKernelMode('fused', () => forward(params, cfg, tokens, opts));
        const naive = withKernelMode('naive', () => forward(params, cfg, tokens, opts));
        await expectClose(fused, naive, 1e-4, `logits ${Object.keys(opts).join('+') || 'plain'}`);
        tf.dispose([fused, naive]);
      }
      tf.dispose([tokens, keyMask, positions]);
      disposeParams(params);
    },
  );

  it.each(POSITIONS)('gives the same gradient for every parameter ($positions positions)', async ({ cfg }) => {
    const params = model(4, cfg);
    const batch = makeBatch(PAIRS, cfg.context);
    const inputs = tf.tensor2d(batch.inputs, [batch.B, batch.L], 'int32');
    const targets = tf.tensor2d(batch.targets, [batch.B, batch.L], 'int32');
    const mask = tf.tensor2d(batch.mask, [batch.B, batch.L]);
    const grads = (mode: KernelMode) =>
      withKernelMode(mode, () =>
        tf.variableGrads(
          () => maskedCrossEntropy(forward(params, cfg, inputs), targets, mask).loss,
          Object.values(params),
        ),
      );
    const fused = grads('fused');
    const naive = grads('naive');
    await expectClose(fused.value, naive.value, 1e-4, 'loss');
    for (const [name, p] of Object.entries(params))
      await expectClose(fused.grads[p.name]!, naive.grads[p.name]!, 1e-4, `d ${name}`);
    tf.dispose([
      fused.value,
      naive.value,
      ...Object.values(fused.grads),
      ...Object.values(naive.grads),
      inputs,
      targets,
      mask,
    ]);
    disposeParams(params);
  });

  it('takes the same SFT steps: losses, gradient norms and every weight after three AdamW steps', async () => {
    const run = async (mode: KernelMode) => {
      const params = model(5);
      const opt = createAdamW(params);
      const batch = makeBatch(PAIRS, CFG.context);
      const losses: number[] = [];
      const norms: number[] = [];
      for (let i = 0; i < 3; i++) {
        const out = withKernelMode(mode, () => sftStep(params, CFG, opt, OPT, batch, 1e-2));
        losses.push((await out.loss.data())[0]!);
        norms.push((await out.gradNorm.data())[0]!);
        disposeStep(out);
      }
      const weights = await paramsToArrays(params);
      disposeParams(params);
      disposeAdamW(opt);
      return { losses, norms, weights };
    };
    const fused = await run('fused');
    const naive = await run('naive');
    expect(naive.norms[0]).toBeGreaterThan(OPT.gradClip); // clipping really happened
    const close = (a: number[], b: number[]) =>
      a.every((x, i) => Math.abs(x - b[i]!) <= 1e-4 * Math.max(1, Math.abs(b[i]!)));
    expect(close(fused.losses, naive.losses), `${fused.losses} vs ${naive.losses}`).toBe(true);
    expect(close(fused.norms, naive.norms), `${fused.norms} vs ${naive.norms}`).toBe(true);
    for (const [name, w] of Object.entries(naive.weights)) {
      // The key bias adds q.bk to every score of a query: softmax ignores it, so its true gradient is 0 and
      // both paths give rounding noise (~1e-9), which Adam's m / sqrt(v) turns into full +-lr steps. Skip it.
      const keep = (_: number, i: number) => !name.endsWith('attn.bqkv') || i < CFG.dModel || i >= 2 * CFG.dModel;
      expect(close(Array.from(fused.weights[name]!.data).filter(keep), Array.from(w.data).filter(keep)), name).toBe(
        true,
      );
    }
  });

  it('issues at least 4x fewer dispatches per SFT step, reads nothing back inside it, and leaks nothing', async () => {
    const params = model(6);
    const opt = createAdamW(params);
    const batch = makeBatch(PAIRS, CFG.context);
    const counter = countBackend()!;
    const counted = async (mode: KernelMode) => {
      disposeStep(withKernelMode(mode, () => sftStep(params, CFG, opt, OPT, batch, 1e-3))); // burn-in: compiles
      await tf.backend().read(params.wte!.dataId); // the queue is drained
      counter.reset();
      const out = withKernelMode(mode, () => sftStep(params, CFG, opt, OPT, batch, 1e-3));
      const counts = counter.read();
      await out.loss.data();
      disposeStep(out);
      return counts;
    };
    const naive = await counted('naive');
    const fused = await counted('fused');
    expect(fused.reads + fused.syncReads).toBe(0);
    expect(fused.dispatches * 4).toBeLessThanOrEqual(naive.dispatches);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) disposeStep(withKernelMode('fused', () => sftStep(params, CFG, opt, OPT, batch, 1e-3)));
    expect(tf.memory().numTensors).toBe(before);
    counter.restore();
    disposeParams(params);
    disposeAdamW(opt);
    console.log(`SFT step dispatches (2 layers): naive ${naive.dispatches}, fused ${fused.dispatches}`);
  });
});
