// The RL config validator: defaults round-trip, bad settings are refused with the field named.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RL_CONFIG,
  epsilonHighOf,
  REWARD_NAMES,
  samplesPerPrompt,
  validateRlConfig,
} from '../../../src/experiment/rl-config';
import { DEFAULT_CPT_CONFIG, validateCptConfig } from '../../../src/experiment/cpt-config';
import { ConfigError } from '../../../src/util/errors';

function refusal(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the config was accepted');
}

describe('validateRlConfig', () => {
  it('accepts the defaults, and fills a partial config from them', () => {
    expect(validateRlConfig(DEFAULT_RL_CONFIG)).toEqual(DEFAULT_RL_CONFIG);
    expect(validateRlConfig({})).toEqual(DEFAULT_RL_CONFIG);
    expect(validateRlConfig({ numGenerations: 4, majorityVotes: 0 }).numGenerations).toBe(4);
    expect(Object.isFrozen(DEFAULT_RL_CONFIG)).toBe(true);
  });

  it.each([
    [{ numGenerations: 1 }, 'rl.numGenerations', 'rl.numGenerations must be an integer from 2 to 64; got 1'],
    [{ numGenerations: 2.5 }, 'rl.numGenerations', 'got 2.5'],
    [{ epsilon: 0 }, 'rl.epsilon', 'rl.epsilon must be a number greater than 0 and at most 1; got 0'],
    [{ epsilon: -0.1 }, 'rl.epsilon', 'greater than 0'],
    [{ temperature: 0 }, 'rl.temperature', 'greater than 0'],
    [{ lossType: 'ppo' }, 'rl.lossType', 'rl.lossType must be one of grpo, bnpo, dr_grpo, dapo; got "ppo"'],
    [{ scaleRewards: true }, 'rl.scaleRewards', 'one of group, batch, none'],
    [{ maskTruncatedCompletions: 'yes' }, 'rl.maskTruncatedCompletions', 'true or false'],
    [{ processFilter: 'prm' }, 'rl.processFilter', 'rl.processFilter must be one of none, prof; got "prm"'],
    [{ processFilter: true }, 'rl.processFilter', 'one of none, prof'],
    [{ numGeneration: 8 }, 'rl.numGeneration', 'Unknown setting rl.numGeneration'],
    [{ majorityVotes: 4 }, 'rl.majorityVotes', 'at least rl.numGenerations (8)'],
    [{ warmupSteps: 400 }, 'rl.warmupSteps', 'at most rl.steps'],
    [{ rewards: [] }, 'rl.rewards', 'non-empty list'],
    [
      { rewards: [{ name: 'oracle', weight: 1 }] },
      'rl.rewards[0].name',
      'one of verifiable, flip, random, format, majority_vote, self_certainty, verifiable_steps; got "oracle"',
    ],
    [{ rewards: [{ name: 'format', weight: 1, p: 0.3 }] }, 'rl.rewards[0].p', 'Unknown setting'],
    [{ rewards: [{ name: 'flip', weight: 1, p: 1.5 }] }, 'rl.rewards[0].p', 'from 0 to 1'],
    [
      {
        rewards: [
          { name: 'format', weight: 1 },
          { name: 'format', weight: 2 },
        ],
      },
      'rl.rewards[1].name',
      'twice',
    ],
    [{ rewards: [{ name: 'random', weight: 0 }] }, 'rl.rewards', 'non-zero weight'],
    [7, 'rl', 'must be an object'],
  ])('refuses %j naming %s', (raw, field, message) => {
    const err = refusal(() => validateRlConfig(raw));
    expect(err.field).toBe(field);
    expect(err.message).toContain(message);
  });

  it('defaults to no process filter and accepts prof and the step-checked reward', () => {
    expect('processFilter' in DEFAULT_RL_CONFIG).toBe(false); // absent = 'none', as configs saved before it
    expect('processFilter' in validateRlConfig({ processFilter: 'none' })).toBe(false);
    const c = validateRlConfig({ processFilter: 'prof', rewards: [{ name: 'verifiable_steps', weight: 1 }] });
    expect(c.processFilter).toBe('prof');
    expect(c.rewards).toEqual([{ name: 'verifiable_steps', weight: 1 }]);
    expect(REWARD_NAMES.at(-1)).toBe('verifiable_steps');
  });

  it('gives flip its default probability, and maps epsilonHigh null/0 to epsilon', () => {
    const c = validateRlConfig({ rewards: [{ name: 'flip', weight: 1 }], epsilonHigh: null });
    expect(c.rewards).toEqual([{ name: 'flip', weight: 1, p: 0.2 }]);
    expect(epsilonHighOf(c)).toBe(0.2);
    expect(epsilonHighOf({ epsilon: 0.2, epsilonHigh: 0.28 })).toBe(0.28);
  });

  it('samples the vote count only when majority_vote is used', () => {
    expect(samplesPerPrompt(DEFAULT_RL_CONFIG)).toBe(8);
    expect(samplesPerPrompt({ ...DEFAULT_RL_CONFIG, rewards: [{ name: 'majority_vote', weight: 1 }] })).toBe(16);
    expect(
      samplesPerPrompt({ ...DEFAULT_RL_CONFIG, rewards: [{ name: 'majority_vote', weight: 1 }], majorityVotes: 0 }),
    ).toBe(8);
  });
});

describe('validateCptConfig', () => {
  it('accepts the defaults and refuses a bad field by name', () => {
    expect(validateCptConfig({})).toEqual(DEFAULT_CPT_CONFIG);
    const err = refusal(() => validateCptConfig({ batchSize: 0 }));
    expect(err.field).toBe('cpt.batchSize');
    expect(err.message).toBe('cpt.batchSize must be an integer from 1 to 1024; got 0');
  });
});
