// Labels (with TRL's names, so users coming from TRL find their knobs) and help text for the RL and
// CPT sections of the config panel. The hints repeat the reasons given next to each default in
// src/experiment/rl-config.ts and cpt-config.ts. The validators decide what is allowed; min/step only shape inputs.
import type { CptConfig } from '../experiment/cpt-config';
import type { RewardName, RlConfig } from '../experiment/rl-config';
import type { FieldMeta } from './config-fields';

export type RlNumberKey = { [K in keyof RlConfig]-?: RlConfig[K] extends number ? K : never }[keyof RlConfig];

export const RL_FIELDS: Record<RlNumberKey, FieldMeta> = {
  steps: {
    label: 'RL steps (max_steps)',
    hint: 'GRPO steps after SFT; 0 = no RL stage. 100 shows the reward climb or saturate in a few minutes.',
    min: 0,
    step: 10,
  },
  promptsPerStep: {
    label: 'prompts per step (B)',
    hint: 'The paper uses 64; 16 × 8 = 128 sequences per step keeps a laptop GPU busy, not swamped.',
    min: 1,
    step: 1,
  },
  numGenerations: {
    label: 'num_generations (G)',
    hint: "Completions per prompt: the paper's 8 (TRL's default too).",
    min: 2,
    step: 1,
  },
  maxCompletionLength: {
    label: 'max_completion_length',
    hint: "Tokens per completion; 160 fits every default task's longest rationale.",
    min: 1,
    step: 8,
  },
  temperature: {
    label: 'temperature',
    hint: "TRL and the paper: 1.0 samples from the model's own distribution.",
    min: 0,
    step: 'any',
  },
  topK: {
    label: 'top_k',
    hint: "0 = no truncation: GRPO's ratio assumes the sampling distribution is the policy.",
    min: 0,
    step: 1,
  },
  lr: {
    label: 'learning_rate',
    hint: 'A tenth of the SFT peak: a fresh Adam moves every weight by ~lr at first.',
    min: 0,
    step: 'any',
  },
  warmupSteps: {
    label: 'warmup_steps',
    hint: 'A short ramp keeps the first, high-variance updates small.',
    min: 0,
    step: 1,
  },
  minLrRatio: {
    label: 'min_lr_rate',
    hint: 'Cosine floor as a share of the peak; 1 = constant (a decaying rate would confound saturation dynamics).',
    min: 0,
    max: 1,
    step: 0.05,
  },
  weightDecay: {
    label: 'weight_decay',
    hint: "TRL's default 0; set > 0 to study weight-norm cleanup.",
    min: 0,
    step: 'any',
  },
  beta1: { label: 'adam_beta1', hint: 'Adam default.', min: 0, max: 0.9999, step: 'any' },
  beta2: { label: 'adam_beta2', hint: 'As in SFT: 0.99 for short runs.', min: 0, max: 0.99999, step: 'any' },
  gradClip: { label: 'max_grad_norm', hint: "Global-norm clipping; TRL's 1.0.", min: 0, step: 'any' },
  epsilon: { label: 'epsilon', hint: 'Clip range of the ratio; TRL and the paper: 0.2.', min: 0, max: 1, step: 0.01 },
  epsilonHigh: {
    label: 'epsilon_high',
    hint: "0 = the same as epsilon; DAPO's clip-higher uses 0.28.",
    min: 0,
    step: 0.01,
  },
  numIterations: {
    label: 'num_iterations',
    hint: 'Updates per batch; the paper: 1, on policy (the ratio is then exactly 1).',
    min: 1,
    step: 1,
  },
  beta: {
    label: 'beta (KL)',
    hint: "KL coefficient to a frozen reference; TRL's default 0 (the paper uses 0.001).",
    min: 0,
    step: 'any',
  },
  entropyCoef: { label: 'entropy_coef', hint: 'Entropy bonus; the paper: none (0).', min: 0, step: 'any' },
  majorityVotes: {
    label: 'majority votes',
    hint: "majority_vote only: votes per prompt, the first G trained on (TTRL's 16); 0 = G.",
    min: 0,
    step: 1,
  },
  microBatchTokens: {
    label: 'micro-batch tokens',
    hint: 'Padded tokens per forward/backward pass (gradients accumulate); 0 = the whole batch.',
    min: 0,
    step: 1024,
  },
  logEvery: {
    label: 'logging_steps',
    hint: 'Each metric read is a CPU-GPU sync point; RL steps are slow enough to log often.',
    min: 1,
    step: 1,
  },
  evalEvery: { label: 'eval_steps', hint: 'The paper: greedy validation every 25 steps.', min: 1, step: 5 },
  evalSize: {
    label: 'eval prompts',
    hint: 'Held-out prompts per evaluation (and as many out-of-distribution).',
    min: 1,
    step: 8,
  },
  passK: { label: 'pass@k (k)', hint: 'pass@k from k samples per held-out prompt, as G.', min: 1, step: 1 },
  rolloutsKept: {
    label: 'rollouts kept',
    hint: 'Prompts (with all their completions) stored per evaluation for the inspector.',
    min: 0,
    step: 1,
  },
  checkpointEvery: {
    label: 'save_steps',
    hint: 'Weights + optimizer state this often, and at the end.',
    min: 1,
    step: 10,
  },
};

/** Always shown; the rest sits in "More settings" groups. */
export const RL_MAIN: readonly RlNumberKey[] = [
  'steps',
  'promptsPerStep',
  'numGenerations',
  'maxCompletionLength',
  'lr',
  'evalEvery',
  'evalSize',
];
export const RL_GROUPS: readonly { title: string; keys: readonly RlNumberKey[] }[] = [
  { title: 'Sampling', keys: ['temperature', 'topK'] },
  { title: 'Optimizer', keys: ['warmupSteps', 'minLrRatio', 'weightDecay', 'beta1', 'beta2', 'gradClip'] },
  { title: 'GRPO loss', keys: ['epsilon', 'epsilonHigh', 'numIterations', 'beta', 'entropyCoef'] },
  {
    title: 'Logging, evaluation, memory',
    keys: ['logEvery', 'passK', 'rolloutsKept', 'checkpointEvery', 'microBatchTokens'],
  },
];

export const SCALE_REWARDS_HINT =
  "TRL's default 'group': advantages divided by the group std; 'batch' by the batch std; 'none' not divided.";
export const LOSS_TYPE_HINT = "TRL's default 'dapo': summed over all completion tokens of the batch / their count.";
export const MASK_TRUNCATED_HINT = "TRL's default off: completions without EOS are trained on.";
export const PROCESS_FILTER_HINT =
  "TRL has no such filter ('none'). 'prof' (PROF, arXiv 2509.03403) leaves out of the loss a completion whose answer and steps disagree: a right answer with a false or no step, or a wrong answer with every step true (and a group's lone survivor).";

export const REWARD_HINTS: Record<RewardName, string> = {
  verifiable: "The task's own verifier against the (possibly noisy) label: 1 if correct, else 0.",
  flip: 'The verifiable reward, flipped with probability p ("Spurious Rewards": up to ~40% is tolerated, ~50% collapses).',
  random: 'A coin flip: the control every comparison needs.',
  format: 'Rewards a completion that states at least one step and an answer, whatever they say.',
  majority_vote: 'TTRL: sampled votes elect a pseudo-label; agreeing with it is rewarded. No labels used.',
  self_certainty: "The model's own confidence (logsumexp − mean of logits per token). No labels used.",
  verifiable_steps:
    'Answer and every step correct: the verifiable reward, paid only when the completion states at least one step and every stated step is true.',
};

export const CPT_FIELDS: Record<keyof CptConfig, FieldMeta> = {
  steps: {
    label: 'CPT steps',
    hint: 'Next-token training on domain text before SFT; 0 = off (CPT amplifies SFT in the weak-supervision paper).',
    min: 0,
    step: 10,
  },
  batchSize: { label: 'batch size', hint: 'As SFT: the same memory footprint.', min: 1, step: 1 },
  lr: {
    label: 'learning_rate',
    hint: 'Below the SFT peak: domain text should inform, not overwrite.',
    min: 0,
    step: 'any',
  },
  warmupSteps: { label: 'warmup_steps', hint: 'A short ramp, as SFT.', min: 0, step: 1 },
  minLrRatio: { label: 'min_lr_rate', hint: 'Cosine to 10% of the peak, as nanoGPT.', min: 0, max: 1, step: 0.05 },
  weightDecay: { label: 'weight_decay', hint: 'As SFT.', min: 0, step: 'any' },
  beta1: { label: 'adam_beta1', hint: 'Adam default.', min: 0, max: 0.9999, step: 'any' },
  beta2: { label: 'adam_beta2', hint: "Short runs (nanoGPT's small-model choice).", min: 0, max: 0.99999, step: 'any' },
  gradClip: { label: 'max_grad_norm', hint: 'Global-norm clipping, as SFT.', min: 0, step: 'any' },
  logEvery: { label: 'logging_steps', hint: 'Each read is a CPU-GPU sync point.', min: 1, step: 1 },
};
