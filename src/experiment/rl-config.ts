// The RLVR (GRPO) stage's settings: a plain record with TRL's semantics and names, its frozen default
// (a reason per field) and a validator whose errors name the field ("rl.numGenerations ...").
// Pure TS: no training logic here (that is src/train/grpo.ts), no tfjs.
import { ConfigError } from '../util/errors';
import { checkChoice, checkRangeField, isRecord, refuseUnknown, type Range } from './fields';

/** Reward functions a run can combine (weighted sum, as TRL's reward_weights). */
export const REWARD_NAMES = [
  'verifiable',
  'flip',
  'random',
  'format',
  'majority_vote',
  'self_certainty',
  'verifiable_steps',
] as const;
export type RewardName = (typeof REWARD_NAMES)[number];

/** One weighted reward function. Only `flip` has a parameter: the probability a rollout's reward is flipped. */
export type RewardSpec =
  { name: Exclude<RewardName, 'flip'>; weight: number } | { name: 'flip'; weight: number; p: number };

export const SCALE_REWARDS = ['group', 'batch', 'none'] as const;
export type ScaleRewards = (typeof SCALE_REWARDS)[number];
export const LOSS_TYPES = ['grpo', 'bnpo', 'dr_grpo', 'dapo'] as const;
export type LossType = (typeof LOSS_TYPES)[number];
/** 'prof': a completion whose outcome and steps disagree is left out of the loss (src/train/process-filter.ts). */
export const PROCESS_FILTERS = ['none', 'prof'] as const;
export type ProcessFilter = (typeof PROCESS_FILTERS)[number];

export interface RlConfig {
  steps: number;
  promptsPerStep: number;
  numGenerations: number;
  maxCompletionLength: number;
  temperature: number;
  topK: number;
  lr: number;
  warmupSteps: number;
  minLrRatio: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  gradClip: number;
  epsilon: number;
  /** 0 = the same as epsilon (TRL: epsilon_high defaults to epsilon). */
  epsilonHigh: number;
  numIterations: number;
  beta: number;
  scaleRewards: ScaleRewards;
  lossType: LossType;
  maskTruncatedCompletions: boolean;
  entropyCoef: number;
  rewards: RewardSpec[];
  /** Absent = 'none'; left out when 'none', so configs saved before the filter existed serialize the same. */
  processFilter?: ProcessFilter;
  /** majority_vote only: votes sampled per prompt; the first numGenerations are trained on. 0 = numGenerations. */
  majorityVotes: number;
  /** Padded tokens per forward/backward pass (rows = floor(this / length); gradients accumulate); 0 = the whole batch. */
  microBatchTokens: number;
  logEvery: number;
  evalEvery: number;
  evalSize: number;
  passK: number;
  rolloutsKept: number;
  checkpointEvery: number;
}

export const DEFAULT_FLIP_P = 0.2; // "Spurious Rewards": up to ~40% flipped is tolerated, ~50% collapses

export const DEFAULT_RL_CONFIG: Readonly<RlConfig> = Object.freeze({
  steps: 100, // after SFT: long enough to see the reward climb or saturate in a few minutes (the paper runs ~500; presets go longer)
  promptsPerStep: 16, // B: the paper uses 64; 16 x 8 = 128 sequences per step keeps a laptop GPU busy, not swamped
  numGenerations: 8, // G: the paper's 8 rollouts per prompt (TRL's default is 8 too)
  maxCompletionLength: 160, // the SFT evaluation budget: fits every default task's longest rationale
  temperature: 1.0, // TRL and the paper: sample from the model's own distribution
  topK: 0, // no truncation: GRPO's ratio assumes the sampling distribution is the policy
  lr: 3e-4, // a tenth of the SFT peak (3e-3): a fresh Adam moves every weight by ~lr at first; 1e-2 wrecked a tiny SFT model in one step
  warmupSteps: 10, // a short ramp keeps the first, high-variance updates small
  minLrRatio: 1, // constant after warmup: a decaying rate would confound saturation dynamics
  weightDecay: 0, // TRL's default; set > 0 to study weight-norm cleanup
  beta1: 0.9, // Adam defaults
  beta2: 0.99, // as in SFT: short runs
  gradClip: 1.0, // TRL's max_grad_norm
  epsilon: 0.2, // TRL and the paper: clip 0.2
  epsilonHigh: 0, // same as epsilon; DAPO's clip-higher uses 0.28
  numIterations: 1, // the paper: one on-policy update per batch (the ratio is then exactly 1)
  beta: 0, // TRL's default (the paper uses 0.001): no reference model needed
  scaleRewards: 'group', // TRL's default: advantages divided by the group std
  lossType: 'dapo', // TRL's default: sum over all completion tokens of the batch / their count
  maskTruncatedCompletions: false, // TRL's default: truncated completions are trained on
  entropyCoef: 0, // the paper: no entropy bonus
  rewards: Object.freeze([Object.freeze({ name: 'verifiable', weight: 1 })]) as unknown as RewardSpec[], // the task's own verifier
  majorityVotes: 16, // TTRL's recipe as in the paper: 16 votes, 8 of them trained on
  microBatchTokens: 8192, // SFT's 32 x 256: one pass for short tasks (128 x 64), four for 256-token multi_hop rows
  logEvery: 5, // each metric read is a CPU-GPU sync point; RL steps are slow enough to log often
  evalEvery: 25, // the paper: greedy validation every 25 steps
  evalSize: 64, // held-out prompts per evaluation (and as many out-of-distribution)
  passK: 8, // pass@8 from 8 samples per held-out prompt, as G
  rolloutsKept: 4, // prompts (with all their completions) stored per evaluation for the inspector
  checkpointEvery: 100, // weights + optimizer state this often, and at the end
}) as RlConfig;

const RANGES: Record<string, Range> = {
  steps: { min: 0, max: 100_000, integer: true }, // 0 = no RL stage
  promptsPerStep: { min: 1, max: 256, integer: true },
  numGenerations: { min: 2, max: 64, integer: true },
  maxCompletionLength: { min: 1, max: 1024, integer: true },
  temperature: { min: 0, max: 10, integer: false, above: true },
  topK: { min: 0, max: 100, integer: true },
  lr: { min: 1e-8, max: 1, integer: false },
  warmupSteps: { min: 0, max: 100_000, integer: true },
  minLrRatio: { min: 0, max: 1, integer: false },
  weightDecay: { min: 0, max: 10, integer: false },
  beta1: { min: 0, max: 0.9999, integer: false },
  beta2: { min: 0, max: 0.99999, integer: false },
  gradClip: { min: 0, max: 1e6, integer: false },
  epsilon: { min: 0, max: 1, integer: false, above: true },
  epsilonHigh: { min: 0, max: 10, integer: false },
  numIterations: { min: 1, max: 16, integer: true },
  beta: { min: 0, max: 10, integer: false },
  entropyCoef: { min: 0, max: 10, integer: false },
  majorityVotes: { min: 0, max: 128, integer: true },
  microBatchTokens: { min: 0, max: 1_048_576, integer: true },
  logEvery: { min: 1, max: 100_000, integer: true },
  evalEvery: { min: 1, max: 100_000, integer: true },
  evalSize: { min: 1, max: 4096, integer: true },
  passK: { min: 1, max: 64, integer: true },
  rolloutsKept: { min: 0, max: 64, integer: true },
  checkpointEvery: { min: 1, max: 100_000, integer: true },
};

function validateReward(raw: unknown, i: number): RewardSpec {
  const at = `rl.rewards[${i}]`;
  if (!isRecord(raw))
    throw new ConfigError(
      at,
      `${at} must be an object like { name: "verifiable", weight: 1 }; got ${JSON.stringify(raw)}`,
    );
  const name = checkChoice(`${at}.name`, raw.name, REWARD_NAMES);
  refuseUnknown(at, raw, name === 'flip' ? ['name', 'weight', 'p'] : ['name', 'weight']);
  const weight = checkRangeField(`${at}.weight`, raw.weight ?? 1, { min: -10, max: 10, integer: false });
  if (name !== 'flip') return { name, weight };
  return { name, weight, p: checkRangeField(`${at}.p`, raw.p ?? DEFAULT_FLIP_P, { min: 0, max: 1, integer: false }) };
}

function validateRewards(raw: unknown): RewardSpec[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError(
      'rl.rewards',
      `rl.rewards must be a non-empty list of rewards (known: ${REWARD_NAMES.join(', ')}); got ${JSON.stringify(raw)}`,
    );
  }
  const specs = raw.map(validateReward);
  const seen = new Set<string>();
  specs.forEach((s, i) => {
    if (seen.has(s.name))
      throw new ConfigError(`rl.rewards[${i}].name`, `rl.rewards lists ${s.name} twice; give it one weight`);
    seen.add(s.name);
  });
  if (specs.every((s) => s.weight === 0))
    throw new ConfigError('rl.rewards', 'rl.rewards: at least one reward needs a non-zero weight');
  return specs;
}

/** Cross-field rules, each naming the field a user most likely has to change. */
function checkRelations(c: RlConfig): void {
  if (c.majorityVotes !== 0 && c.majorityVotes < c.numGenerations) {
    throw new ConfigError(
      'rl.majorityVotes',
      `rl.majorityVotes must be 0 (= rl.numGenerations) or at least rl.numGenerations (${c.numGenerations}); got ${c.majorityVotes}`,
    );
  }
  if (c.steps > 0 && c.warmupSteps > c.steps)
    throw new ConfigError('rl.warmupSteps', `rl.warmupSteps (${c.warmupSteps}) must be at most rl.steps (${c.steps})`);
}

/** Validate a raw (possibly partial) RL config; missing fields take their defaults. Throws ConfigError naming the field. */
export function validateRlConfig(raw: unknown): RlConfig {
  const rec = raw === undefined || raw === null ? {} : raw;
  if (!isRecord(rec)) throw new ConfigError('rl', `rl must be an object of settings; got ${JSON.stringify(raw)}`);
  refuseUnknown('rl', rec, [...Object.keys(DEFAULT_RL_CONFIG), 'processFilter']);
  const d = DEFAULT_RL_CONFIG;
  const out = { ...d } as Record<string, unknown>;
  for (const [key, range] of Object.entries(RANGES))
    out[key] = checkRangeField(`rl.${key}`, rec[key] ?? d[key as keyof RlConfig], range);
  out.scaleRewards = checkChoice('rl.scaleRewards', rec.scaleRewards ?? d.scaleRewards, SCALE_REWARDS);
  out.lossType = checkChoice('rl.lossType', rec.lossType ?? d.lossType, LOSS_TYPES);
  // TRL has no such filter ('none', left out); 'prof' drops completions whose outcome and steps disagree (PROF, arXiv 2509.03403)
  const filter = checkChoice('rl.processFilter', rec.processFilter ?? 'none', PROCESS_FILTERS);
  if (filter !== 'none') out.processFilter = filter;
  const mask = rec.maskTruncatedCompletions ?? d.maskTruncatedCompletions;
  if (typeof mask !== 'boolean')
    throw new ConfigError(
      'rl.maskTruncatedCompletions',
      `rl.maskTruncatedCompletions must be true or false; got ${JSON.stringify(mask)}`,
    );
  out.maskTruncatedCompletions = mask;
  if (rec.epsilonHigh === null) out.epsilonHigh = 0; // TRL's None: the same as epsilon
  out.rewards = validateRewards(rec.rewards ?? d.rewards);
  const config = out as unknown as RlConfig;
  checkRelations(config);
  return config;
}

/** epsilon_high as used by the loss: 0 means "the same as epsilon". */
export function epsilonHighOf(c: Pick<RlConfig, 'epsilon' | 'epsilonHigh'>): number {
  return c.epsilonHigh > 0 ? c.epsilonHigh : c.epsilon;
}

/** Sequences sampled per prompt: the vote count when majority_vote is used, else numGenerations. */
export function samplesPerPrompt(c: Pick<RlConfig, 'rewards' | 'majorityVotes' | 'numGenerations'>): number {
  const voting = c.rewards.some((r) => r.name === 'majority_vote' && r.weight !== 0);
  return voting && c.majorityVotes > 0 ? Math.max(c.majorityVotes, c.numGenerations) : c.numGenerations;
}
