import { describe, expect, it } from 'vitest';
import { diffs, linearFit, mean, pearson, seedBand } from '../../src/analysis/stats';

describe('pearson', () => {
  it('is +1 / -1 on exact lines', () => {
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12);
  });

  it('matches a hand computation', () => {
    // x = [1,2,3], y = [1,3,2]: dx = [-1,0,1], dy = [-1,1,0]; sxy = 1, sxx = syy = 2 -> r = 0.5
    expect(pearson([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 12);
  });

  it('is null when undefined: too few points, a constant side, non-finite values', () => {
    expect(pearson([1], [2])).toBeNull();
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNull();
    expect(pearson([1, NaN, 3], [1, 2, 3])).toBeNull();
  });

  it('refuses unpaired data', () => {
    expect(() => pearson([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
});

describe('linearFit', () => {
  it('matches a hand computation with R^2', () => {
    // x = [0,1,2,3], y = [1,3,2,5]: sxx = 5, sxy = 5.5 -> slope 1.1, intercept 2.75 - 1.65 = 1.1;
    // residuals -0.1, 0.8, -1.3, 0.6 -> SS_res = 2.7; SS_tot = 8.75 -> R^2 = 1 - 2.7 / 8.75
    const fit = linearFit([0, 1, 2, 3], [1, 3, 2, 5])!;
    expect(fit.slope).toBeCloseTo(1.1, 12);
    expect(fit.intercept).toBeCloseTo(1.1, 12);
    expect(fit.r2).toBeCloseTo(1 - 2.7 / 8.75, 12);
    expect(fit.r2).toBeCloseTo(pearson([0, 1, 2, 3], [1, 3, 2, 5])! ** 2, 12);
    expect(fit.n).toBe(4);
  });

  it('gives R^2 = 1 on an exact line and on a constant y, and null on a constant x', () => {
    expect(linearFit([1, 2, 3], [3, 5, 7])!.r2).toBeCloseTo(1, 12);
    expect(linearFit([1, 2, 3], [4, 4, 4])).toEqual({ slope: 0, intercept: 4, r2: 1, n: 3 });
    expect(linearFit([2, 2, 2], [1, 2, 3])).toBeNull();
    expect(linearFit([1], [1])).toBeNull();
  });
});

describe('mean, diffs', () => {
  it('computes plain values', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNaN();
    expect(diffs([1, 4, 2])).toEqual([3, -2]);
    expect(diffs([1])).toEqual([]);
  });
});

describe('seedBand', () => {
  it('gives mean, min, max and count across runs at every logged step', () => {
    const band = seedBand([
      { steps: [0, 10, 20], values: [1, 2, 3] },
      { steps: [0, 10], values: [3, 4] },
    ]);
    expect(band).toEqual({ steps: [0, 10, 20], mean: [2, 3, 3], min: [1, 2, 3], max: [3, 4, 3], count: [2, 2, 1] });
  });

  it('aligns by step, not by position, and skips non-finite values', () => {
    const band = seedBand([
      { steps: [5, 10], values: [0.2, NaN] },
      { steps: [10, 15], values: [0.6, 0.8] },
      { steps: [5, 15], values: [0.4, 0.2] },
    ]);
    expect(band.steps).toEqual([5, 10, 15]);
    expect(band.mean[0]).toBeCloseTo(0.3, 12);
    expect(band.mean[1]).toBeCloseTo(0.6, 12);
    expect(band.mean[2]).toBeCloseTo(0.5, 12);
    expect(band.count).toEqual([2, 1, 2]);
    expect(seedBand([])).toEqual({ steps: [], mean: [], min: [], max: [], count: [] });
  });
});
