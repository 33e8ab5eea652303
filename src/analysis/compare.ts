// Run comparison: several runs' series lined up on steps, runs that differ only in seed grouped into
// a mean line with a min-max band, the config fields that differ between the runs with each run's best
// and last key metrics, and CSV / JSON export of the compared series. Pure functions over plain rows
// and configs; no colours or chart options (src/ui/compare/CompareView.svelte), no storage.
import { downsampleForChart, extractSeries, type MetricPoint, type Series } from './metric-series';
import { seedBand } from './stats';

/** One run as the comparison reads it: its config is any JSON value (a stored RunConfig). */
export interface CompareRun {
  id: string;
  name: string;
  config: unknown;
  rows: readonly MetricPoint[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A config as dotted paths to leaf values in JSON text (`{ data: { trainSize: 64 } }` ->
 * `{ 'data.trainSize': '64' }`). Arrays are leaves (a reward list is one setting), so are nulls.
 */
export function flattenConfig(config: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (!isObject(config)) {
    out[prefix] = JSON.stringify(config ?? null);
    return out;
  }
  for (const [k, v] of Object.entries(config)) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

/** Fields whose values are not all the same across the runs, in first-seen order; a field one run lacks counts as differing. */
export interface ConfigDiff {
  fields: string[];
  /** `values[run][field]`: the JSON text of that run's value, or null where its config lacks the field. */
  values: (string | null)[][];
}

export function configDiff(configs: readonly unknown[]): ConfigDiff {
  const flat = configs.map((c) => flattenConfig(c));
  const order = new Map<string, true>();
  for (const f of flat) for (const k of Object.keys(f)) order.set(k, true);
  const fields = [...order.keys()].filter((k) => flat.some((f) => f[k] !== flat[0]![k]));
  return { fields, values: flat.map((f) => fields.map((k) => f[k] ?? null)) };
}

/** The config with its seed left out, as one JSON text: runs with equal keys differ only in seed. */
function seedlessKey(config: unknown): string {
  const flat = flattenConfig(config);
  delete flat.seed;
  return JSON.stringify(Object.entries(flat).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Runs grouped by config-except-seed, groups in the order of their first run; names never matter. */
export function seedGroups<T extends Pick<CompareRun, 'config'>>(runs: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const r of runs) {
    const key = seedlessKey(r.config);
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

/** A seed group's band, drawn only where every member logged a value (see groupBand). */
export interface GroupBand {
  steps: number[];
  mean: number[];
  min: number[];
  max: number[];
}

/**
 * Mean, min and max of the members' series at the steps where every member has a value. A step some
 * members lack (a run still training, stopped early, a NaN) is left out rather than averaged over
 * fewer runs: a band that narrows because runs dropped out would look like seeds agreeing.
 */
export function groupBand(members: readonly Series[]): GroupBand {
  const band = seedBand(members);
  const keep = band.count.map((c) => c === members.length);
  const pick = (xs: number[]) => xs.filter((_, i) => keep[i]);
  return { steps: pick(band.steps), mean: pick(band.mean), min: pick(band.min), max: pick(band.max) };
}

/** Columns on the union of the series' steps: `cols[k][i]` is series k at `steps[i]`, null where it has no point. */
export function alignOnSteps(series: readonly Series[]): { steps: number[]; cols: (number | null)[][] } {
  const all = new Set<number>();
  for (const s of series) for (const step of s.steps) all.add(step);
  const steps = [...all].sort((a, b) => a - b);
  const cols = series.map((s) => {
    const col: (number | null)[] = new Array<number | null>(steps.length).fill(null);
    let j = 0;
    s.steps.forEach((step, i) => {
      while (steps[j]! < step) j++; // both sorted: one pass
      col[j] = s.values[i]!;
    });
    return col;
  });
  return { steps, cols };
}

/** One entry of an overlay: a single run's line, or a seed group's mean with its min and max. */
export interface OverlayEntry {
  kind: 'run' | 'group';
  label: string;
  runIds: string[];
  /** Index of the entry's first column in `OverlayColumns.cols` (a group has mean, min, max there). */
  col: number;
}

export interface OverlayColumns {
  steps: number[];
  cols: (number | null)[][];
  entries: OverlayEntry[];
}

const SEED_PART = /^seed \d+$/i;

/**
 * Names short enough for a legend: the " · "-separated parts every run's name shares (the preset's title,
 * a seed all share) left out, so "Scarce data · N = 8 · seed 1" against "Scarce data · N = 512 · seed 1"
 * reads "N = 8" and "N = 512". A name left with no part of its own stays whole.
 */
export function shortNames(names: readonly string[]): string[] {
  const parts = names.map((n) => n.split(' · '));
  const common = parts.length > 1 ? parts[0]!.filter((p) => parts.every((q) => q.includes(p))) : [];
  return parts.map((p, i) => {
    const own = p.filter((x) => !common.includes(x));
    return own.length > 0 ? own.join(' · ') : names[i]!;
  });
}

/** A seed group's legend label: its arm (the short name without its seed) and how many seeds it averages. */
function groupLabel(short: string, n: number): string {
  const arm = short
    .split(' · ')
    .filter((p) => !SEED_PART.test(p))
    .join(' · ');
  return arm ? `${arm} (mean of ${n} seeds)` : `mean of ${n} seeds`;
}

/** A group's band thinned for drawing: the same steps for mean, min and max (LTTB picks them on the mean). */
function thinBand(b: GroupBand, maxPoints: number): GroupBand {
  if (b.steps.length <= maxPoints) return b;
  const kept = new Set(downsampleForChart({ steps: b.steps, values: b.mean }, maxPoints).steps);
  const keep = b.steps.map((s) => kept.has(s));
  const pick = (xs: number[]) => xs.filter((_, i) => keep[i]);
  return { steps: pick(b.steps), mean: pick(b.mean), min: pick(b.min), max: pick(b.max) };
}

/**
 * What an overlay chart of `metric` draws: with `groupSeeds`, runs that differ only in seed become one
 * entry (mean, min, max columns) labelled with its arm and seed count; other runs one column each, under
 * their short names. Each series is thinned to `maxPoints`
 * before the steps are merged, so 10 runs of 2,000 points stay 10 lines of at most 2,000 points.
 */
export function overlayColumns(
  runs: readonly CompareRun[],
  metric: string,
  groupSeeds = true,
  maxPoints = 2000,
): OverlayColumns {
  const groups = groupSeeds ? seedGroups(runs) : runs.map((r) => [r]);
  const short = new Map(shortNames(runs.map((r) => r.name)).map((n, i) => [runs[i]!.id, n]));
  const series: Series[] = [];
  const entries: OverlayEntry[] = [];
  for (const g of groups) {
    const col = series.length;
    const runIds = g.map((r) => r.id);
    if (g.length === 1) {
      series.push(downsampleForChart(extractSeries(g[0]!.rows, metric), maxPoints));
      entries.push({ kind: 'run', label: short.get(g[0]!.id)!, runIds, col });
      continue;
    }
    const b = thinBand(groupBand(g.map((r) => extractSeries(r.rows, metric))), maxPoints);
    series.push(
      { steps: b.steps, values: b.mean },
      { steps: b.steps, values: b.min },
      { steps: b.steps, values: b.max },
    );
    entries.push({ kind: 'group', label: groupLabel(short.get(g[0]!.id)!, g.length), runIds, col });
  }
  return { ...alignOnSteps(series), entries };
}

/** The steps every compared run spans together ([first, last] over all their rows), for one shared step axis; null without rows. */
export function stepRange(runs: readonly Pick<CompareRun, 'rows'>[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of runs)
    for (const row of r.rows) {
      lo = Math.min(lo, row.step);
      hi = Math.max(hi, row.step);
    }
  return lo <= hi ? [lo, Math.max(hi, lo + 1)] : null;
}

/** Every metric key some run logged, sorted (the metric picker's choices). */
export function metricKeys(runs: readonly Pick<CompareRun, 'rows'>[]): string[] {
  const keys = new Set<string>();
  for (const r of runs) for (const row of r.rows) for (const k of Object.keys(row.values)) keys.add(k);
  return [...keys].sort();
}

/** The metrics the diff table reports, with which way is better. */
export const KEY_METRICS: readonly { key: string; label: string }[] = [
  { key: 'reward', label: 'reward' },
  { key: 'train/acc_true', label: 'true reward' },
  { key: 'eval_heldout/pass@1', label: 'held-out pass@1' },
  { key: 'eval_heldout/accuracy', label: 'held-out' },
  { key: 'eval_ood/accuracy', label: 'OOD' },
  { key: 'loss', label: 'loss' },
];

/** Lower is better for losses (any key ending in "loss"); higher for accuracies, rewards and the rest. */
export const lowerIsBetter = (key: string): boolean => /(^|[/_])loss$/.test(key);

export interface BestLast {
  best: number | null;
  bestStep: number | null;
  last: number | null;
  lastStep: number | null;
}

/** A metric's best value (max, or min for a loss; the earliest step on ties) and its last value. */
export function bestAndLast(rows: readonly MetricPoint[], key: string): BestLast {
  const s = extractSeries(rows, key);
  if (s.steps.length === 0) return { best: null, bestStep: null, last: null, lastStep: null };
  const lower = lowerIsBetter(key);
  let at = 0;
  s.values.forEach((v, i) => {
    if (lower ? v < s.values[at]! : v > s.values[at]!) at = i;
  });
  return { best: s.values[at]!, bestStep: s.steps[at]!, last: s.values.at(-1)!, lastStep: s.steps.at(-1)! };
}

export interface CompareTable {
  diff: ConfigDiff;
  /** The key metrics some run logged. */
  metrics: { key: string; label: string }[];
  /** `cells[run][metric]`. */
  cells: BestLast[][];
}

/**
 * Defaults that configs leave out, by section: an absent model.position is the learned table, an absent
 * data.sftSize is 0 (all), an absent SFT target is 0 (off).
 */
const LEFT_OUT: Record<string, Record<string, unknown>> = {
  model: { position: 'learned' },
  data: { sftSize: 0 },
  sft: { targetAccuracy: 0, targetFaithfulness: 0 },
};

/**
 * The config with the defaults that configs leave out spelled out, so the diff says "learned" against
 * "rope" (or 0 against 32) rather than a dash for a setting the run did use.
 */
function spelledOut(config: unknown): unknown {
  if (!isObject(config)) return config;
  const out: Record<string, unknown> = { ...config };
  for (const [section, fields] of Object.entries(LEFT_OUT)) {
    const part = out[section];
    if (isObject(part)) out[section] = { ...fields, ...part };
  }
  return out;
}

/** The diff table: exactly the differing config fields, and best / last of each key metric (the loss only without RL), per run. */
export function compareTable(runs: readonly CompareRun[]): CompareTable {
  const stats = KEY_METRICS.map((m) => runs.map((r) => bestAndLast(r.rows, m.key)));
  // The loss only where no run has RL: GRPO's loss sits near 0 on policy and says nothing across runs.
  const rl = runs.some((r) => r.rows.some((row) => row.values.reward !== undefined));
  const present = KEY_METRICS.map((m, i) => stats[i]!.some((c) => c.last !== null) && !(rl && m.key === 'loss'));
  return {
    diff: configDiff(runs.map((r) => spelledOut(r.config))),
    metrics: KEY_METRICS.filter((_, i) => present[i]),
    cells: runs.map((_, r) => stats.filter((_, i) => present[i]).map((col) => col[r]!)),
  };
}

/** Run names made unique for column headers: a repeated name gets its run id in brackets. */
export function columnNames(runs: readonly Pick<CompareRun, 'id' | 'name'>[]): string[] {
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  return runs.map((r) => (count.get(r.name)! > 1 ? `${r.name} (${r.id})` : r.name));
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. Text a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe (OWASP's advice).
 */
export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The compared series as CSV: a `step` column, then one column per run per metric named
 * "<run> [<metric>]", on the union of all their steps; an empty cell where a run has no value there.
 * Values are the stored ones, full precision, neither smoothed nor thinned.
 */
export function compareCsv(runs: readonly CompareRun[], metrics: readonly string[]): string {
  const names = columnNames(runs);
  const series = runs.flatMap((r) => metrics.map((m) => extractSeries(r.rows, m)));
  const { steps, cols } = alignOnSteps(series);
  const header = ['step', ...runs.flatMap((_, i) => metrics.map((m) => `${names[i]} [${m}]`))].map(csvCell).join(',');
  const lines = steps.map((step, i) =>
    [String(step), ...cols.map((c) => (c[i] === null ? '' : String(c[i])))].join(','),
  );
  return [header, ...lines].join('\r\n') + '\r\n';
}

export const COMPARE_FORMAT = 'rlvr-lab-compare';
export const COMPARE_VERSION = 1;

/** The compared series as JSON: each run's id, name, config and, per metric, its steps and values. */
export function compareJson(runs: readonly CompareRun[], metrics: readonly string[], exportedAt = Date.now()): string {
  const diff = configDiff(runs.map((r) => spelledOut(r.config)));
  return JSON.stringify({
    format: COMPARE_FORMAT,
    version: COMPARE_VERSION,
    exportedAt,
    metrics,
    differingFields: diff.fields,
    runs: runs.map((r) => ({
      id: r.id,
      name: r.name,
      config: r.config,
      series: Object.fromEntries(metrics.map((m) => [m, extractSeries(r.rows, m)])),
    })),
  });
}
