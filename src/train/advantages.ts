// GRPO advantages from rewards, exactly as TRL's GRPOTrainer (_generate_and_score_completions):
//   A_i = r_i - mean(r of i's group), divided by (std + 1e-4) unless scale_rewards is "none", where
//   std is the group's ("group") or the whole batch's ("batch") unbiased (Bessel, torch's default) std.
// An optional per-row keep mask (PROF, process-filter.ts) leaves dropped rows out of those statistics.
// Pure numbers on the CPU: rewards come from decoded text, so they are already here. No tfjs.
import type { ScaleRewards } from '../experiment/rl-config';

/** TRL adds this to the std before dividing, so a zero-std group gives zero advantages, not NaN. */
export const STD_EPS = 1e-4;

export interface AdvantageResult {
  /** [N] one per completion, rows grouped by prompt (G consecutive rows per group). */
  advantages: Float32Array;
  /** `reward`: mean reward over the batch. */
  reward: number;
  /** `reward_std`: mean over rows of the std each row was scaled by (the group std for group/none). */
  rewardStd: number;
  /** `frac_reward_zero_std`: share of rows whose std is zero (torch.isclose(std, 0): |std| <= 1e-8). */
  fracZeroStd: number;
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length > 0 ? s / xs.length : NaN;
}

/** Unbiased standard deviation (divides by n - 1, as torch.std); NaN for fewer than 2 values. */
export function std(xs: ArrayLike<number>): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/**
 * Per-row group mean and the std that row is scaled by (group std for group/none, batch std for batch),
 * over the kept rows only; `active` marks the kept rows of groups with at least 2 kept (all rows without `keep`).
 */
function groupStats(rewards: ArrayLike<number>, G: number, scale: ScaleRewards, keep: readonly boolean[] | null) {
  const N = rewards.length;
  const kept = (i: number) => keep === null || keep[i]!;
  const groups: number[][] = []; // kept rows of each group
  const active: boolean[] = [];
  for (let g = 0; g < N; g += G) {
    const rows = Array.from({ length: G }, (_, j) => g + j).filter(kept);
    groups.push(rows);
    for (let j = 0; j < G; j++) active.push(rows.length >= 2 && kept(g + j));
  }
  const batchStd = std(keep === null ? rewards : active.flatMap((on, i) => (on ? [rewards[i]!] : [])));
  const means: number[] = [];
  const stds: number[] = [];
  for (const rows of groups) {
    const values = rows.map((i) => rewards[i]!);
    const m = mean(values);
    const s = scale === 'batch' ? batchStd : std(values);
    for (let j = 0; j < G; j++) {
      means.push(m);
      stds.push(s);
    }
  }
  return { means, stds, active };
}

/**
 * Advantages of N = B * G rewards (group b is rows b*G .. b*G + G - 1) and TRL's reward metrics.
 * With `keep` (one verdict per row), a dropped row and every row of a group with fewer than 2 kept get
 * advantage 0, and the group statistics, reward_std and frac_reward_zero_std cover the other rows only
 * (NaN when none is left); `reward` stays the mean over all rows.
 * Throws if N is not a multiple of G or G < 2 (the std of one sample is undefined).
 */
export function computeAdvantages(
  rewards: ArrayLike<number>,
  G: number,
  scale: ScaleRewards,
  keep: readonly boolean[] | null = null,
): AdvantageResult {
  const N = rewards.length;
  if (G < 2 || N === 0 || N % G !== 0)
    throw new Error(`computeAdvantages needs G >= 2 and a multiple of G rewards; got ${N} rewards, G = ${G}`);
  if (keep !== null && keep.length !== N)
    throw new Error(`computeAdvantages needs one keep verdict per reward; got ${keep.length} for ${N}`);
  const { means, stds, active } = groupStats(rewards, G, scale, keep);
  const advantages = new Float32Array(N);
  let rows = 0;
  let stdSum = 0;
  let zero = 0;
  for (let i = 0; i < N; i++) {
    if (!active[i]) continue;
    const centered = rewards[i]! - means[i]!;
    advantages[i] = scale === 'none' ? centered : centered / (stds[i]! + STD_EPS);
    rows++;
    stdSum += stds[i]!;
    if (Math.abs(stds[i]!) <= 1e-8) zero++;
  }
  return { advantages, reward: mean(rewards), rewardStd: stdSum / rows, fracZeroStd: zero / rows };
}
