// Two SFT steps (forward, backward, clipping, AdamW) from one init on a given backend, for
// comparing backends against the CPU reference. Shared by the WASM and WebGPU tests.
import { disposeParams, initParams, paramsToArrays } from '../../src/model/params';
import { tf } from '../../src/model/tf';
import { forward } from '../../src/model/transformer';
import { createAdamW, disposeAdamW } from '../../src/train/adamw';
import { makeBatch } from '../../src/train/batch';
import { sftStep } from '../../src/train/sft';
import { TINY } from '../model/fixtures';

export const PAIRS = [
  { prompt: '7+8', completion: '15' },
  { prompt: 'ab', completion: 'ba' },
];
export const OPT = { beta1: 0.9, beta2: 0.99, weightDecay: 0.1, gradClip: 0.5 }; // clip low enough to be active

export async function twoSftSteps(backend: string) {
  await tf.setBackend(backend);
  const params = initParams(TINY, 5);
  const opt = createAdamW(params);
  const batch = makeBatch(PAIRS, TINY.context);
  const inputs = tf.tensor2d(batch.inputs, [batch.B, batch.L], 'int32');
  const logits = Array.from(await forward(params, TINY, inputs).data());
  inputs.dispose();
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
  return { logits, losses, norms, weights };
}
