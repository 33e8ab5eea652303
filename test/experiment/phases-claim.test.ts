// The flagship `phases` preset's rule on synthetic RL stages: a "many" arm whose held-out pass@1
// climbs with its reward beyond the band, a "few" arm whose reward saturates while held-out stays far
// below or falls from its peak; each condition also fails on the curve that breaks it.
import { describe, expect, it } from 'vitest';
import { armConfig, getPreset } from '../../src/experiment/presets';
import { summarizeRun, type RunSummary } from '../../src/cli/report/run-summary';
import {
  climb,
  climbBeyondNoise,
  fallBeyondNoise,
  memorizationMargin,
  peakReward,
  rewardGain,
} from '../../src/experiment/phases-claim';
import { CLAIMS } from '../../src/experiment/preset-claims';
import { judgePreset } from '../../src/cli/report/verdicts';
import type { MetricRow } from '../../src/store/types';

type Curve = (t: number) => number;
const line =
  (v0: number, v1: number, over = 120): Curve =>
  (t) =>
    v0 + ((v1 - v0) * Math.min(t, over)) / over;

/** One arm's RL stage as the trainer logs it with the preset's settings (reward every 5, evaluations every rl.evalEvery on rl.evalSize prompts). */
function summary(armId: 'many' | 'few' | 'quick', seed: number, reward: Curve, pass1: Curve): RunSummary {
  const preset = getPreset('phases')!;
  const config = armConfig(
    preset,
    preset.arms.find((a) => a.id === armId)!,
    seed,
  );
  const start = config.sft.steps;
  const rows: MetricRow[] = [];
  for (let t = 0; t <= config.rl.steps; t += config.rl.logEvery) {
    const values: Record<string, number> = t > 0 ? { loss: 0, reward: reward(t), frac_reward_zero_std: reward(t) } : {};
    if (t % config.rl.evalEvery === 0)
      Object.assign(values, {
        'eval_heldout/accuracy': 0.6,
        'eval_heldout/pass@1': pass1(t),
        'eval_heldout/num_prompts': config.rl.evalSize,
      });
    rows.push({ runId: armId, step: start + t, stage: 'rl', time: t, values });
  }
  return summarizeRun({
    presetId: 'phases',
    armId,
    seed,
    status: 'completed',
    smoke: false,
    wallSeconds: 1,
    config,
    rows,
  });
}

describe('phases: the climbing arm', () => {
  it('held-out 0.20 -> 0.40 with the reward 0.20 -> 0.45: a climb beyond noise with its reward', () => {
    const pass1 = line(0.2, 0.4, 150);
    const s = summary('many', 1, line(0.2, 0.45), pass1);
    const { steps, evalEvery } = armConfig(getPreset('phases')!, getPreset('phases')!.arms[0]!, 1).rl;
    expect(climb(s)).toBeCloseTo((pass1(steps) + pass1(steps - evalEvery)) / 2 - pass1(0), 9); // the mean of the last two evaluations, minus step 0
    expect(climbBeyondNoise(s)!).toBeGreaterThan(0);
    expect(rewardGain(s)!).toBeGreaterThan(0.05);
  });

  it('a climb of 0.04 is below the 0.10 the rule asks for, and inside its band', () => {
    const s = summary('many', 1, line(0.2, 0.45), line(0.2, 0.24));
    expect(climb(s)!).toBeLessThan(0.1);
    expect(climbBeyondNoise(s)!).toBeLessThan(0);
  });
  it('a climb of 0.08 outside its band is still below the 0.10 the rule asks for', () => {
    const s = summary('many', 1, line(0.2, 0.45), line(0.2, 0.28));
    expect(climbBeyondNoise(s)!).toBeGreaterThan(0);
    expect(climb(s)!).toBeLessThan(0.1);
  });
});

describe('phases: the memorizing arm', () => {
  it('reward to 0.97, held-out flat at 0.2: the gap after saturation exceeds 0.25', () => {
    const s = summary('few', 1, line(0.3, 0.97, 60), () => 0.2);
    expect(peakReward(s)!).toBeGreaterThan(0.9);
    expect(memorizationMargin(s)!).toBeGreaterThan(0.4); // gap ~0.75 minus 0.25
  });

  it('a reward that never reaches 0.9 has no saturation to judge', () => {
    const s = summary('few', 1, line(0.3, 0.8), () => 0.2);
    expect(memorizationMargin(s)).toBeNull();
  });

  it('held-out as high as the saturated reward is not memorization', () => {
    const s = summary('few', 1, line(0.3, 0.97, 60), line(0.3, 0.95, 60));
    expect(memorizationMargin(s)!).toBeLessThan(0);
  });
});

describe('phases: the quick arm', () => {
  it('reward 0.55 -> 0.8 while held-out 0.43 -> 0.2 over 40 steps: the reward rises and held-out falls beyond its band', () => {
    const s = summary('quick', 1, line(0.55, 0.8, 40), line(0.43, 0.2, 40));
    expect(rewardGain(s)!).toBeGreaterThan(0.05);
    expect(fallBeyondNoise(s)!).toBeGreaterThan(0);
  });

  it('held-out 0.43 -> 0.38 on 128 prompts is inside the noise', () => {
    const s = summary('quick', 1, line(0.55, 0.8, 40), line(0.43, 0.38, 40));
    expect(fallBeyondNoise(s)!).toBeLessThan(0);
  });
});

describe('phases: the verdict', () => {
  it('reproduced when every seed has both phases; mixed when one seed does not climb', () => {
    const good = [1, 2, 3].flatMap((seed) => [
      summary('many', seed, line(0.2, 0.45), line(0.2, 0.4)),
      summary('few', seed, line(0.3, 0.97, 60), () => 0.2),
      summary('quick', seed, line(0.55, 0.8, 40), line(0.43, 0.2, 40)),
    ]);
    expect(judgePreset(CLAIMS.phases!, good).verdict).toBe('reproduced');
    const flatSeed = good.map((s) =>
      s.seed === 2 && s.armId === 'many' ? summary('many', 2, line(0.2, 0.45), () => 0.2) : s,
    );
    const v = judgePreset(CLAIMS.phases!, flatSeed);
    expect(v.verdict).toBe('mixed');
    expect(v.conditions.find((c) => c.id === 'climb')!.holdsInEverySeed).toBe(false);
  });
});
