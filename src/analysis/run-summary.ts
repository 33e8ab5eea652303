// One run's metric rows reduced to the numbers the findings report judges: held-out accuracy before
// and after RL, the phase analysis of the RL stage (phases.ts, not redone here), pre-RL faithfulness and
// diversity, accuracy by difficulty. Pure: rows in, numbers out; which run it is stays with the caller.
import type { RunConfig } from '../experiment/run-config';
import { analyzePhases, type PhaseRules, type PhaseSummary } from './phases';
import { extractSeries, type MetricPoint, type Series } from './metric-series';

/** The metric names the report reads (rl-eval.ts and token-stage.ts write them). */
export const KEYS = {
  heldout: 'eval_heldout/accuracy',
  ood: 'eval_ood/accuracy',
  noisyFit: 'eval_train/noisy_label_fit',
  faithfulness: 'eval_faith/entailed',
  diversity: 'eval_div/distinct_answers',
} as const;

export interface StratumGain {
  split: 'heldout' | 'ood';
  difficulty: number;
  before: number;
  after: number;
}

/** What the findings report reads of one run; the presets' verdict rules (experiment/preset-claims.ts) judge these. */
export interface RunNumbers {
  /** First RL step on the global counter (the pre-RL evaluation's step); null without an RL stage. */
  rlStart: number | null;
  lastStep: number;
  /** Values of the evaluation at rlStart: the SFT result, pre-RL faithfulness and diversity. */
  preRl: Partial<Record<keyof typeof KEYS, number>>;
  /** Values of the last evaluation. */
  final: Partial<Record<keyof typeof KEYS, number>>;
  heldoutGain: number | null;
  oodGain: number | null;
  noisyFitGain: number | null;
  phases: PhaseSummary;
  /** See effectivePreSaturation. */
  preSaturation: number | null;
  strata: StratumGain[];
  /** Held-out accuracy over the RL stage (the chart's second line). */
  heldoutSeries: Series;
  /** The phase analysis' held-out metric over the RL stage (sampled pass@1; greedy where a run never logged it). */
  heldoutPass1: Series;
}

/**
 * Pre-saturation length as the report compares it: the analysis' own length when the reward saturated;
 * when it rose but never saturated, the steps from the rise to the end of RL (a lower bound: the whole
 * rest of the run was pre-saturation); 0 when it never rose (there was no pre-saturation phase).
 */
export function effectivePreSaturation(p: PhaseSummary, lastStep: number): number {
  if (p.preSaturationLength !== null) return p.preSaturationLength;
  return p.riseStep !== null ? lastStep - p.riseStep : 0;
}

/** The row with `key` at or after `from` that is first (or last) by step; null when none. */
function evalRow(rows: readonly MetricPoint[], from: number, which: 'first' | 'last'): MetricPoint | null {
  const evals = rows.filter((r) => r.step >= from && Number.isFinite(r.values[KEYS.heldout]));
  return (which === 'first' ? evals[0] : evals.at(-1)) ?? null;
}

function pick(row: MetricPoint | null): RunNumbers['preRl'] {
  const out: RunNumbers['preRl'] = {};
  if (!row) return out;
  for (const [name, key] of Object.entries(KEYS) as [keyof typeof KEYS, string][]) {
    const v = row.values[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[name] = v;
  }
  return out;
}

const gain = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? null : b - a);

function strataOf(before: MetricPoint | null, after: MetricPoint | null): StratumGain[] {
  if (!before || !after || before === after) return [];
  const out: StratumGain[] = [];
  for (const [key, v] of Object.entries(after.values)) {
    const m = /^eval_(heldout|ood)\/accuracy_d(\d+)$/.exec(key);
    const b = before.values[key];
    if (m && Number.isFinite(v) && typeof b === 'number' && Number.isFinite(b))
      out.push({ split: m[1] as StratumGain['split'], difficulty: Number(m[2]), before: b, after: v });
  }
  return out.sort((x, y) => x.difficulty - y.difficulty || x.split.localeCompare(y.split));
}

/** Analyse the RL stage only: SFT's evaluations would enter the held-out series and its first point. */
export function runNumbers(
  config: RunConfig,
  rawRows: readonly MetricPoint[],
  rules?: Partial<PhaseRules>,
): RunNumbers {
  const rlStart = config.rl.steps > 0 ? config.cpt.steps + config.sft.steps : null;
  const rows = [...rawRows].sort((a, b) => a.step - b.step);
  const rl = rlStart === null ? [] : rows.filter((r) => r.step >= rlStart);
  const before = rlStart === null ? null : evalRow(rows, rlStart, 'first');
  const pre = before?.step === rlStart ? before : null; // the pre-RL evaluation, not a later one
  const after = evalRow(rows, rlStart ?? 0, 'last');
  const preRl = pick(pre);
  const final = pick(after === pre ? null : after);
  const phases = analyzePhases(rl, rules);
  const lastStep = rows.at(-1)?.step ?? 0;
  return {
    rlStart,
    lastStep,
    preRl,
    final,
    heldoutGain: gain(preRl.heldout, final.heldout),
    oodGain: gain(preRl.ood, final.ood),
    noisyFitGain: gain(preRl.noisyFit, final.noisyFit),
    phases,
    preSaturation: rl.length > 0 ? effectivePreSaturation(phases, lastStep) : null,
    strata: strataOf(pre, after === pre ? null : after),
    heldoutSeries: extractSeries(rl, KEYS.heldout),
    heldoutPass1: extractSeries(rl, phases.heldoutKey),
  };
}
