// GRPO advantages from rewards, exactly as TRL's GRPOTrainer (_generate_and_score_completions):
//   A_i = r_i - mean(r of i's group), divided by (std + 1e-4) unless scale_rewards is "none", where
//   std is the group's ("group") or the whole batch's ("batch") unbiased (Bessel, torch's default) std.
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

/** Per-row group mean and the std that row is scaled by (group std for group/none, batch std for batch). */
function groupStats(rewards: ArrayLike<number>, G: number, scale: ScaleRewards): { means: number[]; stds: number[] } {
  const N = rewards.length;
  const batchStd = std(rewards);
  const means: number[] = [];
  const stds: number[] = [];
  for (let g = 0; g < N; g += G) {
    const group = Array.from({ length: G }, (_, j) => rewards[g + j]!);
    const m = mean(group);
    const s = scale === 'batch' ? batchStd : std(group);
    for (let j = 0; j < G; j++) {
      means.push(m);
      stds.push(s);
    }
  }
  return { means, stds };
}

/**
 * Advantages of N = B * G rewards (group b is rows b*G .. b*G + G - 1) and TRL's reward metrics.
 * Throws if N is not a multiple of G or G < 2 (the std of one sample is undefined).
 */
export function computeAdvantages(rewards: ArrayLike<number>, G: number, scale: ScaleRewards): AdvantageResult {
  const N = rewards.length;
  if (G < 2 || N === 0 || N % G !== 0) throw new Error(`computeAdvantages needs G >= 2 and a multiple of G rewards; got ${N} rewards, G = ${G}`);
  const { means, stds } = groupStats(rewards, G, scale);
  const advantages = new Float32Array(N);
  let zero = 0;
  for (let i = 0; i < N; i++) {
    const centered = rewards[i]! - means[i]!;
    advantages[i] = scale === 'none' ? centered : centered / (stds[i]! + STD_EPS);
    if (Math.abs(stds[i]!) <= 1e-8) zero++;
  }
  return { advantages, reward: mean(rewards), rewardStd: mean(stds), fracZeroStd: zero / N };
}
