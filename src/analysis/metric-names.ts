// Plain names for the logged metric keys: the one table from a stored key (TRL's names, which stay in
// files, links and exports) to the words a student reads, with the unit, and whether the value is a
// fraction of 0 to 1. Charts, legends, the compare picker and tables read labels here; the raw key goes in
// a tooltip. Fractions are written one way everywhere (three decimals, "0.094"). No colours, no charts.

export interface MetricName {
  label: string;
  /** What the number counts, for an axis ("share of prompts, 0–1", "tokens", "s"). */
  unit: string;
  /** A share from 0 to 1 (accuracies, rates): written with three decimals everywhere. */
  fraction: boolean;
}

const SHARE = 'share, 0–1';
const PROMPTS = 'share of prompts, 0–1';
const frac = (label: string, unit = SHARE): MetricName => ({ label, unit, fraction: true });
const num = (label: string, unit: string): MetricName => ({ label, unit, fraction: false });

const SPLITS: Record<string, string> = { heldout: 'held-out', ood: 'out-of-distribution', train: 'training prompts' };

/** Keys in the order a reader wants them: what RL optimizes and what it should improve first. */
const TABLE: [string, MetricName][] = [
  ['reward', num('training reward', 'reward (mean)')],
  ['eval_heldout/pass@1', frac('held-out pass@1 (sampled)', PROMPTS)],
  ['eval_heldout/accuracy', frac('held-out accuracy (greedy)', PROMPTS)],
  ['train/acc_true', frac('true reward (right answers)', 'share of completions with the right answer, 0–1')],
  ['eval_ood/accuracy', frac('out-of-distribution accuracy (greedy)', PROMPTS)],
  ['eval_train/accuracy', frac('training-prompt accuracy (greedy)', PROMPTS)],
  ['eval_heldout/pass@k', frac('held-out pass@k', 'share of prompts with a right answer among k samples, 0–1')],
  [
    'frac_reward_zero_std',
    frac('prompts without learning signal', 'share of prompts whose completions all scored alike, 0–1'),
  ],
  ['eval_faith/entailed', frac('faithfulness (sampled)', 'share whose steps entail their answer, 0–1')],
  ['eval_faith/entailed_greedy', frac('faithfulness (greedy)', 'share whose steps entail their answer, 0–1')],
  ['eval_faith/steps_true', frac('true steps', 'share of stated steps that are true, 0–1')],
  ['eval_div/distinct_answers', num('distinct answers per prompt', 'answers')],
  ['eval_div/distinct_completions', num('distinct completions per prompt', 'completions')],
  ['eval_div/pass_gap', frac('pass@k − pass@1', 'share of prompts, 0–1')],
  ['loss', num('training loss', 'nats/token (SFT) or GRPO loss (RL)')],
  ['mean_token_accuracy', frac('token accuracy', 'share of next tokens right, 0–1')],
  ['reward_std', num('reward spread in a group', 'std of reward')],
  ['kl', num('KL to the reference', 'nats/token')],
  ['entropy', num('entropy', 'nats/token')],
  ['completions/mean_length', num('completion length (mean)', 'tokens')],
  ['completions/min_length', num('completion length (shortest)', 'tokens')],
  ['completions/max_length', num('completion length (longest)', 'tokens')],
  ['completions/clipped_ratio', frac('completions cut at the limit', 'share of completions, 0–1')],
  ['train/noisy_label_fit', frac('fit to noisy labels (rollouts)', PROMPTS)],
  ['eval_train/noisy_label_fit', frac('fit to noisy labels (greedy)', PROMPTS)],
  ['label_accuracy', frac('majority-vote label accuracy', PROMPTS)],
  ['majority_ratio', frac('majority-vote share', 'share of votes, 0–1')],
  ['prof/kept_frac', frac('completions kept by the PROF filter', 'share of completions, 0–1')],
  ['clip_ratio/low_mean', frac('tokens clipped low', 'share of tokens whose ratio fell below 1 − ε, 0–1')],
  ['clip_ratio/high_mean', frac('tokens clipped high', 'share of tokens whose ratio rose above 1 + ε, 0–1')],
  ['clip_ratio/region_mean', frac('tokens clipped', 'share of tokens clipped on either side, 0–1')],
  ['grad_norm', num('gradient norm', 'L2 norm')],
  ['learning_rate', num('learning rate', 'per step')],
  ['eval_weight_norm', num('weight norm', 'L2 norm')],
  ['num_tokens', num('tokens trained on', 'tokens')],
  ['step_time', num('seconds per step', 's')],
  ['sft/target_reached', num('SFT target reached', '1 = yes')],
];
const BY_KEY = new Map(TABLE.map(([k, m], i) => [k, { ...m, rank: i }]));

/** Names of keys made from a pattern: per split, per difficulty, per reward function. */
function patterned(key: string): MetricName | null {
  let m = /^eval_(heldout|ood|train)\/accuracy_d(\d+)$/.exec(key);
  if (m) return frac(`${m[1] === 'train' ? 'training-prompt' : SPLITS[m[1]!]} accuracy, difficulty ${m[2]}`, PROMPTS);
  m = /^eval_(heldout|ood|train)\/(mean_length|num_prompts|num_samples|intermediate_recall)$/.exec(key);
  if (m) {
    const split = SPLITS[m[1]!];
    if (m[2] === 'mean_length') return num(`completion length (${split}, greedy)`, 'tokens');
    if (m[2] === 'intermediate_recall') return frac(`intermediate facts recalled (${split})`);
    return num(`${m[2] === 'num_prompts' ? 'prompts' : 'samples'} evaluated (${split})`, 'count');
  }
  m = /^rewards\/([\w-]+)\/(mean|std)$/.exec(key);
  if (m)
    return num(
      `reward "${m[1]}" (${m[2] === 'mean' ? 'mean' : 'spread'})`,
      m[2] === 'mean' ? 'mean per completion' : 'std',
    );
  return null;
}

/** The plain name of a metric key; a key the table does not know is its own label. */
export function metricName(key: string): MetricName {
  const known = BY_KEY.get(key);
  if (known) return { label: known.label, unit: known.unit, fraction: known.fraction };
  return patterned(key) ?? { label: key, unit: '', fraction: false };
}

export const metricLabel = (key: string): string => metricName(key).label;

/** Keys in reading order: the table's order, then patterned keys, then unknown ones, each group alphabetical after the table. */
export function metricOrder(keys: readonly string[]): string[] {
  const rank = (k: string) => BY_KEY.get(k)?.rank ?? (patterned(k) ? TABLE.length : TABLE.length + 1);
  return [...keys].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A value of `key` as text: fractions, and any other number between 0.001 and 1, with three decimals
 * ("0.094"), so shares and rewards read alike; larger numbers with three significant digits, tiny ones in
 * exponent form.
 */
export function formatMetric(key: string, v: number | null | undefined): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (metricName(key).fraction || (a >= 1e-3 && a < 1) || a === 0) return v.toFixed(3);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(2);
  return Number(v.toPrecision(3)).toString();
}
