import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, validateRunConfig } from '../../src/experiment/run-config';
import { buildDataset } from '../../src/tasks/dataset';
import { ConfigError } from '../../src/util/errors';

const maxLength = (data: Parameters<typeof buildDataset>[0], seed: number) => buildDataset(data, seed).maxLength();

/** The ConfigError a bad config raises (fails the test if none). */
function refusal(raw: unknown): ConfigError {
  try {
    validateRunConfig(raw, maxLength);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the config was accepted');
}

describe('validateRunConfig', () => {
  it('accepts the default config, and an empty object as the defaults', () => {
    expect(validateRunConfig(DEFAULT_RUN_CONFIG, maxLength)).toEqual(DEFAULT_RUN_CONFIG);
    expect(validateRunConfig({}, maxLength)).toEqual(DEFAULT_RUN_CONFIG);
  });

  it.each([
    [{ sft: { ...DEFAULT_RUN_CONFIG.sft, steps: -1 } }, 'sft.steps', /integer from 0 to 100000; got -1/],
    [
      { sft: { ...DEFAULT_RUN_CONFIG.sft, steps: 0 }, rl: { ...DEFAULT_RUN_CONFIG.rl, steps: 0 } },
      'sft.steps',
      /the run has no steps/,
    ],
    [{ rl: { ...DEFAULT_RUN_CONFIG.rl, numGenerations: 1 } }, 'rl.numGenerations', /from 2 to 64; got 1/],
    [{ rl: { ...DEFAULT_RUN_CONFIG.rl, epsilon: 0 } }, 'rl.epsilon', /greater than 0/],
    [
      { rl: { ...DEFAULT_RUN_CONFIG.rl, rewards: [{ name: 'vibes', weight: 1 }] } },
      'rl.rewards[0].name',
      /one of verifiable, flip, random/,
    ],
    [{ cpt: { ...DEFAULT_RUN_CONFIG.cpt, steps: -2 } }, 'cpt.steps', /cpt.steps/],
    [{ sft: { ...DEFAULT_RUN_CONFIG.sft, steps: 2.5 } }, 'sft.steps', /integer/],
    [{ sft: { ...DEFAULT_RUN_CONFIG.sft, lr: -1 } }, 'sft.lr', /sft.lr must be a number/],
    [{ sft: { ...DEFAULT_RUN_CONFIG.sft, batchSize: 'big' } }, 'sft.batchSize', /got "big"/],
    [
      { sft: { ...DEFAULT_RUN_CONFIG.sft, targetAccuracy: 1.5 } },
      'sft.targetAccuracy',
      /sft.targetAccuracy must be a number from 0 to 1; got 1.5/,
    ],
    [{ sft: { ...DEFAULT_RUN_CONFIG.sft, targetAccuracy: -0.1 } }, 'sft.targetAccuracy', /from 0 to 1; got -0.1/],
    [
      { sft: { ...DEFAULT_RUN_CONFIG.sft, targetFaithfulness: 'high' } },
      'sft.targetFaithfulness',
      /sft.targetFaithfulness must be a number from 0 to 1; got "high"/,
    ],
    [{ model: { ...DEFAULT_RUN_CONFIG.model, dModel: 0 } }, 'model.dModel', /dModel/],
    [{ model: { ...DEFAULT_RUN_CONFIG.model, heads: 5 } }, 'model.heads', /divide/],
    [{ model: { ...DEFAULT_RUN_CONFIG.model, layers: 9 } }, 'model.layers', /layers/],
    [{ model: { ...DEFAULT_RUN_CONFIG.model, context: 32 } }, 'model.context', /shorter than the longest example/],
    [{ backend: 'tpu' }, 'backend', /one of auto, webgpu, webgl, wasm, cpu; got "tpu"/],
    [{ kernels: 'fast' }, 'kernels', /one of fused, naive; got "fast"/],
    [{ seed: -3 }, 'seed', /seed/],
    [{ version: 7 }, 'version', /version must be 1/],
    [{ data: { ...DEFAULT_RUN_CONFIG.data, task: 'chess' } }, 'data.task', /chess/],
  ])('refuses %j naming %s', (patch, field, message) => {
    const err = refusal({ ...DEFAULT_RUN_CONFIG, ...patch });
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
  });

  it('leaves the SFT targets out when 0 (off), so configs saved before them read and serialize the same', () => {
    const before = JSON.stringify(
      validateRunConfig({ ...DEFAULT_RUN_CONFIG, sft: { ...DEFAULT_RUN_CONFIG.sft, lr: 0.01 } }),
    );
    const zeros = validateRunConfig({
      ...DEFAULT_RUN_CONFIG,
      sft: { ...DEFAULT_RUN_CONFIG.sft, lr: 0.01, targetAccuracy: 0, targetFaithfulness: 0 },
    });
    expect(JSON.stringify(zeros)).toBe(before);
    expect('targetAccuracy' in DEFAULT_RUN_CONFIG.sft || 'targetFaithfulness' in DEFAULT_RUN_CONFIG.sft).toBe(false);
    const set = validateRunConfig({
      ...DEFAULT_RUN_CONFIG,
      sft: { ...DEFAULT_RUN_CONFIG.sft, targetAccuracy: 0.9, targetFaithfulness: 1 },
    });
    expect([set.sft.targetAccuracy, set.sft.targetFaithfulness]).toEqual([0.9, 1]);
  });

  it('refuses something that is not an object', () => {
    expect(refusal('hello').field).toBe('config');
  });
});
