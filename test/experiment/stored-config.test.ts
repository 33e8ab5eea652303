// A config stored before a stage existed reads back with that stage off (0 steps), not with today's
// default; present sections are left alone. Generic: every default section that has `steps` is a stage.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, validateRunConfig } from '../../src/experiment/run-config';
import { withMissingStagesOff } from '../../src/experiment/stored-config';

const stageKeys = Object.entries(DEFAULT_RUN_CONFIG)
  .filter(([, s]) => typeof s === 'object' && s !== null && 'steps' in s)
  .map(([k]) => k);

describe('withMissingStagesOff', () => {
  it('finds the stage sections of the config (SFT at least)', () => {
    expect(stageKeys).toContain('sft');
  });

  it.each(stageKeys.filter((k) => k !== 'sft'))('turns a missing %s section off and keeps the others', (key) => {
    const old = Object.fromEntries(Object.entries(DEFAULT_RUN_CONFIG).filter(([k]) => k !== key));
    const read = validateRunConfig(withMissingStagesOff(old)) as unknown as Record<string, { steps: number }>;
    expect(read[key]!.steps).toBe(0);
    expect(read.sft).toEqual(DEFAULT_RUN_CONFIG.sft);
  });

  it('reads a config stored before the fused kernels as naive (how it was trained); links default to fused', () => {
    const { kernels: _, ...old } = DEFAULT_RUN_CONFIG;
    expect(validateRunConfig(withMissingStagesOff(old)).kernels).toBe('naive');
    expect(validateRunConfig(old).kernels).toBe('fused');
    expect(validateRunConfig(withMissingStagesOff({ ...old, kernels: 'fused' })).kernels).toBe('fused');
  });

  it('leaves a complete config and non-objects unchanged', () => {
    expect(withMissingStagesOff(DEFAULT_RUN_CONFIG)).toEqual(DEFAULT_RUN_CONFIG);
    expect(withMissingStagesOff(null)).toBeNull();
    expect(withMissingStagesOff([1])).toEqual([1]);
  });
});
