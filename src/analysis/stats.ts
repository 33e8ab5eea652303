// Small statistics over metric series: mean, Pearson correlation, least-squares line with R^2 (the
// predictor view: faithfulness vs pre-saturation length) and a mean/min/max band across seeds (the
// compare view). Plain numbers in, plain numbers out; null where a statistic is undefined.
import type { Series } from './metric-series';

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
  if (xs.length !== ys.length)
    throw new RangeError(`paired data must have equal lengths; got ${xs.length} and ${ys.length}`);
}

/** Centred sums of squares and cross-products (two-pass: stable when values sit far from 0). */
function moments(
  xs: readonly number[],
  ys: readonly number[],
): { sxx: number; syy: number; sxy: number; mx: number; my: number } {
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

/** 95% two-sided normal quantile: the confidence level of every band the lab draws or tests against. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval of a proportion p measured on n samples (Wilson 1927): unlike p +- z*SE it
 * stays inside [0, 1] and does not collapse to zero width at p = 0 or 1. Null for n < 1 or a p outside [0, 1].
 */
export function wilsonInterval(p: number, n: number, z: number = Z95): { lo: number; hi: number } | null {
  if (!(n >= 1) || !(p >= 0 && p <= 1)) return null;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/**
 * Half-width of the 95% band of a difference of two independent proportions (a on na samples, b on
 * nb). Each variance uses the Agresti-Coull estimate (x + 2) / (n + 4), so a proportion of 0 or 1
 * still has one: a change from 0 measured on 8 samples is not certain.
 */
export function differenceBand(a: number, na: number, b: number, nb: number, z: number = Z95): number {
  const v = (p: number, n: number) => {
    const q = (p * n + 2) / (n + 4);
    return (q * (1 - q)) / (n + 4);
  };
  return z * Math.sqrt(v(a, na) + v(b, nb));
}
