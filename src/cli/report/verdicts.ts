// The findings report's verdicts: each preset's rule (src/experiment/preset-claims.ts) applied to its
// runs over seeds, and the pooled faithfulness-vs-diversity claim (4) as R^2 of line fits, whose
// thresholds are fixed here before any run is looked at. Pure: run summaries in, verdicts out.
import { linearFit, mean } from '../../analysis/stats';
import { VERDICTS, type Verdict } from '../../experiment/findings';
import type { Arms, Claim, Condition } from '../../experiment/preset-claims';
import type { RunSummary } from './run-summary';

export { VERDICTS, type Verdict };

/** Claim 4: a predictor "predicts" when its line explains at least this share of the variance across runs. */
export const R2_MIN = 0.3;
/** Claim 4 needs at least this many runs with a pre-RL evaluation before any fit is read. */
export const MIN_POOLED_RUNS = 6;

export interface ConditionResult {
  id: string;
  text: string;
  unit: Condition['unit'];
  threshold: number;
  perSeed: { seed: number; value: number | null }[];
  mean: number | null;
  min: number | null;
  max: number | null;
  holdsInMean: boolean;
  holdsInEverySeed: boolean;
}

export interface PresetVerdict {
  verdict: Verdict;
  /** The rule that decided, with the counts. */
  reason: string;
  seeds: number[];
  conditions: ConditionResult[];
}

export const VERDICT_RULE =
  'A seed counts when every arm of the comparison has a completed run with it. Reproduced: every condition holds for the mean over those seeds and for each seed. ' +
  'Not reproduced: no condition holds for the mean. Mixed: anything between (some conditions hold, or the mean holds but a seed disagrees). Not run: no seed counts.';

function judgeCondition(c: Condition, bySeed: [number, Arms][]): ConditionResult {
  const perSeed = bySeed.map(([seed, arms]) => ({ seed, value: c.value(arms) }));
  const values = perSeed.map((p) => p.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const m = values.length > 0 ? mean(values) : null;
  return {
    id: c.id,
    text: c.text,
    unit: c.unit,
    threshold: c.threshold,
    perSeed,
    mean: m,
    min: values.length > 0 ? Math.min(...values) : null,
    max: values.length > 0 ? Math.max(...values) : null,
    holdsInMean: m !== null && m > c.threshold,
    holdsInEverySeed: values.length === perSeed.length && values.every((v) => v > c.threshold),
  };
}

/** The verdict of one preset from its runs (completed ones only count), by VERDICT_RULE. */
export function judgePreset(claim: Claim, runs: readonly RunSummary[]): PresetVerdict {
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const bySeed: [number, Arms][] = [];
  for (const seed of seeds) {
    const arms: Arms = Object.fromEntries(
      runs.filter((r) => r.seed === seed && r.status === 'completed').map((r) => [r.armId, r]),
    );
    if (claim.arms.every((id) => arms[id])) bySeed.push([seed, arms]);
  }
  if (bySeed.length === 0)
    return {
      verdict: 'not run',
      reason: `no seed has a completed run of every arm (${claim.arms.join(', ')})`,
      seeds: [],
      conditions: [],
    };
  const conditions = claim.conditions.map((c) => judgeCondition(c, bySeed));
  const inMean = conditions.filter((c) => c.holdsInMean).length;
  const everywhere = conditions.filter((c) => c.holdsInMean && c.holdsInEverySeed).length;
  const n = conditions.length;
  const verdict: Verdict = everywhere === n ? 'reproduced' : inMean === 0 ? 'not reproduced' : 'mixed';
  const reason = `${inMean} of ${n} conditions hold for the mean over ${bySeed.length} seed${bySeed.length === 1 ? '' : 's'}, ${everywhere} of them in every seed`;
  return { verdict, reason, seeds: bySeed.map(([s]) => s), conditions };
}

export interface PredictorFit {
  predictor: 'faithfulness' | 'diversity';
  outcome: 'pre_saturation' | 'heldout_gain';
  n: number;
  slope: number | null;
  r2: number | null;
}

export interface PooledVerdict {
  verdict: Verdict;
  reason: string;
  runs: number;
  fits: PredictorFit[];
}

export const POOLED_RULE =
  `Over every completed run with a pre-RL evaluation (all presets pooled; a run two presets share, the same config and seed, counts once), pre-RL faithfulness (eval_faith/entailed) and diversity (eval_div/distinct_answers) are each fitted by a line to the pre-saturation length and to the held-out gain. ` +
  `Conditions: faithfulness has R^2 >= ${R2_MIN} with a positive slope, for each outcome (2 conditions); diversity's R^2 is below faithfulness's, for each outcome (2 conditions). ` +
  `Reproduced: all 4 hold; not reproduced: none; mixed: between. Not run: fewer than ${MIN_POOLED_RUNS} runs.`;

/** Claim 4, pooled across presets, by POOLED_RULE. */
export function judgeFaithfulness(runs: readonly RunSummary[]): PooledVerdict {
  const usable = runs.filter(
    (r) =>
      r.status === 'completed' &&
      !r.smoke &&
      r.preRl.faithfulness !== undefined &&
      r.preRl.diversity !== undefined &&
      r.preSaturation !== null &&
      r.heldoutGain !== null,
  );
  const fit = (predictor: PredictorFit['predictor'], outcome: PredictorFit['outcome']): PredictorFit => {
    const xs = usable.map((r) => r.preRl[predictor]!);
    const ys = usable.map((r) => (outcome === 'pre_saturation' ? r.preSaturation! : r.heldoutGain!));
    const f = xs.length >= 2 ? linearFit(xs, ys) : null;
    return { predictor, outcome, n: xs.length, slope: f?.slope ?? null, r2: f?.r2 ?? null };
  };
  const fits = [
    fit('faithfulness', 'pre_saturation'),
    fit('faithfulness', 'heldout_gain'),
    fit('diversity', 'pre_saturation'),
    fit('diversity', 'heldout_gain'),
  ];
  if (usable.length < MIN_POOLED_RUNS)
    return {
      verdict: 'not run',
      reason: `${usable.length} usable runs; the pooled fit needs at least ${MIN_POOLED_RUNS}`,
      runs: usable.length,
      fits,
    };
  const [fp, fg, dp, dg] = fits as [PredictorFit, PredictorFit, PredictorFit, PredictorFit];
  const predicts = (f: PredictorFit) => f.r2 !== null && f.slope !== null && f.r2 >= R2_MIN && f.slope > 0;
  const below = (d: PredictorFit, f: PredictorFit) => f.r2 !== null && (d.r2 ?? 0) < f.r2;
  const held = [predicts(fp), predicts(fg), below(dp, fp), below(dg, fg)].filter(Boolean).length;
  const verdict: Verdict = held === 4 ? 'reproduced' : held === 0 ? 'not reproduced' : 'mixed';
  return { verdict, reason: `${held} of 4 conditions hold over ${usable.length} runs`, runs: usable.length, fits };
}
