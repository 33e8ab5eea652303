// Result links: a config link plus what the run showed, so whoever opens it sees the result without
// training: downsampled curves (LTTB, quantised, delta-coded), the phase summary and a few samples
// if they fit, in about 8 KB: `#r1.<payload>`. Decoding checks every field against a schema.
import * as v from 'valibot';
import { analyzePhases, REGIMES, type Regime } from '../analysis/phases';
import { downsampleLttb, extractSeries, type MetricPoint } from '../analysis/metric-series';
import { issueText } from '../util/issues';
import type { RunConfig } from './run-config';
import { configChanges, configResult } from './config-link';
import { packLink, unpackPayload, type LinkResult } from './link-codec';

export const RESULT_LINK_KIND = 'r';
export const RESULT_LINK_VERSION = 1;
/** Characters of the hash a result link may use: with the page's address, about 8 KB. */
export const RESULT_LINK_BUDGET = 7800;
/**
 * Curves in the order they are worth their bytes: the charts' and the phase analysis' first (held-out
 * pass@1 and its sample count are what the phase labels judge; constant counts deflate to a few bytes).
 */
export const SHARED_KEYS = [
  'loss',
  'mean_token_accuracy',
  'eval_heldout/pass@1',
  'eval_heldout/num_samples',
  'eval_heldout/accuracy',
  'eval_heldout/num_prompts',
  'eval_ood/accuracy',
  'eval_train/accuracy',
  'reward',
  'train/acc_true',
  'frac_reward_zero_std',
  'eval_heldout/pass@k',
  'kl',
  'entropy',
];
/** Points per curve, tried in turn until the required curves fit. */
const POINT_STEPS = [300, 200, 150, 100, 60, 40, 25, 12];
const SKIPPED_KEYS = new Set(['step_time', 'num_tokens']);
const TEXT_MAX = 240;

export interface SharedSample {
  split: 'train' | 'heldout' | 'ood';
  prompt: string;
  completion: string;
  answer: string;
  correct: boolean;
}

export interface SharedPhases {
  /** The metric the phase rules read as the training reward. */
  rewardKey: string;
  regime: Regime;
  reason: string;
  riseStep: number | null;
  saturationStep: number | null;
  preSaturationLength: number | null;
  coupling: number | null;
  transferRatio: number | null;
}

/** What a result link carries (and what the sender builds it from, with full-resolution rows). */
export interface SharedResult {
  config: RunConfig;
  name: string;
  status: string;
  step: number;
  totalSteps: number;
  backend: string | null;
  rows: MetricPoint[];
  phases: SharedPhases;
  samples: SharedSample[];
}

/** Phase summary of a run: GRPO runs are read on `reward`; SFT-only runs on token accuracy. */
export function phaseSummary(rows: readonly MetricPoint[]): SharedPhases {
  const rl = rows.some((r) => r.values.reward !== undefined);
  const rules = rl ? {} : { rewardKey: 'mean_token_accuracy', allCorrectKey: '' };
  const s = analyzePhases(rows, rules);
  return {
    rewardKey: rl ? 'reward' : 'mean_token_accuracy',
    regime: s.regime,
    reason: s.regimeReason.slice(0, 1000),
    riseStep: s.riseStep,
    saturationStep: s.saturationStep,
    preSaturationLength: s.preSaturationLength,
    coupling: s.coupling,
    transferRatio: s.transferRatio,
  };
}

type Encoded = [string, number, number[], number[]];

/** One curve, at most `points` points (LTTB), as [key, decimals, step deltas, value deltas at 4 significant digits of the largest value]. */
function encodeSeries(rows: readonly MetricPoint[], key: string, points: number): Encoded | null {
  const s = downsampleLttb(extractSeries(rows, key), points);
  if (s.steps.length === 0) return null;
  const top = Math.max(...s.values.map(Math.abs));
  const digits = Math.min(8, Math.max(0, 3 - Math.floor(Math.log10(top || 1))));
  const q = s.values.map((x) => Math.round(x * 10 ** digits));
  const delta = (xs: number[]) => xs.map((x, i) => x - (i > 0 ? xs[i - 1]! : 0));
  return [key, digits, delta(s.steps), delta(q)];
}

function keysOf(rows: readonly MetricPoint[]): string[] {
  const present = new Set(rows.flatMap((r) => Object.keys(r.values)));
  const first = SHARED_KEYS.filter((k) => present.has(k));
  return [...first, ...[...present].filter((k) => !SHARED_KEYS.includes(k) && !SKIPPED_KEYS.has(k)).sort()];
}

const clip = (s: string) => (s.length > TEXT_MAX ? `${s.slice(0, TEXT_MAX - 1)}…` : s);

/** The hash (without '#') of a result link, within `budget` characters when at all possible. */
export function encodeResultLink(
  r: Omit<SharedResult, 'phases'> & { phases?: SharedPhases },
  budget = RESULT_LINK_BUDGET,
): string {
  const head = {
    c: configChanges(r.config),
    n: clip(r.name),
    st: r.status,
    s: r.step,
    t: r.totalSteps,
    b: r.backend,
    p: r.phases ?? phaseSummary(r.rows),
  };
  const pack = (m: Encoded[], x: unknown[]) => packLink(RESULT_LINK_KIND, RESULT_LINK_VERSION, { ...head, m, x });
  const keys = keysOf(r.rows);
  const required = keys.filter((k) => SHARED_KEYS.includes(k));
  let m: Encoded[] = [];
  for (const points of POINT_STEPS) {
    m = [];
    for (const key of keys) {
      const e = encodeSeries(r.rows, key, points);
      if (e && pack([...m, e], []).length <= budget) m.push(e);
    }
    if (required.every((k) => m.some((e) => e[0] === k))) break;
  }
  const x: unknown[] = [];
  for (const s of r.samples.slice(0, 4)) {
    const item = [s.split, clip(s.prompt), clip(s.completion), clip(s.answer), s.correct ? 1 : 0];
    if (pack(m, [...x, item]).length <= budget) x.push(item);
  }
  return pack(m, x);
}

const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const nullableNum = v.nullable(v.pipe(v.number(), v.finite()));
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const Series = v.pipe(
  v.tuple([
    text(100),
    int(0, 8),
    v.pipe(v.array(int(0, 1e9)), v.maxLength(2000)),
    v.pipe(v.array(int(-1e15, 1e15)), v.maxLength(2000)),
  ]),
  v.check((t) => t[2].length === t[3].length, 'steps and values differ in length'),
);
const Payload = v.object({
  c: v.unknown(),
  n: text(TEXT_MAX),
  st: text(20),
  s: int(0, 1e9),
  t: int(0, 1e9),
  b: v.nullable(text(20)),
  p: v.object({
    rewardKey: text(100),
    regime: v.picklist(REGIMES),
    reason: text(1000),
    riseStep: nullableNum,
    saturationStep: nullableNum,
    preSaturationLength: nullableNum,
    coupling: nullableNum,
    transferRatio: nullableNum,
  }),
  m: v.pipe(v.array(Series), v.maxLength(64)),
  x: v.pipe(
    v.array(
      v.tuple([
        v.picklist(['train', 'heldout', 'ood']),
        text(TEXT_MAX),
        text(TEXT_MAX),
        text(TEXT_MAX),
        v.picklist([0, 1]),
      ]),
    ),
    v.maxLength(8),
  ),
});

/** Curves back into metric rows (one row per step holding every curve's value there). */
function rowsOf(m: v.InferOutput<typeof Series>[]): MetricPoint[] {
  const byStep = new Map<number, Record<string, number>>();
  for (const [key, digits, ds, dv] of m) {
    let step = 0;
    let q = 0;
    ds.forEach((d, i) => {
      step += d;
      q += dv[i]!;
      const values = byStep.get(step) ?? {};
      values[key] = q / 10 ** digits;
      byStep.set(step, values);
    });
  }
  return [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([step, values]) => ({ step, values }));
}

/** A result link's payload (envelope already parsed) as a SharedResult: never throws. */
export function decodeResultPayload(version: number, payload: string): LinkResult<SharedResult> {
  if (version > RESULT_LINK_VERSION)
    return {
      ok: false,
      error: `This result link was made by a newer RLVR Lab (link version ${version}); this lab reads version ${RESULT_LINK_VERSION}. Reload to update the lab.`,
    };
  if (version !== RESULT_LINK_VERSION)
    return { ok: false, error: `This result link has an unknown version (${version}).` };
  const raw = unpackPayload(payload, 'result link');
  if (!raw.ok) return raw;
  const p = v.safeParse(Payload, raw.value);
  if (!p.success)
    return { ok: false, error: `The result link is damaged or was changed (${issueText(p.issues, 'its data')}).` };
  const config = configResult(p.output.c, 'result link');
  if (!config.ok) return config;
  const { n, st, s, t, b, p: phases, m, x } = p.output;
  const samples = x.map(([split, prompt, completion, answer, correct]) => ({
    split,
    prompt,
    completion,
    answer,
    correct: correct === 1,
  }));
  return {
    ok: true,
    value: {
      config: config.value,
      name: n,
      status: st,
      step: s,
      totalSteps: t,
      backend: b,
      rows: rowsOf(m),
      phases,
      samples,
    },
  };
}
