// The one table from the lab's SFT and RL settings to Hugging Face TRL's SFTConfig / GRPOConfig: each
// field is set on TRL's config, read by train_trl.py (which splits batches over the GPUs it finds), or
// has no TRL counterpart, stated with its value and why. A field in neither is a test failure.
// Pure data and one mapper; the files of the export are assembled in bundle.ts.
import type { OptimizerConfig } from '../../experiment/optimizer-settings';
import type { RunConfig, SftConfig } from '../../experiment/run-config';
import type { RlConfig } from '../../experiment/rl-config';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Args = Record<string, Json>;

/** How one lab setting reaches TRL. */
export type FieldRule<C> =
  /** Set on TRL's config: `trl` names the field(s), `to` gives their values. */
  | { trl: string; to: (c: C) => Args }
  /** Read by train_trl.py / evaluate.py, which turn it into TRL settings at run time (`script` says how). */
  | { script: string; to: (c: C) => Args }
  /** No TRL counterpart: why, stated in the export's README beside the run's value (`value` where absent means a default). */
  | { none: string; value?: (c: C) => Json };

export type Rules<C> = { [K in keyof C]-?: FieldRule<C> };

/** A lab setting TRL cannot take, with this run's value. */
export interface Unmapped {
  field: string;
  value: Json;
  why: string;
}

/** One stage's settings in TRL's terms: config fields, the scripts' plan, and what has no counterpart. */
export interface StagePlan {
  args: Args;
  plan: Args;
  unmapped: Unmapped[];
}

/** Linear warmup, then cosine to lr * minLrRatio (src/train/schedule.ts) in transformers' scheduler names. */
function schedule(minLrRatio: number): Args {
  if (minLrRatio === 1) return { lr_scheduler_type: 'constant_with_warmup' };
  if (minLrRatio === 0) return { lr_scheduler_type: 'cosine' };
  return { lr_scheduler_type: 'cosine_with_min_lr', lr_scheduler_kwargs: { min_lr_rate: minLrRatio } };
}

/** The optimizer and schedule fields SFT and RL share (AdamW with decoupled weight decay in both). */
function optimizerRules<C extends OptimizerConfig>() {
  return {
    lr: { trl: 'learning_rate', to: (c: C) => ({ learning_rate: c.lr }) },
    warmupSteps: { trl: 'warmup_steps', to: (c: C) => ({ warmup_steps: c.warmupSteps }) },
    minLrRatio: { trl: 'lr_scheduler_type, lr_scheduler_kwargs.min_lr_rate', to: (c: C) => schedule(c.minLrRatio) },
    weightDecay: { trl: 'weight_decay', to: (c: C) => ({ weight_decay: c.weightDecay }) },
    beta1: { trl: 'adam_beta1', to: (c: C) => ({ adam_beta1: c.beta1 }) },
    beta2: { trl: 'adam_beta2', to: (c: C) => ({ adam_beta2: c.beta2 }) },
    gradClip: { trl: 'max_grad_norm', to: (c: C) => ({ max_grad_norm: c.gradClip }) },
  };
}

export const RL_RULES: Rules<RlConfig> = {
  steps: { trl: 'max_steps', to: (c) => ({ max_steps: c.steps }) },
  promptsPerStep: {
    script:
      'per_device_train_batch_size x GPUs x gradient_accumulation_steps = promptsPerStep x num_generations completions per step (train_trl.py splits it over the GPUs it runs on)',
    to: (c) => ({ prompts_per_step: c.promptsPerStep }),
  },
  numGenerations: { trl: 'num_generations', to: (c) => ({ num_generations: c.numGenerations }) },
  maxCompletionLength: {
    trl: 'max_completion_length (the lab counts characters, TRL counts tokens: at least as much room)',
    to: (c) => ({ max_completion_length: c.maxCompletionLength }),
  },
  temperature: { trl: 'temperature', to: (c) => ({ temperature: c.temperature }) },
  topK: { trl: 'top_k (0 = off in both)', to: (c) => ({ top_k: c.topK }) },
  ...optimizerRules<RlConfig>(),
  epsilon: { trl: 'epsilon', to: (c) => ({ epsilon: c.epsilon }) },
  epsilonHigh: {
    trl: "epsilon_high (the lab's 0 is TRL's None: the same as epsilon)",
    to: (c) => ({ epsilon_high: c.epsilonHigh > 0 ? c.epsilonHigh : null }),
  },
  numIterations: { trl: 'num_iterations', to: (c) => ({ num_iterations: c.numIterations }) },
  beta: { trl: 'beta', to: (c) => ({ beta: c.beta }) },
  scaleRewards: { trl: 'scale_rewards', to: (c) => ({ scale_rewards: c.scaleRewards }) },
  lossType: { trl: 'loss_type', to: (c) => ({ loss_type: c.lossType }) },
  maskTruncatedCompletions: {
    trl: 'mask_truncated_completions',
    to: (c) => ({ mask_truncated_completions: c.maskTruncatedCompletions }),
  },
  entropyCoef: { none: "TRL's GRPO loss has no entropy bonus (0 in the lab means none either)" },
  rewards: {
    script: "reward_funcs (verifiers.py, by the lab's names, so TRL logs rewards/<name>/mean) and reward_weights",
    to: (c) => ({ rewards: c.rewards.map((r) => ({ ...r })) }),
  },
  processFilter: {
    value: (c) => c.processFilter ?? 'none',
    none: 'TRL has no process-consistency filter (PROF): every completion stays in the loss. The reward verifiable_steps pays only answer-and-steps-correct completions, the nearest TRL-side choice',
  },
  majorityVotes: {
    none: "TRL samples num_generations completions per prompt and no extra votes: verifiers.py's majority_vote votes among those num_generations (the lab samples majorityVotes and trains on the first numGenerations)",
  },
  microBatchTokens: {
    none: 'a memory setting of the lab (padded tokens per forward pass); in TRL per_device_train_batch_size and gradient_accumulation_steps (train_trl.py --grad-accum) play that role without changing the step',
  },
  logEvery: { trl: 'logging_steps', to: (c) => ({ logging_steps: c.logEvery }) },
  evalEvery: {
    trl: 'eval_strategy "steps", eval_steps (TRL logs eval_reward: sampled held-out reward, the counterpart of eval_heldout/pass@1)',
    to: (c) => ({ eval_strategy: 'steps', eval_steps: c.evalEvery }),
  },
  evalSize: {
    script: "the first evalSize held-out prompts are the GRPOTrainer eval_dataset and evaluate.py's default --limit",
    to: (c) => ({ eval_rows: c.evalSize }),
  },
  passK: {
    script: 'num_generations_eval during training, and evaluate.py --samples (pass@1, pass@k)',
    to: (c) => ({ pass_k: c.passK }),
  },
  rolloutsKept: {
    trl: 'log_completions, num_completions_to_print (the lab keeps rolloutsKept prompts with all their completions)',
    to: (c) => ({ log_completions: c.rolloutsKept > 0, num_completions_to_print: c.rolloutsKept * c.numGenerations }),
  },
  checkpointEvery: { trl: 'save_steps', to: (c) => ({ save_steps: c.checkpointEvery }) },
};

export const SFT_RULES: Rules<SftConfig> = {
  steps: { trl: 'max_steps', to: (c) => ({ max_steps: c.steps }) },
  batchSize: {
    script:
      'per_device_train_batch_size x GPUs x gradient_accumulation_steps = batchSize sequences per step (train_trl.py splits it)',
    to: (c) => ({ batch_size: c.batchSize }),
  },
  ...optimizerRules<SftConfig>(),
  logEvery: { trl: 'logging_steps', to: (c) => ({ logging_steps: c.logEvery }) },
  evalEvery: {
    trl: 'eval_strategy "steps", eval_steps (TRL logs eval_loss on held-out rationales; greedy accuracy is evaluate.py\'s)',
    to: (c) => ({ eval_strategy: 'steps', eval_steps: c.evalEvery }),
  },
  evalSize: {
    script: 'the first evalSize held-out rationales are the SFTTrainer eval_dataset',
    to: (c) => ({ eval_rows: c.evalSize }),
  },
  maxNewTokens: {
    script: "evaluate.py's --max-new-tokens for greedy accuracy when the run has no RL stage",
    to: (c) => ({ max_new_tokens: c.maxNewTokens }),
  },
  checkpointEvery: { trl: 'save_steps', to: (c) => ({ save_steps: c.checkpointEvery }) },
  targetAccuracy: {
    value: (c) => c.targetAccuracy ?? 0,
    none: 'TRL has no stop-at-accuracy: SFT runs all max_steps (the lab stops at the first evaluation with greedy held-out accuracy at least this; 0 = off). Pick a checkpoint with evaluate.py instead',
  },
  targetFaithfulness: {
    value: (c) => c.targetFaithfulness ?? 0,
    none: 'TRL has no stop-at-faithfulness (the lab stops SFT at the first evaluation where this share of greedy held-out completions entail their answer; 0 = off)',
  },
};

type RunFields = Pick<RunConfig, 'seed' | 'backend' | 'kernels' | 'model' | 'cpt' | 'data'>;

export const RUN_RULES: Rules<RunFields> = {
  seed: { trl: "seed (both stages; the exported data is the seed's own)", to: (c) => ({ seed: c.seed }) },
  data: {
    script: 'exported as the JSONL files under data/ (the same items, labels and noise as the run)',
    to: () => ({}),
  },
  backend: { none: "the lab's browser backend (WebGPU, WebGL, WASM, CPU); TRL runs on PyTorch devices" },
  kernels: { none: "the lab's WebGPU kernel choice; TRL uses PyTorch's" },
  model: {
    none: "the lab's tiny character-level transformer is replaced by --model (a pretrained instruct model by default): results compare patterns, not numbers",
  },
  cpt: {
    none: 'continual pre-training on domain text is a lab stage TRL does not run here; its steps, if any, are not reproduced',
  },
};

/** Fields of `keys` that the rules neither map nor declare without counterpart (a test requires none). */
export function unruledFields(rules: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((k) => !Object.prototype.hasOwnProperty.call(rules, k));
}

/** One stage's (or the run's) settings through its rules; `prefix` names fields as the lab does ("rl.epsilon"). */
export function mapStage<C extends object>(rules: Rules<C>, config: C, prefix: string): StagePlan {
  const out: StagePlan = { args: {}, plan: {}, unmapped: [] };
  for (const [key, rule] of Object.entries(rules) as [keyof C & string, FieldRule<C>][]) {
    if ('none' in rule)
      out.unmapped.push({
        field: prefix + key,
        value: rule.value ? rule.value(config) : ((config[key] ?? null) as Json),
        why: rule.none,
      });
    else Object.assign('trl' in rule ? out.args : out.plan, rule.to(config));
  }
  return out;
}
