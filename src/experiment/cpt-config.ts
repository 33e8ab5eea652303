// The continual pre-training (CPT) stage's settings: next-token training on the task's domain text
// (world facts, no questions or answers) before SFT. One table (src/util/settings.ts) gives the default,
// the validator and the form. Pure TS; the training itself belongs to src/train.
import { defaultsOf, validateSection, type Schema } from '../util/settings';
import { optimizerSettings, type OptimizerConfig } from './optimizer-settings';

export interface CptConfig extends OptimizerConfig {
  steps: number;
  batchSize: number;
}

export const CPT_SETTINGS: Schema<CptConfig> = {
  steps: {
    default: 0,
    label: 'CPT steps',
    unit: 'steps',
    min: 0,
    max: 100_000,
    step: 10,
    reason: 'Next-token training on domain text before SFT; 0 = off (CPT amplifies SFT in the weak-supervision paper).',
  },
  batchSize: {
    default: 32,
    label: 'batch size',
    unit: 'sequences',
    min: 1,
    max: 1024,
    step: 1,
    reason: 'As SFT: the same memory footprint.',
  },
  ...optimizerSettings({
    lr: { default: 1e-3, reason: 'Below the SFT peak: domain text should inform, not overwrite.' },
    warmupSteps: { default: 10, reason: 'A short ramp, as SFT.' },
    minLrRatio: { default: 0.1, reason: 'Cosine to 10% of the peak, as nanoGPT.' },
    weightDecay: { default: 0.1, reason: 'As SFT.' },
    beta1: { default: 0.9, reason: 'Adam default.' },
    beta2: { default: 0.99, reason: "Short runs (nanoGPT's small-model choice)." },
    gradClip: { default: 1.0, reason: 'Global-norm clipping, as SFT.' },
    logEvery: { default: 10, reason: 'Each read is a CPU-GPU sync point.' },
  }),
};

export const DEFAULT_CPT_CONFIG: Readonly<CptConfig> = defaultsOf(CPT_SETTINGS);

/** Validate a raw (possibly partial) CPT config; missing fields take their defaults. */
export function validateCptConfig(raw: unknown): CptConfig {
  return validateSection('cpt', CPT_SETTINGS, raw);
}
