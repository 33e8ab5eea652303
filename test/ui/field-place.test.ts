// Where an error's field sits in the form: the section and collapsed group that must open, and the label
// Start's message names.
import { describe, expect, it } from 'vitest';
import { fieldPlace, placeText, rlGroupOf } from '../../src/ui/config/field-place';

describe('fieldPlace', () => {
  it('puts an RL optimizer setting in its collapsed group, by full path or tail', () => {
    expect(fieldPlace('rl.warmupSteps')).toEqual({ section: 'RL (GRPO)', group: 'Optimizer', label: 'warmup_steps' });
    expect(placeText(fieldPlace('rl.warmupSteps'))).toBe('RL (GRPO) › Optimizer › warmup_steps');
    expect(rlGroupOf('rl.epsilonHigh')).toBe('GRPO loss');
    expect(rlGroupOf('rl.steps')).toBeUndefined(); // always shown
    expect(rlGroupOf(undefined)).toBeUndefined();
  });

  it('names the other sections and their labels', () => {
    expect(placeText(fieldPlace('rl.steps'))).toBe('RL (GRPO) › RL steps (max_steps)');
    expect(placeText(fieldPlace('model.context'))).toBe('Model › Context');
    expect(placeText(fieldPlace('trainSize'))).toBe('Task and data › Training prompts (N)');
    expect(placeText(fieldPlace('cpt.lr'))).toBe('Continual pre-training › learning_rate');
    expect(placeText(fieldPlace('sft.evalEvery'))).toBe('Training (SFT) › Evaluate every');
    expect(placeText(fieldPlace('backend'))).toBe('Run › Backend');
    expect(placeText(fieldPlace('data.taskConfig.maxDigits'))).toBe('Task and data › Max digits');
  });
});
