// How held-out accuracy moved since a given step, judged against its own evaluation noise: the change
// from the first evaluation to now (the mean of the last two), the fall from the peak, each with the
// 95% band of a difference of two proportions. Pure; the labels that use it are regime.ts's.
import { indexAtOrBefore, sliceSeries, valueAt, type Series } from './metric-series';
import { differenceBand } from './stats';
import { SLACK } from './saturation';

/** Samples assumed behind an evaluation that did not log its count: the RL default evaluation size. */
export const ASSUMED_EVAL_SAMPLES = 64;

export type Direction = 'up' | 'down' | 'flat';

export interface HeldoutTrend {
  /** Evaluations at or after the start. */
  evals: number;
  startStep: number;
  start: number;
  /** The mean of the last two evaluations after the start (the last one when there is only one). */
  now: number;
  nowStep: number;
  delta: number;
  /** 95% half-width of `delta`. */
  band: number;
  /** The highest evaluation before the "now" window (the start included). */
  peak: number;
  peakStep: number;
  /** 95% half-width of now minus peak. */
  peakBand: number;
  /** up or down: |delta| exceeds both the band and the minimum change; flat otherwise. */
  direction: Direction;
  /** now is below the peak by more than the peak band and the minimum change. */
  fellFromPeak: boolean;
  /** Whether any evaluation lacked a logged sample count (ASSUMED_EVAL_SAMPLES stood in). */
  assumedCounts: boolean;
}

/**
 * The count key logged beside a held-out metric: its prompts, for pass@1 too. The k samples of one
 * prompt are correlated (an easy sum is right in all of them), so counting prompts, not samples,
 * keeps pass@1's band from claiming more certainty than its prompts give.
 */
export function countKeyOf(heldoutKey: string): string {
  const m = /^(.*)\/(pass@1|accuracy)$/.exec(heldoutKey);
  return m ? `${m[1]}/num_prompts` : '';
}

/**
 * The trend of `heldout` from its evaluation at `fromStep` (or the last one before it; the first one
 * when none is) to now. Needs two evaluations; null otherwise. `minDelta` is the smallest change that
 * counts even when the band is narrower (the rules' heldoutRiseDelta).
 */
export function heldoutTrend(heldout: Series, counts: Series, fromStep: number, minDelta: number): HeldoutTrend | null {
  const idx = indexAtOrBefore(heldout.steps, fromStep);
  const from = idx >= 0 ? heldout.steps[idx]! : (heldout.steps[0] ?? Infinity);
  const h = sliceSeries(heldout, from, Infinity);
  const k = h.steps.length;
  if (k < 2) return null;
  let assumedCounts = false;
  const nAt = (i: number): number => {
    const n =
      counts.steps[indexAtOrBefore(counts.steps, h.steps[i]!)] === h.steps[i] ? valueAt(counts, h.steps[i]!) : null;
    if (n !== null && n >= 1) return n;
    assumedCounts = true;
    return ASSUMED_EVAL_SAMPLES;
  };
  const last = k >= 3 ? [k - 2, k - 1] : [k - 1];
  const nNow = last.reduce((s, i) => s + nAt(i), 0);
  const now = last.reduce((s, i) => s + h.values[i]! * nAt(i), 0) / nNow;
  const start = h.values[0]!;
  const delta = now - start;
  const band = differenceBand(start, nAt(0), now, nNow);
  let p = 0;
  for (let i = 1; i < last[0]!; i++) if (h.values[i]! > h.values[p]!) p = i;
  const peakBand = differenceBand(h.values[p]!, nAt(p), now, nNow);
  const beyond = (x: number, b: number) => Math.abs(x) > Math.max(b, minDelta) + SLACK;
  return {
    evals: k,
    startStep: h.steps[0]!,
    start,
    now,
    nowStep: h.steps[k - 1]!,
    delta,
    band,
    peak: h.values[p]!,
    peakStep: h.steps[p]!,
    peakBand,
    direction: beyond(delta, band) ? (delta > 0 ? 'up' : 'down') : 'flat',
    fellFromPeak: now < h.values[p]! && beyond(now - h.values[p]!, peakBand),
    assumedCounts,
  };
}
