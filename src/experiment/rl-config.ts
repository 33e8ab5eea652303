// The RLVR (GRPO) stage's settings: a plain record with TRL's semantics and names, its frozen default
// (a reason per field) and a validator whose errors name the field ("rl.numGenerations ...").
// Pure TS: no training logic here (that is src/train/grpo.ts), no tfjs.
import { ConfigError } from '../util/errors';
import { checkValue, defaultsOf, isRecord, refuseUnknown, validateSection, type Schema } from '../util/settings';
import { optimizerSettings, type OptimizerConfig } from './optimizer-settings';

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

/** What each reward pays (the rewards editor's hint per reward). */
export const REWARD_REASONS: Readonly<Record<RewardName, string>> = {
  verifiable: "The task's own verifier against the (possibly noisy) label: 1 if correct, else 0.",
  flip: 'The verifiable reward, flipped with probability p ("Spurious Rewards": up to ~40% is tolerated, ~50% collapses).',
  random: 'A coin flip: the control every comparison needs.',
  format: 'Rewards a completion that states at least one step and an answer, whatever they say.',
  majority_vote: 'TTRL: sampled votes elect a pseudo-label; agreeing with it is rewarded. No labels used.',
  self_certainty: "The model's own confidence (logsumexp − mean of logits per token). No labels used.",
  verifiable_steps:
    'Answer and every step correct: the verifiable reward, paid only when the completion states at least one step and every stated step is true.',
};

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

export interface RlConfig extends OptimizerConfig {
  steps: number;
  promptsPerStep: number;
  numGenerations: number;
  maxCompletionLength: number;
  temperature: number;
  topK: number;
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
  evalEvery: number;
  evalSize: number;
  passK: number;
  rolloutsKept: number;
  checkpointEvery: number;
}

export const DEFAULT_FLIP_P = 0.2; // "Spurious Rewards": up to ~40% flipped is tolerated, ~50% collapses

const RL_OPTIMIZER = optimizerSettings({
  lr: {
    default: 3e-4,
    reason:
      'A tenth of the SFT peak: a fresh Adam moves every weight by ~lr at first (1e-2 wrecks a tiny SFT model in one step).',
  },
  warmupSteps: { default: 10, reason: 'A short ramp keeps the first, high-variance updates small.' },
  minLrRatio: {
    default: 1,
    reason: 'Cosine floor as a share of the peak; 1 = constant (a decaying rate would confound saturation dynamics).',
  },
  weightDecay: { default: 0, reason: "TRL's default 0; set > 0 to study weight-norm cleanup." },
  beta1: { default: 0.9, reason: 'Adam default.' },
  beta2: { default: 0.99, reason: 'As in SFT: 0.99 for short runs.' },
  gradClip: { default: 1.0, reason: "Global-norm clipping; TRL's 1.0." },
  logEvery: {
    default: 5,
    reason: 'Each metric read is a CPU-GPU sync point; RL steps are slow enough to log often.',
  },
});

const DEFAULT_REWARDS = Object.freeze([Object.freeze({ name: 'verifiable', weight: 1 })]) as unknown as RewardSpec[];

export const RL_SETTINGS: Schema<RlConfig> = {
  steps: {
    default: 100,
    label: 'RL steps (max_steps)',
    unit: 'steps',
    min: 0,
    max: 100_000,
    step: 10,
    reason: 'GRPO steps after SFT; 0 = no RL stage. 100 shows the reward climb or saturate in a few minutes.',
  },
  promptsPerStep: {
    default: 16,
    label: 'prompts per step (B)',
    unit: 'prompts',
    min: 1,
    max: 256,
    step: 1,
    reason: 'The paper uses 64; 16 × 8 = 128 sequences per step keeps a laptop GPU busy, not swamped.',
  },
  numGenerations: {
    default: 8,
    label: 'num_generations (G)',
    unit: 'completions',
    min: 2,
    max: 64,
    step: 1,
    reason: "Completions per prompt: the paper's 8 (TRL's default too).",
  },
  maxCompletionLength: {
    default: 160,
    label: 'max_completion_length',
    unit: 'tokens',
    min: 1,
    max: 1024,
    step: 8,
    reason: "Tokens per completion; 160 fits every default task's longest rationale.",
  },
  temperature: {
    default: 1.0,
    label: 'temperature',
    min: 0,
    above: true,
    max: 10,
    integer: false,
    step: 'any',
    reason: "TRL and the paper: 1.0 samples from the model's own distribution.",
  },
  topK: {
    default: 0,
    label: 'top_k',
    unit: 'tokens',
    min: 0,
    max: 100,
    step: 1,
    reason: "0 = no truncation: GRPO's ratio assumes the sampling distribution is the policy.",
  },
  lr: RL_OPTIMIZER.lr,
  warmupSteps: RL_OPTIMIZER.warmupSteps,
  minLrRatio: RL_OPTIMIZER.minLrRatio,
  weightDecay: RL_OPTIMIZER.weightDecay,
  beta1: RL_OPTIMIZER.beta1,
  beta2: RL_OPTIMIZER.beta2,
  gradClip: RL_OPTIMIZER.gradClip,
  epsilon: {
    default: 0.2,
    label: 'epsilon',
    min: 0,
    above: true,
    max: 1,
    integer: false,
    step: 0.01,
    reason: 'Clip range of the ratio; TRL and the paper: 0.2.',
  },
  epsilonHigh: {
    default: 0,
    label: 'epsilon_high',
    min: 0,
    max: 10,
    integer: false,
    step: 0.01,
    reason: "0 = the same as epsilon; DAPO's clip-higher uses 0.28.",
  },
  numIterations: {
    default: 1,
    label: 'num_iterations',
    unit: 'updates',
    min: 1,
    max: 16,
    step: 1,
    reason: 'Updates per batch; the paper: 1, on policy (the ratio is then exactly 1).',
  },
  beta: {
    default: 0,
    label: 'beta (KL)',
    min: 0,
    max: 10,
    integer: false,
    step: 'any',
    reason: "KL coefficient to a frozen reference; TRL's default 0 (the paper uses 0.001).",
  },
  scaleRewards: {
    default: 'group',
    label: 'scale_rewards',
    options: SCALE_REWARDS,
    reason: "TRL's default 'group': advantages divided by the group std; 'batch' by the batch std; 'none' not divided.",
  },
  lossType: {
    default: 'dapo',
    label: 'loss_type',
    options: LOSS_TYPES,
    reason: "TRL's default 'dapo': summed over all completion tokens of the batch / their count.",
  },
  maskTruncatedCompletions: {
    default: false,
    label: 'mask_truncated_completions',
    reason: "TRL's default off: completions without EOS are trained on.",
  },
  entropyCoef: {
    default: 0,
    label: 'entropy_coef',
    min: 0,
    max: 10,
    integer: false,
    step: 'any',
    reason: 'Entropy bonus; the paper: none (0).',
  },
  rewards: {
    default: DEFAULT_REWARDS,
    label: 'rewards',
    reason:
      "Reward functions and their weights (TRL's reward_funcs and reward_weights); the default is the task's own verifier.",
    check: (_path, v) => validateRewards(v),
  },
  majorityVotes: {
    default: 16,
    label: 'majority votes',
    unit: 'votes',
    min: 0,
    max: 128,
    step: 1,
    reason: "majority_vote only: votes per prompt, the first G trained on (TTRL's 16); 0 = G.",
  },
  microBatchTokens: {
    default: 8192,
    label: 'micro-batch tokens',
    unit: 'tokens',
    min: 0,
    max: 1_048_576,
    step: 1024,
    reason: 'Padded tokens per forward/backward pass (gradients accumulate); 0 = the whole batch.',
  },
  logEvery: RL_OPTIMIZER.logEvery,
  evalEvery: {
    default: 25,
    label: 'eval_steps',
    unit: 'steps',
    min: 1,
    max: 100_000,
    step: 5,
    reason: 'The paper: greedy validation every 25 steps.',
  },
  evalSize: {
    default: 64,
    label: 'eval prompts',
    unit: 'prompts',
    min: 1,
    max: 4096,
    step: 8,
    reason: 'Held-out prompts per evaluation (and as many out-of-distribution).',
  },
  passK: {
    default: 8,
    label: 'pass@k (k)',
    unit: 'samples',
    min: 1,
    max: 64,
    step: 1,
    reason: 'pass@k from k samples per held-out prompt, as G.',
  },
  rolloutsKept: {
    default: 4,
    label: 'rollouts kept',
    unit: 'prompts',
    min: 0,
    max: 64,
    step: 1,
    reason: 'Prompts (with all their completions) stored per evaluation for the inspector.',
  },
  checkpointEvery: {
    default: 100,
    label: 'save_steps',
    unit: 'steps',
    min: 1,
    max: 100_000,
    step: 10,
    reason: 'Weights + optimizer state this often, and at the end.',
  },
  processFilter: {
    default: 'none',
    omitAtDefault: true,
    label: 'process filter',
    options: PROCESS_FILTERS,
    reason:
      "TRL has no such filter ('none'). 'prof' (PROF, arXiv 2509.03403) leaves out of the loss a completion whose answer and steps disagree: a right answer with a false or no step, or a wrong answer with every step true (and a group's lone survivor).",
  },
};

export const DEFAULT_RL_CONFIG: Readonly<RlConfig> = defaultsOf(RL_SETTINGS);

/** A reward's weight (TRL's reward_weights; negative penalizes) and flip's probability. */
const REWARD_WEIGHT = {
  label: 'weight',
  reason: 'How much this reward counts in the sum.',
  min: -10,
  max: 10,
  integer: false,
};
const FLIP_P = { label: 'p', reason: "The probability a rollout's reward is flipped.", min: 0, max: 1, integer: false };

function validateReward(raw: unknown, i: number): RewardSpec {
  const at = `rl.rewards[${i}]`;
  if (!isRecord(raw))
    throw new ConfigError(
      at,
      `${at} must be an object like { name: "verifiable", weight: 1 }; got ${JSON.stringify(raw)}`,
    );
  const name = checkValue(
    `${at}.name`,
    { label: 'name', reason: '', options: REWARD_NAMES },
    '',
    raw.name,
  ) as RewardName;
  refuseUnknown(at, raw, name === 'flip' ? ['name', 'weight', 'p'] : ['name', 'weight']);
  const weight = checkValue(`${at}.weight`, REWARD_WEIGHT, 1, raw.weight ?? 1) as number;
  if (name !== 'flip') return { name, weight };
  return { name, weight, p: checkValue(`${at}.p`, FLIP_P, DEFAULT_FLIP_P, raw.p ?? DEFAULT_FLIP_P) as number };
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
  const config = validateSection('rl', RL_SETTINGS, raw);
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
