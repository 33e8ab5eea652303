// The flagship `phases` preset's written rule, per seed: one arm's held-out pass@1 climbs with its
// reward beyond the evaluation's noise (pre-saturation), another arm's reward saturates and its
// held-out pass@1 then falls from its peak or stays far below the reward (memorization); the page's
// quick arm (40 RL steps) shows its reward rising while held-out pass@1 falls beyond the noise. Read from
// the phase analysis each run summary already carries; thresholds fixed here before any sweep.
import { alignCarry, sliceSeries } from '../analysis/metric-series';
import { mean } from '../analysis/stats';
import type { RunNumbers } from '../analysis/run-summary';

/** The climb that counts as pre-saturation: held-out pass@1 up by at least this over RL. */
export const CLIMB_MIN = 0.1;
/** A reward "rose" with held-out when the smoothed reward gained at least this (the phase rules' riseDelta). */
export const REWARD_RISE_MIN = 0.05;
/** Saturation for the memorizing arm: the smoothed reward reaches this share of its ceiling of 1. */
export const SATURATION_LEVEL = 0.9;
/** After saturation, held-out must fall at least this far from its peak ... */
export const PEAK_FALL_MIN = 0.1;
/** ... or stay at least this far below the training reward (sampled training-prompt accuracy). */
export const GAP_MIN = 0.25;

type Arm = RunNumbers | undefined;

/** Held-out pass@1 now (mean of the last two evaluations) minus before RL; null without two evaluations. */
export function climb(r: Arm): number | null {
  return r?.phases.heldoutTrend?.delta ?? null;
}

/** The climb minus its 95% band: > 0 when the climb is outside the evaluation's noise. */
export function climbBeyondNoise(r: Arm): number | null {
  const t = r?.phases.heldoutTrend;
  return t ? t.delta - t.band : null;
}

/** The fall of held-out pass@1 over RL minus its 95% band: > 0 when it fell beyond the evaluation's noise. */
export function fallBeyondNoise(r: Arm): number | null {
  const t = r?.phases.heldoutTrend;
  return t ? -t.delta - t.band : null;
}

/** Smoothed reward, last minus first point of RL. */
export function rewardGain(r: Arm): number | null {
  const v = r?.phases.smoothedReward.values;
  return v && v.length >= 2 ? v.at(-1)! - v[0]! : null;
}

/** The highest smoothed reward of RL. */
export function peakReward(r: Arm): number | null {
  const v = r?.phases.smoothedReward.values;
  return v && v.length > 0 ? Math.max(...v) : null;
}

/**
 * After the first step the smoothed reward reaches SATURATION_LEVEL: the larger of (peak held-out
 * minus the mean of the last two evaluations) - PEAK_FALL_MIN and (mean of smoothed reward minus
 * held-out over the evaluations from that step on) - GAP_MIN. > 0 when either memorization sign holds;
 * null when the reward never reached the level or no evaluation follows it.
 */
export function memorizationMargin(r: Arm): number | null {
  if (!r) return null;
  const reward = r.phases.smoothedReward;
  const i = reward.values.findIndex((v) => v >= SATURATION_LEVEL);
  if (i < 0) return null;
  const held = r.heldoutPass1;
  const after = sliceSeries(held, reward.steps[i]!, Infinity);
  if (after.values.length === 0) return null;
  const last = held.values.slice(-2);
  const fall = Math.max(...held.values) - mean(last) - PEAK_FALL_MIN;
  const al = alignCarry(after, reward);
  const gap = mean(al.b.map((rw, k) => rw - al.a[k]!)) - GAP_MIN;
  return Math.max(fall, gap);
}
