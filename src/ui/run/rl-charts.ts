// What each RL chart draws: the main reward/accuracy chart's series and bands and the small multiples
// (metric keys, plain labels from metric-names.ts, colours, axes). Specs only; the columns come from rl-series.ts,
// drawing from Chart.svelte.
import { metricLabel } from '../../analysis/metric-names';
import { DASH, OKABE_ITO } from '../shared/palette';
import type { AxisSpec, SeriesFill, SeriesSpec } from '../shared/chart-columns';

export const ACC_AXIS: AxisSpec[] = [{ scale: 'y', label: 'share (0–1)', side: 'left', range: [0, 1] }];

/** A line of metric `key`, labelled with its plain name. */
const named = (key: string, spec: Omit<SeriesSpec, 'label' | 'key'>): SeriesSpec => ({
  label: metricLabel(key),
  key,
  ...spec,
});

/** The main chart's lines, in rl-series.ts's RL_MAIN_KEYS order; held-out pass@1, what the phase labels judge, drawn widest. */
export const MAIN_LINES: SeriesSpec[] = [
  named('reward', { color: OKABE_ITO.vermillion }),
  named('train/acc_true', { color: OKABE_ITO.black, dash: DASH.dotted }),
  named('eval_heldout/pass@1', { color: OKABE_ITO.blue, width: 3 }),
  named('eval_heldout/accuracy', { color: OKABE_ITO.sky, dash: DASH.dashed }),
  named('eval_train/accuracy', { color: OKABE_ITO.purple, dash: DASH.dashDot }),
  named('eval_ood/accuracy', { color: OKABE_ITO.orange, dash: DASH.long }),
];
/** The accuracy lines (RL_BAND_KEYS order), each with a 95% band. */
const BANDED = MAIN_LINES.slice(2);
/** Hex alpha of a band's fill: light enough that four overlapping bands leave every line readable. */
const BAND_ALPHA = '2e';

/**
 * The main chart's series in rl-series.ts's mainColumns order: each accuracy's lower and upper band
 * edge (no stroke, no legend row, no cursor dot: only the fill between them shows), then the lines.
 */
export const MAIN_SERIES: SeriesSpec[] = [
  ...BANDED.flatMap((s) =>
    ['low', 'high'].map((end) => ({
      label: `${s.label} 95% ${end}`,
      color: 'transparent',
      width: 1,
      points: false,
      legend: false,
    })),
  ),
  ...MAIN_LINES,
];
/** Each band filled in its line's colour between its two edges (indices into MAIN_SERIES). */
export const MAIN_FILLS: SeriesFill[] = BANDED.map((s, i) => ({
  lower: 2 * i,
  upper: 2 * i + 1,
  color: `${s.color}${BAND_ALPHA}`,
}));

/**
 * The main chart's series and axes for a run whose optimized reward lies outside 0–1 (a self-certainty
 * reward of ~11, a weighted sum): the reward moves to its own right-hand axis so the 0–1 accuracies keep
 * theirs. Inside 0–1, everything shares ACC_AXIS.
 */
export function mainLayout(rewardOutside: boolean): { series: SeriesSpec[]; axes: AxisSpec[] } {
  if (!rewardOutside) return { series: MAIN_SERIES, axes: ACC_AXIS };
  const series = MAIN_SERIES.map((s) =>
    s.key === 'reward' ? { ...s, label: `${s.label} (right axis)`, scale: 'reward' } : s,
  );
  return { series, axes: [...ACC_AXIS, { scale: 'reward', label: 'training reward', side: 'right' }] };
}

export const BAND_COLORS = { pre_saturation: 'rgba(0, 158, 115, 0.12)', saturated: 'rgba(230, 159, 0, 0.16)' } as const;
export const MARK_COLORS = { stage: '#5b6470', saturation: OKABE_ITO.vermillion, inspected: OKABE_ITO.purple } as const;

export interface SmallMultiple {
  id: string;
  title: string;
  keys: string[];
  series: SeriesSpec[];
  axes: AxisSpec[];
  /** Only RL-stage rows (the SFT loss is another quantity than the GRPO loss). */
  rlOnly?: boolean;
}

const auto = (label: string): AxisSpec[] => [{ scale: 'y', label, side: 'left' }];
const unit = (label: string): AxisSpec[] => [{ scale: 'y', label, side: 'left', range: [0, 1] }];
const COLORS = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.green,
  OKABE_ITO.purple,
  OKABE_ITO.vermillion,
  OKABE_ITO.sky,
  OKABE_ITO.black,
];
const DASHES = [DASH.solid, DASH.dashed, DASH.dotted];
/** The i-th line of a chart: colour and dash both change, so lines differ in greyscale too. */
export const styleOf = (i: number): Pick<SeriesSpec, 'color' | 'dash'> => ({
  color: COLORS[i % COLORS.length]!,
  dash: DASHES[i % DASHES.length]!,
});
/** One line per key, each with its short legend label. */
const lines = (keys: string[], labels: string[]): SeriesSpec[] =>
  keys.map((key, i) => ({ label: labels[i]!, key, ...styleOf(i) }));

export const SMALL_MULTIPLES: SmallMultiple[] = [
  {
    id: 'loss',
    title: 'GRPO loss (near 0 on policy)',
    keys: ['loss'],
    series: lines(['loss'], ['GRPO loss']),
    axes: auto('loss'),
    rlOnly: true,
  },
  {
    id: 'kl',
    title: 'KL to the reference model',
    keys: ['kl'],
    series: lines(['kl'], ['KL']),
    axes: auto('nats/token'),
  },
  {
    id: 'entropy',
    title: 'Entropy (how unsure the model is)',
    keys: ['entropy'],
    series: lines(['entropy'], ['entropy']),
    axes: auto('nats/token'),
  },
  {
    id: 'length',
    title: 'Completion length',
    keys: ['completions/mean_length', 'completions/min_length', 'completions/max_length'],
    series: lines(
      ['completions/mean_length', 'completions/min_length', 'completions/max_length'],
      ['mean', 'shortest', 'longest'],
    ),
    axes: auto('tokens'),
  },
  {
    id: 'faith',
    title: 'Faithfulness (steps support the answer)',
    keys: ['eval_faith/entailed', 'eval_faith/steps_true'],
    series: lines(['eval_faith/entailed', 'eval_faith/steps_true'], ['steps entail answer', 'steps true']),
    axes: unit('share (0–1)'),
  },
  {
    id: 'div',
    title: 'Diversity of answers',
    keys: ['eval_div/distinct_answers', 'eval_div/distinct_completions', 'eval_div/pass_gap'],
    series: [
      ...lines(
        ['eval_div/distinct_answers', 'eval_div/distinct_completions'],
        ['distinct answers', 'distinct completions'],
      ),
      { label: 'pass@k − pass@1', key: 'eval_div/pass_gap', ...styleOf(2), scale: 'gap' },
    ],
    axes: [...auto('per prompt'), { scale: 'gap', label: 'gap (0–1)', side: 'right', range: [0, 1] }],
  },
  {
    id: 'noisy',
    title: 'Fit to noisy labels',
    keys: ['train/noisy_label_fit', 'eval_train/noisy_label_fit'],
    series: lines(['train/noisy_label_fit', 'eval_train/noisy_label_fit'], ['rollouts', 'greedy']),
    axes: unit('share (0–1)'),
  },
];
