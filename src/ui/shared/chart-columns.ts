// Metric rows -> what the live view draws: uPlot's aligned columns for the two charts and the latest
// numbers for the stat row. Pure functions over plain MetricRow arrays; no Svelte, no uPlot import.
import type { MetricRow } from '../../store/types';

/** uPlot's AlignedData shape: x column first, then one column per series (null = gap). */
export type Columns = [number[], ...(number | null)[][]];

/** How the chart draws one series (Chart.svelte turns this into uPlot options). */
export interface SeriesSpec {
  label: string;
  /** The stored metric key it draws: its legend row's tooltip, and its values written as formatMetric writes them. */
  key?: string;
  color: string;
  dash?: number[];
  /** Scale key: 'y' (left axis) unless given. */
  scale?: string;
  /** Line width in CSS pixels (2 unless given). */
  width?: number;
  /** Draw a dot at each point (true unless given; long overlays turn them off). */
  points?: boolean;
  /** Draw the line (true unless given; false with points makes a scatter). */
  line?: boolean;
  /** List it in the chart's legend (true unless given; a band's min and max edges are not). */
  legend?: boolean;
}
/** A filled area between two series (indices into the chart's series list), e.g. a seed group's min-max band. */
export interface SeriesFill {
  upper: number;
  lower: number;
  color: string;
}
export interface AxisSpec {
  scale: string;
  label: string;
  side: 'left' | 'right';
  /** Fixed range (e.g. [0, 1] for accuracies); auto when absent. */
  range?: [number, number];
}

/** A shaded step range behind the series (e.g. a training phase). */
export interface Band {
  start: number;
  end: number;
  color: string;
}
/** A labelled vertical line at a step (stage boundary, saturation, the inspected step). */
export interface Marker {
  step: number;
  label: string;
  color: string;
  dash?: number[];
}

export const ACCURACY_KEYS = ['eval_heldout/accuracy', 'eval_ood/accuracy', 'eval_train/accuracy'] as const;

/** Rows sorted by step, one per step (a later copy of a step replaces an earlier one). */
export function mergeRows(a: readonly MetricRow[], b: readonly MetricRow[]): MetricRow[] {
  const byStep = new Map<number, MetricRow>();
  for (const r of a) byStep.set(r.step, r);
  for (const r of b) byStep.set(r.step, r);
  return [...byStep.values()].sort((x, y) => x.step - y.step);
}

function column(rows: readonly MetricRow[], key: string): (number | null)[] {
  return rows.map((r) => (Number.isFinite(r.values[key]) ? r.values[key]! : null));
}

/**
 * Next-token loss and mean token accuracy per logged CPT or SFT step (the step-0 evaluation row has no loss:
 * skipped). RL's rows are left out: GRPO's loss is another quantity (the phase lab draws it), and RL has no token accuracy.
 */
export function lossColumns(rows: readonly MetricRow[]): Columns {
  const logged = rows.filter((r) => r.values.loss !== undefined && r.values.reward === undefined && r.stage !== 'rl');
  return [logged.map((r) => r.step), column(logged, 'loss'), column(logged, 'mean_token_accuracy')];
}

/** Held-out, OOD and train accuracy at each evaluation step. */
export function accuracyColumns(rows: readonly MetricRow[]): Columns {
  const evals = rows.filter((r) => ACCURACY_KEYS.some((k) => r.values[k] !== undefined));
  return [evals.map((r) => r.step), ...ACCURACY_KEYS.map((k) => column(evals, k))];
}

export interface LatestStats {
  step: number | null;
  loss?: number;
  tokenAccuracy?: number;
  heldoutAccuracy?: number;
  learningRate?: number;
  stepTime?: number;
  tokensPerSecond?: number;
}

/** The newest value of each stat; tokens/s from the last two logged rows' num_tokens and step_time. */
export function latestStats(rows: readonly MetricRow[]): LatestStats {
  const logged = rows.filter((r) => r.values.loss !== undefined);
  const last = logged.at(-1);
  const evals = rows.filter((r) => r.values['eval_heldout/accuracy'] !== undefined);
  const out: LatestStats = {
    step: rows.at(-1)?.step ?? null,
    heldoutAccuracy: evals.at(-1)?.values['eval_heldout/accuracy'],
  };
  if (!last) return out;
  const v = last.values;
  Object.assign(out, {
    loss: v.loss,
    tokenAccuracy: v.mean_token_accuracy,
    learningRate: v.learning_rate,
    stepTime: v.step_time,
  });
  const prev = logged.at(-2);
  const tokens = (v.num_tokens ?? 0) - (prev?.values.num_tokens ?? 0);
  const steps = last.step - (prev?.step ?? 0);
  if (v.step_time !== undefined && v.step_time > 0 && steps > 0 && tokens > 0)
    out.tokensPerSecond = tokens / steps / v.step_time;
  return out;
}
