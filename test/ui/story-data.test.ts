// The story's pure parts: the replay window and prefix search, the chart's columns (hand-computed Wilson
// band), the plain reason sentence, and which arm "Run it yourself" trains.
import { describe, expect, it } from 'vitest';
import { analyzePhases } from '../../src/analysis/phases';
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../../src/experiment/run-config';
import type { Preset } from '../../src/experiment/presets';
import type { MetricRow } from '../../src/store/types';
import {
  plainReason,
  prefixLength,
  REGIME_PLAIN,
  replayWindow,
  shortestArm,
  snapStep,
  storyColumns,
  storyRuns,
  type StoryRun,
} from '../../src/ui/story/story-data';
import { flagshipRuns } from './story-fixtures';

const row = (step: number, values: Record<string, number>, stage = 'rl'): MetricRow => ({
  runId: 'r',
  step,
  stage,
  time: step,
  values,
});
const config = (sft: number, rl: number, cpt = 0): RunConfig =>
  validateRunConfig({
    ...DEFAULT_RUN_CONFIG,
    cpt: { ...DEFAULT_RUN_CONFIG.cpt, steps: cpt },
    sft: { ...DEFAULT_RUN_CONFIG.sft, steps: sft },
    rl: { ...DEFAULT_RUN_CONFIG.rl, steps: rl },
  });
const run = (armId: string, cfg: RunConfig, steps: number[], wallSeconds: number | null = null): StoryRun => ({
  armId,
  seed: 1,
  name: armId,
  config: cfg,
  rows: steps.map((s) => row(s, { reward: 0.5 })),
  wallSeconds,
});

describe('the replay window and its prefix', () => {
  it('plays from the earliest SFT -> RL boundary (CPT counted) to the last logged step', () => {
    expect(replayWindow([])).toBeNull();
    expect(
      replayWindow([run('a', config(240, 150), [0, 240, 300, 390]), run('b', config(200, 150, 20), [0, 220, 370])]),
    ).toEqual({ from: 220, to: 390 });
    // A run that logged nothing past its boundary: the window is that one step.
    expect(replayWindow([run('a', config(240, 150), [0, 100])])).toEqual({ from: 240, to: 240 });
  });

  it('counts the rows at or before a step with a binary search, and snaps a cursor to the last logged step', () => {
    const rows = [0, 5, 10, 20].map((step) => ({ step }));
    expect([-1, 0, 7, 10, 20, 99].map((s) => prefixLength(rows, s))).toEqual([0, 1, 2, 3, 4, 4]);
    expect(prefixLength([], 3)).toBe(0);
    expect(snapStep([240, 245, 250], 247.9)).toBe(245);
    expect(snapStep([240, 245, 250], 250)).toBe(250);
    expect(snapStep([240, 245, 250], 100)).toBe(240);
    expect(snapStep([], 5)).toBeNull();
  });
});

describe('storyColumns', () => {
  const rows = [
    row(0, { 'eval_heldout/accuracy': 0.1 }, 'sft'),
    row(10, { 'eval_heldout/pass@1': 0.5, 'eval_heldout/num_prompts': 100 }, 'sft'),
    row(11, { loss: 1 }),
    row(12, { reward: 0.2 }),
    row(14, { reward: 0.4 }),
    row(20, { reward: 0.6, 'eval_heldout/pass@1': 0.6, 'eval_heldout/num_prompts': 100 }),
  ];

  it('gives steps from `from` on, pass@1 95% band edges, the reward and pass@1', () => {
    const [steps, lo, hi, reward, pass1] = storyColumns(rows, 10, config(10, 10), 0);
    expect(steps).toEqual([10, 12, 14, 20]);
    expect(reward).toEqual([null, 0.2, 0.4, 0.6]);
    expect(pass1).toEqual([0.5, null, null, 0.6]);
    // Wilson at p = 0.5, n = 100, z = 1.96: center 0.5, half-width 1.96 * sqrt(0.0025 + 1.96^2 / 40000) / (1 + 1.96^2 / 100) = 0.096170.
    expect(lo![0]).toBeCloseTo(0.40383, 4);
    expect(hi![0]).toBeCloseTo(0.59617, 4);
    expect([lo![1], hi![1], lo![2], hi![2]]).toEqual([null, null, null, null]);
    expect(lo![3]! < 0.6 && hi![3]! > 0.6).toBe(true);
  });

  it('smooths the reward with the given weight and leaves pass@1 raw', () => {
    const [, , , reward, pass1] = storyColumns(rows, 10, config(10, 10), 0.6);
    // Bias-corrected EMA, by hand: ema_t = 0.6 ema_(t-1) + 0.4 x_t from 0, divided by 1 - 0.6^t:
    // 0.08 / 0.4 = 0.2; 0.208 / 0.64 = 0.325; 0.3648 / 0.784 = 0.465306.
    expect([reward![0], ...[1, 2, 3].map((i) => Number(reward![i]!.toFixed(6)))]).toEqual([null, 0.2, 0.325, 0.465306]);
    expect(pass1).toEqual([0.5, null, null, 0.6]);
  });
});

describe('plainReason', () => {
  it("keeps the analysis' first sentence when it is plain words", () => {
    const reason =
      'Reward up, held-out down: the model is memorizing its training prompts. The smoothed reward rose from 0.144 to 0.365 at step 345.';
    expect(plainReason({ regime: 'memorizing', regimeReason: reason })).toBe(
      'Reward up, held-out down: the model is memorizing its training prompts.',
    );
  });

  it('says the regime in words when the first sentence carries numbers', () => {
    expect(
      plainReason({
        regime: 'stalled',
        regimeReason:
          'The reward is not moving: the smoothed reward went from 0.106 to 0.089 at step 345 over 100 steps.',
      }),
    ).toBe(REGIME_PLAIN.stalled);
    expect(
      plainReason({
        regime: 'insufficient_data',
        regimeReason: '0 points of reward logged; the analysis needs at least 2.',
      }),
    ).toBe(REGIME_PLAIN.insufficient_data);
  });

  it('reads a kept run: the N = 8 run rises with held-out holding', () => {
    const few = flagshipRuns([1]).find((r) => r.info.armId === 'few')!;
    expect(plainReason(analyzePhases(few.metrics))).toBe('Reward rising, held-out holding: nothing is lost yet.');
  });
});

describe('shortestArm', () => {
  const preset = (arms: Preset['arms']): Preset => ({
    id: 'x',
    title: 'X',
    question: '',
    paperFinding: '',
    watch: '',
    base: {},
    arms,
    seeds: [1],
  });

  it('picks the arm with the fewest steps', () => {
    const p = preset([
      { id: 'long', label: 'long', changes: { rl: { steps: 200 } } },
      { id: 'short', label: 'short', changes: { rl: { steps: 50 } } },
    ]);
    expect(shortestArm(p, []).id).toBe('short');
  });

  it("breaks a tie on steps with the kept runs' mean wall time, else takes the first arm", () => {
    const p = preset([
      { id: 'a', label: 'a', changes: {} },
      { id: 'b', label: 'b', changes: {} },
    ]);
    expect(shortestArm(p, []).id).toBe('a');
    const cfg = config(10, 10);
    expect(shortestArm(p, [run('a', cfg, [1], 300), run('a', cfg, [1], 340), run('b', cfg, [1], 310)]).id).toBe('b');
    expect(shortestArm(p, [run('b', cfg, [1], 310)]).id).toBe('b'); // an arm without a measured time is not the cheaper one
  });
});

describe('storyRuns', () => {
  it('validates each kept config and sorts the rows by step', () => {
    const kept = flagshipRuns([1]);
    const reversed = kept.map((k) => ({ ...k, metrics: [...k.metrics].reverse() }));
    const r = storyRuns(reversed as never);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.runs.map((x) => [x.armId, x.seed])).toEqual(kept.map((k) => [k.info.armId, 1]));
    const steps = r.runs[0]!.rows.map((x) => x.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(r.runs[0]!.config.sft.steps).toBe(240);
  });

  it('refuses a run whose config is invalid, naming it', () => {
    const [bad, ...rest] = flagshipRuns([1]);
    const broken = {
      ...bad!,
      info: { ...bad!.info, config: { ...bad!.info.config, sft: { ...bad!.info.config.sft, steps: -1 } } },
    };
    const r = storyRuns([broken, ...rest] as never);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^run "phases · many · seed 1" has an invalid config: sft\.steps/);
  });
});
