import { describe, expect, it } from 'vitest';
import { accuracyColumns, latestStats, lossColumns, mergeRows } from '../../src/ui/shared/chart-columns';
import { fmtCount, fmtNum } from '../../src/ui/shared/format';
import { statCells } from '../../src/ui/run/stat-cells';
import type { MetricRow } from '../../src/store/types';

const row = (step: number, values: Record<string, number>): MetricRow => ({
  runId: 'r',
  step,
  stage: 'sft',
  time: 0,
  values,
});

describe('live view series', () => {
  const rows = [
    row(0, { 'eval_heldout/accuracy': 0, 'eval_ood/accuracy': 0 }),
    row(10, { loss: 2, mean_token_accuracy: 0.5, num_tokens: 1000, step_time: 0.1, learning_rate: 1e-3 }),
    row(20, {
      loss: 1,
      mean_token_accuracy: 0.7,
      num_tokens: 2000,
      step_time: 0.2,
      learning_rate: 2e-3,
      'eval_heldout/accuracy': 0.25,
      'eval_train/accuracy': 0.5,
    }),
  ];

  it('merges by step, the later copy of a step winning, sorted', () => {
    const merged = mergeRows([rows[2]!, rows[0]!], [row(20, { loss: 9 }), rows[1]!]);
    expect(merged.map((r) => r.step)).toEqual([0, 10, 20]);
    expect(merged[2]!.values.loss).toBe(9);
  });

  it('draws loss only on logged steps and accuracies only on evaluation steps, gaps as null', () => {
    expect(lossColumns(rows)).toEqual([
      [10, 20],
      [2, 1],
      [0.5, 0.7],
    ]);
    expect(lossColumns([...rows, { ...row(30, { loss: 0, reward: 0.5 }), stage: 'rl' }])).toEqual([
      [10, 20],
      [2, 1],
      [0.5, 0.7],
    ]); // GRPO's loss is not next-token loss
    expect(accuracyColumns(rows)).toEqual([
      [0, 20],
      [0, 0.25],
      [0, null],
      [null, 0.5],
    ]);
  });

  it('computes tokens/s from the last interval: 1000 tokens over 10 steps at 0.2 s/step = 500', () => {
    const s = latestStats(rows);
    expect(s).toMatchObject({
      step: 20,
      loss: 1,
      tokenAccuracy: 0.7,
      heldoutAccuracy: 0.25,
      learningRate: 2e-3,
      stepTime: 0.2,
    });
    expect(s.tokensPerSecond).toBeCloseTo(500, 9);
    expect(latestStats([])).toEqual({ step: null, heldoutAccuracy: undefined });
  });

  it('formats numbers compactly and marks missing values', () => {
    expect(fmtNum(0.123456)).toBe('0.123');
    expect(fmtNum(0.00012)).toBe('1.20e-4');
    expect(fmtNum(NaN)).toBe('—');
    expect(fmtCount(12345)).toBe('12.3k');
    expect(fmtCount(2_500_000)).toBe('2.50M');
  });
});

describe('stat cards', () => {
  const row2 = (step: number, stage: string, values: Record<string, number>): MetricRow => ({
    runId: 'r',
    step,
    stage,
    time: 0,
    values,
  });
  const sft = [
    row2(0, 'sft', { 'eval_heldout/accuracy': 0 }),
    row2(10, 'sft', { loss: 2.5, mean_token_accuracy: 0.5, num_tokens: 1000, step_time: 0.1, learning_rate: 1e-3 }),
    row2(20, 'sft', {
      loss: 1.25,
      mean_token_accuracy: 0.71875,
      num_tokens: 2000,
      step_time: 0.2,
      learning_rate: 2e-3,
      'eval_heldout/accuracy': 0.09375,
    }),
  ];

  it("shows SFT's loss, token accuracy and speed, fractions with three decimals", () => {
    expect(statCells(sft).map((c) => `${c.label}=${c.value}`)).toEqual([
      'step=20',
      'loss=1.25',
      'token accuracy=0.719',
      'held-out accuracy=0.094',
      'learning rate=0.002',
      'tokens/s=500',
      's/step=0.2',
    ]);
  });

  it("shows RL's own numbers during RL, not GRPO's near-zero loss or a token accuracy it does not have", () => {
    const rl = [
      ...sft,
      row2(20, 'sft', { ...sft[2]!.values, 'eval_heldout/pass@1': 0.125 }),
      row2(25, 'rl', {
        loss: 0,
        reward: 0.8125,
        frac_reward_zero_std: 0.5,
        'completions/mean_length': 31.5,
        step_time: 6.25,
      }),
    ];
    const cells = statCells(rl);
    expect(cells.map((c) => `${c.label}=${c.value}`)).toEqual([
      'step=25',
      'training reward=0.813',
      'held-out pass@1=0.125',
      'held-out accuracy=0.094',
      'no learning signal=0.500',
      'completion length=31.5',
      's/step=6.25',
    ]);
    expect(cells.map((c) => c.key)).toEqual([
      undefined,
      'reward',
      'eval_heldout/pass@1',
      'eval_heldout/accuracy',
      'frac_reward_zero_std',
      'completions/mean_length',
      'step_time',
    ]);
  });
});
