// Phase analysis of one run, live as it trains: rise and saturation steps, pre-saturation length,
// reward/held-out coupling, generalization gap, transfer ratio, the regime label with its reason,
// and chart bands. Reads plain metric rows; never throws on odd rows (NaN, unsorted, duplicates).
// Not here: the detection primitives (saturation.ts), the regime rules (regime.ts), the thresholds (phase-rules.ts).
import { validatePhaseRules, type PhaseRules } from './phase-rules';
import { decideRegime, type GapSource, type Regime } from './regime';
import { countKeyOf, heldoutTrend, type HeldoutTrend } from './heldout-trend';
import { findRise, findSaturation, SLACK } from './saturation';
import {
  alignCarry,
  alignCommon,
  emptySeries,
  extractSeries,
  sliceSeries,
  type MetricPoint,
  type Series,
} from './metric-series';
import { smoothSeries } from './smoothing';
import { diffs, pearson } from './stats';

export {
  DEFAULT_PHASE_RULES,
  PHASE_RULE_SETTINGS,
  REGIME_RULES_TEXT,
  regimeRulesText,
  validatePhaseRules,
  type PhaseRules,
} from './phase-rules';
export { REGIMES, type GapSource, type Regime } from './regime';

export interface PhaseBand {
  start: number;
  end: number;
  kind: 'pre_saturation' | 'saturated';
}

export interface PhaseSummary {
  saturationStep: number | null;
  /** The first sustained rise at or before saturation; null when there was none (yet). */
  riseStep: number | null;
  /** saturationStep - riseStep (- the first logged step when saturation came without a rise). */
  preSaturationLength: number | null;
  /** Pearson r of successive changes of the smoothed reward and held-out accuracy in pre-saturation. */
  coupling: number | null;
  /** How many successive changes the coupling was computed from (shown next to it). */
  couplingPoints: number;
  /** Train side minus held-out accuracy at each evaluation step. */
  gapSeries: Series;
  gapSource: GapSource | null;
  /** Held-out gain / smoothed training-reward gain over the run so far. */
  transferRatio: number | null;
  regime: Regime;
  regimeReason: string;
  bands: PhaseBand[];
  /** The held-out metric analysed: the rules' key, or greedy accuracy for a run that never logged it. */
  heldoutKey: string;
  /** Held-out accuracy from the first reward log's stage start to now, with its 95% band; null below 2 evaluations. */
  heldoutTrend: HeldoutTrend | null;
  /** The smoothed training reward the rules were applied to (for drawing next to the raw one). */
  smoothedReward: Series;
}

/** Rise and saturation indices in the smoothed reward, per the rules' ceiling mode. */
function locate(reward: Series, frac: Series, rules: PhaseRules): { rise: number | null; sat: number | null } {
  if (rules.ceiling === 'observed') {
    // "90% of the highest reward seen" is met trivially by a flat reward, so saturation must follow a rise.
    const rise = findRise(reward, rules.riseDelta, rules.windowSteps);
    return { rise, sat: rise === null ? null : findSaturation(reward, frac, rules, rise) };
  }
  // A fixed ceiling: a reward may start saturated (a strong SFT model); only a rise before saturation counts.
  const sat = findSaturation(reward, frac, rules);
  return { rise: findRise(reward, rules.riseDelta, rules.windowSteps, sat ?? reward.steps.length - 1), sat };
}

/** Train-prompt accuracy minus held-out at evaluation steps; the carried smoothed reward stands in without train accuracy. */
function gapOf(trainAcc: Series, heldout: Series, reward: Series): { gap: Series; source: GapSource | null } {
  if (trainAcc.steps.length > 0) {
    const al = alignCommon(trainAcc, heldout);
    return { gap: { steps: al.steps, values: al.a.map((t, i) => t - al.b[i]!) }, source: 'train_accuracy' };
  }
  if (reward.steps.length === 0 || heldout.steps.length === 0) return { gap: emptySeries(), source: null };
  const al = alignCarry(heldout, reward);
  return { gap: { steps: al.steps, values: al.b.map((t, i) => t - al.a[i]!) }, source: 'reward' };
}

/**
 * Pearson r of successive changes, at held-out evaluation steps within [from, to], of the smoothed
 * reward (carried from its last log at or before each evaluation) and of held-out accuracy. Held-out
 * is not smoothed: a per-point EMA over sparse evaluations would lag by whole evaluations. At least
 * 3 changes (2 always correlate at +-1) and at least minEvalPoints.
 */
function couplingOf(
  reward: Series,
  heldout: Series,
  from: number,
  to: number,
  minEvalPoints: number,
): { value: number | null; n: number } {
  const al = alignCarry(sliceSeries(heldout, from, to), reward);
  const dr = diffs(al.b);
  const dh = diffs(al.a);
  if (dr.length < Math.max(3, minEvalPoints)) return { value: null, n: dr.length };
  return { value: pearson(dr, dh), n: dr.length };
}

/** Held-out gain (last - first evaluation) over smoothed reward gain (last - first point); null below riseDelta. */
function transferOf(reward: Series, heldout: Series, riseDelta: number): number | null {
  if (reward.values.length < 2 || heldout.values.length < 2) return null;
  const rewardGain = reward.values.at(-1)! - reward.values[0]!;
  if (rewardGain < riseDelta - SLACK) return null; // a ratio over a gain that is not even a rise is noise
  return (heldout.values.at(-1)! - heldout.values[0]!) / rewardGain;
}

/** Chart shading: pre-saturation from the rise (or first step) to saturation (or now), saturated from there on. */
function bandsOf(preFrom: number | null, sat: number | null, preTo: number, lastStep: number): PhaseBand[] {
  const bands: PhaseBand[] = [];
  if (preFrom !== null && preTo > preFrom) bands.push({ start: preFrom, end: preTo, kind: 'pre_saturation' });
  if (sat !== null) bands.push({ start: sat, end: Math.max(sat, lastStep), kind: 'saturated' });
  return bands;
}

/** Greedy accuracy stands in for sampled pass@1 in a run that never logged pass@1 (no RL evaluation yet). */
export const HELDOUT_FALLBACK: Readonly<Record<string, string>> = { 'eval_heldout/pass@1': 'eval_heldout/accuracy' };

function heldoutKeyOf(rows: readonly MetricPoint[], key: string): string {
  const fallback = HELDOUT_FALLBACK[key];
  if (!fallback) return key;
  return rows.some((r) => typeof r?.values?.[key] === 'number') ? key : fallback;
}

/**
 * Analyse one run's metric rows under `rules` (validated here: a bad field throws ConfigError naming
 * it; missing fields take DEFAULT_PHASE_RULES). Every number is recomputed from all rows, so a live
 * call after each new row gives the label for the run so far.
 */
export function analyzePhases(rows: readonly MetricPoint[], rawRules?: Partial<PhaseRules>): PhaseSummary {
  const rules = validatePhaseRules(rawRules);
  const reward = smoothSeries(extractSeries(rows, rules.rewardKey), rules.smoothingWeight);
  const frac = rules.allCorrectKey
    ? smoothSeries(extractSeries(rows, rules.allCorrectKey), rules.smoothingWeight)
    : emptySeries();
  const heldoutKey = heldoutKeyOf(rows, rules.heldoutKey);
  const heldout = extractSeries(rows, heldoutKey);
  const counts = extractSeries(rows, countKeyOf(heldoutKey));
  const trainAcc = rules.trainAccKey ? extractSeries(rows, rules.trainAccKey) : emptySeries();
  const { rise, sat } = locate(reward, frac, rules);
  const riseStep = rise === null ? null : reward.steps[rise]!;
  const saturationStep = sat === null ? null : reward.steps[sat]!;
  const first = reward.steps[0] ?? null;
  const lastReward = reward.steps.at(-1) ?? null;
  const lastStep = Math.max(lastReward ?? -Infinity, heldout.steps.at(-1) ?? -Infinity);
  const preFrom = riseStep ?? (saturationStep !== null ? first : null);
  const preTo = saturationStep ?? lastReward ?? 0;
  const coupling =
    preFrom === null ? { value: null, n: 0 } : couplingOf(reward, heldout, preFrom, preTo, rules.minEvalPoints);
  const { gap, source } = gapOf(trainAcc, heldout, reward);
  const trend = first === null ? null : heldoutTrend(heldout, counts, first, rules.heldoutRiseDelta);
  const call = decideRegime({
    rules,
    reward,
    heldout,
    heldoutKey,
    trend,
    counts,
    gap,
    gapSource: source,
    fracLogged: frac.steps.length > 0,
    riseStep,
    saturationStep,
  });
  return {
    saturationStep,
    riseStep,
    preSaturationLength: saturationStep === null || preFrom === null ? null : saturationStep - preFrom,
    coupling: coupling.value,
    couplingPoints: coupling.n,
    gapSeries: gap,
    gapSource: source,
    transferRatio: transferOf(reward, heldout, rules.riseDelta),
    regime: call.regime,
    regimeReason: call.reason,
    bands: bandsOf(preFrom, saturationStep, preTo, lastStep),
    heldoutKey,
    heldoutTrend: trend,
    smoothedReward: reward,
  };
}
