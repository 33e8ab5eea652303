// Each preset's verdict rule, beside the presets it judges (presets.ts): the conditions its paper's
// claim makes testable, each a number per seed that must exceed a threshold, and the phase rules its
// runs are analysed with. Thresholds are fixed here, for every arm alike, before any run is looked at.
// Rule data only: the findings report (src/cli/report/verdicts.ts) applies it to run summaries.
import type { PhaseRules } from '../analysis/phases';
import type { RunNumbers } from '../analysis/run-summary';
import { linearFit } from '../analysis/stats';
import {
  CLIMB_MIN,
  GAP_MIN,
  PEAK_FALL_MIN,
  REWARD_RISE_MIN,
  SATURATION_LEVEL,
  climb,
  climbBeyondNoise,
  fallBeyondNoise,
  memorizationMargin,
  peakReward,
  rewardGain,
} from './phases-claim';

/**
 * Accuracy differences must exceed this to count: about one standard error of an accuracy measured
 * on 64 prompts (sqrt(0.25 / 64) = 0.0625), so a difference inside evaluation noise never decides.
 */
export const ACC_MARGIN = 0.05;

/** One seed's runs by arm id. */
export type Arms = Readonly<Record<string, RunNumbers>>;

export interface Condition {
  id: string;
  /** The rule in words, with its threshold. */
  text: string;
  unit: 'accuracy' | 'steps' | 'accuracy per difficulty';
  threshold: number;
  /** The number for one seed (the arms' runs of that seed); the condition holds when it is > threshold. Null: not measurable. */
  value(arms: Arms): number | null;
}

export interface Claim {
  /** What is measured, in words (the report's "metric that tests it"). */
  metric: string;
  /** Arms every seed must have a completed run of. */
  arms: string[];
  conditions: Condition[];
}

const acc = (a: RunNumbers | undefined, k: 'heldout' | 'ood') => a?.final[k] ?? null;
const sub = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined ? null : a - b;
/** Saturation step of the optimized reward, or the end of RL when it never saturated. */
const satOrEnd = (r: RunNumbers | undefined) => (r ? (r.phases.saturationStep ?? r.lastStep) - (r.rlStart ?? 0) : null);

function gainGt(id: string, hi: string, lo: string, what = 'held-out gain over RL'): Condition {
  return {
    id,
    text: `${what}: ${hi} minus ${lo} > ${ACC_MARGIN}`,
    unit: 'accuracy',
    threshold: ACC_MARGIN,
    value: (a) => sub(a[hi]?.heldoutGain, a[lo]?.heldoutGain),
  };
}
function finalGt(id: string, hi: string, lo: string, split: 'heldout' | 'ood' = 'heldout'): Condition {
  return {
    id,
    text: `final ${split === 'heldout' ? 'held-out' : 'OOD'} accuracy: ${hi} minus ${lo} > ${ACC_MARGIN}`,
    unit: 'accuracy',
    threshold: ACC_MARGIN,
    value: (a) => sub(acc(a[hi], split), acc(a[lo], split)),
  };
}
function saturatesEarlier(id: string, proxy: string): Condition {
  return {
    id,
    text: `steps from the start of RL to saturation of the optimized reward (end of RL if never): verifiable minus ${proxy} > 0`,
    unit: 'steps',
    threshold: 0,
    value: (a) => sub(satOrEnd(a.verifiable), satOrEnd(a[proxy])),
  };
}

/** Least-squares slope of held-out and OOD accuracy gains against difficulty, over every stratum of the run. */
export function gainSlope(r: RunNumbers | undefined): number | null {
  if (!r || r.strata.length < 2) return null;
  return (
    linearFit(
      r.strata.map((s) => s.difficulty),
      r.strata.map((s) => s.after - s.before),
    )?.slope ?? null
  );
}

export const CLAIMS: Readonly<Record<string, Claim>> = {
  phases: {
    metric:
      'Held-out pass@1 (sampled at the RL temperature, as the reward is; 95% band from its sample count) beside the smoothed training reward over RL: ' +
      'the many-prompt arm must climb with its reward (pre-saturation); the few-prompt arm must saturate and then memorize.',
    arms: ['many', 'few', 'quick'],
    conditions: [
      {
        id: 'climb',
        text: `many: held-out pass@1 gain over RL (mean of the last two evaluations minus the pre-RL one) > ${CLIMB_MIN}`,
        unit: 'accuracy',
        threshold: CLIMB_MIN,
        value: (a) => climb(a.many),
      },
      {
        id: 'climb_beyond_noise',
        text: 'many: that gain minus its 95% band > 0',
        unit: 'accuracy',
        threshold: 0,
        value: (a) => climbBeyondNoise(a.many),
      },
      {
        id: 'climb_with_reward',
        text: `many: smoothed reward gain over RL > ${REWARD_RISE_MIN}`,
        unit: 'accuracy',
        threshold: REWARD_RISE_MIN,
        value: (a) => rewardGain(a.many),
      },
      {
        id: 'saturates',
        text: `few: highest smoothed reward > ${SATURATION_LEVEL} (of a ceiling of 1)`,
        unit: 'accuracy',
        threshold: SATURATION_LEVEL,
        value: (a) => peakReward(a.few),
      },
      {
        id: 'memorizes',
        text: `few, after its smoothed reward first reaches ${SATURATION_LEVEL}: the larger of (held-out peak minus now, minus ${PEAK_FALL_MIN}) and (mean smoothed reward minus held-out, minus ${GAP_MIN}) > 0`,
        unit: 'accuracy',
        threshold: 0,
        value: (a) => memorizationMargin(a.few),
      },
      {
        id: 'quick_reward_rises',
        text: `quick: smoothed reward gain over RL > ${REWARD_RISE_MIN}`,
        unit: 'accuracy',
        threshold: REWARD_RISE_MIN,
        value: (a) => rewardGain(a.quick),
      },
      {
        id: 'quick_heldout_falls',
        text: 'quick: fall of held-out pass@1 over RL (pre-RL minus the mean of the last two evaluations) minus its 95% band > 0',
        unit: 'accuracy',
        threshold: 0,
        value: (a) => fallBeyondNoise(a.quick),
      },
    ],
  },
  scarce_data: {
    metric:
      'Held-out accuracy gain over RL (last evaluation minus the pre-RL one) and pre-saturation length of the training reward (phase analysis), N = 8 vs N = 512.',
    arms: ['n8', 'n512'],
    conditions: [
      gainGt('gain', 'n512', 'n8'),
      {
        id: 'pre_saturation',
        text: 'pre-saturation length (steps): n512 minus n8 > 0',
        unit: 'steps',
        threshold: 0,
        value: (a) => sub(a.n512?.preSaturation, a.n8?.preSaturation),
      },
    ],
  },
  label_noise: {
    metric:
      'Final held-out accuracy per noise level, and the rise of eval_train/noisy_label_fit (answers matching the corrupted label) over RL at gamma = 0.7.',
    arms: ['g0', 'g03', 'g07'],
    conditions: [
      {
        id: 'tolerated',
        text: `moderate noise is tolerated: final held-out accuracy g03 minus g0 > -${ACC_MARGIN}`,
        unit: 'accuracy',
        threshold: -ACC_MARGIN,
        value: (a) => sub(acc(a.g03, 'heldout'), acc(a.g0, 'heldout')),
      },
      {
        id: 'fits_wrong',
        text: `high noise fits the wrong labels: g07's noisy_label_fit rises over RL by > ${ACC_MARGIN}`,
        unit: 'accuracy',
        threshold: ACC_MARGIN,
        value: (a) => a.g07?.noisyFitGain ?? null,
      },
      finalGt('heldout_falls', 'g0', 'g07'),
    ],
  },
  proxy_rewards: {
    metric:
      'Held-out gain over RL and how soon the optimized reward saturates (phase analysis with the observed ceiling, as the proxy rewards are not 0/1), proxy arms vs verifiable.',
    arms: ['verifiable', 'majority', 'certainty'],
    conditions: [
      gainGt('gain_majority', 'verifiable', 'majority'),
      gainGt('gain_certainty', 'verifiable', 'certainty'),
      saturatesEarlier('sat_majority', 'majority'),
      saturatesEarlier('sat_certainty', 'certainty'),
    ],
  },
  random_reward: {
    metric: 'Held-out gain over RL with a random reward, alone and against the verifiable reward.',
    arms: ['verifiable', 'random'],
    conditions: [
      {
        id: 'random_gain',
        text: `the random reward still raises held-out accuracy: random's gain > ${ACC_MARGIN}`,
        unit: 'accuracy',
        threshold: ACC_MARGIN,
        value: (a) => a.random?.heldoutGain ?? null,
      },
      gainGt('verifiable_better', 'verifiable', 'random'),
    ],
  },
  sft_traces: {
    metric: 'Final held-out accuracy after RL, SFT on traces vs answer-only SFT vs no SFT.',
    arms: ['traces', 'answer_only', 'no_sft'],
    conditions: [finalGt('vs_answer_only', 'traces', 'answer_only'), finalGt('vs_no_sft', 'traces', 'no_sft')],
  },
  cpt_sft: {
    metric: 'Final held-out and OOD accuracy after RL, with and without the CPT stage.',
    arms: ['sft', 'cpt_sft'],
    conditions: [finalGt('heldout', 'cpt_sft', 'sft'), finalGt('ood', 'cpt_sft', 'sft', 'ood')],
  },
  paro: {
    metric:
      'Held-out accuracy at the SFT boundary (SFT alone) and after RL (SFT+RL): few pattern rationales vs ten times more varied ones vs inconsistent ones.',
    arms: ['pattern_few', 'varied_many', 'inconsistent'],
    conditions: [
      {
        id: 'pattern_matches_varied',
        text: `after RL, pattern_few is within ${ACC_MARGIN} of varied_many: -|difference| > -${ACC_MARGIN}`,
        unit: 'accuracy',
        threshold: -ACC_MARGIN,
        value: (a) => {
          const d = sub(acc(a.pattern_few, 'heldout'), acc(a.varied_many, 'heldout'));
          return d === null ? null : -Math.abs(d);
        },
      },
      finalGt('beats_inconsistent', 'pattern_few', 'inconsistent'),
      {
        id: 'sft_more_sensitive',
        text: `SFT alone depends more on the rationale set than SFT+RL: (varied_many minus pattern_few) at the SFT boundary, minus the same after RL, > ${ACC_MARGIN} (the arms differ in style and count together)`,
        unit: 'accuracy',
        threshold: ACC_MARGIN,
        value: (a) =>
          sub(
            sub(a.varied_many?.preRl.heldout, a.pattern_few?.preRl.heldout),
            sub(acc(a.varied_many, 'heldout'), acc(a.pattern_few, 'heldout')),
          ),
      },
    ],
  },
  multi_hop_depth: {
    metric:
      'Accuracy gain over RL per difficulty stratum (held-out and OOD splits), and on the OOD split of difficulties never trained on.',
    arms: ['rl'],
    conditions: [
      {
        id: 'ood_gain',
        text: `RL raises OOD (untrained difficulty) accuracy by > ${ACC_MARGIN}`,
        unit: 'accuracy',
        threshold: ACC_MARGIN,
        value: (a) => a.rl?.oodGain ?? null,
      },
      {
        id: 'harder_gain_more',
        text: 'the gain grows with difficulty: least-squares slope of per-stratum gain vs difficulty > 0',
        unit: 'accuracy per difficulty',
        threshold: 0,
        value: (a) => gainSlope(a.rl),
      },
    ],
  },
};

/**
 * Phase rules per preset: the analysis defaults, except that the proxy-reward preset uses the observed
 * ceiling for every arm (self-certainty is not a 0/1 reward, so "90% of 1" would mean nothing for it).
 */
export function rulesFor(presetId: string): Partial<PhaseRules> {
  return presetId === 'proxy_rewards' ? { ceiling: 'observed' } : {};
}
