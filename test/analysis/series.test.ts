import { describe, expect, it } from 'vitest';
import {
  alignCarry,
  alignCommon,
  downsampleForChart,
  downsampleLttb,
  downsampleMinMax,
  extractSeries,
  sliceSeries,
  valueAt,
  type MetricPoint,
  type Series,
} from '../../src/analysis/metric-series';

describe('extractSeries', () => {
  it('sorts by step and skips rows without the key or with non-finite values or steps', () => {
    const rows: MetricPoint[] = [
      { step: 20, values: { reward: 0.5 } },
      { step: 10, values: { reward: 0.2, loss: 1 } },
      { step: 15, values: { loss: 2 } },
      { step: 25, values: { reward: NaN } },
      { step: 30, values: { reward: Infinity } },
      { step: NaN, values: { reward: 0.9 } },
      { step: 40, values: { reward: 0.7 } },
    ];
    expect(extractSeries(rows, 'reward')).toEqual({ steps: [10, 20, 40], values: [0.2, 0.5, 0.7] });
    expect(extractSeries(rows, 'eval_heldout/accuracy')).toEqual({ steps: [], values: [] });
  });

  it('lets a later row for the same step replace an earlier one (a resumed run re-logs it)', () => {
    const rows = [
      { step: 10, values: { reward: 0.1 } },
      { step: 10, values: { reward: 0.3 } },
    ];
    expect(extractSeries(rows, 'reward')).toEqual({ steps: [10], values: [0.3] });
  });

  it('ignores inherited property names', () => {
    expect(extractSeries([{ step: 1, values: {} }], 'constructor').steps).toEqual([]);
  });
});

describe('alignment', () => {
  const a: Series = { steps: [0, 10, 20, 30], values: [1, 2, 3, 4] };
  const b: Series = { steps: [5, 10, 30, 40], values: [50, 100, 300, 400] };

  it('alignCommon keeps the steps both logged', () => {
    expect(alignCommon(a, b)).toEqual({ steps: [10, 30], a: [2, 4], b: [100, 300] });
  });

  it('alignCarry carries the source forward and drops target steps before its first point', () => {
    expect(alignCarry(a, b)).toEqual({ steps: [10, 20, 30], a: [2, 3, 4], b: [100, 100, 300] });
  });

  it('valueAt and sliceSeries', () => {
    expect(valueAt(b, 4)).toBeNull();
    expect(valueAt(b, 5)).toBe(50);
    expect(valueAt(b, 29)).toBe(100);
    expect(valueAt(b, 1000)).toBe(400);
    expect(sliceSeries(a, 10, 20)).toEqual({ steps: [10, 20], values: [2, 3] });
  });
});

function ramp(n: number, f: (i: number) => number): Series {
  return { steps: Array.from({ length: n }, (_, i) => i), values: Array.from({ length: n }, (_, i) => f(i)) };
}

describe('downsampleLttb', () => {
  it('keeps a spike on a flat line (hand-worked: 10 points, threshold 4 -> indices 0, 4, 6, 9)', () => {
    // Buckets of width (10 - 2) / 2 = 4: [1, 5) and [5, 9). Bucket 1 against (0, 0) and the next
    // bucket's mean (6.5, 0.25): area grows with x, so index 4. Bucket 2 against (4, 0) and (9, 0):
    // area = 5 * y, so the spike at index 6.
    const s = ramp(10, (i) => (i === 6 ? 1 : 0));
    expect(downsampleLttb(s, 4).steps).toEqual([0, 4, 6, 9]);
  });

  it('returns exactly the requested count, first and last included, steps increasing', () => {
    const s = ramp(5000, (i) => Math.sin(i / 50) + (i % 7) / 10);
    const d = downsampleLttb(s, 2000);
    expect(d.steps.length).toBe(2000);
    expect(d.steps[0]).toBe(0);
    expect(d.steps.at(-1)).toBe(4999);
    expect(d.values.at(-1)).toBe(s.values[4999]);
    for (let i = 1; i < d.steps.length; i++) expect(d.steps[i]!).toBeGreaterThan(d.steps[i - 1]!);
    d.steps.forEach((step, i) => expect(d.values[i]).toBe(s.values[step]));
  });

  it('copies short series and keeps first and last for thresholds below 3', () => {
    const s = ramp(5, (i) => i);
    expect(downsampleLttb(s, 10)).toEqual(s);
    expect(downsampleLttb(s, 2)).toEqual({ steps: [0, 4], values: [0, 4] });
    expect(downsampleForChart(s)).toEqual(s);
    expect(downsampleLttb({ steps: [], values: [] }, 0)).toEqual({ steps: [], values: [] });
    expect(
      downsampleLttb(
        ramp(100, (i) => i),
        10.7,
      ).steps.length,
    ).toBe(10);
  });
});

describe('downsampleMinMax', () => {
  it('keeps each bucket minimum and maximum plus the ends (hand-worked)', () => {
    // Buckets [0, 5) = 5,0,6,9,7 and [5, 10) = 4,6,1,5,3: min/max at 1/3 and 7/6; plus the ends 0 and 9.
    const s = ramp(10, (i) => [5, 0, 6, 9, 7, 4, 6, 1, 5, 3][i]!);
    expect(downsampleMinMax(s, 2).steps).toEqual([0, 1, 3, 6, 7, 9]);
  });

  it('copies series of at most 2 * buckets points', () => {
    const s = ramp(6, (i) => i);
    expect(downsampleMinMax(s, 3)).toEqual(s);
  });
});
