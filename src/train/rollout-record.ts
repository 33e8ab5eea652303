// Stored rollouts for the UI's inspector: at an evaluation, a capped sample of the last step's prompts,
// each with all G trained completions, their rewards, advantages and per-step verdicts. Plain data
// (JSON values: IndexedDB and postMessage take them unchanged); no storage here.
import type { RewardName } from '../experiment/rl-config';
import { ANSWER_PREFIX, formatAnswer } from '../tasks/format';
import type { AnyTask } from '../tasks/types';
import type { RewardResult } from './rewards';
import type { Rollouts } from './rollout';

export interface RolloutCompletion {
  text: string;
  /** Ended with EOS (false: truncated). */
  finished: boolean;
  /** The parsed answer (null: none stated). */
  answer: string | null;
  /** The weighted reward the advantage came from. */
  reward: number;
  /** Each configured reward, unweighted. */
  rewards: Partial<Record<RewardName, number>>;
  /** Score against the clean label, whatever was optimized. */
  trueReward: number;
  advantage: number;
  /** Each stated step and whether it is true in the example's world. */
  steps: { text: string; ok: boolean }[];
  /** Do the stated steps entail the stated answer? */
  faithful: boolean;
}

export interface RolloutRecord {
  step: number;
  prompt: string;
  /** The label the verifiable reward used (noisy where `noisy`). */
  label: string;
  cleanLabel: string;
  noisy: boolean;
  /** The majority-vote pseudo-label, when majority_vote was used. */
  pseudoLabel: string | null;
  completions: RolloutCompletion[];
}

const labelText = (l: string | string[]) => formatAnswer(l).slice(ANSWER_PREFIX.length);

/** The first `kept` prompts of a step's rollouts as inspector records (per-step verdicts computed here). */
export function rolloutRecords(step: number, r: Rollouts, rewards: RewardResult, advantages: ArrayLike<number>, task: AnyTask, kept: number): RolloutRecord[] {
  return r.groups.slice(0, kept).map((g, b) => ({
    step,
    prompt: g.item.example.prompt,
    label: labelText(g.item.label),
    cleanLabel: labelText(g.item.cleanLabel),
    noisy: g.item.noisy,
    pseudoLabel: rewards.votes?.[b]?.label ?? null,
    completions: g.samples.slice(0, r.G).map((c, j) => {
      const i = b * r.G + j;
      const verdicts = task.checkSteps(g.item.example, c.parsed);
      const perFunc = Object.fromEntries(Object.entries(rewards.perFunc).map(([name, v]) => [name, v[i]!]));
      return {
        text: c.text, finished: c.finished, answer: c.parsed.answer,
        reward: rewards.total[i]!, rewards: perFunc, trueReward: rewards.trueReward[i]!, advantage: advantages[i]!,
        steps: c.parsed.steps.map((text, k) => ({ text, ok: verdicts[k] ?? false })), faithful: task.faithful(c.parsed),
      };
    }),
  }));
}
