// TensorBoard's scalar smoothing: an exponential moving average with bias correction, so the first
// points are not pulled towards 0. Pure numbers; what is smoothed, and why, is phases.ts's business.
import type { Series } from './metric-series';

/** TensorBoard's default smoothing slider value. */
export const TENSORBOARD_DEFAULT_WEIGHT = 0.6;

/**
 * The debiased EMA TensorBoard draws (tensorboard/components/vz_line_chart2/line-chart.ts,
 * resmoothDataset), value for value:
 *   last = last * w + (1 - w) * v;  n += 1;  smoothed = last / (1 - w^n)   (last starts at 0)
 * Dividing by 1 - w^n removes the pull towards the initial 0: a constant c smooths to c. Per point,
 * not per step: with one point every 5 steps, w = 0.6 averages over about 1 / (1 - w) = 2.5 points.
 * Two TensorBoard behaviours kept on purpose:
 *  - a non-finite value (NaN, +-Infinity) is passed through unchanged and neither updates `last` nor
 *    counts towards n, so one NaN loss does not poison the rest of the curve;
 *  - a series whose values are all equal is returned unchanged (tensorboard#786: avoids 0.99999...
 *    from rounding, which matters here because a constant 1.0 reward must reach a 1.0 ceiling).
 * `weight` in [0, 1): 0 is no smoothing; 1 would freeze the average at 0 and is refused.
 */
export function emaSmooth(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1); got ${weight}`);
  const first = values[0];
  if (values.every((v) => v === first)) return values.slice();
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - weight ** n);
  });
}

/** The same series with its values smoothed (steps unchanged). */
export function smoothSeries(s: Series, weight: number): Series {
  return { steps: s.steps.slice(), values: emaSmooth(s.values, weight) };
}
