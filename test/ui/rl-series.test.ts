import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../src/analysis/stats';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../src/experiment/run-config';
import { ACC_AXIS, MAIN_FILLS, MAIN_LINES, MAIN_SERIES, mainLayout } from '../../src/ui/run/rl-charts';
import {
  assumedCount,
  bandColumns,
  difficultyColumns,
  difficultyLevels,
  hasRl,
  mainColumns,
  metricColumns,
  nearestStep,
  RL_BAND_KEYS,
  RL_MAIN_KEYS,
  smoothColumn,
  stageBoundaries,
  trueRewardCoincides,
} from '../../src/ui/run/rl-series';
import type { RolloutRecord } from '../../src/store/types';
import { groupsOf, pickStep, rowAt, zeroVariance } from '../../src/ui/run/rollouts';
import type { MetricRow, RolloutRow } from '../../src/store/types';

const row = (step: number, stage: string, values: Record<string, number>): MetricRow => ({
  runId: 'r',
  step,
  stage,
  time: 0,
  values,
});

describe('RL chart columns', () => {
  const rows = [
    row(0, 'sft', { 'eval_heldout/accuracy': 0.1, 'eval_ood/accuracy': 0 }),
    row(2, 'sft', { loss: 2 }),
    row(4, 'sft', { loss: 1, 'eval_heldout/accuracy': 0.3, 'eval_train/accuracy': 0.4 }),
    row(5, 'rl', { reward: 0, 'train/acc_true': 0 }),
    row(6, 'rl', {
      reward: 1,
      'train/acc_true': 1,
      'eval_heldout/pass@1': 0.375,
      'eval_heldout/accuracy': 0.5,
      'eval_train/accuracy': 0.75,
      'eval_ood/accuracy': 0.25,
    }),
  ];

  it('draws optimized and true reward, then held-out pass@1 and greedy, training-prompt and OOD greedy accuracy', () => {
    expect(RL_MAIN_KEYS).toEqual([
      'reward',
      'train/acc_true',
      'eval_heldout/pass@1',
      'eval_heldout/accuracy',
      'eval_train/accuracy',
      'eval_ood/accuracy',
    ]);
    expect(RL_BAND_KEYS).toEqual(RL_MAIN_KEYS.slice(2));
  });

  it('takes the steps where any main key is logged, gaps as null, evaluations unsmoothed', () => {
    expect(metricColumns(rows, RL_MAIN_KEYS)).toEqual([
      [0, 4, 5, 6],
      [null, null, 0, 1],
      [null, null, 0, 1],
      [null, null, null, 0.375],
      [0.1, 0.3, null, 0.5],
      [null, 0.4, null, 0.75],
      [0, null, null, 0.25],
    ]);
  });

  it('smooths training series with the debiased EMA: w=0.5 over [0, 1] gives [0, 0.5/0.75]', () => {
    const cols = metricColumns(rows, RL_MAIN_KEYS, 0.5);
    // last = 0.5*0 + 0.5*0 = 0 -> 0/(1-0.5) = 0; last = 0.5*0 + 0.5*1 = 0.5 -> 0.5/(1-0.25) = 2/3
    expect(cols[1]![2]).toBe(0);
    expect(cols[1]![3]).toBeCloseTo(2 / 3, 12);
    expect(cols[3]).toEqual([null, null, null, 0.375]); // pass@1 untouched
    expect(cols[4]).toEqual([0.1, 0.3, null, 0.5]); // held-out greedy untouched
  });

  it('keeps gaps in place when smoothing, and weight 0 is the identity', () => {
    expect(smoothColumn([null, 2, null, 2], 0.9)).toEqual([null, 2, null, 2]);
    expect(smoothColumn([1, null, 3], 0)).toEqual([1, null, 3]);
    expect(smoothColumn([0, null, 1], 0.5)[2]).toBeCloseTo(2 / 3, 12);
  });

  it('drops step 0 on a log step axis', () => {
    expect(metricColumns(rows, RL_MAIN_KEYS, 0, true)[0]).toEqual([4, 5, 6]);
    expect(mainColumns(rows, 0, true)[0]).toEqual([4, 5, 6]);
  });

  it('finds accuracy by difficulty, one column per level in numeric order', () => {
    const d = [
      row(6, 'rl', { 'eval_heldout/accuracy_d10': 0.1, 'eval_heldout/accuracy_d2': 0.9, 'eval_ood/accuracy_d3': 0.5 }),
      row(8, 'rl', { 'eval_heldout/accuracy_d2': 1 }),
    ];
    expect(difficultyLevels(d)).toEqual([2, 10]);
    expect(difficultyLevels(d, 'eval_ood/accuracy')).toEqual([3]);
    expect(difficultyColumns(d)).toEqual({
      ks: [2, 10],
      data: [
        [6, 8],
        [0.9, 1],
        [0.1, null],
      ],
    });
  });

  it('knows an RL run from its config or its rows', () => {
    expect(hasRl(rows.slice(0, 3), 0)).toBe(false);
    expect(hasRl(rows.slice(0, 3), 4)).toBe(true);
    expect(hasRl(rows, undefined)).toBe(true);
  });

  it('puts stage boundaries at the cumulative stage lengths, skipping stages that are off', () => {
    expect(stageBoundaries({ cpt: { steps: 0 }, sft: { steps: 300 }, rl: { steps: 100 } })).toEqual([
      { step: 300, label: 'SFT → RL' },
    ]);
    expect(stageBoundaries({ cpt: { steps: 50 }, sft: { steps: 100 }, rl: { steps: 10 } })).toEqual([
      { step: 50, label: 'CPT → SFT' },
      { step: 150, label: 'SFT → RL' },
    ]);
    expect(stageBoundaries({ cpt: { steps: 50 }, sft: { steps: 0 }, rl: { steps: 10 } })).toEqual([
      { step: 50, label: 'CPT → RL' },
    ]);
    expect(stageBoundaries({ sft: { steps: 10 } })).toEqual([]);
  });
});

// Stages on one step counter: SFT steps 0..99, RL from step 100; SFT evaluates 32 prompts, RL 100 (4 samples each for pass@1).
const CONFIG: RunConfig = {
  ...DEFAULT_RUN_CONFIG,
  data: { ...DEFAULT_RUN_CONFIG.data, heldoutSize: 256, oodSize: 40, trainSize: 16 },
  cpt: { ...DEFAULT_RUN_CONFIG.cpt, steps: 0 },
  sft: { ...DEFAULT_RUN_CONFIG.sft, steps: 100, evalSize: 32 },
  rl: { ...DEFAULT_RUN_CONFIG.rl, steps: 50, evalSize: 100, passK: 4 },
};

describe('main chart confidence bands', () => {
  const w = (p: number, n: number) => wilsonInterval(p, n)!;

  it('puts the 95% Wilson interval of the logged count around each accuracy; a point without a count has none', () => {
    const rows = [
      row(10, 'sft', { 'eval_heldout/accuracy': 0.5 }), // SFT logs no count
      row(12, 'sft', { loss: 1 }),
      row(100, 'rl', {
        'eval_heldout/accuracy': 0.5,
        'eval_heldout/num_prompts': 64,
        'eval_heldout/pass@1': 0.25,
        'eval_heldout/num_samples': 512,
      }),
      row(110, 'rl', { 'eval_heldout/accuracy': 1, 'eval_heldout/num_prompts': 64 }),
    ];
    expect(bandColumns(rows, 'eval_heldout/accuracy')).toEqual([
      [null, null, w(0.5, 64).lo, w(1, 64).lo],
      [null, null, w(0.5, 64).hi, w(1, 64).hi],
    ]);
    // pass@1 counts its prompts (64), not its 512 correlated samples.
    expect(bandColumns(rows, 'eval_heldout/pass@1')).toEqual([
      [null, null, w(0.25, 64).lo, null],
      [null, null, w(0.25, 64).hi, null],
    ]);
    // Golden: p = 0.5, n = 64, z = 1.959964 -> centre 0.5, half z/(1 + z^2/64) * sqrt(0.25/64 + z^2/(4*64^2)) = 0.1189787
    expect(w(0.5, 64).lo).toBeCloseTo(0.3810213, 6);
    expect(w(1, 64).hi).toBe(1);
  });

  it("falls back on the config's evaluation size for a point without a logged count; a logged count wins", () => {
    const rows = [
      row(10, 'sft', { 'eval_heldout/accuracy': 0.5, 'eval_train/accuracy': 0.75 }),
      row(100, 'rl', { 'eval_heldout/accuracy': 0.5, 'eval_heldout/num_prompts': 7 }),
    ];
    expect(bandColumns(rows, 'eval_heldout/accuracy', CONFIG)).toEqual([
      [w(0.5, 32).lo, w(0.5, 7).lo],
      [w(0.5, 32).hi, w(0.5, 7).hi],
    ]);
    expect(bandColumns(rows, 'eval_train/accuracy', CONFIG)).toEqual([
      [w(0.75, 16).lo, null],
      [w(0.75, 16).hi, null],
    ]);
  });

  it("assumes the evaluating stage's evalSize, capped by the split's size (pass@1 counts its prompts too)", () => {
    const sft = row(50, 'sft', {});
    const rl = row(120, 'rl', {});
    expect(
      ['eval_heldout/num_prompts', 'eval_ood/num_prompts', 'eval_train/num_prompts'].map((k) =>
        assumedCount(CONFIG, sft, k),
      ),
    ).toEqual([32, 32, 16]);
    expect(
      ['eval_heldout/num_prompts', 'eval_ood/num_prompts', 'eval_train/num_prompts'].map((k) =>
        assumedCount(CONFIG, rl, k),
      ),
    ).toEqual([100, 40, 16]);
    expect(assumedCount(CONFIG, rl, 'eval_heldout/num_samples')).toBeUndefined();
    expect(assumedCount({ ...CONFIG, data: { ...CONFIG.data, trainSize: 0 } }, rl, 'eval_train/num_prompts')).toBe(100); // fresh prompts: evalSize of them
    expect(assumedCount(CONFIG, rl, 'eval_heldout/mean_length')).toBeUndefined();
    // A result link's rows carry no stage: the step says which stage evaluated.
    expect(assumedCount(CONFIG, row(99, '', {}), 'eval_heldout/num_prompts')).toBe(32);
    expect(assumedCount(CONFIG, row(100, '', {}), 'eval_heldout/num_prompts')).toBe(100);
    expect(
      assumedCount({ ...CONFIG, rl: { ...CONFIG.rl, steps: 0 } }, row(150, '', {}), 'eval_heldout/num_prompts'),
    ).toBe(32);
  });

  it('lays out band edges first (their fills under the lines), then the lines, as MAIN_SERIES and MAIN_FILLS index them', () => {
    const rows = [
      row(5, 'rl', { reward: 0.5, 'train/acc_true': 0.25 }),
      row(6, 'rl', {
        'eval_heldout/pass@1': 0.5,
        'eval_heldout/num_samples': 8,
        'eval_heldout/accuracy': 0.5,
        'eval_heldout/num_prompts': 4,
        'eval_train/accuracy': 0.25,
        'eval_train/num_prompts': 4,
        'eval_ood/accuracy': 0,
        'eval_ood/num_prompts': 4,
      }),
    ];
    const cols = mainColumns(rows);
    expect(cols).toEqual([
      [5, 6],
      [null, w(0.5, 4).lo],
      [null, w(0.5, 4).hi],
      [null, w(0.5, 4).lo],
      [null, w(0.5, 4).hi],
      [null, w(0.25, 4).lo],
      [null, w(0.25, 4).hi],
      [null, w(0, 4).lo],
      [null, w(0, 4).hi],
      [0.5, null],
      [0.25, null],
      [null, 0.5],
      [null, 0.5],
      [null, 0.25],
      [null, 0],
    ]);
    expect(MAIN_SERIES).toHaveLength(cols.length - 1);
    expect(MAIN_SERIES.slice(8)).toEqual(MAIN_LINES);
    expect(MAIN_LINES.map((s) => s.label)).toEqual([
      'training reward',
      'true reward (right answers)',
      'held-out pass@1 (sampled)',
      'held-out accuracy (greedy)',
      'training-prompt accuracy (greedy)',
      'out-of-distribution accuracy (greedy)',
    ]);
    expect(MAIN_LINES.map((s) => s.key)).toEqual([...RL_MAIN_KEYS]); // each legend row's tooltip is its stored key
    expect(
      MAIN_SERIES.slice(0, 8).every((s) => s.legend === false && s.points === false && s.color === 'transparent'),
    ).toBe(true);
    expect(MAIN_FILLS).toEqual(
      MAIN_LINES.slice(2).map((s, i) => ({ lower: 2 * i, upper: 2 * i + 1, color: `${s.color}2e` })),
    );
  });

  it('moves a reward off the 0–1 scale (self-certainty ~11) to its own right-hand axis, leaving the accuracies on 0–1', () => {
    expect(mainLayout(false)).toEqual({ series: MAIN_SERIES, axes: ACC_AXIS });
    const off = mainLayout(true);
    expect(off.axes).toEqual([...ACC_AXIS, { scale: 'reward', label: 'training reward', side: 'right' }]);
    expect(off.series.filter((s) => s.scale === 'reward').map((s) => s.label)).toEqual([
      'training reward (right axis)',
    ]);
    expect(off.series.filter((s) => s.key !== 'reward')).toEqual(MAIN_SERIES.filter((s) => s.key !== 'reward'));
  });

  it('gives every line its own colour and dash pattern, held-out pass@1 the widest', () => {
    expect(new Set(MAIN_LINES.map((s) => s.color)).size).toBe(6);
    expect(new Set(MAIN_LINES.map((s) => `${(s.dash ?? []).join(',')}|${s.width ?? 2}`)).size).toBe(6);
    expect(Math.max(...MAIN_LINES.map((s) => s.width ?? 2))).toBe(MAIN_LINES[2]!.width);
  });
});

describe('true reward against optimized reward', () => {
  it('coincide when equal at every step either is logged (to float rounding)', () => {
    expect(
      trueRewardCoincides([
        row(1, 'rl', { reward: 0.5, 'train/acc_true': 0.5 }),
        row(2, 'rl', { loss: 1 }),
        row(3, 'rl', { reward: 0.1 + 0.2, 'train/acc_true': 0.3 }),
      ]),
    ).toBe(true);
  });

  it('do not when they differ anywhere, one is missing at a step, or neither is logged', () => {
    expect(
      trueRewardCoincides([
        row(1, 'rl', { reward: 0.5, 'train/acc_true': 0.5 }),
        row(2, 'rl', { reward: 0.75, 'train/acc_true': 0.5 }),
      ]),
    ).toBe(false);
    expect(
      trueRewardCoincides([row(1, 'rl', { reward: 0.5, 'train/acc_true': 0.5 }), row(2, 'rl', { reward: 0.5 })]),
    ).toBe(false);
    expect(trueRewardCoincides([row(1, 'rl', { reward: 0.5, 'train/acc_true': 0.5 + 1e-6 })])).toBe(false);
    expect(trueRewardCoincides([row(1, 'sft', { loss: 1 })])).toBe(false);
    expect(trueRewardCoincides([])).toBe(false);
  });
});

describe('rollout steps', () => {
  const c = (reward: number) => ({
    text: 't',
    finished: true,
    answer: '1',
    reward,
    rewards: {},
    trueReward: reward,
    advantage: 0,
    steps: [],
    faithful: true,
  });
  const g = (rewards: number[]): RolloutRecord => ({
    step: 6,
    prompt: 'p',
    label: '1',
    cleanLabel: '1',
    noisy: false,
    pseudoLabel: null,
    completions: rewards.map(c),
  });
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

  it('skips a group whose completions are not completions, so drawing it cannot throw', () => {
    const bad = { ...g([1]), completions: [null, {}, 'x'] };
    expect(groupsOf(rr(6, [bad, g([0, 1])])).map((x) => x.completions.length)).toEqual([2]);
  });
});
