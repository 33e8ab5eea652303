// Small statistics over metric series: mean, Pearson correlation, least-squares line with R^2 (the
// predictor view: faithfulness vs pre-saturation length) and a mean/min/max band across seeds (the
// compare view). Plain numbers in, plain numbers out; null where a statistic is undefined.
import type { Series } from './series';

/** Arithmetic mean; NaN for no values. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Successive differences: [x1 - x0, x2 - x1, ...] (one shorter than the input). */
export function diffs(xs: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < xs.length; i++) out.push(xs[i]! - xs[i - 1]!);
  return out;
}

function checkPaired(xs: readonly number[], ys: readonly number[]): void {
  if (xs.length !== ys.length) throw new RangeError(`paired data must have equal lengths; got ${xs.length} and ${ys.length}`);
}

/** Centred sums of squares and cross-products (two-pass: stable when values sit far from 0). */
function moments(xs: readonly number[], ys: readonly number[]): { sxx: number; syy: number; sxy: number; mx: number; my: number } {
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return { sxx, syy, sxy, mx, my };
}

/**
 * Pearson's r of paired values. Null when it is undefined: fewer than 2 pairs, either side constant,
 * or a non-finite input. Throws RangeError when the lengths differ (a caller bug, not data).
 */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  checkPaired(xs, ys);
  if (xs.length < 2) return null;
  const { sxx, syy, sxy } = moments(xs, ys);
  if (!(sxx > 0 && syy > 0)) return null;
  const r = sxy / Math.sqrt(sxx * syy);
  return Number.isFinite(r) ? Math.max(-1, Math.min(1, r)) : null;
}

export interface LineFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination 1 - SS_res / SS_tot; 1 for a constant y (fitted exactly), as sklearn's r2_score. */
  r2: number;
  n: number;
}

/** Ordinary least squares y = intercept + slope * x. Null for fewer than 2 points, a constant x, or non-finite input. */
export function linearFit(xs: readonly number[], ys: readonly number[]): LineFit | null {
  checkPaired(xs, ys);
  if (xs.length < 2) return null;
  const { sxx, syy, sxy, mx, my } = moments(xs, ys);
  if (!(sxx > 0) || !Number.isFinite(syy) || !Number.isFinite(sxy)) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ssRes = 0;
  for (let i = 0; i < xs.length; i++) ssRes += (ys[i]! - intercept - slope * xs[i]!) ** 2;
  const r2 = syy > 0 ? 1 - ssRes / syy : 1;
  return { slope, intercept, r2, n: xs.length };
}

/** Runs that differ only in seed, drawn as a mean line and a min-max band. */
export interface SeedBand {
  steps: number[];
  mean: number[];
  min: number[];
  max: number[];
  /** How many runs logged each step (a run still training, or stopped early, drops out). */
  count: number[];
}

/**
 * Mean, min and max across runs at every step any of them logged, over the runs that logged that
 * step. No carrying or interpolation: runs of one config share their log steps, so a step a run
 * lacks means the run had not got there, and `count` says so.
 */
export function seedBand(runs: readonly Series[]): SeedBand {
  const byStep = new Map<number, number[]>();
  for (const run of runs) {
    run.steps.forEach((step, i) => {
      const v = run.values[i]!;
      if (!Number.isFinite(step) || !Number.isFinite(v)) return;
      const list = byStep.get(step);
      if (list) list.push(v);
      else byStep.set(step, [v]);
    });
  }
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  const lists = steps.map((s) => byStep.get(s)!);
  return {
    steps,
    mean: lists.map(mean),
    min: lists.map((l) => Math.min(...l)),
    max: lists.map((l) => Math.max(...l)),
    count: lists.map((l) => l.length),
  };
}
