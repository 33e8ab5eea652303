import { describe, expect, it } from 'vitest';
import { emaSmooth, smoothSeries } from '../../src/analysis/smoothing';
import { emaByWeights } from './curves';

describe('emaSmooth (TensorBoard debiased EMA)', () => {
  it('matches hand-computed values for [1, 2, 3] at w = 0.5', () => {
    // last: 0.5, 1.25, 2.125; debias: 0.5, 0.75, 0.875 -> 1, 5/3, 17/7
    const s = emaSmooth([1, 2, 3], 0.5);
    expect(s[0]).toBeCloseTo(1, 12);
    expect(s[1]).toBeCloseTo(5 / 3, 12);
    expect(s[2]).toBeCloseTo(17 / 7, 12);
  });

  it('matches the weighted-mean form of the same average on a longer series', () => {
    const values = [0.1, 0.5, 0.2, 0.9, 0.4, 0.8, 1, 0.7, 0.95, 0.3];
    for (const w of [0.3, 0.6, 0.9, 0.99]) {
      const s = emaSmooth(values, w);
      emaByWeights(values, w).forEach((v, i) => expect(s[i]).toBeCloseTo(v, 10));
    }
  });

  it('is the identity at w = 0', () => {
    expect(emaSmooth([0.3, 0.1, 0.7], 0)).toEqual([0.3, 0.1, 0.7]);
  });

  it('passes non-finite values through without counting them, as TensorBoard does', () => {
    // [1, NaN, 3] at w = 0.5: the NaN is skipped, so 3 is the second point: (0.25 + 1.5) / 0.75 = 7/3
    const s = emaSmooth([1, NaN, 3, Infinity], 0.5);
    expect(s[0]).toBe(1);
    expect(s[1]).toBeNaN();
    expect(s[2]).toBeCloseTo(7 / 3, 12);
    expect(s[3]).toBe(Infinity);
  });

  it('returns a constant series unchanged, bit for bit (tensorboard#786)', () => {
    const s = emaSmooth([0.7, 0.7, 0.7, 0.7], 0.9);
    expect(s).toEqual([0.7, 0.7, 0.7, 0.7]);
    expect(emaSmooth([], 0.6)).toEqual([]);
  });

  it('refuses a weight outside [0, 1)', () => {
    expect(() => emaSmooth([1, 2], 1)).toThrow(RangeError);
    expect(() => emaSmooth([1, 2], -0.1)).toThrow(RangeError);
    expect(() => emaSmooth([1, 2], NaN)).toThrow(RangeError);
  });

  it('smoothSeries keeps the steps', () => {
    const s = smoothSeries({ steps: [5, 10, 15], values: [1, 2, 3] }, 0.5);
    expect(s.steps).toEqual([5, 10, 15]);
    expect(s.values[2]).toBeCloseTo(17 / 7, 12);
  });
});
