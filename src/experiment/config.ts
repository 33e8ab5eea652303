// The run config: everything that defines a run besides its seed, as one plain JSON value
// (it goes into the URL, IndexedDB and postMessage unchanged). Validation here; no training logic.
import { ConfigError } from '../util/errors';
import { DEFAULT_DATA_CONFIG, validateDataConfig, type DataConfig } from '../tasks/dataset';
import { DEFAULT_MODEL_CONFIG, validateModelConfig, type ModelConfig } from '../model/config';
import { DEFAULT_CPT_CONFIG, validateCptConfig, type CptConfig } from './cpt-config';
import { DEFAULT_RL_CONFIG, validateRlConfig, type RlConfig } from './rl-config';
import { checkRangeField, isRecord, type Range } from './fields';

export const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

/** 'fused': our WGSL kernels on WebGPU (other backends always run the plain ops); 'naive': plain tfjs ops, the baseline. */
export const KERNEL_CHOICES = ['fused', 'naive'] as const;
export type KernelChoice = (typeof KERNEL_CHOICES)[number];

export interface SftConfig {
  steps: number;
  batchSize: number;
  lr: number;
  warmupSteps: number;
  minLrRatio: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  gradClip: number;
  logEvery: number;
  evalEvery: number;
  evalSize: number;
  maxNewTokens: number;
  checkpointEvery: number;
  /**
   * SFT ends at its first evaluation with greedy held-out accuracy (eval_heldout/accuracy) at least this;
   * `steps` stays the limit. Absent (0 in a raw config): off. Left out when 0, as targetFaithfulness, so
   * every config saved before the targets existed reads, and serializes, the same.
   */
  targetAccuracy?: number;
  /** The same for eval_faith/entailed_greedy; with targetAccuracy, both must hold at one evaluation. */
  targetFaithfulness?: number;
}

/** A run is up to three stages on one global step counter: CPT, then SFT, then RL (GRPO); 0 steps skips one. */
export interface RunConfig {
  version: 1;
  seed: number;
  backend: BackendChoice;
  /** Which implementation the model's hot paths use on WebGPU; results agree to float rounding, not bit for bit. */
  kernels: KernelChoice;
  data: DataConfig;
  model: ModelConfig;
  cpt: CptConfig;
  sft: SftConfig;
  rl: RlConfig;
}

export type StageName = 'cpt' | 'sft' | 'rl';
export const STAGES: readonly StageName[] = ['cpt', 'sft', 'rl'];

export const DEFAULT_SFT_CONFIG: Readonly<Required<SftConfig>> = Object.freeze({
  steps: 300, // enough for the default addition task to reach high held-out accuracy on a GPU
  batchSize: 32, // nanoGPT-scale batches for a 0.8M model; smaller is noisier, larger is slower per step
  lr: 3e-3, // tiny models tolerate a high peak rate (minGPT adder uses 5e-4 at 100x the size)
  warmupSteps: 20, // a short linear warmup keeps Adam's first steps from blowing up the embeddings
  minLrRatio: 0.1, // cosine decays to 10% of peak, as in nanoGPT
  weightDecay: 0.1, // decoupled (AdamW), on matrices only; grokking work shows it aids generalization
  beta1: 0.9, // Adam defaults
  beta2: 0.99, // slightly lower than 0.999 for short runs (nanoGPT's choice for small models)
  gradClip: 1.0, // global-norm clipping, as in nanoGPT and TRL
  logEvery: 10, // read metrics from the GPU only this often (each read is a CPU-GPU sync point)
  evalEvery: 50, // greedy held-out accuracy this often; every evaluation is also a log step
  evalSize: 64, // held-out prompts per evaluation (and the same number out-of-distribution)
  maxNewTokens: 160, // longest completion the sampler generates during evaluation
  checkpointEvery: 100, // weights + optimizer state to IndexedDB this often, and at the end
  targetAccuracy: 0, // off: every step runs; e.g. 0.9 ends SFT at the first evaluation that accurate, so arms enter RL equally trained
  targetFaithfulness: 0, // off; else also the share of greedy held-out completions whose steps entail their answer
});

/** The SFT targets at 0 (off) left out, so a config serializes as it did before they existed. */
function withoutOffTargets(sft: Required<SftConfig>): SftConfig {
  const { targetAccuracy, targetFaithfulness, ...rest } = sft;
  return {
    ...rest,
    ...(targetAccuracy > 0 ? { targetAccuracy } : {}),
    ...(targetFaithfulness > 0 ? { targetFaithfulness } : {}),
  };
}

export const DEFAULT_RUN_CONFIG: Readonly<RunConfig> = Object.freeze({
  version: 1,
  seed: 1, // every run is (config, seed)
  backend: 'auto', // WebGPU, then WebGL, then WASM, then CPU
  kernels: 'fused', // fewer GPU dispatches per step; 'naive' is the baseline the bench compares against
  data: validateDataConfig(DEFAULT_DATA_CONFIG), // with the task's own defaults filled in
  model: DEFAULT_MODEL_CONFIG,
  cpt: DEFAULT_CPT_CONFIG, // off (0 steps) unless an experiment is about continual pre-training
  sft: Object.freeze(withoutOffTargets(DEFAULT_SFT_CONFIG)), // the targets off, left out as validation leaves them
  rl: DEFAULT_RL_CONFIG, // GRPO after SFT
}) as RunConfig;

/** Optimizer steps of the whole run: the stages' steps added up. */
export function totalSteps(c: Pick<RunConfig, 'cpt' | 'sft' | 'rl'>): number {
  return c.cpt.steps + c.sft.steps + c.rl.steps;
}

const SFT_RANGES: Record<keyof SftConfig, Range> = {
  steps: { min: 0, max: 100_000, integer: true }, // 0 = no SFT stage (RL straight from init or CPT)
  batchSize: { min: 1, max: 1024, integer: true },
  lr: { min: 1e-6, max: 1, integer: false },
  warmupSteps: { min: 0, max: 100_000, integer: true },
  minLrRatio: { min: 0, max: 1, integer: false },
  weightDecay: { min: 0, max: 10, integer: false },
  beta1: { min: 0, max: 0.9999, integer: false },
  beta2: { min: 0, max: 0.99999, integer: false },
  gradClip: { min: 0, max: 1e6, integer: false },
  logEvery: { min: 1, max: 100_000, integer: true },
  evalEvery: { min: 1, max: 100_000, integer: true },
  evalSize: { min: 1, max: 4096, integer: true },
  maxNewTokens: { min: 1, max: 1024, integer: true },
  checkpointEvery: { min: 1, max: 100_000, integer: true },
  targetAccuracy: { min: 0, max: 1, integer: false }, // 0 = off
  targetFaithfulness: { min: 0, max: 1, integer: false }, // 0 = off
};

function validateSft(raw: unknown): SftConfig {
  if (!isRecord(raw)) throw new ConfigError('sft', 'sft must be an object');
  const out = {} as Required<SftConfig>;
  for (const key of Object.keys(SFT_RANGES) as (keyof SftConfig)[]) {
    out[key] = checkRangeField(`sft.${key}`, raw[key] ?? DEFAULT_SFT_CONFIG[key], SFT_RANGES[key]);
  }
  return withoutOffTargets(out);
}

/** Prefix a nested validator's field with its section, so the message names the full path. */
function within<T>(section: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError && !err.field.startsWith(`${section}.`)) {
      throw new ConfigError(
        `${section}.${err.field}`,
        err.message.startsWith(section) ? err.message : `${section}.${err.message}`,
      );
    }
    throw err;
  }
}

/**
 * Validate a whole run config (missing fields take their defaults). Throws ConfigError naming the field.
 * Also refuses a context shorter than the longest example the data can produce, when `maxLength` is given.
 */
export function validateRunConfig(raw: unknown, maxLength?: (data: DataConfig, seed: number) => number): RunConfig {
  if (!isRecord(raw)) throw new ConfigError('config', 'the run config must be an object');
  if (raw.version !== undefined && raw.version !== 1)
    throw new ConfigError('version', `version must be 1; got ${JSON.stringify(raw.version)}`);
  const seed = checkRangeField('seed', raw.seed ?? DEFAULT_RUN_CONFIG.seed, {
    min: 0,
    max: 2 ** 31 - 1,
    integer: true,
  });
  const backend = raw.backend ?? 'auto';
  if (!BACKENDS.includes(backend as BackendChoice)) {
    throw new ConfigError('backend', `backend must be one of ${BACKENDS.join(', ')}; got ${JSON.stringify(backend)}`);
  }
  const kernels = raw.kernels ?? DEFAULT_RUN_CONFIG.kernels;
  if (!KERNEL_CHOICES.includes(kernels as KernelChoice)) {
    throw new ConfigError(
      'kernels',
      `kernels must be one of ${KERNEL_CHOICES.join(', ')}; got ${JSON.stringify(kernels)}`,
    );
  }
  const data = within('data', () => validateDataConfig(raw.data ?? DEFAULT_DATA_CONFIG));
  const model = within('model', () => validateModelConfig(raw.model ?? DEFAULT_MODEL_CONFIG));
  const cpt = validateCptConfig(raw.cpt ?? DEFAULT_CPT_CONFIG);
  const sft = validateSft(raw.sft ?? DEFAULT_SFT_CONFIG);
  const rl = validateRlConfig(raw.rl ?? DEFAULT_RUN_CONFIG.rl);
  if (cpt.steps + sft.steps + rl.steps === 0)
    throw new ConfigError('sft.steps', 'the run has no steps: give CPT, SFT or RL at least one');
  const config: RunConfig = {
    version: 1,
    seed,
    backend: backend as BackendChoice,
    kernels: kernels as KernelChoice,
    data,
    model,
    cpt,
    sft,
    rl,
  };
  if (maxLength) {
    const need = maxLength(data, seed) + 3; // BOS, SEP and EOS around prompt + completion
    if (need > model.context) {
      throw new ConfigError(
        'model.context',
        `model.context (${model.context}) is shorter than the longest example (${need} tokens with BOS, SEP and EOS); raise it to at least ${need} or lower the task difficulty`,
      );
    }
  }
  return config;
}
