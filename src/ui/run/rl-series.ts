// Metric rows -> what the RL view draws: the main reward/accuracy chart's columns (training series
// smoothed, a 95% band per accuracy), the small multiples' columns, accuracy by difficulty, stage
// boundaries, and the rollout step nearest a chart position. Pure functions over plain rows; no Svelte, no uPlot import.
import { countKeyOf } from '../../analysis/heldout-trend';
import { emaSmooth } from '../../analysis/smoothing';
import { wilsonInterval } from '../../analysis/stats';
import type { RunConfig, StageName } from '../../experiment/run-config';
import type { MetricRow } from '../../store/types';
import type { Columns } from '../shared/chart-columns';

/** The main chart's accuracies, each with a confidence band: held-out pass@1 (sampled) and greedy, training prompts and OOD greedy. */
export const RL_BAND_KEYS = [
  'eval_heldout/pass@1',
  'eval_heldout/accuracy',
  'eval_train/accuracy',
  'eval_ood/accuracy',
] as const;
/** The main chart's lines, in legend order: optimized reward, true reward, then the accuracies. */
export const RL_MAIN_KEYS = ['reward', 'train/acc_true', ...RL_BAND_KEYS] as const;
/** Training series (logged every logEvery steps) that the smoothing slider applies to; evaluations are too sparse. */
const TRAINING_KEYS = new Set([
  'reward',
  'train/acc_true',
  'loss',
  'kl',
  'entropy',
  'completions/mean_length',
  'train/noisy_label_fit',
]);

const finite = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** EMA with bias correction over the non-null points of a column (gaps stay gaps; steps are not resampled). */
export function smoothColumn(col: readonly (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return col.slice();
  const idx: number[] = [];
  col.forEach((v, i) => v !== null && idx.push(i));
  const smoothed = emaSmooth(
    idx.map((i) => col[i]!),
    weight,
  );
  const out = col.slice();
  idx.forEach((i, j) => (out[i] = smoothed[j]!));
  return out;
}

/** The rows that have any of `keys` (without step 0 on a log step axis: a log axis has no 0). */
function keptRows(rows: readonly MetricRow[], keys: readonly string[], logSteps: boolean): MetricRow[] {
  return rows.filter((r) => (!logSteps || r.step > 0) && keys.some((k) => finite(r.values[k])));
}

/**
 * One column per key over the steps where any key is present (null where a row lacks it); training
 * keys smoothed with `weight`. With `logSteps`, step 0 is dropped.
 */
export function metricColumns(
  rows: readonly MetricRow[],
  keys: readonly string[],
  weight = 0,
  logSteps = false,
): Columns {
  const kept = keptRows(rows, keys, logSteps);
  const cols = keys.map((k) => {
    const col = kept.map((r) => (finite(r.values[k]) ? r.values[k] : null));
    return TRAINING_KEYS.has(k) ? smoothColumn(col, weight) : col;
  });
  return [kept.map((r) => r.step), ...cols];
}

/**
 * Samples behind an evaluation that logged no count (SFT's greedy evaluations do not), from the run's
 * config: the evaluating stage's evalSize capped by the split's size (as the evaluators slice it); sampled
 * pass@1 counts its prompts too (countKeyOf). The stage is the row's, or for a row without one (a result link's)
 * the stage its step falls in. Undefined for any other count key.
 */
export function assumedCount(config: RunConfig, row: MetricRow, countKey: string): number | undefined {
  const rlFrom = config.cpt.steps + config.sft.steps;
  const stage =
    row.stage === 'sft' || row.stage === 'rl' ? row.stage : config.rl.steps > 0 && row.step >= rlFrom ? 'rl' : 'sft';
  const { evalSize } = config[stage];
  const { heldoutSize, oodSize, trainSize } = config.data;
  if (countKey === 'eval_heldout/num_prompts') return Math.min(evalSize, heldoutSize);
  if (countKey === 'eval_ood/num_prompts') return Math.min(evalSize, oodSize);
  if (countKey === 'eval_train/num_prompts') return trainSize > 0 ? Math.min(evalSize, trainSize) : evalSize;
  return undefined;
}

/**
 * The 95% Wilson band of accuracy `key` at each row, as [lower, upper] columns. Its sample count is
 * the row's logged count (countKeyOf), else the config's (assumedCount); null where the row lacks
 * the accuracy, or has no count and no config is given.
 */
export function bandColumns(
  rows: readonly MetricRow[],
  key: string,
  config?: RunConfig,
): [(number | null)[], (number | null)[]] {
  const countKey = countKeyOf(key);
  const lo: (number | null)[] = [];
  const hi: (number | null)[] = [];
  for (const r of rows) {
    const p = r.values[key];
    const logged = r.values[countKey];
    const n = finite(logged) ? logged : config && finite(p) ? assumedCount(config, r, countKey) : undefined;
    const w = finite(p) && n !== undefined ? wilsonInterval(p, n) : null;
    lo.push(w ? w.lo : null);
    hi.push(w ? w.hi : null);
  }
  return [lo, hi];
}

/**
 * The main chart's columns: steps, then each RL_BAND_KEYS accuracy's lower and upper band edge (the
 * edges come first so their fills lie under every line), then the RL_MAIN_KEYS lines (training series
 * smoothed with `weight`).
 */
export function mainColumns(rows: readonly MetricRow[], weight = 0, logSteps = false, config?: RunConfig): Columns {
  const kept = keptRows(rows, RL_MAIN_KEYS, logSteps);
  const [steps, ...lines] = metricColumns(kept, RL_MAIN_KEYS, weight);
  return [steps, ...RL_BAND_KEYS.flatMap((k) => bandColumns(kept, k, config)), ...lines];
}

/**
 * Whether the true reward is the optimized reward at every step either is logged (no label noise, no
 * proxy or shaped reward), to float rounding: then their two lines coincide. False when neither is logged.
 */
export function trueRewardCoincides(rows: readonly MetricRow[], tolerance = 1e-9): boolean {
  let both = 0;
  for (const r of rows) {
    const a = r.values.reward;
    const b = r.values['train/acc_true'];
    if (!finite(a) && !finite(b)) continue;
    if (!finite(a) || !finite(b) || Math.abs(a - b) > tolerance) return false;
    both++;
  }
  return both > 0;
}

/** The difficulty levels k that have an `${prefix}_d<k>` series in `rows`, ascending. */
export function difficultyLevels(rows: readonly MetricRow[], prefix = 'eval_heldout/accuracy'): number[] {
  const re = new RegExp(`^${prefix.replace(/[/.]/g, '\\$&')}_d(\\d+)$`);
  const ks = new Set<number>();
  for (const r of rows)
    for (const key of Object.keys(r.values)) {
      const m = re.exec(key);
      if (m) ks.add(Number(m[1]));
    }
  return [...ks].sort((a, b) => a - b);
}

/** Held-out accuracy per difficulty: the keys (one line per k) and their columns. */
export function difficultyColumns(
  rows: readonly MetricRow[],
  logSteps = false,
  prefix = 'eval_heldout/accuracy',
): { ks: number[]; data: Columns } {
  const ks = difficultyLevels(rows, prefix);
  return {
    ks,
    data: metricColumns(
      rows,
      ks.map((k) => `${prefix}_d${k}`),
      0,
      logSteps,
    ),
  };
}

/** Does this run have an RL stage (in its config, or rows logged by it)? */
export function hasRl(rows: readonly MetricRow[], rlSteps: number | undefined): boolean {
  return (rlSteps ?? 0) > 0 || rows.some((r) => r.stage === 'rl');
}

export interface StageBoundary {
  step: number;
  /** "CPT → SFT", "SFT → RL". */
  label: string;
}

const STAGE_LABEL: Record<StageName, string> = { cpt: 'CPT', sft: 'SFT', rl: 'RL' };

/** Where one stage ends and the next begins on the global step counter: from the config's stage lengths (stages of 0 steps are skipped). */
export function stageBoundaries(stages: Partial<Record<StageName, { steps: number }>>): StageBoundary[] {
  const on = (['cpt', 'sft', 'rl'] as const).filter((s) => (stages[s]?.steps ?? 0) > 0);
  const out: StageBoundary[] = [];
  let at = 0;
  on.forEach((s, i) => {
    if (i > 0) out.push({ step: at, label: `${STAGE_LABEL[on[i - 1]!]} → ${STAGE_LABEL[s]}` });
    at += stages[s]!.steps;
  });
  return out;
}

/** The rollout step closest to `x` (ties go to the earlier step); null without rollouts. */
export function nearestStep(steps: readonly number[], x: number): number | null {
  let best: number | null = null;
  for (const s of steps)
    if (best === null || Math.abs(s - x) < Math.abs(best - x) || (Math.abs(s - x) === Math.abs(best - x) && s < best))
      best = s;
  return best;
}
