// Learning-rate schedule: linear warmup, then cosine decay to a floor (nanoGPT's get_lr). Pure.

export interface ScheduleConfig {
  lr: number;
  warmupSteps: number;
  steps: number;
  minLrRatio: number;
}

/** Learning rate for optimizer step `step` (0-based). */
export function learningRate(s: ScheduleConfig, step: number): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps; // 1. linear warmup
  const minLr = s.lr * s.minLrRatio;
  const span = Math.max(1, s.steps - s.warmupSteps);
  const progress = Math.min(1, (step - s.warmupSteps) / span); // 2. cosine over the rest
  return minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (s.lr - minLr);
}
