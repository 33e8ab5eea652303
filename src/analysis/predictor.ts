// The predictor view's numbers (the weak-supervision paper's key plot): per run, pre-RL faithfulness
// and pre-RL diversity (the last evaluation at or before the SFT -> RL boundary) against pre-saturation
// length and held-out gain, each pair as points with a least-squares line and R^2. The phase numbers
// come from analyzePhases and the fit from stats.ts; nothing is re-derived here. Runs that lack a
// number are listed with the reason instead of being dropped silently.
import { analyzePhases, DEFAULT_PHASE_RULES, type PhaseRules, type Regime } from './phases';
import { extractSeries, type MetricPoint } from './metric-series';
import { linearFit, type LineFit } from './stats';

/** A metric row with the stage that logged it (store MetricRow fits). */
export interface StagedPoint extends MetricPoint {
  stage?: string;
}

export interface PredictorRun {
  id: string;
  name: string;
  rows: readonly StagedPoint[];
  /** The run's config (a stored RunConfig): its stage lengths place the SFT -> RL boundary exactly. */
  config?: unknown;
}

export interface PredictorKeys {
  /** Do the steps entail the stated answer (the paper's faithfulness), at the RL opening evaluation. */
  faithfulness: string;
  diversity: string;
}

export const DEFAULT_PREDICTOR_KEYS: Readonly<PredictorKeys> = Object.freeze({
  faithfulness: 'eval_faith/entailed', // share of sampled completions whose steps entail their answer
  diversity: 'eval_div/distinct_completions', // distinct completions per prompt group: diversity of the outputs themselves
});

export const PREDICTORS = ['faithfulness', 'diversity'] as const;
export const OUTCOMES = ['preSaturationLength', 'heldoutGain'] as const;
export type Predictor = (typeof PREDICTORS)[number];
export type Outcome = (typeof OUTCOMES)[number];

export const AXIS_LABELS: Record<Predictor | Outcome, string> = {
  faithfulness: 'pre-RL faithfulness',
  diversity: 'pre-RL diversity',
  preSaturationLength: 'pre-saturation length (steps)',
  heldoutGain: 'held-out gain during RL',
};

/** One run's four numbers (null where it lacks one) and why each missing one is missing. */
export interface RunPredictors {
  id: string;
  name: string;
  /** The step of the pre-RL evaluation (the last at or before the SFT -> RL boundary), where the predictors are read. */
  rlStartStep: number | null;
  faithfulness: number | null;
  diversity: number | null;
  preSaturationLength: number | null;
  heldoutGain: number | null;
  regime: Regime;
  reasons: string[];
}

export interface ScatterPoint {
  id: string;
  name: string;
  x: number;
  y: number;
}

export interface Scatter {
  x: Predictor;
  y: Outcome;
  /** Sorted by x (a chart's x column must ascend). */
  points: ScatterPoint[];
  /** Least squares y on x; null below 2 points or with every x equal. */
  fit: LineFit | null;
}

export interface PredictorAnalysis {
  runs: RunPredictors[];
  scatters: Scatter[];
  /** Runs missing from at least one scatter, with every reason. */
  excluded: { id: string; name: string; reasons: string[] }[];
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const stepsOf = (config: unknown, stage: string): number => {
  const part = typeof config === 'object' && config !== null ? (config as Record<string, unknown>)[stage] : undefined;
  const steps = typeof part === 'object' && part !== null ? (part as { steps?: unknown }).steps : undefined;
  return finite(steps) ? steps : 0;
};

/**
 * The SFT -> RL boundary on the global step counter: CPT + SFT steps from the config (when it has an RL
 * stage), or the first row the RL stage logged if that comes earlier (rows of another config's run); null
 * without RL. The evaluation at the boundary runs before any GRPO update, and its row merges with SFT's
 * last log row there and keeps stage 'sft' (src/train/run.ts emit), so the first RL-stage row is
 * usually a later training row.
 */
function rlBoundary(run: PredictorRun): number | null {
  let first: number | null = null;
  for (const r of run.rows)
    if (r.stage === 'rl' && finite(r.step) && (first === null || r.step < first)) first = r.step;
  const planned = stepsOf(run.config, 'rl') > 0 ? stepsOf(run.config, 'cpt') + stepsOf(run.config, 'sft') : null;
  if (planned === null || first === null) return planned ?? first;
  return Math.min(planned, first);
}

/** The last row at or before `boundary` with a finite `key`: the pre-RL value of that metric. */
function lastAtOrBefore(rows: readonly StagedPoint[], key: string, boundary: number): StagedPoint | null {
  let best: StagedPoint | null = null;
  for (const r of rows)
    if (r.step <= boundary && finite(r.values[key]) && (best === null || r.step > best.step)) best = r;
  return best;
}

/** The pre-RL evaluation: the last row at or before the boundary with any evaluation value. */
function preRlEvaluation(rows: readonly StagedPoint[], boundary: number): StagedPoint | null {
  let best: StagedPoint | null = null;
  for (const r of rows)
    if (
      r.step <= boundary &&
      Object.keys(r.values).some((k) => k.startsWith('eval_')) &&
      (best === null || r.step > best.step)
    )
      best = r;
  return best;
}

/** Held-out accuracy at the last evaluation after the boundary minus the pre-RL one; a reason when it cannot be said. */
function heldoutGainOf(
  rows: readonly StagedPoint[],
  boundary: number,
  startStep: number,
  key: string,
): { value: number | null; reason?: string } {
  const start = lastAtOrBefore(rows, key, boundary);
  if (!start) return { value: null, reason: `no held-out accuracy (${key}) at the start of RL (step ${startStep})` };
  const after = extractSeries(
    rows.filter((r) => r.step > boundary),
    key,
  );
  if (after.steps.length === 0)
    return { value: null, reason: 'held-out gain needs a held-out evaluation after the start of RL' };
  return { value: after.values.at(-1)! - start.values[key]! };
}

/** One run's predictors and outcomes under the phase `rules` (defaults for the fields it leaves out). */
export function runPredictors(
  run: PredictorRun,
  keys: PredictorKeys = DEFAULT_PREDICTOR_KEYS,
  rules?: Partial<PhaseRules>,
): RunPredictors {
  const summary = analyzePhases(run.rows, rules);
  const heldoutKey = summary.heldoutKey; // the rules' held-out key, greedy accuracy where the run never logged pass@1 (as analyzePhases reads it)
  const out: RunPredictors = {
    id: run.id,
    name: run.name,
    rlStartStep: null,
    faithfulness: null,
    diversity: null,
    preSaturationLength: summary.preSaturationLength,
    heldoutGain: null,
    regime: summary.regime,
    reasons: [],
  };
  const boundary = rlBoundary(run);
  if (boundary === null) {
    out.reasons.push('no RL stage rows');
    return out;
  }
  const startStep = preRlEvaluation(run.rows, boundary)?.step ?? boundary;
  out.rlStartStep = startStep;
  for (const p of PREDICTORS) {
    const at = lastAtOrBefore(run.rows, keys[p], boundary);
    if (at) out[p] = at.values[keys[p]]!;
    else out.reasons.push(`no ${p} (${keys[p]}) at the start of RL (step ${startStep})`);
  }
  if (out.preSaturationLength === null)
    out.reasons.push(`the training reward has not saturated under the phase rules (regime: ${summary.regime})`);
  const gain = heldoutGainOf(run.rows, boundary, startStep, heldoutKey);
  out.heldoutGain = gain.value;
  if (gain.reason) out.reasons.push(gain.reason);
  return out;
}

/** The four scatters (each predictor against each outcome) over `runs`, with their fits and the exclusions. */
export function predictorAnalysis(
  runs: readonly PredictorRun[],
  keys: PredictorKeys = DEFAULT_PREDICTOR_KEYS,
  rules?: Partial<PhaseRules>,
): PredictorAnalysis {
  const per = runs.map((r) => runPredictors(r, keys, rules));
  const scatters = PREDICTORS.flatMap((x) =>
    OUTCOMES.map((y): Scatter => {
      const points = per
        .filter((r) => r[x] !== null && r[y] !== null)
        .map((r) => ({ id: r.id, name: r.name, x: r[x]!, y: r[y]! }))
        .sort((a, b) => a.x - b.x);
      return {
        x,
        y,
        points,
        fit: linearFit(
          points.map((p) => p.x),
          points.map((p) => p.y),
        ),
      };
    }),
  );
  const excluded = per.filter((r) => r.reasons.length > 0).map((r) => ({ id: r.id, name: r.name, reasons: r.reasons }));
  return { runs: per, scatters, excluded };
}

/**
 * Which phase rules the numbers used, for the reader: "default", or "edited (" and every field that
 * differs from DEFAULT_PHASE_RULES with its value, in the rules' own order (e.g. "edited (ceiling 0.8,
 * windowSteps 40)"). Fields `rules` leaves out are the defaults.
 */
export function phaseRulesNote(rules: Partial<PhaseRules> = {}): string {
  const edited = (Object.keys(DEFAULT_PHASE_RULES) as (keyof PhaseRules)[])
    .filter((k) => rules[k] !== undefined && rules[k] !== DEFAULT_PHASE_RULES[k])
    .map(
      (k) =>
        `${k} ${typeof rules[k] === 'string' && rules[k] !== 'observed' ? JSON.stringify(rules[k]) : String(rules[k])}`,
    );
  return edited.length === 0 ? 'default' : `edited (${edited.join(', ')})`;
}
