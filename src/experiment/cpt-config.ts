// The continual pre-training (CPT) stage's settings: next-token training on the task's domain text
// (world facts, no questions or answers) before SFT. Frozen default with a reason per field, and a
// validator naming the field. Pure TS; the training itself belongs to src/train.
import { checkRangeField, isRecord, refuseUnknown } from './fields';
import { ConfigError } from '../util/errors';

export interface CptConfig {
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
}

export const DEFAULT_CPT_CONFIG: Readonly<CptConfig> = Object.freeze({
  steps: 0, // off unless the experiment is about CPT (the weak-supervision paper: CPT amplifies SFT)
  batchSize: 32, // as SFT: the same memory footprint
  lr: 1e-3, // below SFT's peak: domain text should inform, not overwrite
  warmupSteps: 10, // short ramp, as SFT
  minLrRatio: 0.1, // cosine to 10% of peak, as nanoGPT
  weightDecay: 0.1, // as SFT
  beta1: 0.9, // Adam defaults
  beta2: 0.99, // short runs (nanoGPT's small-model choice)
  gradClip: 1.0, // global-norm clipping, as SFT
  logEvery: 10, // each read is a CPU-GPU sync point
});

const RANGES: Record<keyof CptConfig, { min: number; max: number; integer: boolean }> = {
  steps: { min: 0, max: 100_000, integer: true },
  batchSize: { min: 1, max: 1024, integer: true },
  lr: { min: 1e-8, max: 1, integer: false },
  warmupSteps: { min: 0, max: 100_000, integer: true },
  minLrRatio: { min: 0, max: 1, integer: false },
  weightDecay: { min: 0, max: 10, integer: false },
  beta1: { min: 0, max: 0.9999, integer: false },
  beta2: { min: 0, max: 0.99999, integer: false },
  gradClip: { min: 0, max: 1e6, integer: false },
  logEvery: { min: 1, max: 100_000, integer: true },
};

/** Validate a raw (possibly partial) CPT config; missing fields take their defaults. */
export function validateCptConfig(raw: unknown): CptConfig {
  const rec = raw === undefined || raw === null ? {} : raw;
  if (!isRecord(rec)) throw new ConfigError('cpt', `cpt must be an object of settings; got ${JSON.stringify(raw)}`);
  refuseUnknown('cpt', rec, Object.keys(RANGES));
  const out = {} as CptConfig;
  for (const key of Object.keys(RANGES) as (keyof CptConfig)[])
    out[key] = checkRangeField(`cpt.${key}`, rec[key] ?? DEFAULT_CPT_CONFIG[key], RANGES[key]);
  return out;
}
