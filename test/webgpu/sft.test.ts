// A whole SFT step on WebGPU (forward, backward, global-norm clipping, AdamW) agrees with the CPU
// backend. Catches backend-specific failures outside the model, e.g. an AddN over ~30 gradients that
// builds an invalid WebGPU pipeline (too many storage buffers) and silently leaves the weights unchanged.
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeParams, initParams, paramsToArrays } from '../../src/model/params';
import { tf } from '../../src/model/tf';
import { createAdamW, disposeAdamW } from '../../src/train/adamw';
import { makeBatch } from '../../src/train/batch';
import { sftStep } from '../../src/train/sft';
import { useWebGPU } from '../helpers/webgpu-node';
import { maxAbsDiff, TINY } from '../model/fixtures';

const PAIRS = [{ prompt: '7+8', completion: '15' }, { prompt: 'ab', completion: 'ba' }];
const OPT = { beta1: 0.9, beta2: 0.99, weightDecay: 0.1, gradClip: 0.5 }; // clip low enough to be active

beforeAll(async () => {
  await useWebGPU();
});

/** Two SFT steps from the same init on `backend`: the losses, grad norms and the final weights. */
async function twoSteps(backend: string) {
  await tf.setBackend(backend);
  const params = initParams(TINY, 5);
  const opt = createAdamW(params);
  const batch = makeBatch(PAIRS, TINY.context);
  const losses: number[] = [];
  const norms: number[] = [];
  for (let i = 0; i < 2; i++) {
    const out = sftStep(params, TINY, opt, OPT, batch, 1e-2);
    losses.push((await out.loss.data())[0]!);
    norms.push((await out.gradNorm.data())[0]!);
    tf.dispose([out.loss, out.correct, out.count, out.gradNorm]);
  }
  const weights = await paramsToArrays(params);
  disposeParams(params);
  disposeAdamW(opt);
  return { losses, norms, weights };
}

describe('SFT step on WebGPU', () => {
  it('matches the CPU backend: losses, gradient norms and every weight after two AdamW steps', async () => {
    const gpu = await twoSteps('webgpu');
    const cpu = await twoSteps('cpu');
    expect(maxAbsDiff(gpu.losses, cpu.losses)).toBeLessThan(1e-4);
    expect(maxAbsDiff(gpu.norms, cpu.norms)).toBeLessThan(1e-4);
    expect(cpu.norms[0]).toBeGreaterThan(OPT.gradClip); // clipping really happened
    for (const [name, w] of Object.entries(cpu.weights)) {
      expect(maxAbsDiff(Array.from(gpu.weights[name]!.data), Array.from(w.data)), name).toBeLessThan(1e-4);
    }
  });
});
