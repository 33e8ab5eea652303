// Config settings in words for the compare table and a stored run's settings.
import { describe, expect, it } from 'vitest';
import { settingLabel, settingText, valueText } from '../../src/ui/config/config-text';

describe('config settings in words', () => {
  it('writes reward lists as weighted sums, switches as yes/no, and leaves plain values alone', () => {
    expect(settingText('rl.rewards', JSON.stringify([{ name: 'verifiable', weight: 1 }]))).toBe('verifiable');
    expect(
      settingText(
        'rl.rewards',
        JSON.stringify([
          { name: 'verifiable', weight: 1 },
          { name: 'format', weight: 0.5 },
        ]),
      ),
    ).toBe('verifiable + 0.5 × format');
    expect(settingText('rl.rewards', JSON.stringify([{ name: 'flip', weight: 1, p: 0.2 }]))).toBe('flip (p = 0.2)');
    expect(settingText('rl.maskTruncatedCompletions', 'true')).toBe('yes');
    expect(settingText('data.style', '"pattern"')).toBe('pattern');
    expect(settingText('data.trainSize', '512')).toBe('512');
    expect(settingText('model.position', null)).toBe('—');
    expect(valueText('data.taskConfig', { minDigits: 1, maxDigits: 2 })).toBe('minDigits 1, maxDigits 2');
  });

  it("labels a path with the form's label", () => {
    expect(settingLabel('data.trainSize')).toBe('Training prompts (N)');
    expect(settingLabel('rl.warmupSteps')).toBe('warmup_steps');
    expect(settingLabel('seed')).toBe('Seed');
  });
});
