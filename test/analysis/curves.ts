// Synthetic runs for the analysis tests: metric rows built from closed-form curves, logged the way
// the trainer logs them (training keys every `logEvery` steps from logEvery on, eval keys at step 0
// and every `evalEvery`). Test helper only; no assertions here.
import type { MetricPoint } from '../../src/analysis/metric-series';

export type Curve = (step: number) => number;

export interface RunSpec {
  /** Last step (inclusive). */
  steps: number;
  logEvery?: number;
  evalEvery?: number;
  train: Record<string, Curve>;
  evals?: Record<string, Curve>;
}

export function buildRows(spec: RunSpec): MetricPoint[] {
  const logEvery = spec.logEvery ?? 1;
  const evalEvery = spec.evalEvery ?? 25;
  const rows: MetricPoint[] = [];
  for (let step = 0; step <= spec.steps; step++) {
    const values: Record<string, number> = {};
    if (step > 0 && step % logEvery === 0) for (const [k, f] of Object.entries(spec.train)) values[k] = f(step);
    if (step % evalEvery === 0) for (const [k, f] of Object.entries(spec.evals ?? {})) values[k] = f(step);
    if (Object.keys(values).length > 0) rows.push({ step, values });
  }
  return rows;
}

/** 1 / (1 + exp(-(t - mid) / scale)): 0.5 at `mid`, 0.9 at mid + scale * ln 9. */
export const logistic =
  (mid: number, scale: number, top = 1): Curve =>
  (t) =>
    top / (1 + Math.exp(-(t - mid) / scale));

/** `lo` before step `at`, `hi` from it on. */
export const stepUp =
  (at: number, lo: number, hi: number): Curve =>
  (t) =>
    t < at ? lo : hi;

/**
 * TensorBoard's debiased EMA written as the weighted mean it equals, independent of the recursion
 * in src/analysis/smoothing.ts: s_i = sum_j (1 - w) w^(i - j) v_j / (1 - w^(i + 1)).
 */
export function emaByWeights(values: readonly number[], w: number): number[] {
  return values.map((_, i) => {
    let num = 0;
    for (let j = 0; j <= i; j++) num += (1 - w) * w ** (i - j) * values[j]!;
    return num / (1 - w ** (i + 1));
  });
}
