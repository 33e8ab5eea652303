// Reward functions over parsed rollouts, each one number per trained completion, combined by weight
// (TRL's reward_weights). The true reward (scorer vs the clean label) is always computed beside them.
// Pure CPU code: self-certainty comes in precomputed (token-stats.ts), randomness from the seeded RNG.
import type { RewardName, RewardSpec } from '../experiment/rl-config';
import { splitList } from '../tasks/format';
import type { AnyTask, Example, Parsed } from '../tasks/types';
import { rngFor } from '../util/rng';
import { mean, std } from './advantages';
import { stepsVerified } from './process-filter';
import { trainedCompletions, type Completion, type Rollouts } from './rollout';

/** 1 when the completion states at least one step and an answer. */
export function formatReward(parsed: Parsed): number {
  return parsed.steps.length > 0 && parsed.answer !== null ? 1 : 0;
}

/** Each reward replaced by 1 - r with probability p; one uniform draw per row, seeded by (seed, step). */
export function flipRewards(base: readonly number[], p: number, seed: number, step: number): number[] {
  const rng = rngFor(seed, step, 'reward-flip');
  return base.map((r) => (rng.next() < p ? 1 - r : r));
}

/** Bernoulli(0.5) per row, seeded by (seed, step): the control every comparison needs. */
export function randomRewards(n: number, seed: number, step: number): number[] {
  const rng = rngFor(seed, step, 'reward-random');
  return Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
}

/**
 * The vote key of an answer: its sorted set of normalized items ("Kam, Ana" = "ana and kam"; "7." = "7").
 * The same for every question, so the vote never peeks at whether the hidden label is a list.
 */
export function voteKey(answer: string): string {
  return splitList(answer).sort().join('\u0000');
}

export interface Vote {
  /** The winning answer as first stated, or null when no vote parsed to an answer. */
  label: string | null;
  /** Votes for the winner / all votes (TTRL's majority_ratio); 0 without a winner. */
  ratio: number;
}

/**
 * TTRL's pseudo-label: the most common parsed answer among the votes. Unparseable votes (answer null)
 * never win. Tie rule: among equally common answers, the one sampled first wins.
 */
export function majorityVote(answers: readonly (string | null)[]): Vote {
  const counts = new Map<string, { count: number; first: number; text: string }>();
  answers.forEach((a, i) => {
    if (a === null) return;
    const key = voteKey(a);
    const hit = counts.get(key);
    if (hit) hit.count++;
    else counts.set(key, { count: 1, first: i, text: a });
  });
  let best: { count: number; first: number; text: string } | null = null;
  for (const c of counts.values())
    if (!best || c.count > best.count || (c.count === best.count && c.first < best.first)) best = c;
  return best ? { label: best.text, ratio: best.count / answers.length } : { label: null, ratio: 0 };
}

/** A pseudo-label in the form the task's scorer takes for this example (a list where answers are lists). */
function asLabel(label: string, ex: Example): string | string[] {
  return Array.isArray(ex.answer) ? splitList(label) : label;
}

export interface RewardResult {
  /** Per configured reward, one value per trained completion (unweighted, as TRL logs them). */
  perFunc: Partial<Record<RewardName, number[]>>;
  /** sum_k weight_k * perFunc[k]: what the advantages are computed from. */
  total: number[];
  /** The task's scorer against the clean label: logged whatever is optimized. */
  trueReward: number[];
  /** Per group, the majority-vote pseudo-label (majority_vote only). */
  votes: Vote[] | null;
}

interface RewardContext {
  task: AnyTask;
  seed: number;
  step: number;
  /** [N] per trained completion; required when self_certainty is configured. */
  selfCertainty: ArrayLike<number> | null;
}

/** Majority vote per group over all its samples; each trained completion is scored against its group's label. */
function voteRewards(r: Rollouts, task: AnyTask): { rewards: number[]; votes: Vote[] } {
  const votes = r.groups.map((g) => majorityVote(g.samples.map((c) => c.parsed.answer)));
  const rewards = r.groups.flatMap((g, b) => {
    const label = votes[b]!.label;
    return g.samples
      .slice(0, r.G)
      .map((c) => (label === null ? 0 : task.score(g.item.example, c.parsed, asLabel(label, g.item.example))));
  });
  return { rewards, votes };
}

/** One reward per row; verifiable_steps pays the verifiable score only when the steps are verified (process-filter.ts). */
function oneReward(
  spec: RewardSpec,
  rows: { item: Example; label: string | string[]; c: Completion }[],
  ctx: RewardContext,
  votes: { rewards: number[] } | null,
): number[] {
  const verifiable = () => rows.map(({ item, label, c }) => ctx.task.score(item, c.parsed, label));
  switch (spec.name) {
    case 'verifiable':
      return verifiable();
    case 'verifiable_steps':
      return rows.map(({ item, label, c }) =>
        stepsVerified(ctx.task, item, c.parsed) ? ctx.task.score(item, c.parsed, label) : 0,
      );
    case 'flip':
      return flipRewards(verifiable(), spec.p, ctx.seed, ctx.step);
    case 'random':
      return randomRewards(rows.length, ctx.seed, ctx.step);
    case 'format':
      return rows.map(({ c }) => formatReward(c.parsed));
    case 'majority_vote':
      return votes!.rewards;
    case 'self_certainty': {
      if (!ctx.selfCertainty || ctx.selfCertainty.length !== rows.length)
        throw new Error('self_certainty reward needs one self-certainty value per trained completion');
      return Array.from(ctx.selfCertainty);
    }
  }
}

/** Every configured reward, their weighted sum and the true reward, for the trained completions of `r`. */
export function computeRewards(r: Rollouts, specs: readonly RewardSpec[], ctx: RewardContext): RewardResult {
  const rows = trainedCompletions(r).map(({ group, c }) => ({
    item: group.item.example,
    label: group.item.label,
    clean: group.item.cleanLabel,
    c,
  }));
  const voting = specs.some((s) => s.name === 'majority_vote') ? voteRewards(r, ctx.task) : null;
  const perFunc: Partial<Record<RewardName, number[]>> = {};
  const total = rows.map(() => 0);
  for (const spec of specs) {
    const values = oneReward(spec, rows, ctx, voting);
    perFunc[spec.name] = values;
    values.forEach((v, i) => (total[i] = total[i]! + spec.weight * v));
  }
  const trueReward = rows.map(({ item, clean, c }) => ctx.task.score(item, c.parsed, clean));
  return { perFunc, total, trueReward, votes: voting?.votes ?? null };
}

/**
 * Reward metrics of one step: TRL's rewards/<name>/mean and /std (unweighted, unbiased std), the
 * lab's train/acc_true (true reward) and train/noisy_label_fit (on noisy items, the share of completions
 * stating the corrupted label; absent without noisy items), and TTRL's label_accuracy (pseudo-label
 * scores 1 against the clean label) and majority_ratio.
 */
export function rewardMetrics(r: Rollouts, res: RewardResult, task: AnyTask): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, values] of Object.entries(res.perFunc)) {
    out[`rewards/${name}/mean`] = mean(values);
    out[`rewards/${name}/std`] = std(values);
  }
  out['train/acc_true'] = mean(res.trueReward);
  const noisy = trainedCompletions(r).filter(({ group }) => group.item.noisy);
  if (noisy.length > 0)
    out['train/noisy_label_fit'] = mean(
      noisy.map(({ group, c }) => (task.score(group.item.example, c.parsed, group.item.label) >= 1 ? 1 : 0)),
    );
  if (res.votes) {
    const hits = res.votes.map((v, b) => {
      const g = r.groups[b]!;
      return v.label === null
        ? 0
        : task.score(g.item.example, { steps: [], answer: v.label }, g.item.cleanLabel) >= 1
          ? 1
          : 0;
    });
    out.label_accuracy = mean(hits);
    out.majority_ratio = mean(res.votes.map((v) => v.ratio));
  }
  return out;
}
