// The WASM backend (the fallback for browsers without WebGPU or WebGL) agrees with the CPU backend on
// a whole SFT step. Catches WASM kernel quirks: tfjs-backend-wasm 4.22's OneHot writes int32 bits
// when asked for float32, which zeroed the embedding and the loss before oneHotFloat.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/tf';
import { oneHotFloat } from '../../src/model/ops';
import { OPT, twoSftSteps } from '../helpers/sft-compare';
import { maxAbsDiff } from './fixtures';

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
});

describe('WASM backend', () => {
  it('makes float one-hot rows that read back as 0 and 1', async () => {
    await tf.setBackend('wasm');
    const rows = oneHotFloat(tf.tensor1d([0, 2], 'int32'), 3);
    expect(Array.from(await rows.data())).toEqual([1, 0, 0, 0, 0, 1]);
    rows.dispose();
  });

  it('matches the CPU backend: logits, losses, gradient norms and every weight after two AdamW steps', async () => {
    const wasm = await twoSftSteps('wasm');
    const cpu = await twoSftSteps('cpu');
    expect(maxAbsDiff(wasm.logits, cpu.logits)).toBeLessThan(1e-4);
    expect(maxAbsDiff(wasm.losses, cpu.losses)).toBeLessThan(1e-4);
    expect(cpu.norms[0]).toBeGreaterThan(OPT.gradClip);
    expect(maxAbsDiff(wasm.norms, cpu.norms)).toBeLessThan(1e-4);
    for (const [name, w] of Object.entries(cpu.weights)) {
      expect(maxAbsDiff(Array.from(wasm.weights[name]!.data), Array.from(w.data)), name).toBeLessThan(1e-4);
    }
  });
});
