// Regime labels judged against evaluation noise: held-out pass@1 with its logged sample count, a
// change counted only beyond its 95% band, and memorization called whenever the reward rises while
// held-out falls, with or without a saturation ceiling. Synthetic runs logged like RL (reward every
// 5 steps, evaluations every 15).
import { describe, expect, it } from 'vitest';
import { analyzePhases } from '../../src/analysis/phases';
import { countKeyOf, heldoutTrend } from '../../src/analysis/heldout-trend';
import { differenceBand, wilsonInterval } from '../../src/analysis/stats';
import { buildRows, type Curve } from './curves';

const line =
  (t0: number, v0: number, t1: number, v1: number): Curve =>
  (t) =>
    t <= t0 ? v0 : t >= t1 ? v1 : v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);

function rlRun(reward: Curve, pass1: Curve, samples: number, steps = 150) {
  return buildRows({
    steps,
    logEvery: 5,
    evalEvery: 15,
    train: { reward },
    evals: {
      'eval_heldout/pass@1': pass1,
      'eval_heldout/num_prompts': () => samples,
      'eval_heldout/accuracy': () => 0.9,
    },
  });
}

describe('statistics behind the bands', () => {
  it('Wilson interval matches the closed form (p = 0.5, n = 100: 0.4038 to 0.5962) and stays in [0, 1]', () => {
    const w = wilsonInterval(0.5, 100)!;
    expect(w.lo).toBeCloseTo(0.40383, 4);
    expect(w.hi).toBeCloseTo(0.59617, 4);
    const zero = wilsonInterval(0, 20)!;
    expect(zero.lo).toBe(0);
    expect(zero.hi).toBeCloseTo(0.16113, 4); // 3.8415 / (20 + 3.8415)
    expect(wilsonInterval(0.5, 0)).toBeNull();
  });

  it('difference band: 1.96 * sqrt of the two Agresti-Coull variances', () => {
    // 0.4 on 512: q = (204.8 + 2) / 516; 0.5 on 512: q = (256 + 2) / 516.
    const q1 = 206.8 / 516;
    const q2 = 258 / 516;
    const want = 1.959963984540054 * Math.sqrt((q1 * (1 - q1)) / 516 + (q2 * (1 - q2)) / 516);
    expect(differenceBand(0.4, 512, 0.5, 512)).toBeCloseTo(want, 12);
    expect(differenceBand(0, 8, 0, 8)).toBeGreaterThan(0.1); // no certainty from 8 samples at 0
  });

  it('count keys: pass@1 and accuracy both count prompts', () => {
    expect(countKeyOf('eval_heldout/pass@1')).toBe('eval_heldout/num_prompts'); // a prompt's k samples are correlated
    expect(countKeyOf('eval_heldout/accuracy')).toBe('eval_heldout/num_prompts');
    expect(countKeyOf('reward')).toBe('');
  });

  it('trend: first evaluation vs the mean of the last two, weighted by their counts', () => {
    const h = { steps: [0, 15, 30, 45], values: [0.4, 0.6, 0.5, 0.3] };
    const n = { steps: [0, 15, 30, 45], values: [100, 100, 100, 300] };
    const t = heldoutTrend(h, n, 0, 0.05)!;
    expect(t.now).toBeCloseTo((0.5 * 100 + 0.3 * 300) / 400, 12);
    expect(t.delta).toBeCloseTo(0.35 - 0.4, 12);
    expect(t.band).toBeCloseTo(differenceBand(0.4, 100, 0.35, 400), 12);
    expect(t.direction).toBe('flat'); // -0.05 is inside a band of ~0.11
    expect([t.peak, t.peakStep]).toEqual([0.6, 15]);
    expect(t.fellFromPeak).toBe(true); // 0.6 -> 0.35 is beyond its band
    expect(t.assumedCounts).toBe(false);
    expect(heldoutTrend({ steps: [0], values: [0.4] }, n, 0, 0.05)).toBeNull();
  });
});

describe('memorization before any ceiling', () => {
  it('reward 0.14 -> 0.38 with held-out 0.34 -> 0.09 is memorizing, never pre-saturation', () => {
    // The shape of a kept N = 8 run: the reward far from a 0.9 ceiling, held-out falling.
    const p = analyzePhases(rlRun(line(0, 0.14, 150, 0.38), line(0, 0.34, 150, 0.09), 256));
    expect(p.saturationStep).toBeNull();
    expect(p.regime).toBe('memorizing');
    expect(p.regimeReason).toMatch(/^Reward up, held-out down: the model is memorizing its training prompts\./);
    expect(p.regimeReason).toContain('held-out (eval_heldout/pass@1) went 0.34 at step 0');
    expect(p.heldoutKey).toBe('eval_heldout/pass@1');
  });

  it('the same fall judged on greedy accuracy of 64 prompts (no counts logged) is still beyond its band', () => {
    const rows = buildRows({
      steps: 150,
      logEvery: 5,
      evalEvery: 15,
      train: { reward: line(0, 0.14, 150, 0.38) },
      evals: { 'eval_heldout/accuracy': line(0, 0.34, 150, 0.09) },
    });
    const p = analyzePhases(rows);
    expect(p.heldoutKey).toBe('eval_heldout/accuracy'); // no pass@1 logged: greedy stands in
    expect(p.regime).toBe('memorizing');
    expect(p.regimeReason).toContain('counts not logged: 64 samples assumed');
  });

  it('a peak then a fall beyond noise while the reward keeps rising is memorizing', () => {
    const peaked: Curve = (t) => (t <= 60 ? 0.4 + (0.2 * t) / 60 : 0.6 - (0.18 * (t - 60)) / 90);
    const p = analyzePhases(rlRun(line(0, 0.4, 150, 0.7), peaked, 512));
    expect(p.regime).toBe('memorizing');
    expect(p.regimeReason).toContain('held-out peaked at 0.6 at step 60');
  });
});

describe('pre-saturation only while held-out rises or holds with the reward', () => {
  it('climbing together: reward 0.40 -> 0.60, held-out 0.40 -> 0.55 on 512 samples', () => {
    const p = analyzePhases(rlRun(line(0, 0.4, 150, 0.6), line(0, 0.4, 150, 0.55), 512));
    expect(p.regime).toBe('pre_saturation');
    expect(p.regimeReason).toMatch(/^Reward and held-out climb together/);
    expect(p.heldoutTrend!.direction).toBe('up');
  });

  it('a fall inside the band holds; the same fall on many samples with a small minimum change is memorizing', () => {
    const small = analyzePhases(rlRun(line(0, 0.4, 150, 0.6), line(0, 0.4, 150, 0.37), 128));
    expect(small.regime).toBe('pre_saturation');
    expect(small.regimeReason).toMatch(/^Reward rising, held-out holding/);
    const sure = analyzePhases(rlRun(line(0, 0.4, 150, 0.6), line(0, 0.4, 150, 0.37), 100_000), {
      heldoutRiseDelta: 0.01,
    });
    expect(sure.regime).toBe('memorizing');
  });
});

describe('after saturation', () => {
  it('saturated reward with held-out far below it (gap from the smoothed reward) is memorizing', () => {
    const p = analyzePhases(
      rlRun(
        (t) => (t < 20 ? 0.5 : 0.97),
        () => 0.35,
        512,
        200,
      ),
    );
    expect(p.saturationStep).not.toBeNull();
    expect(p.regime).toBe('memorizing');
    expect(p.gapSource).toBe('reward');
    expect(p.regimeReason).toContain('Reward saturated, held-out far below it');
  });

  it('saturated reward with held-out as high is generalizing', () => {
    const p = analyzePhases(
      rlRun(
        (t) => (t < 20 ? 0.5 : 0.97),
        () => 0.93,
        512,
        200,
      ),
    );
    expect(p.regime).toBe('saturated_generalizing');
  });
});
