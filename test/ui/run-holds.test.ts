// A stored run in words: what storage holds of it, what its empty panels say, and its settings read-only.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, validateRunConfig } from '../../src/experiment/run-config';
import { emptyRolloutsText, emptySamplesText, holdsText, settingLines } from '../../src/ui/run/run-holds';

describe('what a stored run holds', () => {
  it('says a kept run holds its curves only, and what a trained run holds', () => {
    expect(holdsText({ rows: 79, firstStep: 0, lastStep: 390, samples: 0, rollouts: 0, checkpoints: 0 })).toBe(
      'Holds metric curves for steps 0–390 (79 rows); no sampled completions, rollouts or checkpoints.',
    );
    expect(holdsText({ rows: 12, firstStep: 0, lastStep: 300, samples: 7, rollouts: 0, checkpoints: 1 })).toBe(
      'Holds metric curves for steps 0–300 (12 rows), 7 evaluations with completions, 1 checkpoint; no rollouts.',
    );
  });

  it('says a stored run will get no completions or rollouts, and a training one will', () => {
    expect(emptySamplesText(true)).toBe('Completions appear at each evaluation.');
    expect(emptySamplesText(false)).toBe(
      'This run holds no sampled completions (runs kept with the findings hold their curves only).',
    );
    expect(emptyRolloutsText(false)).toBe(
      'This run holds no rollouts (runs kept with the findings hold their curves only).',
    );
  });
});

describe('settingLines', () => {
  it('lists the key settings in words, and apart the others that differ from the defaults', () => {
    const config = validateRunConfig({
      ...DEFAULT_RUN_CONFIG,
      seed: 3,
      data: { ...DEFAULT_RUN_CONFIG.data, trainSize: 8 },
      rl: { ...DEFAULT_RUN_CONFIG.rl, steps: 150, temperature: 0.7 },
    });
    const { key, more } = settingLines(config);
    expect(key.map((l) => `${l.label}: ${l.value}`)).toEqual([
      'Task: addition',
      'Rationale style: pattern',
      'Training prompts (N): 8',
      `${key[3]!.label}: 0`,
      'Layers: 4',
      'Width (d_model): 128',
      'CPT steps: 0',
      'SFT steps: 300',
      'RL steps (max_steps): 150',
      'rewards: verifiable',
      'Seed: 3',
      'Backend: auto',
    ]);
    expect(key.map((l) => l.path).slice(0, 4)).toEqual([
      'data.task',
      'data.style',
      'data.trainSize',
      'data.labelNoise',
    ]);
    expect(more).toEqual([{ path: 'rl.temperature', label: 'temperature', value: '0.7' }]);
  });
});
