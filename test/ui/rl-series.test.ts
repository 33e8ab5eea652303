import { describe, expect, it } from 'vitest';
import { difficultyColumns, difficultyLevels, hasRl, metricColumns, nearestStep, RL_MAIN_KEYS, smoothColumn, stageBoundaries } from '../../src/ui/rl-series';
import { groupsOf, pickStep, rowAt, zeroVariance, type RolloutRecord } from '../../src/ui/rollouts';
import type { MetricRow, RolloutRow } from '../../src/store/types';

const row = (step: number, stage: string, values: Record<string, number>): MetricRow => ({ runId: 'r', step, stage, time: 0, values });

describe('RL chart columns', () => {
  const rows = [
    row(0, 'sft', { 'eval_heldout/accuracy': 0.1, 'eval_ood/accuracy': 0 }),
    row(2, 'sft', { loss: 2 }),
    row(4, 'sft', { loss: 1, 'eval_heldout/accuracy': 0.3 }),
    row(5, 'rl', { reward: 0, 'train/acc_true': 0 }),
    row(6, 'rl', { reward: 1, 'train/acc_true': 1, 'eval_heldout/accuracy': 0.5, 'eval_ood/accuracy': 0.25 }),
  ];

  it('takes the steps where any main key is logged, gaps as null, evaluations unsmoothed', () => {
    expect(metricColumns(rows, RL_MAIN_KEYS)).toEqual([
      [0, 4, 5, 6],
      [null, null, 0, 1],
      [null, null, 0, 1],
      [0.1, 0.3, null, 0.5],
      [0, null, null, 0.25],
    ]);
  });

  it('smooths training series with the debiased EMA: w=0.5 over [0, 1] gives [0, 0.5/0.75]', () => {
    const cols = metricColumns(rows, RL_MAIN_KEYS, 0.5);
    // last = 0.5*0 + 0.5*0 = 0 -> 0/(1-0.5) = 0; last = 0.5*0 + 0.5*1 = 0.5 -> 0.5/(1-0.25) = 2/3
    expect(cols[1]![2]).toBe(0);
    expect(cols[1]![3]).toBeCloseTo(2 / 3, 12);
    expect(cols[3]).toEqual([0.1, 0.3, null, 0.5]); // held-out untouched
  });

  it('keeps gaps in place when smoothing, and weight 0 is the identity', () => {
    expect(smoothColumn([null, 2, null, 2], 0.9)).toEqual([null, 2, null, 2]);
    expect(smoothColumn([1, null, 3], 0)).toEqual([1, null, 3]);
    expect(smoothColumn([0, null, 1], 0.5)[2]).toBeCloseTo(2 / 3, 12);
  });

  it('drops step 0 on a log step axis', () => {
    expect(metricColumns(rows, RL_MAIN_KEYS, 0, true)[0]).toEqual([4, 5, 6]);
  });

  it('finds accuracy by difficulty, one column per level in numeric order', () => {
    const d = [row(6, 'rl', { 'eval_heldout/accuracy_d10': 0.1, 'eval_heldout/accuracy_d2': 0.9, 'eval_ood/accuracy_d3': 0.5 }), row(8, 'rl', { 'eval_heldout/accuracy_d2': 1 })];
    expect(difficultyLevels(d)).toEqual([2, 10]);
    expect(difficultyLevels(d, 'eval_ood/accuracy')).toEqual([3]);
    expect(difficultyColumns(d)).toEqual({ ks: [2, 10], data: [[6, 8], [0.9, 1], [0.1, null]] });
  });

  it('knows an RL run from its config or its rows', () => {
    expect(hasRl(rows.slice(0, 3), 0)).toBe(false);
    expect(hasRl(rows.slice(0, 3), 4)).toBe(true);
    expect(hasRl(rows, undefined)).toBe(true);
  });

  it('puts stage boundaries at the cumulative stage lengths, skipping stages that are off', () => {
    expect(stageBoundaries({ cpt: { steps: 0 }, sft: { steps: 300 }, rl: { steps: 100 } })).toEqual([{ step: 300, label: 'SFT → RL' }]);
    expect(stageBoundaries({ cpt: { steps: 50 }, sft: { steps: 100 }, rl: { steps: 10 } })).toEqual([
      { step: 50, label: 'CPT → SFT' },
      { step: 150, label: 'SFT → RL' },
    ]);
    expect(stageBoundaries({ cpt: { steps: 50 }, sft: { steps: 0 }, rl: { steps: 10 } })).toEqual([{ step: 50, label: 'CPT → RL' }]);
    expect(stageBoundaries({ sft: { steps: 10 } })).toEqual([]);
  });
});

describe('rollout steps', () => {
  const c = (reward: number) => ({ text: 't', finished: true, answer: '1', reward, rewards: {}, trueReward: reward, advantage: 0, steps: [], faithful: true });
  const g = (rewards: number[]): RolloutRecord => ({ step: 6, prompt: 'p', label: '1', cleanLabel: '1', noisy: false, pseudoLabel: null, completions: rewards.map(c) });
  const rr = (step: number, groups: unknown[] = []): RolloutRow => ({ runId: 'r', step, groups });

  it('picks the nearest step, ties to the earlier one', () => {
    expect(nearestStep([25, 50, 75], 60)).toBe(50);
    expect(nearestStep([25, 50, 75], 63)).toBe(75);
    expect(nearestStep([20, 30], 25)).toBe(20);
    expect(nearestStep([], 3)).toBeNull();
    expect(pickStep([rr(6), rr(8)], 7.9)).toBe(8);
  });

  it('shows the selected step, or the latest when none is selected or it has no rollouts', () => {
    const rows = [rr(6), rr(8)];
    expect(rowAt(rows, null)?.step).toBe(8);
    expect(rowAt(rows, 6)?.step).toBe(6);
    expect(rowAt(rows, 7)?.step).toBe(8);
    expect(rowAt([], null)).toBeUndefined();
  });

  it('flags groups whose completions all scored alike (no learning signal)', () => {
    expect(zeroVariance(g([1, 1]))).toBe(true);
    expect(zeroVariance(g([0, 0, 0]))).toBe(true);
    expect(zeroVariance(g([0, 1]))).toBe(false);
    expect(zeroVariance(g([]))).toBe(false);
  });

  it('skips stored groups that are not rollout records', () => {
    expect(groupsOf(rr(6, [g([1]), null, { prompt: 1 }, { prompt: 'x' }]))).toHaveLength(1);
    expect(groupsOf(undefined)).toEqual([]);
  });
});
