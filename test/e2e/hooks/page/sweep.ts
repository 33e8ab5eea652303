// The end-to-end build's src/experiment/sweep.ts (swapped in by vite.config.ts in mode e2e): the real
// module, except that a queued run's config has every stage capped at SWEEP_STEP_CAP steps, so the
// tests run a preset's sweep, with the preset's other settings, in seconds.
import { validateRunConfig, type RunConfig } from '../../../../src/experiment/run-config';
import type { PresetRun } from '../../../../src/experiment/presets';
import * as real from '../../../../src/experiment/sweep';

export * from '../../../../src/experiment/sweep';

export const SWEEP_STEP_CAP = 2;

/** Every stage's steps capped at `cap`, its cadences with them, evaluations on 4 prompts. */
function capSteps(config: RunConfig, cap: number): RunConfig {
  const stage = <T extends { steps: number }>(s: T): T => {
    const steps = Math.min(s.steps, cap);
    const out: Record<string, unknown> = { ...s, steps };
    for (const k of ['evalEvery', 'logEvery', 'checkpointEvery'])
      if (typeof out[k] === 'number') out[k] = Math.min(out[k], Math.max(1, steps));
    if (typeof out.warmupSteps === 'number') out.warmupSteps = Math.min(out.warmupSteps, steps);
    if (typeof out.evalSize === 'number') out.evalSize = Math.min(out.evalSize, 4);
    return out as T;
  };
  return validateRunConfig({ ...config, cpt: stage(config.cpt), sft: stage(config.sft), rl: stage(config.rl) });
}

export function itemRun(...args: Parameters<typeof real.itemRun>): PresetRun | null {
  const run = real.itemRun(...args);
  return run && { ...run, config: capSteps(run.config, SWEEP_STEP_CAP) };
}
