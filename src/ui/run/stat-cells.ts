// The stat cards over the live view: the latest numbers of the stage the run is in. SFT and CPT show
// their loss, token accuracy, learning rate and speed; RL shows its own (reward, held-out pass@1, prompts
// without learning signal, completion length), since GRPO's loss sits near 0 on policy and RL has no
// token accuracy. Labels come from the plain-names table; pure, no Svelte.
import { formatMetric, metricLabel } from '../../analysis/metric-names';
import type { MetricRow } from '../../store/types';
import { fmtCount, fmtNum } from '../shared/format';
import { latestStats } from '../shared/chart-columns';

export interface StatCell {
  label: string;
  value: string;
  /** The stored metric key, for the card's tooltip. */
  key?: string;
}

const latest = (rows: readonly MetricRow[], key: string): number | undefined => {
  for (let i = rows.length - 1; i >= 0; i--) if (Number.isFinite(rows[i]!.values[key])) return rows[i]!.values[key];
  return undefined;
};

const cell = (rows: readonly MetricRow[], key: string, label = metricLabel(key)): StatCell => ({
  label,
  value: formatMetric(key, latest(rows, key)),
  key,
});

/** Is the run in RL: its latest training row is GRPO's (it logs a reward), or the rows' stage says so. */
function inRl(rows: readonly MetricRow[]): boolean {
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i]!;
    if (r.values.reward !== undefined) return true;
    if (r.values.loss !== undefined) return r.stage === 'rl';
  }
  return false;
}

export function statCells(rows: readonly MetricRow[]): StatCell[] {
  const step: StatCell = { label: 'step', value: rows.length === 0 ? '—' : String(rows.at(-1)!.step) };
  const stepTime = latest(rows, 'step_time');
  const seconds: StatCell = { label: 's/step', value: fmtNum(stepTime), key: 'step_time' };
  if (inRl(rows)) {
    return [
      step,
      cell(rows, 'reward'),
      cell(rows, 'eval_heldout/pass@1', 'held-out pass@1'),
      cell(rows, 'eval_heldout/accuracy', 'held-out accuracy'),
      cell(rows, 'frac_reward_zero_std', 'no learning signal'),
      cell(rows, 'completions/mean_length', 'completion length'),
      seconds,
    ];
  }
  const s = latestStats(rows);
  return [
    step,
    { label: 'loss', value: fmtNum(s.loss), key: 'loss' },
    {
      label: 'token accuracy',
      value: formatMetric('mean_token_accuracy', s.tokenAccuracy),
      key: 'mean_token_accuracy',
    },
    {
      label: 'held-out accuracy',
      value: formatMetric('eval_heldout/accuracy', s.heldoutAccuracy),
      key: 'eval_heldout/accuracy',
    },
    { label: 'learning rate', value: fmtNum(s.learningRate), key: 'learning_rate' },
    { label: 'tokens/s', value: fmtCount(s.tokensPerSecond) },
    seconds,
  ];
}
