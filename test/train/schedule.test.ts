import { describe, expect, it } from 'vitest';
import { learningRate } from '../../src/train/schedule';

describe('learningRate (warmup then cosine, as nanoGPT get_lr)', () => {
  const s = { lr: 1e-3, warmupSteps: 10, steps: 110, minLrRatio: 0.1 };
  it('rises linearly during warmup', () => {
    expect(learningRate(s, 0)).toBeCloseTo(1e-4, 12);
    expect(learningRate(s, 4)).toBeCloseTo(5e-4, 12);
    expect(learningRate(s, 9)).toBeCloseTo(1e-3, 12);
  });
  it('is at peak when decay starts, half-way at the middle, and at the floor at the end', () => {
    expect(learningRate(s, 10)).toBeCloseTo(1e-3, 12);
    expect(learningRate(s, 60)).toBeCloseTo(1e-4 + 0.5 * (1e-3 - 1e-4), 12);
    expect(learningRate(s, 110)).toBeCloseTo(1e-4, 12);
    expect(learningRate(s, 500)).toBeCloseTo(1e-4, 12);
  });
  it('has no warmup when warmupSteps is 0', () => {
    expect(learningRate({ ...s, warmupSteps: 0 }, 0)).toBeCloseTo(1e-3, 12);
  });
});
