// Rise and saturation steps on synthetic reward curves, checked against closed-form or independent
// computations. Smoothing weight 0 where the expected step is worked out by hand.
import { describe, expect, it } from 'vitest';
import { analyzePhases, type PhaseRules } from '../../src/analysis/phases';
import { buildRows, emaByWeights, logistic, stepUp } from './curves';

const RAW: Partial<PhaseRules> = { smoothingWeight: 0 };

describe('saturation step on a logistic reward', () => {
  // reward(t) = 1 / (1 + exp(-(t - 150) / 15)), logged every step 1..300, no frac_reward_zero_std.
  const reward = logistic(150, 15);
  const rows = buildRows({ steps: 300, train: { reward } });

  it('is the first step at or above 0.9, worked out by hand (w = 0)', () => {
    // 0.9 at t = 150 + 15 ln 9 = 182.96 -> step 183. Rise: start reward(1) = 4.8e-5; start + 0.05 is
    // reached at t = 150 + 15 ln(0.050048 / 0.949952) = 105.85 -> step 106. Monotone, so both hold.
    const p = analyzePhases(rows, RAW);
    expect(p.saturationStep).toBe(183);
    expect(p.riseStep).toBe(106);
    expect(p.preSaturationLength).toBe(77);
    expect(p.bands).toEqual([
      { start: 106, end: 183, kind: 'pre_saturation' },
      { start: 183, end: 300, kind: 'saturated' },
    ]);
  });

  it('agrees with an independent EMA (weighted-mean form) at the default weight 0.6', () => {
    const steps = Array.from({ length: 300 }, (_, i) => i + 1);
    const smoothed = emaByWeights(steps.map(reward), 0.6);
    const expected = steps[smoothed.findIndex((v) => v >= 0.9)]!;
    const p = analyzePhases(rows);
    expect(p.saturationStep).toBe(expected);
    expect(expected).toBeGreaterThan(183); // the EMA lags: smoothing delays saturation a little
    expect(expected).toBeLessThan(190);
  });

  it('lands on the first logged step past 0.9 when logging every 5 steps', () => {
    const p = analyzePhases(buildRows({ steps: 300, logEvery: 5, train: { reward } }), RAW);
    expect(p.saturationStep).toBe(185);
  });

  it('is declared only once the window has been logged', () => {
    expect(analyzePhases(buildRows({ steps: 232, train: { reward } }), RAW).saturationStep).toBeNull();
    expect(analyzePhases(buildRows({ steps: 233, train: { reward } }), RAW).saturationStep).toBe(183);
  });
});

describe('saturation conditions', () => {
  it('is null for a curve that never reaches 0.9 of the ceiling (plateau 0.85)', () => {
    const p = analyzePhases(buildRows({ steps: 400, train: { reward: logistic(150, 15, 0.85) } }), RAW);
    expect(p.saturationStep).toBeNull();
    expect(p.preSaturationLength).toBeNull();
    expect(p.regime).toBe('pre_saturation');
  });

  it('is delayed by the all-correct condition (frac_reward_zero_std >= 0.7)', () => {
    // frac(t) = 1 / (1 + exp(-(t - 200) / 10)) reaches 0.7 at t = 200 + 10 ln(7/3) = 208.47 -> 209.
    const rows = buildRows({
      steps: 300,
      train: { reward: logistic(150, 15), frac_reward_zero_std: logistic(200, 10) },
    });
    expect(analyzePhases(rows, RAW).saturationStep).toBe(209);
    expect(analyzePhases(rows, { ...RAW, allCorrectKey: '' }).saturationStep).toBe(183);
    expect(analyzePhases(rows, { ...RAW, minAllCorrectFrac: 0 }).saturationStep).toBe(183);
  });

  it('counts a noisy plateau whose wobble stays within the tolerance', () => {
    // 0.2 before step 100, then 0.95 +- 0.008 alternating: max 0.958, min 0.942 >= 0.958 - 0.02.
    const reward = (t: number) => (t < 100 ? 0.2 : 0.95 + (t % 2 === 0 ? 0.008 : -0.008));
    expect(analyzePhases(buildRows({ steps: 300, train: { reward } }), RAW).saturationStep).toBe(100);
  });

  it('lets smoothing absorb a wobble that raw values would not pass', () => {
    // 0.95 +- 0.015: raw dips to 0.935 < 0.965 - 0.02, never saturated at w = 0; at w = 0.6 the
    // alternating part shrinks to 0.015 * 0.4 / 1.6 = 0.00375, well within 0.02.
    const reward = (t: number) => (t < 100 ? 0.2 : 0.95 + (t % 2 === 0 ? 0.015 : -0.015));
    const rows = buildRows({ steps: 300, train: { reward } });
    expect(analyzePhases(rows, RAW).saturationStep).toBeNull();
    const smoothed = analyzePhases(rows, { smoothingWeight: 0.6 }).saturationStep!;
    expect(smoothed).toBeGreaterThan(100);
    expect(smoothed).toBeLessThan(110);
  });

  it('moves later past a dip larger than the tolerance inside the window, not for a small one', () => {
    // 0.2 before 100, 1.0 from 100; one point at step 120 dips to `dip`.
    const withDip = (dip: number) => (t: number) => (t === 120 ? dip : stepUp(100, 0.2, 1)(t));
    expect(analyzePhases(buildRows({ steps: 300, train: { reward: withDip(1) } }), RAW).saturationStep).toBe(100);
    expect(analyzePhases(buildRows({ steps: 300, train: { reward: withDip(0.99) } }), RAW).saturationStep).toBe(100);
    expect(analyzePhases(buildRows({ steps: 300, train: { reward: withDip(0.95) } }), RAW).saturationStep).toBe(121);
  });

  it("with the 'observed' ceiling saturates at 90% of the highest reward, only after a rise", () => {
    const plateau = buildRows({ steps: 300, train: { reward: stepUp(100, 0.1, 0.5) } });
    expect(analyzePhases(plateau, RAW).saturationStep).toBeNull();
    expect(analyzePhases(plateau, { ...RAW, ceiling: 'observed' }).saturationStep).toBe(100);
    const flat = buildRows({ steps: 300, train: { reward: () => 0 } });
    const p = analyzePhases(flat, { ...RAW, ceiling: 'observed' });
    expect(p.saturationStep).toBeNull();
    expect(p.regime).toBe('stalled');
  });

  it('counts a reward that starts saturated as saturated at its first step, with no rise', () => {
    const p = analyzePhases(buildRows({ steps: 100, train: { reward: () => 0.95 } }), RAW);
    expect(p.saturationStep).toBe(1);
    expect(p.riseStep).toBeNull();
    expect(p.preSaturationLength).toBe(0);
  });

  it('uses the configured reward key (e.g. the true reward of a noisy-label run)', () => {
    const rows = buildRows({ steps: 300, train: { reward: logistic(50, 5), 'train/acc_true': logistic(150, 15) } });
    expect(analyzePhases(rows, RAW).saturationStep).toBeLessThan(100);
    expect(analyzePhases(rows, { ...RAW, rewardKey: 'train/acc_true' }).saturationStep).toBe(183);
  });
});
