// The optimizer block every training stage (CPT, SFT, RL) shares: AdamW with a linear warmup, a cosine
// decay to a floor, global-norm clipping and a logging period. The ranges and labels are the block's; each
// stage gives its own defaults and their reasons.
import type { Schema, Setting } from '../util/settings';

export interface OptimizerConfig {
  lr: number;
  warmupSteps: number;
  minLrRatio: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  gradClip: number;
  logEvery: number;
}

type Spec = Omit<Setting<number>, 'default' | 'reason'>;

const BLOCK: Record<keyof OptimizerConfig, Spec> = {
  lr: { label: 'learning_rate', min: 1e-8, max: 1, integer: false, step: 'any' },
  warmupSteps: { label: 'warmup_steps', unit: 'steps', min: 0, max: 100_000, integer: true, step: 1 },
  minLrRatio: { label: 'min_lr_rate', unit: 'of the peak', min: 0, max: 1, integer: false, step: 0.05 },
  weightDecay: { label: 'weight_decay', min: 0, max: 10, integer: false, step: 'any' },
  beta1: { label: 'adam_beta1', min: 0, max: 0.9999, integer: false, step: 'any' },
  beta2: { label: 'adam_beta2', min: 0, max: 0.99999, integer: false, step: 'any' },
  gradClip: { label: 'max_grad_norm', min: 0, max: 1e6, integer: false, step: 'any' },
  logEvery: { label: 'logging_steps', unit: 'steps', min: 1, max: 100_000, integer: true, step: 1 },
};

/** A stage's optimizer settings: per key its default and the reason for it (and, rarely, its own label). */
export function optimizerSettings(stage: {
  [K in keyof OptimizerConfig]: { default: number; reason: string; label?: string };
}): Schema<OptimizerConfig> {
  const out = {} as Record<keyof OptimizerConfig, Setting<number>>;
  for (const key of Object.keys(BLOCK) as (keyof OptimizerConfig)[]) out[key] = { ...BLOCK[key], ...stage[key] };
  return out;
}
