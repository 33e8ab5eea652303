import { describe, expect, it } from 'vitest';
import { accuracyColumns, latestStats, lossColumns, mergeRows } from '../../src/ui/series';
import { fmtCount, fmtNum, fmtPct } from '../../src/ui/format';
import type { MetricRow } from '../../src/store/types';

const row = (step: number, values: Record<string, number>): MetricRow => ({ runId: 'r', step, stage: 'sft', time: 0, values });

describe('live view series', () => {
  const rows = [
    row(0, { 'eval_heldout/accuracy': 0, 'eval_ood/accuracy': 0 }),
    row(10, { loss: 2, mean_token_accuracy: 0.5, num_tokens: 1000, step_time: 0.1, learning_rate: 1e-3 }),
    row(20, { loss: 1, mean_token_accuracy: 0.7, num_tokens: 2000, step_time: 0.2, learning_rate: 2e-3, 'eval_heldout/accuracy': 0.25, 'eval_train/accuracy': 0.5 }),
  ];

  it('merges by step, the later copy of a step winning, sorted', () => {
    const merged = mergeRows([rows[2]!, rows[0]!], [row(20, { loss: 9 }), rows[1]!]);
    expect(merged.map((r) => r.step)).toEqual([0, 10, 20]);
    expect(merged[2]!.values.loss).toBe(9);
  });

  it('draws loss only on logged steps and accuracies only on evaluation steps, gaps as null', () => {
    expect(lossColumns(rows)).toEqual([[10, 20], [2, 1], [0.5, 0.7]]);
    expect(accuracyColumns(rows)).toEqual([[0, 20], [0, 0.25], [0, null], [null, 0.5]]);
  });

  it('computes tokens/s from the last interval: 1000 tokens over 10 steps at 0.2 s/step = 500', () => {
    const s = latestStats(rows);
    expect(s).toMatchObject({ step: 20, loss: 1, tokenAccuracy: 0.7, heldoutAccuracy: 0.25, learningRate: 2e-3, stepTime: 0.2 });
    expect(s.tokensPerSecond).toBeCloseTo(500, 9);
    expect(latestStats([])).toEqual({ step: null, heldoutAccuracy: undefined });
  });

  it('formats numbers compactly and marks missing values', () => {
    expect(fmtNum(0.123456)).toBe('0.123');
    expect(fmtNum(0.00012)).toBe('1.20e-4');
    expect(fmtNum(NaN)).toBe('—');
    expect(fmtPct(0.4567)).toBe('45.7%');
    expect(fmtCount(12345)).toBe('12.3k');
    expect(fmtCount(2_500_000)).toBe('2.50M');
  });
});
