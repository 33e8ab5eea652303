// Model config: defaults, validation messages and the parameter count.
import { describe, expect, it } from 'vitest';
import { countParams, DEFAULT_MODEL_CONFIG, validateModelConfig, type ModelConfig } from '../../src/model/model-config';
import { ConfigError } from '../../src/util/errors';

function refusal(patch: Record<string, unknown>): ConfigError {
  try {
    validateModelConfig({ ...DEFAULT_MODEL_CONFIG, ...patch });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(patch)}`);
}

describe('model config', () => {
  it('default is frozen and valid', () => {
    expect(Object.isFrozen(DEFAULT_MODEL_CONFIG)).toBe(true);
    expect(validateModelConfig(DEFAULT_MODEL_CONFIG)).toEqual(DEFAULT_MODEL_CONFIG);
  });

  it('counts the default model at 838,912 parameters', () => {
    // By hand: wte 100*128 = 12,800; wpe 256*128 = 32,768; per layer 12*128^2 + 13*128 = 198,272
    // (wqkv 3C^2 + wo C^2 + w1 4C^2 + w2 4C^2, biases 3C + C + 4C + C, two LayerNorms 4C); lnf 256.
    // 12,800 + 32,768 + 4 * 198,272 + 256 = 838,912.
    expect(countParams(DEFAULT_MODEL_CONFIG)).toBe(838_912);
    const tiny: ModelConfig = { layers: 1, dModel: 32, heads: 2, context: 16, vocabSize: 100 };
    expect(countParams(tiny)).toBe(100 * 32 + 16 * 32 + 12 * 32 * 32 + 13 * 32 + 64);
  });

  it('fills a missing vocabSize', () => {
    const { vocabSize: _, ...rest } = DEFAULT_MODEL_CONFIG;
    expect(validateModelConfig(rest).vocabSize).toBe(100);
  });

  it('refuses bad values and names the field and the range', () => {
    const heads = refusal({ heads: 5 });
    expect(heads.field).toBe('model.heads');
    expect(heads.message).toBe('model.heads must divide model.dModel (128); got 5');
    expect(refusal({ layers: 0 }).message).toBe('model.layers must be an integer from 1 to 8; got 0');
    expect(refusal({ layers: 9 }).field).toBe('model.layers');
    expect(refusal({ dModel: 512 }).message).toBe('model.dModel must be an integer from 32 to 384; got 512');
    expect(refusal({ dModel: 64.5 }).field).toBe('model.dModel');
    expect(refusal({ context: 2048 }).message).toBe('model.context must be an integer from 16 to 1024; got 2048');
    expect(refusal({ heads: '4' }).field).toBe('model.heads');
    expect(refusal({ vocabSize: 99 }).field).toBe('model.vocabSize');
    expect(() => validateModelConfig(null)).toThrow(ConfigError);
  });
});
