// Coupling (reward vs held-out changes in pre-saturation), transfer ratio and the gap series.
import { describe, expect, it } from 'vitest';
import { analyzePhases } from '../../src/analysis/phases';
import { buildRows, logistic, type Curve } from './curves';

// A slow logistic reward (mid 150, scale 30) logged every step to 400: rise near step 66, saturation
// near 216, so about 30 evaluations (every 5 steps) fall inside pre-saturation.
const reward = logistic(150, 30);
const withHeldout = (heldout: Curve) =>
  buildRows({ steps: 400, logEvery: 1, evalEvery: 5, train: { reward }, evals: { 'eval_heldout/accuracy': heldout } });

describe('coupling', () => {
  it('is close to 1 when held-out accuracy tracks the reward (0.1 + 0.7 * reward)', () => {
    const p = analyzePhases(withHeldout((t) => 0.1 + 0.7 * reward(t)));
    expect(p.riseStep).not.toBeNull();
    expect(p.saturationStep).not.toBeNull();
    expect(p.couplingPoints).toBeGreaterThan(25);
    expect(p.coupling!).toBeGreaterThan(0.99);
  });

  it('is exactly 1 without smoothing: the changes are then proportional', () => {
    const p = analyzePhases(
      withHeldout((t) => 0.1 + 0.7 * reward(t)),
      { smoothingWeight: 0 },
    );
    expect(p.coupling!).toBeCloseTo(1, 10);
  });

  it('is close to 0 for a held-out accuracy unrelated to the reward (alternating 0.25 / 0.35)', () => {
    // The alternation's changes flip sign every evaluation; the reward's changes are smooth and
    // positive, so their products cancel pairwise.
    const p = analyzePhases(withHeldout((t) => ((t / 5) % 2 === 0 ? 0.25 : 0.35)));
    expect(Math.abs(p.coupling!)).toBeLessThan(0.1);
  });

  it('is null with fewer than 3 changes in pre-saturation', () => {
    const rows = buildRows({
      steps: 400,
      logEvery: 1,
      evalEvery: 100,
      train: { reward },
      evals: { 'eval_heldout/accuracy': (t) => reward(t) },
    });
    const p = analyzePhases(rows);
    expect(p.coupling).toBeNull();
    expect(p.couplingPoints).toBeLessThan(3);
  });
});

describe('transfer ratio and gap', () => {
  // Reward linear 0.2 -> 0.8 over steps 10..100 (logged every 10), held-out 0.1 at step 0 and 0.4 at
  // 100, train accuracy 0.3 and 0.9; no smoothing.
  const rows = buildRows({
    steps: 100,
    logEvery: 10,
    evalEvery: 100,
    train: { reward: (t) => 0.2 + (0.6 * (t - 10)) / 90 },
    evals: {
      'eval_heldout/accuracy': (t) => (t === 0 ? 0.1 : 0.4),
      'eval_train/accuracy': (t) => (t === 0 ? 0.3 : 0.9),
    },
  });

  it('is held-out gain over reward gain: (0.4 - 0.1) / (0.8 - 0.2) = 0.5', () => {
    expect(analyzePhases(rows, { smoothingWeight: 0 }).transferRatio).toBeCloseTo(0.5, 12);
  });

  it('is null while the reward has gained less than riseDelta', () => {
    expect(analyzePhases(rows, { smoothingWeight: 0, riseDelta: 0.7 }).transferRatio).toBeNull();
  });

  it('gap series is train minus held-out at each evaluation: 0.2 at step 0, 0.5 at step 100', () => {
    const p = analyzePhases(rows, { smoothingWeight: 0, trainAccKey: 'eval_train/accuracy' });
    expect(p.gapSeries.steps).toEqual([0, 100]);
    expect(p.gapSeries.values[0]).toBeCloseTo(0.2, 12);
    expect(p.gapSeries.values[1]).toBeCloseTo(0.5, 12);
  });

  it('without train accuracy, the gap uses the carried smoothed reward: step 0 has none, 0.8 - 0.4 at 100', () => {
    const p = analyzePhases(rows, { smoothingWeight: 0, trainAccKey: '' });
    expect(p.gapSource).toBe('reward');
    expect(p.gapSeries.steps).toEqual([100]);
    expect(p.gapSeries.values[0]).toBeCloseTo(0.4, 12);
  });
});
