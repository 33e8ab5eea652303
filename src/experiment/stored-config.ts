// Reading a config stored by an older lab: a stage section it lacks (CPT and RL came after SFT) is a
// stage that run never had, so it comes back with 0 steps, not with today's defaults. Config links are
// different (a missing section there means "the default") and do not use this. Generic over sections.
// Likewise a config without `kernels` was trained before the fused kernels existed: it comes back 'naive'.
import { DEFAULT_RUN_CONFIG } from './run-config';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `raw` with every missing stage section (a default section with `steps`) switched off. Not validated. */
export function withMissingStagesOff(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  const out: Record<string, unknown> = { ...raw };
  out.kernels ??= 'naive';
  for (const [key, section] of Object.entries(DEFAULT_RUN_CONFIG)) {
    if (out[key] === undefined && isRecord(section) && typeof section.steps === 'number')
      out[key] = { ...(section as Record<string, unknown>), steps: 0 };
  }
  return out;
}
