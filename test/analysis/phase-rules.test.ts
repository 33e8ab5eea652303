import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PHASE_RULES,
  REGIME_RULES_TEXT,
  regimeRulesText,
  validatePhaseRules,
} from '../../src/analysis/phase-rules';
import { analyzePhases } from '../../src/analysis/phases';
import { ConfigError } from '../../src/util/errors';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.field;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('validatePhaseRules', () => {
  it('fills missing fields with the frozen defaults', () => {
    expect(validatePhaseRules(undefined)).toEqual(DEFAULT_PHASE_RULES);
    expect(validatePhaseRules({ windowSteps: 20 })).toEqual({ ...DEFAULT_PHASE_RULES, windowSteps: 20 });
    expect(Object.isFrozen(DEFAULT_PHASE_RULES)).toBe(true);
    expect(DEFAULT_PHASE_RULES).toMatchObject({
      ceiling: 1,
      reachFraction: 0.9,
      tolerance: 0.02,
      windowSteps: 50,
      minAllCorrectFrac: 0.7,
      riseDelta: 0.05,
    });
  });

  it('names the field in the error', () => {
    expect(fieldOf(() => validatePhaseRules({ windowSteps: 2.5 }))).toBe('windowSteps');
    expect(fieldOf(() => validatePhaseRules({ smoothingWeight: 1 }))).toBe('smoothingWeight');
    expect(fieldOf(() => validatePhaseRules({ reachFraction: 0 }))).toBe('reachFraction');
    expect(fieldOf(() => validatePhaseRules({ riseDelta: 0 }))).toBe('riseDelta');
    expect(fieldOf(() => validatePhaseRules({ minAllCorrectFrac: 1.5 }))).toBe('minAllCorrectFrac');
    expect(fieldOf(() => validatePhaseRules({ tolerance: NaN }))).toBe('tolerance');
    expect(fieldOf(() => validatePhaseRules({ ceiling: 'max' }))).toBe('ceiling');
    expect(fieldOf(() => validatePhaseRules({ ceiling: 0 }))).toBe('ceiling');
    expect(fieldOf(() => validatePhaseRules({ rewardKey: '' }))).toBe('rewardKey');
    expect(fieldOf(() => validatePhaseRules({ heldoutKey: 3 }))).toBe('heldoutKey');
    expect(fieldOf(() => validatePhaseRules([]))).toBe('phaseRules');
    expect(() => validatePhaseRules({ minEvalPoints: 0 })).toThrow(/minEvalPoints must be an integer from 1/);
  });

  it("accepts 'observed' as the ceiling and empty optional keys", () => {
    expect(validatePhaseRules({ ceiling: 'observed', allCorrectKey: '', trainAccKey: '' })).toMatchObject({
      ceiling: 'observed',
      allCorrectKey: '',
      trainAccKey: '',
    });
  });

  it('is applied by analyzePhases', () => {
    expect(() => analyzePhases([], { tolerance: -1 })).toThrow(ConfigError);
  });
});

describe('regime rules text', () => {
  it('writes out every regime with the default thresholds', () => {
    const text = REGIME_RULES_TEXT.join('\n');
    for (const phrase of [
      'Stalled',
      'Pre-saturation:',
      'Post-saturation generalization',
      'Memorizing',
      'Saturated and generalizing',
      'Insufficient data',
    ])
      expect(text).toContain(phrase);
    expect(text).toContain('at least 90% of the ceiling (1)');
    expect(text).toContain('within 0.02 of its running maximum for the next 50 steps');
    expect(text).toContain('frac_reward_zero_std');
    expect(text).toContain('is at least 0.7');
    expect(text).toContain('at least 100 steps');
  });

  it('interpolates the current thresholds', () => {
    const text = regimeRulesText({
      ...DEFAULT_PHASE_RULES,
      windowSteps: 80,
      tolerance: 0.05,
      ceiling: 'observed',
      heldoutRiseDelta: 0.1,
      allCorrectKey: '',
    }).join('\n');
    expect(text).toContain('within 0.05 of its running maximum for the next 80 steps');
    expect(text).toContain('the highest smoothed reward seen so far');
    expect(text).toContain('rises by more than 0.1');
    expect(text).not.toContain('frac_reward_zero_std');
  });
});
