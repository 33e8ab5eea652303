// Stored rollouts for the UI's inspector: at an evaluation, a capped sample of the last step's prompts,
// each with all G trained completions, their rewards, advantages and per-step verdicts, as the plain
// RolloutRecords of store/types.ts (IndexedDB and postMessage take them unchanged); no storage here.
import { ANSWER_PREFIX, formatAnswer } from '../tasks/format';
import type { RolloutRecord } from '../store/types';
import type { AnyTask } from '../tasks/types';
import type { RewardResult } from './rewards';
import type { Rollouts } from './rollout';

const labelText = (l: string | string[]) => formatAnswer(l).slice(ANSWER_PREFIX.length);

/** The first `kept` prompts of a step's rollouts as inspector records (per-step verdicts computed here). */
export function rolloutRecords(
  step: number,
  r: Rollouts,
  rewards: RewardResult,
  advantages: ArrayLike<number>,
  task: AnyTask,
  kept: number,
): RolloutRecord[] {
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
        text: c.text,
        finished: c.finished,
        answer: c.parsed.answer,
        reward: rewards.total[i]!,
        rewards: perFunc,
        trueReward: rewards.trueReward[i]!,
        advantage: advantages[i]!,
        steps: c.parsed.steps.map((text, k) => ({ text, ok: verdicts[k] ?? false })),
        faithful: task.faithful(c.parsed),
      };
    }),
  }));
}
