// The thresholds of the phase analysis as one plain record (stored with the run, edited in the UI):
// one table (src/util/settings.ts) gives each threshold's default, reason, bounds and label, the
// validator and the form; the rules written out in words for the UI's info panel. No analysis here (that is phases.ts).
import { ConfigError } from '../util/errors';
import { defaultsOf, isRecord, validateSection, type Schema } from '../util/settings';

export interface PhaseRules {
  /** The training reward to analyse: `reward` (what GRPO optimizes), `train/acc_true`, `mean_token_accuracy`... */
  rewardKey: string;
  /** Share of groups whose rewards are all equal; '' = no such condition. */
  allCorrectKey: string;
  heldoutKey: string;
  /** Accuracy on training prompts; '' or absent from the run = use the smoothed training reward. */
  trainAccKey: string;
  /** The highest reward achievable, or 'observed': the highest smoothed reward seen so far. */
  ceiling: number | 'observed';
  reachFraction: number;
  tolerance: number;
  windowSteps: number;
  minAllCorrectFrac: number;
  riseDelta: number;
  smoothingWeight: number;
  heldoutRiseDelta: number;
  gapThreshold: number;
  minEvalPoints: number;
  minStepsForStalled: number;
}

const metricKey =
  (optional: boolean) =>
  (path: string, value: unknown): string => {
    if (typeof value !== 'string' || value.length > 200 || (!optional && value.length === 0)) {
      const what = optional ? 'a metric name (or empty to leave it out)' : 'a non-empty metric name';
      throw new ConfigError(path, `${path} must be ${what} of at most 200 characters; got ${JSON.stringify(value)}`);
    }
    return value;
  };

export const PHASE_RULE_SETTINGS: Schema<PhaseRules> = {
  rewardKey: {
    default: 'reward',
    label: 'training reward',
    reason: "TRL's name for the mean optimized reward: what saturates is what is trained on.",
    check: metricKey(false),
  },
  allCorrectKey: {
    default: 'frac_reward_zero_std',
    label: 'all-alike metric',
    reason: "TRL's metric; with mean reward >= 0.9 at most 10% of groups can be all-wrong. Empty: no such condition.",
    check: metricKey(true),
  },
  heldoutKey: {
    default: 'eval_heldout/pass@1',
    label: 'held-out metric',
    reason: 'Sampled at the RL temperature on prompts never trained on: measured as the reward is.',
    check: metricKey(false),
  },
  trainAccKey: {
    default: '',
    label: 'training-prompt metric',
    reason: "The gap's train side; empty: the smoothed reward itself, sampled the same way as pass@1.",
    check: metricKey(true),
  },
  ceiling: {
    default: 1,
    label: 'ceiling',
    reason:
      "The verifiable reward is 0/1 per completion, so its mean cannot exceed 1; 'observed': the highest smoothed reward so far.",
    check: (path, value) => {
      if (value === 'observed') return value;
      if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 1e6) return value;
      throw new ConfigError(
        path,
        `${path} must be a positive number (the highest achievable reward) or 'observed'; got ${JSON.stringify(value)}`,
      );
    },
  },
  reachFraction: {
    default: 0.9,
    label: 'reach fraction of ceiling',
    min: 0,
    above: true,
    max: 1,
    integer: false,
    step: 0.05,
    reason: 'Saturated = 90% of the ceiling.',
  },
  tolerance: {
    default: 0.02,
    label: 'plateau tolerance',
    min: 0,
    max: 1e6,
    integer: false,
    step: 0.01,
    reason: "A plateau may wander 0.02 below its running maximum (a 128-rollout mean's noise is ~0.04).",
  },
  windowSteps: {
    default: 50,
    label: 'window (steps)',
    unit: 'steps',
    min: 0,
    max: 1e6,
    integer: true,
    step: 5,
    reason: '10 log points and 2 evaluations at the RL defaults (log 5, eval 25).',
  },
  minAllCorrectFrac: {
    default: 0.7,
    label: 'min frac_reward_zero_std',
    min: 0,
    max: 1,
    integer: false,
    step: 0.05,
    reason: '70% of groups give GRPO no gradient (all rollouts scored alike): learning has stopped.',
  },
  riseDelta: {
    default: 0.05,
    label: 'rise delta',
    min: 0,
    above: true,
    max: 1e6,
    integer: false,
    step: 0.01,
    reason: '+0.05 over the start is a rise, not sampling noise of a smoothed 128-rollout mean.',
  },
  smoothingWeight: {
    default: 0.6,
    label: 'smoothing weight',
    min: 0,
    max: 0.999,
    integer: false,
    step: 0.05,
    reason: "TensorBoard's default slider value.",
  },
  heldoutRiseDelta: {
    default: 0.05,
    label: 'held-out rise delta',
    min: 0,
    max: 1,
    integer: false,
    step: 0.01,
    reason: 'The smallest held-out change that counts, even when its 95% band is narrower.',
  },
  gapThreshold: {
    default: 0.1,
    label: 'gap threshold',
    min: 0,
    max: 1,
    integer: false,
    step: 0.01,
    reason: 'About 2 standard errors of a train-minus-held-out gap averaged over 3 evaluations of 64 samples.',
  },
  minEvalPoints: {
    default: 3,
    label: 'min evaluations',
    min: 1,
    max: 1000,
    integer: true,
    step: 1,
    reason: 'Three evaluations after saturation before judging held-out on its fitted line.',
  },
  minStepsForStalled: {
    default: 100,
    label: 'steps before "stalled"',
    unit: 'steps',
    min: 1,
    max: 1e7,
    integer: true,
    step: 10,
    reason: 'Two saturation windows; a third of a 300-step RL stage.',
  },
};

export const DEFAULT_PHASE_RULES: Readonly<PhaseRules> = defaultsOf(PHASE_RULE_SETTINGS);

/** Validate phase rules; missing fields take their defaults, unknown ones are refused. Throws ConfigError naming the field. */
export function validatePhaseRules(raw: unknown): PhaseRules {
  if (raw !== undefined && !isRecord(raw)) throw new ConfigError('phaseRules', 'phase rules must be an object');
  return validateSection('', PHASE_RULE_SETTINGS, raw);
}

const f = (x: number): string => String(Number(x.toPrecision(6)));
const pct = (x: number): string => `${f(x * 100)}%`;

/** The analysis rules in words, with `rules`' thresholds filled in, in the order they are applied. */
export function regimeRulesText(rules: PhaseRules): string[] {
  const r = rules;
  const ceiling = r.ceiling === 'observed' ? 'the highest smoothed reward seen so far' : f(r.ceiling);
  const frac = r.allCorrectKey
    ? `, and the smoothed ${r.allCorrectKey} (the share of groups whose rollouts all score alike; at such a reward nearly all of them all-correct) is at least ${f(r.minAllCorrectFrac)} at that step (skipped when the run does not log it)`
    : '';
  const smoothed = r.allCorrectKey
    ? `the training reward (${r.rewardKey}) and ${r.allCorrectKey} are`
    : `the training reward (${r.rewardKey}) is`;
  const train = r.trainAccKey
    ? `${r.trainAccKey} (or the smoothed training reward when the run does not log it)`
    : 'the smoothed training reward';
  const evals = `${r.minEvalPoints} evaluation${r.minEvalPoints === 1 ? '' : 's'}`;
  return [
    `Smoothing: ${smoothed} smoothed by TensorBoard's debiased exponential moving average with weight ${f(r.smoothingWeight)}, point by point. Held-out accuracy is not smoothed: evaluations are too sparse.`,
    `Rise: the first step at which the smoothed reward is at least ${f(r.riseDelta)} above its first value and stays there for the next ${r.windowSteps} steps.`,
    `Saturation: the first step at which the smoothed reward is at least ${pct(r.reachFraction)} of the ceiling (${ceiling}), stays within ${f(r.tolerance)} of its running maximum for the next ${r.windowSteps} steps${frac}. It is declared only once those ${r.windowSteps} steps have been logged, and kept if the reward later falls (the reason then says so).${r.ceiling === 'observed' ? ' With the observed ceiling, saturation also needs a rise first.' : ''}`,
    `Pre-saturation length: saturation step minus rise step (minus the first logged step when the reward saturated without a sustained rise).`,
    `Insufficient data: fewer than 2 reward points.`,
    `Stalled: no rise, the reward is now less than ${f(r.riseDelta)} above its first value, and at least ${r.minStepsForStalled} steps have been logged (before that: insufficient data).`,
    `Held-out accuracy is ${r.heldoutKey}${r.heldoutKey === 'eval_heldout/pass@1' ? ' (sampled at the RL temperature, measured as the reward is; greedy eval_heldout/accuracy stands in for a run that never logged it)' : ''}. Its trend runs from its evaluation at the start of the reward's stage to now, the mean of the last two evaluations; a change counts only beyond both ${f(r.heldoutRiseDelta)} and its 95% band (a difference of two proportions on the logged sample counts).`,
    `Memorizing before any ceiling: the reward rose (as below) while held-out accuracy fell beyond its band, from the start or from its peak. Reward up, held-out down is the signature, whatever the reward's level.`,
    `Pre-saturation: a rise (or a reward now at least ${f(r.riseDelta)} above its first value), no saturation yet, and held-out accuracy rising with it or holding within its band.`,
    `After saturation, held-out accuracy is judged on the evaluations at or after the saturation step: its change is the rise of the least-squares line through them, the gap is the mean of ${train} minus held-out accuracy over them. With fewer than ${evals} (and never fewer than 2): insufficient data.`,
    `Post-saturation generalization: held-out accuracy rises by more than ${f(r.heldoutRiseDelta)} (or its band, if wider) after saturation.`,
    `Memorizing after saturation: held-out accuracy falls by more than ${f(r.heldoutRiseDelta)} (or its band) after saturation, or is below its start or peak beyond its band, or stays flat while the gap is above ${f(r.gapThreshold)}.`,
    `Saturated and generalizing: held-out accuracy stays within ±${f(r.heldoutRiseDelta)} after saturation and the gap is at most ${f(r.gapThreshold)}.`,
    `Coupling: Pearson correlation between successive changes of the smoothed reward and of held-out accuracy at the evaluation steps from the rise to saturation (or to now); needs at least ${Math.max(3, r.minEvalPoints)} changes.`,
    `Transfer ratio: held-out gain (last minus first evaluation) divided by the smoothed reward's gain (last minus first point); none while the reward has gained less than ${f(r.riseDelta)}.`,
    `Noise: one evaluation of 64 samples has a standard error of up to 0.06 (0.03 at 256), which is why every held-out change is judged against its band; raise the evaluation size or pass@k samples to narrow it. Nothing here is tuned to reproduce any paper.`,
  ];
}

/** The rules in words with the default thresholds. */
export const REGIME_RULES_TEXT: readonly string[] = Object.freeze(regimeRulesText(DEFAULT_PHASE_RULES));
