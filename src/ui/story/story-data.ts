// The flagship story's data: the kept runs as the story reads them, the replay's step window, a run's
// prefix up to a step, the story chart's columns and series, the regime in one plain sentence, and the
// arm "Run it yourself" trains. Pure functions over plain rows; no Svelte, no DOM, no fetch.
import type { PhaseSummary, Regime } from '../../analysis/phases';
import { totalSteps, type RunConfig } from '../../experiment/run-config';
import { armConfig, getPreset, PRESETS, type Preset, type PresetArm } from '../../experiment/presets';
import { keptToBundles, type KeptRunData } from '../../store/findings-runs';
import type { MetricRow } from '../../store/types';
import { MAIN_LINES } from '../run/rl-charts';
import { bandColumns, metricColumns } from '../run/rl-series';
import type { AxisSpec, Columns, SeriesFill, SeriesSpec } from '../shared/chart-columns';

/** The preset the page opens on; the first preset stands in while the flagship is not in PRESETS. */
export const FLAGSHIP_ID = 'phases';
export const flagship = (): Preset => getPreset(FLAGSHIP_ID) ?? PRESETS[0]!;

/** One kept run of the story: its arm and seed, validated config and metric rows sorted by step. */
export interface StoryRun {
  armId: string;
  seed: number;
  name: string;
  config: RunConfig;
  rows: MetricRow[];
  /** Its measured wall time, when the file kept its end state. */
  wallSeconds: number | null;
}

/** A kept file's runs for the story, each config validated as "Open our runs" validates it; or the first problem. */
export function storyRuns(kept: readonly KeptRunData[]): { ok: true; runs: StoryRun[] } | { ok: false; error: string } {
  const bundles = keptToBundles(kept);
  if (!bundles.ok) return bundles;
  const runs = kept.map((k, i) => ({
    armId: k.info.armId,
    seed: k.info.seed,
    name: k.info.name,
    config: bundles.bundles[i]!.run.config,
    rows: [...k.metrics].sort((a, b) => a.step - b.step),
    wallSeconds: k.state?.wallSeconds ?? null,
  }));
  return { ok: true, runs };
}

/** The distinct numbers of `xs`, ascending (the seeds of a file, the steps of a replay). */
export const uniqueSorted = (xs: Iterable<number>): number[] => [...new Set(xs)].sort((a, b) => a - b);

/** The step where RL starts (the SFT -> RL boundary, the last SFT evaluation's step): the replay starts there. */
export const rlStart = (c: RunConfig): number => c.cpt.steps + c.sft.steps;

/** The steps the replay plays, from the earliest RL start to the last logged step of `runs`; null without runs. */
export function replayWindow(runs: readonly StoryRun[]): { from: number; to: number } | null {
  if (runs.length === 0) return null;
  const from = Math.min(...runs.map((r) => rlStart(r.config)));
  const to = Math.max(from, ...runs.map((r) => r.rows.at(-1)?.step ?? from));
  return { from, to };
}

/** How many of the first `n` items, whose steps `stepAt(i)` ascend, lie at or before `step` (binary search). */
function countUpTo(n: number, stepAt: (i: number) => number, step: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stepAt(mid) <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of `rows` (sorted by step) lie at or before `step`: O(log n), so a replay frame costs little. */
export const prefixLength = (rows: readonly { step: number }[], step: number): number =>
  countUpTo(rows.length, (i) => rows[i]!.step, step);

/** The last of `steps` (sorted) at or before `cursor`; the first step when the cursor is before them all. */
export function snapStep(steps: readonly number[], cursor: number): number | null {
  const n = countUpTo(steps.length, (i) => steps[i]!, cursor);
  return steps[Math.max(0, n - 1)] ?? null;
}

/** The story chart's keys: the reward (smoothed as the phase rules read it) and held-out pass@1 (judged against it). */
export const STORY_KEYS = ['reward', 'eval_heldout/pass@1'] as const;

/** Its lines, in the main RL chart's colours; pass@1's 95% band edges first (no legend rows), as mainColumns orders them. */
export const STORY_SERIES: SeriesSpec[] = [
  ...['low', 'high'].map((end) => ({
    label: `held-out 95% ${end}`,
    color: 'transparent',
    width: 1,
    points: false,
    legend: false,
  })),
  { ...MAIN_LINES[0]!, label: 'reward (smoothed)' },
  { ...MAIN_LINES[2]!, label: 'held-out pass@1' },
];
/** Both lines are fractions correct; the label is short enough for the story's short charts. */
export const STORY_AXES: AxisSpec[] = [{ scale: 'y', label: 'correct', side: 'left', range: [0, 1] }];
export const STORY_FILLS: SeriesFill[] = [{ lower: 0, upper: 1, color: `${MAIN_LINES[2]!.color}2e` }];

/**
 * Steps, pass@1's band edges, the smoothed reward and pass@1, over the rows from `from` on (the RL
 * stage and the evaluation that opens it). The band counts come from the rows, else from `config`.
 */
export function storyColumns(rows: readonly MetricRow[], from: number, config: RunConfig, weight: number): Columns {
  const shown = rows.filter((r) => r.step >= from && STORY_KEYS.some((k) => Number.isFinite(r.values[k])));
  const [steps, reward, pass1] = metricColumns(shown, STORY_KEYS, weight);
  return [steps, ...bandColumns(shown, STORY_KEYS[1], config), reward!, pass1!];
}

/** Each regime in words a student reads at a glance, where the analysis' own first sentence carries numbers. */
export const REGIME_PLAIN: Record<Regime, string> = {
  insufficient_data: 'Too early to tell: the reward has not moved enough yet.',
  stalled: 'The reward is not moving: RL is not learning from these prompts.',
  pre_saturation: 'Reward rising, held-out rising or holding: the model is still learning the task.',
  saturated_generalizing: 'Reward at its ceiling and held-out as high: the model has learned the task.',
  memorizing: 'Reward up, held-out down: the model is memorizing its training prompts.',
  post_saturation_generalization: 'Reward at its ceiling, held-out still rising: learning goes on after saturation.',
};

/** The regime reason's first sentence when it is plain words (no numbers), else the regime's plain sentence. */
export function plainReason(summary: Pick<PhaseSummary, 'regime' | 'regimeReason'>): string {
  const first = /^[^.]*\./.exec(summary.regimeReason)?.[0];
  return first && !/\d/.test(first) ? first : REGIME_PLAIN[summary.regime];
}

/** The run a first visit's form holds and "Reset" restores: the arm "Run it yourself" trains, at the flagship's first seed. */
export function starterConfig(): RunConfig {
  const preset = flagship();
  return armConfig(preset, shortestArm(preset, []), preset.seeds[0] ?? 1);
}

/** The arm "Run it yourself" trains: the fewest steps, then the least measured wall time in the kept runs, then the first. */
export function shortestArm(preset: Preset, runs: readonly StoryRun[], seed = preset.seeds[0] ?? 1): PresetArm {
  const wall = (arm: PresetArm) => {
    const times = runs.filter((r) => r.armId === arm.id && r.wallSeconds !== null).map((r) => r.wallSeconds!);
    return times.length > 0 ? times.reduce((a, b) => a + b, 0) / times.length : Infinity;
  };
  const cost = preset.arms.map((arm) => ({ arm, steps: totalSteps(armConfig(preset, arm, seed)), wall: wall(arm) }));
  const byWall = (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1); // Infinity - Infinity is NaN
  cost.sort((a, b) => a.steps - b.steps || byWall(a.wall, b.wall));
  return cost[0]!.arm;
}
