// The live regime label and the one-sentence reason that carries the numbers which decided it. The
// rules are applied in the order regimeRulesText (phase-rules.ts) writes them out; they are symmetric
// on purpose: held-out rising, flat or falling each has its label, every change is judged against its
// evaluation noise, and no threshold favours the story of any paper. Detection of rise/saturation and
// the held-out trend are not here (saturation.ts, heldout-trend.ts).
import type { PhaseRules } from './phase-rules';
import { effectiveCeiling, SLACK } from './saturation';
import { ASSUMED_EVAL_SAMPLES, type HeldoutTrend } from './heldout-trend';
import { differenceBand } from './stats';
import { linearFit, mean } from './stats';
import { sliceSeries, type Series } from './metric-series';

export const REGIMES = [
  'insufficient_data',
  'stalled',
  'pre_saturation',
  'saturated_generalizing',
  'memorizing',
  'post_saturation_generalization',
] as const;
export type Regime = (typeof REGIMES)[number];

/** Where the train side of the generalization gap comes from. */
export type GapSource = 'train_accuracy' | 'reward';

export interface RegimeInputs {
  rules: PhaseRules;
  /** The smoothed training reward. */
  reward: Series;
  /** Held-out accuracy, raw (one point per evaluation). */
  heldout: Series;
  /** The held-out metric's name as analysed (the rules' key, or its greedy fallback). */
  heldoutKey: string;
  /** Held-out accuracy from the start of the reward's stage to now, with its noise band; null below 2 evaluations. */
  trend: HeldoutTrend | null;
  /** Samples behind each held-out evaluation (empty when not logged). */
  counts: Series;
  /** Train side minus held-out accuracy at evaluation steps. */
  gap: Series;
  gapSource: GapSource | null;
  /** Whether the run logs rules.allCorrectKey (the all-correct condition applies only then). */
  fracLogged: boolean;
  riseStep: number | null;
  saturationStep: number | null;
}

export interface RegimeCall {
  regime: Regime;
  reason: string;
}

/** Held-out accuracy after saturation, as the rules judge it. */
export interface PostSaturation {
  /** Evaluations at or after the saturation step. */
  evals: number;
  /** The least-squares line's rise across those evaluations (slope x their step span); null for < 2. */
  change: number | null;
  first: number | null;
  last: number | null;
  from: number | null;
  to: number | null;
  /** Mean gap over the same evaluations; null when none has a gap value. */
  meanGap: number | null;
}

export const fmt = (x: number): string => (Number.isFinite(x) ? String(Number(x.toFixed(3))) : String(x));
const signed = (x: number): string => (x >= 0 ? `+${fmt(x)}` : fmt(x));

/**
 * Held-out accuracy from the saturation step on. Only evaluations at or after it count: one before it
 * may predate a fast saturation, and a jump from that stale value would read as post-saturation gain.
 * The change is a fitted line's rise, not last minus first, so one noisy evaluation moves it less.
 */
export function postSaturation(heldout: Series, gap: Series, saturationStep: number): PostSaturation {
  const after = sliceSeries(heldout, saturationStep, Infinity);
  const k = after.steps.length;
  const fit = k >= 2 ? linearFit(after.steps, after.values) : null;
  const from = k > 0 ? after.steps[0]! : null;
  const to = k > 0 ? after.steps[k - 1]! : null;
  const gaps = from === null ? [] : sliceSeries(gap, from, Infinity).values;
  return {
    evals: k,
    change: fit && from !== null && to !== null ? fit.slope * (to - from) : null,
    first: k > 0 ? after.values[0]! : null,
    last: k > 0 ? after.values[k - 1]! : null,
    from,
    to,
    meanGap: gaps.length > 0 ? mean(gaps) : null,
  };
}

/** What saturation still needs, in words, for a pre-saturation reason. */
function saturationNeeds(r: PhaseRules, fracLogged: boolean): string {
  const reach =
    r.ceiling === 'observed'
      ? `${fmt(r.reachFraction * 100)}% of the highest reward seen`
      : `>= ${fmt(r.reachFraction * r.ceiling)}`;
  const frac = r.allCorrectKey && fracLogged ? ` with ${r.allCorrectKey} >= ${fmt(r.minAllCorrectFrac)}` : '';
  return `${reach} held within ${fmt(r.tolerance)} of its maximum for ${r.windowSteps} steps${frac}`;
}

/** "held-out 0.41 → 0.52 (+0.11, 95% band ±0.06)": a trend in words with its numbers. */
export function trendText(t: HeldoutTrend, key: string): string {
  const assumed = t.assumedCounts ? `, counts not logged: ${ASSUMED_EVAL_SAMPLES} samples assumed` : '';
  return `held-out (${key}) went ${fmt(t.start)} at step ${t.startStep} → ${fmt(t.now)} at step ${t.nowStep} (${signed(t.delta)}, 95% band ±${fmt(t.band)}${assumed})`;
}

function peakText(t: HeldoutTrend): string {
  return `held-out peaked at ${fmt(t.peak)} at step ${t.peakStep} and is now ${fmt(t.now)} (${signed(t.now - t.peak)}, band ±${fmt(t.peakBand)})`;
}

/** Reward up and held-out down beyond noise, whatever the reward's level: the memorization signature. */
function memorizingBeforeCeiling(x: RegimeInputs, path: string): RegimeCall | null {
  const t = x.trend;
  if (!t) return null;
  if (t.direction === 'down') {
    return {
      regime: 'memorizing',
      reason: `Reward up, held-out down: the model is memorizing its training prompts. The smoothed reward rose ${path}; ${trendText(t, x.heldoutKey)}, a fall beyond the noise band.`,
    };
  }
  if (t.fellFromPeak) {
    return {
      regime: 'memorizing',
      reason: `Reward up, held-out falling from its peak: the model is memorizing its training prompts. The smoothed reward rose ${path}; ${peakText(t)}, a fall beyond the noise band.`,
    };
  }
  return null;
}

function beforeSaturation(x: RegimeInputs): RegimeCall {
  const r = x.rules;
  const { steps, values } = x.reward;
  const start = values[0]!;
  const now = values.at(-1)!;
  const span = steps.at(-1)! - steps[0]!;
  const path = `from ${fmt(start)} to ${fmt(now)} at step ${steps.at(-1)}`;
  if (x.riseStep !== null || now - start >= r.riseDelta - SLACK) {
    const memo = memorizingBeforeCeiling(x, path);
    if (memo) return memo;
    const how =
      x.riseStep !== null ? `rose at step ${x.riseStep}` : `is rising (not yet held for ${r.windowSteps} steps)`;
    const sat = `not saturated yet (needs ${saturationNeeds(r, x.fracLogged)})`;
    const t = x.trend;
    if (t?.direction === 'up') {
      return {
        regime: 'pre_saturation',
        reason: `Reward and held-out climb together: the model is learning the task. The smoothed reward ${how}, ${path}, ${sat}; ${trendText(t, x.heldoutKey)}.`,
      };
    }
    const held = t
      ? `${trendText(t, x.heldoutKey)}: it holds within noise`
      : 'held-out accuracy has fewer than 2 evaluations so far';
    return {
      regime: 'pre_saturation',
      reason: `Reward rising, held-out holding: nothing is lost yet. The smoothed reward ${how}, ${path}, ${sat}; ${held}.`,
    };
  }
  if (span >= r.minStepsForStalled) {
    return {
      regime: 'stalled',
      reason: `The reward is not moving: the smoothed reward went ${path} over ${span} steps, less than the +${fmt(r.riseDelta)} that counts as a rise.`,
    };
  }
  return {
    regime: 'insufficient_data',
    reason: `Too early to tell: the smoothed reward has not risen by +${fmt(r.riseDelta)} yet (${path}); stalled is called only after ${r.minStepsForStalled} steps, ${span} so far.`,
  };
}

/** 95% band of the post-saturation change: the first against the last evaluation after saturation. */
function postBand(x: RegimeInputs, p: PostSaturation): number {
  const n = (step: number | null) =>
    step === null ? ASSUMED_EVAL_SAMPLES : (x.counts.values[x.counts.steps.indexOf(step)] ?? ASSUMED_EVAL_SAMPLES);
  return differenceBand(p.first!, n(p.from), p.last!, n(p.to));
}

function afterSaturation(x: RegimeInputs, sat: number): RegimeCall {
  const r = x.rules;
  const p = postSaturation(x.heldout, x.gap, sat);
  // The saturation step stays once found; a reward that later collapses is said so, not hidden.
  const now = x.reward.values.at(-1)!;
  const fell = now < r.reachFraction * effectiveCeiling(x.reward, r.ceiling) - r.tolerance - SLACK;
  const tag = `Saturated at step ${sat}${fell ? ` (the smoothed reward has since fallen to ${fmt(now)})` : ''};`;
  if (p.evals < r.minEvalPoints || p.change === null) {
    const memo = x.trend && (x.trend.direction === 'down' || x.trend.fellFromPeak);
    if (memo) {
      const what = x.trend!.direction === 'down' ? trendText(x.trend!, x.heldoutKey) : peakText(x.trend!);
      return {
        regime: 'memorizing',
        reason: `Reward saturated, held-out down: the model is memorizing its training prompts. ${tag} ${what}, a fall beyond the noise band.`,
      };
    }
    const need = Math.max(r.minEvalPoints, 2);
    return {
      regime: 'insufficient_data',
      reason: `Saturated, too early to judge held-out: ${tag} ${p.evals} of the ${need} held-out evaluations needed at or after it so far.`,
    };
  }
  const d = Math.max(r.heldoutRiseDelta, postBand(x, p));
  const seen = `held-out accuracy went ${fmt(p.first!)} → ${fmt(p.last!)} over steps ${p.from}–${p.to} (fitted change ${signed(p.change)}, counted beyond ±${fmt(d)})`;
  if (p.change > d + SLACK)
    return {
      regime: 'post_saturation_generalization',
      reason: `Reward saturated, held-out still rising: ${tag} ${seen}: held-out keeps rising after the training reward saturated.`,
    };
  if (p.change < -d - SLACK)
    return {
      regime: 'memorizing',
      reason: `Reward saturated, held-out down: the model is memorizing its training prompts. ${tag} ${seen}: a fall after the training reward saturated.`,
    };
  if (x.trend && (x.trend.direction === 'down' || x.trend.fellFromPeak)) {
    const what = x.trend.direction === 'down' ? trendText(x.trend, x.heldoutKey) : peakText(x.trend);
    return {
      regime: 'memorizing',
      reason: `Reward saturated, held-out lower than before: the model is memorizing its training prompts. ${tag} ${what}, a fall beyond the noise band.`,
    };
  }
  if (p.meanGap === null)
    return {
      regime: 'insufficient_data',
      reason: `${tag} ${seen}, flat, but there is no train-side value to compare it with.`,
    };
  const side = x.gapSource === 'train_accuracy' ? r.trainAccKey : `smoothed ${r.rewardKey}`;
  const gap = `the mean gap (${side} minus held-out) is ${fmt(p.meanGap)}`;
  if (p.meanGap > r.gapThreshold + SLACK) {
    return {
      regime: 'memorizing',
      reason: `Reward saturated, held-out far below it: the model is memorizing its training prompts. ${tag} ${seen}, flat, and ${gap} > ${fmt(r.gapThreshold)}: training prompts are solved, held-out ones are not.`,
    };
  }
  return {
    regime: 'saturated_generalizing',
    reason: `Reward saturated and held-out as high: the model has learned the task. ${tag} ${seen}, flat, and ${gap} <= ${fmt(r.gapThreshold)}.`,
  };
}

/**
 * The regime, in rule order: fewer than 2 reward points -> insufficient data; not saturated -> pre-
 * saturation, stalled or insufficient data (beforeSaturation); saturated -> judged on held-out
 * accuracy after saturation (afterSaturation).
 */
export function decideRegime(x: RegimeInputs): RegimeCall {
  const n = x.reward.steps.length;
  if (n < 2)
    return {
      regime: 'insufficient_data',
      reason: `${n} point${n === 1 ? '' : 's'} of ${x.rules.rewardKey} logged; the analysis needs at least 2.`,
    };
  return x.saturationStep === null ? beforeSaturation(x) : afterSaturation(x, x.saturationStep);
}
