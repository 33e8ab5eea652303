// The analysis runs on every new metric row of a live run, so it must never throw on odd rows:
// NaN, +-Infinity, unsorted and duplicate steps, missing keys, huge or negative values. Rows here are
// random (seeded, so a failure reproduces) and the outputs are checked for their invariants.
import { describe, expect, it } from 'vitest';
import { analyzePhases, REGIMES, type PhaseRules } from '../../src/analysis/phases';
import type { MetricPoint } from '../../src/analysis/metric-series';
import { rngFor, type Rng } from '../../src/util/rng';

const KEYS = ['reward', 'frac_reward_zero_std', 'eval_heldout/accuracy', 'eval_train/accuracy', 'loss'];

function oddValue(rng: Rng): number {
  const r = rng.next();
  if (r < 0.05) return NaN;
  if (r < 0.08) return Infinity;
  if (r < 0.1) return -Infinity;
  if (r < 0.15) return (rng.next() - 0.5) * 1e9;
  return rng.next();
}

/** Half the runs carry a rising reward (and a flat or rising held-out) under the noise, so saturation paths are exercised too. */
function randomRows(rng: Rng): MetricPoint[] {
  const n = rng.int(0, 120);
  const rise = rng.next() < 0.5 ? rng.int(5, 60) : 0;
  const heldoutSlope = rng.next() * 0.01;
  const rows: MetricPoint[] = [];
  for (let i = 0; i < n; i++) {
    const values: Record<string, number> = {};
    for (const k of KEYS) if (rng.next() < 0.6) values[k] = oddValue(rng);
    if (rise > 0 && rng.next() < 0.9) {
      values.reward = Math.min(1, i / rise);
      values.frac_reward_zero_std = Math.min(1, i / rise);
      if (i % 5 === 0) values['eval_heldout/accuracy'] = Math.min(1, 0.2 + heldoutSlope * i);
    }
    const step = rng.next() < 0.05 ? NaN : rng.next() < 0.8 ? i * 5 : rng.int(-10, 600); // mostly in order, some not
    rows.push({ step, values });
    if (rng.next() < 0.1) rows.push({ step, values: { reward: oddValue(rng) } }); // duplicate step
  }
  return rows;
}

function randomRules(rng: Rng): Partial<PhaseRules> {
  return {
    ceiling: rng.next() < 0.3 ? 'observed' : 1,
    windowSteps: rng.int(0, 60),
    smoothingWeight: rng.pick([0, 0.6, 0.99]),
    minEvalPoints: rng.int(1, 4),
    minStepsForStalled: rng.int(1, 150),
  };
}

describe('analyzePhases on random rows', () => {
  it('never throws and keeps its invariants', () => {
    const seen = new Set<string>();
    for (let trial = 0; trial < 600; trial++) {
      const rng = rngFor(7, trial, 'analysis-fuzz');
      const p = analyzePhases(randomRows(rng), randomRules(rng));
      seen.add(p.regime);
      expect(REGIMES).toContain(p.regime);
      expect(p.regimeReason.length).toBeGreaterThan(10);
      if (p.coupling !== null) expect(Math.abs(p.coupling)).toBeLessThanOrEqual(1);
      if (p.riseStep !== null && p.saturationStep !== null) expect(p.riseStep).toBeLessThanOrEqual(p.saturationStep);
      if (p.preSaturationLength !== null) expect(p.preSaturationLength).toBeGreaterThanOrEqual(0);
      if (p.transferRatio !== null) expect(Number.isFinite(p.transferRatio)).toBe(true);
      expect(p.gapSeries.steps.length).toBe(p.gapSeries.values.length);
      for (const b of p.bands) expect(b.end).toBeGreaterThanOrEqual(b.start);
      for (let i = 1; i < p.smoothedReward.steps.length; i++)
        expect(p.smoothedReward.steps[i]!).toBeGreaterThan(p.smoothedReward.steps[i - 1]!);
    }
    expect([...seen].sort()).toEqual([...REGIMES].sort()); // every rule path was reached
  });

  it('gives the same summary for shuffled rows as for sorted ones (no duplicate steps)', () => {
    const rows: MetricPoint[] = Array.from({ length: 60 }, (_, i) => ({
      step: i * 5,
      values: { reward: Math.min(1, i / 20), ...(i % 5 === 0 ? { 'eval_heldout/accuracy': 0.2 } : {}) },
    }));
    const shuffled = rngFor(3, 0).shuffle(rows);
    expect(analyzePhases(shuffled)).toEqual(analyzePhases(rows));
  });
});
