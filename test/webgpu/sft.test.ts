// A whole SFT step on WebGPU (forward, backward, global-norm clipping, AdamW) agrees with the CPU
// backend. Catches backend-specific failures outside the model, e.g. an AddN over ~30 gradients that
// builds an invalid WebGPU pipeline (too many storage buffers) and silently leaves the weights unchanged.
import { beforeAll, describe, expect, it } from 'vitest';
import { useWebGPU } from '../../src/cli/shared/dawn';
import { OPT, twoSftSteps } from '../helpers/sft-compare';
import { maxAbsDiff } from '../model/fixtures';

beforeAll(async () => {
  await useWebGPU();
});

describe('SFT step on WebGPU', () => {
  it('matches the CPU backend: logits, losses, gradient norms and every weight after two AdamW steps', async () => {
    const gpu = await twoSftSteps('webgpu');
    const cpu = await twoSftSteps('cpu');
    expect(maxAbsDiff(gpu.logits, cpu.logits)).toBeLessThan(1e-4);
    expect(maxAbsDiff(gpu.losses, cpu.losses)).toBeLessThan(1e-4);
    expect(maxAbsDiff(gpu.norms, cpu.norms)).toBeLessThan(1e-4);
    expect(cpu.norms[0]).toBeGreaterThan(OPT.gradClip); // clipping really happened
    for (const [name, w] of Object.entries(cpu.weights)) {
      expect(maxAbsDiff(Array.from(gpu.weights[name]!.data), Array.from(w.data)), name).toBeLessThan(1e-4);
    }
  });
});
