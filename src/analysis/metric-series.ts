// Metric series: pull one named series out of a run's metric rows, line two series up by step, and
// thin long series for charts (LTTB, min-max). Pure functions over plain numbers: no smoothing here
// (smoothing.ts), no statistics (stats.ts) and no judgement about training phases (phases.ts).

/** The part of a stored metric row the analysis reads; src/store/types.ts MetricRow fits it as is. */
export interface MetricPoint {
  step: number;
  values: Readonly<Record<string, number>>;
}

/** One metric over steps: `steps` strictly increasing, `values` finite, both the same length. */
export interface Series {
  steps: number[];
  values: number[];
}

/** Two series on the same steps: `a[i]` and `b[i]` both belong to `steps[i]`. */
export interface Aligned {
  steps: number[];
  a: number[];
  b: number[];
}

/** Charts thin a series above this many points (uPlot draws 2,000 points per line without stutter). */
export const CHART_MAX_POINTS = 2000;

export function emptySeries(): Series {
  return { steps: [], values: [] };
}

/**
 * The series `key` from `rows`, sorted by step. Rows without the key, with a non-finite value or a
 * non-finite step are skipped (metrics are sparse per key: eval_* only on evaluation steps). When a
 * step occurs twice the later row wins, as src/ui/shared/chart-columns.ts mergeRows does (a re-logged step after a
 * resume replaces the earlier copy).
 */
export function extractSeries(rows: readonly MetricPoint[], key: string): Series {
  const byStep = new Map<number, number>();
  for (const row of rows) {
    const v: unknown = row?.values?.[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || typeof row.step !== 'number' || !Number.isFinite(row.step))
      continue;
    byStep.set(row.step, v);
  }
  const steps = [...byStep.keys()].sort((x, y) => x - y);
  return { steps, values: steps.map((s) => byStep.get(s)!) };
}

/** Index of the last step <= `step`, or -1 when every step is later (binary search; steps sorted). */
export function indexAtOrBefore(steps: readonly number[], step: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid]! <= step) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The last value at or before `step` (a value holds until the next one is logged), or null. */
export function valueAt(s: Series, step: number): number | null {
  const i = indexAtOrBefore(s.steps, step);
  return i < 0 ? null : s.values[i]!;
}

/** The points with `from <= step <= to`. */
export function sliceSeries(s: Series, from: number, to: number): Series {
  const out = emptySeries();
  s.steps.forEach((step, i) => {
    if (step >= from && step <= to) {
      out.steps.push(step);
      out.values.push(s.values[i]!);
    }
  });
  return out;
}

/** Only the steps both series logged (two-pointer merge of sorted steps). */
export function alignCommon(a: Series, b: Series): Aligned {
  const out: Aligned = { steps: [], a: [], b: [] };
  let j = 0;
  for (let i = 0; i < a.steps.length; i++) {
    const step = a.steps[i]!;
    while (j < b.steps.length && b.steps[j]! < step) j++;
    if (j < b.steps.length && b.steps[j] === step) {
      out.steps.push(step);
      out.a.push(a.values[i]!);
      out.b.push(b.values[j]!);
    }
  }
  return out;
}

/**
 * On `target`'s steps: `target`'s value and the last value `source` logged at or before that step
 * (e.g. the smoothed training reward at each evaluation step). Target steps before `source`'s first
 * point are dropped: nothing is invented backwards.
 */
export function alignCarry(target: Series, source: Series): Aligned {
  const out: Aligned = { steps: [], a: [], b: [] };
  let j = -1;
  for (let i = 0; i < target.steps.length; i++) {
    const step = target.steps[i]!;
    while (j + 1 < source.steps.length && source.steps[j + 1]! <= step) j++;
    if (j < 0) continue;
    out.steps.push(step);
    out.a.push(target.values[i]!);
    out.b.push(source.values[j]!);
  }
  return out;
}

function pick(s: Series, indices: readonly number[]): Series {
  return { steps: indices.map((i) => s.steps[i]!), values: indices.map((i) => s.values[i]!) };
}

/** The point of bucket [from, to) that makes the largest triangle with `a` and the next bucket's mean. */
function largestTriangle(s: Series, a: number, from: number, to: number, avgX: number, avgY: number): number {
  const ax = s.steps[a]!;
  const ay = s.values[a]!;
  let best = from;
  let bestArea = -1;
  for (let j = from; j < to; j++) {
    const area = Math.abs((ax - avgX) * (s.values[j]! - ay) - (ax - s.steps[j]!) * (avgY - ay));
    if (area > bestArea) {
      bestArea = area;
      best = j;
    }
  }
  return best;
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013, "Downsampling Time Series for Visual
 * Representation", ch. 4.2): exactly `count` points, always the first and the last; each bucket
 * keeps the point that best preserves the line's shape. Series no longer than `count` come back as
 * a copy; a count below 3 keeps only the first and last points.
 */
export function downsampleLttb(s: Series, count: number): Series {
  const n = s.steps.length;
  const threshold = Math.floor(count);
  if (threshold >= n || n === 0) return { steps: s.steps.slice(), values: s.values.slice() };
  if (!(threshold >= 3)) return pick(s, n > 1 ? [0, n - 1] : [0]);
  const every = (n - 2) / (threshold - 2); // bucket width, first and last points excluded
  const kept = [0];
  for (let i = 0; i < threshold - 2; i++) {
    const avgFrom = Math.floor((i + 1) * every) + 1;
    const avgTo = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = avgFrom; j < avgTo; j++) {
      avgX += s.steps[j]!;
      avgY += s.values[j]!;
    }
    const size = Math.max(avgTo - avgFrom, 1);
    const from = Math.floor(i * every) + 1;
    const to = Math.floor((i + 1) * every) + 1;
    kept.push(largestTriangle(s, kept.at(-1)!, from, to, avgX / size, avgY / size));
  }
  kept.push(n - 1);
  return pick(s, kept);
}

/**
 * Min-max decimation: `buckets` equal runs of points, each kept as its minimum and maximum (in step
 * order), plus the first and last points. Keeps every spike, which LTTB may drop; at most
 * 2 * buckets + 2 points. Series no longer than 2 * buckets come back as a copy.
 */
export function downsampleMinMax(s: Series, bucketCount: number): Series {
  const n = s.steps.length;
  const buckets = Math.floor(bucketCount);
  if (n <= 2 * buckets || buckets < 1) return { steps: s.steps.slice(), values: s.values.slice() };
  const kept = new Set<number>([0, n - 1]);
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = from;
    let hi = from;
    for (let j = from; j < to; j++) {
      if (s.values[j]! < s.values[lo]!) lo = j;
      if (s.values[j]! > s.values[hi]!) hi = j;
    }
    kept.add(lo).add(hi);
  }
  return pick(
    s,
    [...kept].sort((x, y) => x - y),
  );
}

/** What a chart draws: the series itself up to CHART_MAX_POINTS, LTTB beyond. */
export function downsampleForChart(s: Series, maxPoints: number = CHART_MAX_POINTS): Series {
  return downsampleLttb(s, maxPoints);
}
