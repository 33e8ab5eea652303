// Regime labels and their reasons on synthetic runs logged like the RL defaults (train metrics every
// 5 steps, evaluations at 0 and every 25). Each test says what curve it builds.
import { describe, expect, it } from 'vitest';
import { analyzePhases } from '../../src/analysis/phases';
import { buildRows, logistic, stepUp, type Curve } from './curves';

/** Reward (and frac_reward_zero_std) jump from 0.1 / 0 to 1 at step 20: saturation within a few logs. */
const fast = { reward: stepUp(20, 0.1, 1), frac_reward_zero_std: stepUp(20, 0, 1) };

/** Greedy held-out against greedy training-prompt accuracy, the rules' alternative to sampled pass@1 vs the reward. */
const GREEDY = { heldoutKey: 'eval_heldout/accuracy', trainAccKey: 'eval_train/accuracy' };

function run(steps: number, heldout: Curve, train: Curve = () => 1) {
  return buildRows({
    steps,
    logEvery: 5,
    evalEvery: 25,
    train: fast,
    evals: { 'eval_heldout/accuracy': heldout, 'eval_train/accuracy': train },
  });
}

describe('regime after saturation', () => {
  it('memorizing: reward saturates fast, held-out flat at 0.2, train accuracy 1', () => {
    const p = analyzePhases(
      run(300, () => 0.2),
      GREEDY,
    );
    expect(p.saturationStep).toBeGreaterThanOrEqual(20);
    expect(p.saturationStep).toBeLessThan(50);
    expect(p.regime).toBe('memorizing');
    expect(p.regimeReason).toContain(`Saturated at step ${p.saturationStep}`);
    expect(p.regimeReason).toContain('fitted change +0');
    expect(p.regimeReason).toContain('mean gap (eval_train/accuracy minus held-out) is 0.8 > 0.1');
    expect(p.gapSeries.values.every((g) => Math.abs(g - 0.8) < 1e-12)).toBe(true);
    expect(p.gapSource).toBe('train_accuracy');
  });

  it('says so when the reward collapses after saturation (1 until step 200, then 0.3)', () => {
    const collapse = {
      reward: (t: number) => (t < 20 ? 0.1 : t < 200 ? 1 : 0.3),
      frac_reward_zero_std: stepUp(20, 0, 1),
    };
    const rows = buildRows({
      steps: 300,
      logEvery: 5,
      evalEvery: 25,
      train: collapse,
      evals: { 'eval_heldout/accuracy': () => 0.2, 'eval_train/accuracy': () => 1 },
    });
    const p = analyzePhases(rows);
    expect(p.saturationStep).toBe(analyzePhases(run(300, () => 0.2)).saturationStep);
    expect(p.regimeReason).toContain('(the smoothed reward has since fallen to 0.3)');
    expect(analyzePhases(run(300, () => 0.2)).regimeReason).not.toContain('fallen');
  });

  it('memorizing: held-out falls by more than 0.05 after saturation (0.6 at step 50 -> 0.3 at 300)', () => {
    const p = analyzePhases(
      run(300, (t) => (t <= 50 ? 0.6 : 0.6 - (0.3 * (t - 50)) / 250)),
      GREEDY,
    );
    expect(p.regime).toBe('memorizing');
    // The band of 0.6 vs 0.3 on 64 prompts each (none logged: 64 assumed) is 0.16, wider than 0.05.
    expect(p.regimeReason).toContain(
      'fitted change -0.3, counted beyond ±0.16): a fall after the training reward saturated',
    );
  });

  it('post-saturation generalization: held-out flat at 0.2 to step 50, then linear to 0.6 at 300', () => {
    // Evaluations at or after saturation are 50, 75, ..., 300 and lie on one line: fitted change 0.4.
    const p = analyzePhases(run(300, (t) => (t <= 50 ? 0.2 : 0.2 + (0.4 * (t - 50)) / 250)));
    expect(p.regime).toBe('post_saturation_generalization');
    expect(p.regimeReason).toContain('fitted change +0.4');
    expect(p.regimeReason).toContain('0.2 → 0.6 over steps 50–300');
  });

  it('saturated and generalizing: held-out follows the reward up and sits 0.03 below train accuracy', () => {
    // reward = logistic(150, 10); eval_train = the same curve, held-out = curve - 0.03 at evaluations.
    const curve = logistic(150, 10);
    const rows = buildRows({
      steps: 300,
      logEvery: 5,
      evalEvery: 25,
      train: { reward: curve, frac_reward_zero_std: curve },
      evals: { 'eval_heldout/accuracy': (t) => curve(t) - 0.03, 'eval_train/accuracy': curve },
    });
    const p = analyzePhases(rows, GREEDY);
    expect(p.saturationStep).not.toBeNull();
    expect(p.regime).toBe('saturated_generalizing');
    expect(p.regimeReason).toContain('mean gap (eval_train/accuracy minus held-out) is 0.03 <= 0.1');
  });

  it('judges held-out symmetrically: the same flat curve is memorizing or generalizing by the gap alone', () => {
    expect(
      analyzePhases(
        run(
          300,
          () => 0.8,
          () => 1,
        ),
        GREEDY,
      ).regime,
    ).toBe('memorizing'); // gap 0.2
    expect(
      analyzePhases(
        run(
          300,
          () => 0.8,
          () => 0.85,
        ),
        GREEDY,
      ).regime,
    ).toBe('saturated_generalizing'); // gap 0.05
    expect(
      analyzePhases(
        run(
          300,
          () => 0.8,
          () => 1,
        ),
        { ...GREEDY, gapThreshold: 0.25 },
      ).regime,
    ).toBe('saturated_generalizing');
  });

  it('falls back to the smoothed reward for the gap when the run logs no train accuracy', () => {
    const rows = buildRows({
      steps: 300,
      logEvery: 5,
      evalEvery: 25,
      train: fast,
      evals: { 'eval_heldout/accuracy': () => 0.2 },
    });
    const p = analyzePhases(rows, { heldoutKey: 'eval_heldout/accuracy' });
    expect(p.gapSource).toBe('reward');
    expect(p.regime).toBe('memorizing');
    expect(p.regimeReason).toContain('smoothed reward minus held-out');
  });

  it('waits for 3 evaluations after saturation before judging (insufficient data)', () => {
    // Saturation is confirmed by step 90; evaluations at or after it: 50 and 75 only.
    const p = analyzePhases(run(90, () => 0.2));
    expect(p.saturationStep).not.toBeNull();
    expect(p.regime).toBe('insufficient_data');
    expect(p.regimeReason).toContain('2 of the 3 held-out evaluations');
    expect(
      analyzePhases(
        run(90, () => 0.2),
        { minEvalPoints: 2 },
      ).regime,
    ).toBe('memorizing');
  });
});

describe('regime before saturation', () => {
  it('stalled: reward flat at 0.1 +- 0.01 for 300 steps', () => {
    const rows = buildRows({ steps: 300, logEvery: 5, train: { reward: (t) => 0.1 + (t % 10 === 0 ? 0.01 : -0.01) } });
    const p = analyzePhases(rows);
    expect(p.regime).toBe('stalled');
    expect(p.regimeReason).toContain('over 295 steps');
    expect(p.riseStep).toBeNull();
    expect(p.bands).toEqual([]);
  });

  it('insufficient data rather than stalled before minStepsForStalled steps', () => {
    const rows = buildRows({ steps: 60, logEvery: 5, train: { reward: () => 0.1 } });
    const p = analyzePhases(rows);
    expect(p.regime).toBe('insufficient_data');
    expect(p.regimeReason).toContain('stalled is called only after 100 steps, 55 so far');
  });

  it('pre-saturation while the reward is still climbing (logistic(150, 15) observed to step 120 and 170)', () => {
    const early = analyzePhases(buildRows({ steps: 120, train: { reward: logistic(150, 15) } }), {
      smoothingWeight: 0,
    });
    expect(early.regime).toBe('pre_saturation');
    expect(early.riseStep).toBeNull(); // rise at 106 is not yet held for 50 steps
    expect(early.regimeReason).toContain('is rising');
    const later = analyzePhases(buildRows({ steps: 170, train: { reward: logistic(150, 15) } }), {
      smoothingWeight: 0,
    });
    expect(later.regime).toBe('pre_saturation');
    expect(later.riseStep).toBe(106);
    expect(later.regimeReason).toContain('rose at step 106');
    expect(later.bands).toEqual([{ start: 106, end: 170, kind: 'pre_saturation' }]);
  });

  it('insufficient data for an empty or one-point run', () => {
    const empty = analyzePhases([]);
    expect(empty.regime).toBe('insufficient_data');
    expect(empty).toMatchObject({
      saturationStep: null,
      riseStep: null,
      preSaturationLength: null,
      coupling: null,
      transferRatio: null,
      bands: [],
    });
    const one = analyzePhases([{ step: 5, values: { reward: 0.4, 'eval_heldout/accuracy': 0.3 } }]);
    expect(one.regime).toBe('insufficient_data');
    expect(one.regimeReason).toBe('1 point of reward logged; the analysis needs at least 2.');
  });
});
