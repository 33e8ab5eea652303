// Metric rows -> what the RL view draws: the main reward/accuracy chart's columns (training series
// smoothed), the small multiples' columns, accuracy by difficulty, stage boundaries, and the rollout
// step nearest a chart position. Pure functions over plain rows; no Svelte, no uPlot import.
import { emaSmooth } from '../analysis/smoothing';
import type { StageName } from '../experiment/config';
import type { MetricRow } from '../store/types';
import type { Columns } from './series';

/** The main chart's series, in drawing order: optimized reward, true reward, held-out, OOD. */
export const RL_MAIN_KEYS = ['reward', 'train/acc_true', 'eval_heldout/accuracy', 'eval_ood/accuracy'] as const;
/** Training series (logged every logEvery steps) that the smoothing slider applies to; evaluations are too sparse. */
const TRAINING_KEYS = new Set(['reward', 'train/acc_true', 'loss', 'kl', 'entropy', 'completions/mean_length', 'train/noisy_label_fit']);

const finite = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** EMA with bias correction over the non-null points of a column (gaps stay gaps; steps are not resampled). */
export function smoothColumn(col: readonly (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return col.slice();
  const idx: number[] = [];
  col.forEach((v, i) => v !== null && idx.push(i));
  const smoothed = emaSmooth(idx.map((i) => col[i]!), weight);
  const out = col.slice();
  idx.forEach((i, j) => (out[i] = smoothed[j]!));
  return out;
}

/**
 * One column per key over the steps where any key is present (null where a row lacks it); training
 * keys smoothed with `weight`. With `logSteps`, step 0 is dropped (a log axis has no 0).
 */
export function metricColumns(rows: readonly MetricRow[], keys: readonly string[], weight = 0, logSteps = false): Columns {
  const kept = rows.filter((r) => (!logSteps || r.step > 0) && keys.some((k) => finite(r.values[k])));
  const cols = keys.map((k) => {
    const col = kept.map((r) => (finite(r.values[k]) ? r.values[k] : null));
    return TRAINING_KEYS.has(k) ? smoothColumn(col, weight) : col;
  });
  return [kept.map((r) => r.step), ...cols];
}

/** The difficulty levels k that have an `${prefix}_d<k>` series in `rows`, ascending. */
export function difficultyLevels(rows: readonly MetricRow[], prefix = 'eval_heldout/accuracy'): number[] {
  const re = new RegExp(`^${prefix.replace(/[/.]/g, '\\$&')}_d(\\d+)$`);
  const ks = new Set<number>();
  for (const r of rows) for (const key of Object.keys(r.values)) {
    const m = re.exec(key);
    if (m) ks.add(Number(m[1]));
  }
  return [...ks].sort((a, b) => a - b);
}

/** Held-out accuracy per difficulty: the keys (one line per k) and their columns. */
export function difficultyColumns(rows: readonly MetricRow[], logSteps = false, prefix = 'eval_heldout/accuracy'): { ks: number[]; data: Columns } {
  const ks = difficultyLevels(rows, prefix);
  return { ks, data: metricColumns(rows, ks.map((k) => `${prefix}_d${k}`), 0, logSteps) };
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
  for (const s of steps) if (best === null || Math.abs(s - x) < Math.abs(best - x) || (Math.abs(s - x) === Math.abs(best - x) && s < best)) best = s;
  return best;
}
