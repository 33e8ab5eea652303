// Advantages against hand-computed values. Formula (TRL GRPOTrainer): A = r - mean_group(r), divided by
// (std + 1e-4) with std the unbiased group std ("group") or batch std ("batch"); "none" does not divide.
import { describe, expect, it } from 'vitest';
import { computeAdvantages, std } from '../../../src/train/advantages';

// Two groups of G = 4: one mixed, one all-correct (zero std).
const REWARDS = [1, 0, 0, 1, 1, 1, 1, 1];
// Group 1: mean 0.5, unbiased var = 4 * 0.25 / 3 = 1/3, std = 0.5773503.
const GROUP_STD = Math.sqrt(1 / 3);
// Batch: mean 0.75, unbiased var = (6 * 0.0625 + 2 * 0.5625) / 7 = 1.5 / 7, std = 0.4629100.
const BATCH_STD = Math.sqrt(1.5 / 7);

function close(actual: ArrayLike<number>, expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]!).toBeCloseTo(e, digits));
}

describe('computeAdvantages', () => {
  it('group: (r - group mean) / (group std + 1e-4); zero-std groups get 0', () => {
    const a = 0.5 / (GROUP_STD + 1e-4); // 0.865875
    const out = computeAdvantages(REWARDS, 4, 'group');
    close(out.advantages, [a, -a, -a, a, 0, 0, 0, 0]);
    expect(a).toBeCloseTo(0.865875, 5);
    expect(out.reward).toBeCloseTo(0.75, 10);
    expect(out.rewardStd).toBeCloseTo(GROUP_STD / 2, 10); // mean of per-row stds: (4 * 0.577 + 4 * 0) / 8
    expect(out.fracZeroStd).toBe(0.5);
  });

  it('batch: group mean, but the whole batch std', () => {
    const a = 0.5 / (BATCH_STD + 1e-4); // 0.5 / 0.4630100 = 1.079890
    const out = computeAdvantages(REWARDS, 4, 'batch');
    close(out.advantages, [a, -a, -a, a, 0, 0, 0, 0]);
    expect(a).toBeCloseTo(1.07989, 5);
    expect(out.rewardStd).toBeCloseTo(BATCH_STD, 10);
    expect(out.fracZeroStd).toBe(0);
  });

  it('none: only centred; the group std is still logged', () => {
    const out = computeAdvantages(REWARDS, 4, 'none');
    close(out.advantages, [0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0], 7);
    expect(out.rewardStd).toBeCloseTo(GROUP_STD / 2, 10);
    expect(out.fracZeroStd).toBe(0.5);
  });

  it('handles non-binary rewards (set-F1, weighted sums) per group', () => {
    const out = computeAdvantages([0.5, 1, 2, 3], 2, 'group');
    // group 1: mean 0.75, std = sqrt(2 * 0.0625 / 1) = 0.353553; group 2: mean 2.5, std 0.707107
    close(out.advantages, [
      -0.25 / (Math.SQRT1_2 / 2 + 1e-4),
      0.25 / (Math.SQRT1_2 / 2 + 1e-4),
      -0.5 / (Math.SQRT1_2 + 1e-4),
      0.5 / (Math.SQRT1_2 + 1e-4),
    ]);
  });

  it('refuses G < 2 or a batch that is not whole groups', () => {
    expect(() => computeAdvantages([1, 0], 1, 'group')).toThrow(/G >= 2/);
    expect(() => computeAdvantages([1, 0, 1], 2, 'group')).toThrow(/multiple of G/);
  });

  it('std is unbiased, as torch.std', () => {
    expect(std([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(std([7])).toBeNaN();
  });
});
