// The run config: everything that defines a run besides its seed, as one plain JSON value
// (it goes into the URL, IndexedDB and postMessage unchanged). Validation here; no training logic.
import { ConfigError } from '../util/errors';
import { DEFAULT_DATA_CONFIG, validateDataConfig, type DataConfig } from '../tasks/dataset';
import { DEFAULT_MODEL_CONFIG, validateModelConfig, type ModelConfig } from '../model/model-config';
import { DEFAULT_CPT_CONFIG, validateCptConfig, type CptConfig } from './cpt-config';
import { DEFAULT_RL_CONFIG, validateRlConfig, type RlConfig } from './rl-config';
import { defaultsOf, isRecord, refuseUnknown, validateSection, type Schema } from '../util/settings';
import { optimizerSettings, type OptimizerConfig } from './optimizer-settings';

export const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

/** 'fused': our WGSL kernels on WebGPU (other backends always run the plain ops); 'naive': plain tfjs ops, the baseline. */
export const KERNEL_CHOICES = ['fused', 'naive'] as const;
export type KernelChoice = (typeof KERNEL_CHOICES)[number];

export interface SftConfig extends OptimizerConfig {
  steps: number;
  batchSize: number;
  evalEvery: number;
  evalSize: number;
  maxNewTokens: number;
  checkpointEvery: number;
  /** SFT ends at its first evaluation with greedy held-out accuracy at least this; absent: off. */
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
/** The config's sections, each validated by its own table. */
const STAGE_SECTIONS = ['data', 'model', ...STAGES] as const;

const SFT_OPTIMIZER = optimizerSettings({
  lr: {
    default: 3e-3,
    label: 'Learning rate',
    reason: 'Peak AdamW rate, after warmup; cosine decay to 10%. Tiny models tolerate a high peak.',
  },
  warmupSteps: {
    default: 20,
    reason: "A short linear warmup keeps Adam's first steps from blowing up the embeddings.",
  },
  minLrRatio: { default: 0.1, reason: 'Cosine decays to 10% of the peak, as in nanoGPT.' },
  weightDecay: {
    default: 0.1,
    reason: 'Decoupled (AdamW), on matrices only; grokking work shows it aids generalization.',
  },
  beta1: { default: 0.9, reason: 'Adam default.' },
  beta2: { default: 0.99, reason: "Slightly lower than 0.999 for short runs (nanoGPT's choice for small models)." },
  gradClip: { default: 1.0, reason: 'Global-norm clipping, as in nanoGPT and TRL.' },
  logEvery: { default: 10, reason: 'Read metrics from the GPU only this often (each read is a CPU-GPU sync point).' },
});

export const SFT_SETTINGS: Schema<SftConfig> = {
  steps: {
    default: 300,
    label: 'SFT steps',
    unit: 'steps',
    min: 0,
    max: 100_000,
    step: 50,
    reason: 'Optimizer steps of supervised fine-tuning; 0 = no SFT stage.',
  },
  batchSize: {
    default: 32,
    label: 'Batch size',
    unit: 'sequences',
    min: 1,
    max: 1024,
    step: 1,
    reason: 'Sequences per step; larger is smoother and slower.',
  },
  ...SFT_OPTIMIZER,
  evalEvery: {
    default: 50,
    label: 'Evaluate every',
    unit: 'steps',
    min: 1,
    max: 100_000,
    step: 10,
    reason: 'Steps between greedy held-out evaluations; every evaluation is also a log step.',
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
  maxNewTokens: {
    default: 160,
    label: 'max new tokens',
    unit: 'tokens',
    min: 1,
    max: 1024,
    step: 8,
    reason: 'Longest completion the sampler generates during evaluation.',
  },
  checkpointEvery: {
    default: 100,
    label: 'save_steps',
    unit: 'steps',
    min: 1,
    max: 100_000,
    step: 10,
    reason: 'Weights + optimizer state to IndexedDB this often, and at the end.',
  },
  targetAccuracy: {
    default: 0,
    omitAtDefault: true,
    label: 'Target accuracy',
    min: 0,
    max: 1,
    integer: false,
    step: 0.05,
    reason: 'End SFT at the first evaluation with this greedy held-out accuracy (SFT steps stay the limit); 0 = off.',
  },
  targetFaithfulness: {
    default: 0,
    omitAtDefault: true,
    label: 'Target faithfulness',
    min: 0,
    max: 1,
    integer: false,
    step: 0.05,
    reason:
      'End SFT once this share of greedy held-out completions have steps that entail their answer (with a target accuracy: both at once); 0 = off.',
  },
};

/** The SFT defaults; the targets (off) are left out, as validation leaves them. */
export const DEFAULT_SFT_CONFIG: Readonly<SftConfig> = defaultsOf(SFT_SETTINGS);

/** The run's own settings besides its sections. */
export const RUN_SETTINGS: Schema<Pick<RunConfig, 'seed' | 'backend' | 'kernels'>> = {
  seed: {
    default: 1,
    label: 'Seed',
    min: 0,
    max: 2 ** 31 - 1,
    step: 1,
    reason: 'Every run is (config, seed): same seed, same data and weights.',
  },
  backend: {
    default: 'auto',
    label: 'Backend',
    options: BACKENDS,
    reason: 'Force one to compare; auto picks the fastest that works (WebGPU, then WebGL, WASM, CPU).',
  },
  kernels: {
    default: 'fused',
    label: 'Kernels',
    options: KERNEL_CHOICES,
    reason: 'WebGPU only: fused kernels issue far fewer GPU dispatches per step; naive is the baseline.',
  },
};

export const DEFAULT_RUN_CONFIG: Readonly<RunConfig> = Object.freeze({
  version: 1,
  ...defaultsOf(RUN_SETTINGS),
  data: validateDataConfig(DEFAULT_DATA_CONFIG), // with the task's own defaults filled in
  model: DEFAULT_MODEL_CONFIG,
  cpt: DEFAULT_CPT_CONFIG, // off (0 steps) unless an experiment is about continual pre-training
  sft: DEFAULT_SFT_CONFIG,
  rl: DEFAULT_RL_CONFIG, // GRPO after SFT
}) as RunConfig;

/** Optimizer steps of the whole run: the stages' steps added up. */
export function totalSteps(c: Pick<RunConfig, 'cpt' | 'sft' | 'rl'>): number {
  return c.cpt.steps + c.sft.steps + c.rl.steps;
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
  refuseUnknown('', raw, ['version', ...Object.keys(RUN_SETTINGS), ...STAGE_SECTIONS]);
  if (raw.version !== undefined && raw.version !== 1)
    throw new ConfigError('version', `version must be 1; got ${JSON.stringify(raw.version)}`);
  const { seed, backend, kernels } = validateSection('', RUN_SETTINGS, {
    seed: raw.seed,
    backend: raw.backend,
    kernels: raw.kernels,
  });
  const data = within('data', () => validateDataConfig(raw.data ?? DEFAULT_DATA_CONFIG));
  const model = within('model', () => validateModelConfig(raw.model ?? DEFAULT_MODEL_CONFIG));
  const cpt = validateCptConfig(raw.cpt);
  const sft = validateSection('sft', SFT_SETTINGS, raw.sft);
  const rl = validateRlConfig(raw.rl);
  if (cpt.steps + sft.steps + rl.steps === 0)
    throw new ConfigError('sft.steps', 'the run has no steps: give CPT, SFT or RL at least one');
  const config: RunConfig = {
    version: 1,
    seed,
    backend,
    kernels,
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
