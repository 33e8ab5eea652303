// Evaluation metrics on hand-written completions (exact values), and one whole evaluation of a tiny
// untrained model on multi_hop for the key set and ranges.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/model/tf';
import { disposeParams, initParams } from '../../../src/model/params';
import { addition } from '../../../src/tasks/addition';
import { buildDataset, validateDataConfig } from '../../../src/tasks/dataset';
import { evaluateRl, sampledMetrics, splitMetrics, trainSplitMetrics } from '../../../src/train/rl-eval';
import { additionItem } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ex = (a: number, b: number, difficulty: number) => ({ ...additionItem(a, b).example, difficulty });

describe('evaluation metrics on fixed completions', () => {
  it('accuracy overall and per difficulty stratum, and mean length', () => {
    const examples = [ex(3, 4, 1), ex(5, 5, 1), ex(12, 30, 2), ex(40, 2, 2)];
    const texts = ['A: 7', 'A: 11', 'A: 42', 'junk'];
    expect(splitMetrics('eval_heldout', addition, examples, texts)).toEqual({
      'eval_heldout/accuracy': 0.5,
      'eval_heldout/accuracy_d1': 0.5,
      'eval_heldout/accuracy_d2': 0.5,
      'eval_heldout/num_prompts': 4,
      'eval_heldout/mean_length': (4 + 5 + 5 + 4) / 4,
    });
  });

  it('training prompts: clean accuracy and noisy_label_fit on the noisy items only', () => {
    const items = [additionItem(3, 4, '8'), additionItem(1, 1, '3'), additionItem(2, 2)];
    const out = trainSplitMetrics(addition, items, ['A: 8', 'A: 2', 'A: 4']);
    expect(out['eval_train/accuracy']).toBeCloseTo(2 / 3, 12);
    expect(out['eval_train/num_prompts']).toBe(3);
    expect(out['eval_train/noisy_label_fit']).toBe(0.5); // 3+4 states the corrupted 8; 1+1 states the clean 2
    expect(trainSplitMetrics(addition, [additionItem(2, 2)], ['A: 4'])['eval_train/noisy_label_fit']).toBeUndefined();
  });

  it('pass@k, pass@1, faithfulness and diversity from k samples per prompt', () => {
    const examples = [ex(3, 4, 1), ex(5, 5, 1)];
    const texts = [
      'd1: 3+4+0=7\nA: 7',
      'd1: 3+4+0=7\nA: 7',
      'd1: 3+4+0=8\nA: 8', // 3+4: 2 right; 1 true-step-free but entailed
      'A: 11',
      'd1: 5+5+0=10\nA: 9',
      'junk', // 5+5: none right; one unfaithful (steps say 10)
    ];
    const m = sampledMetrics(addition, examples, texts, 3);
    expect(m['eval_heldout/pass@1']).toBeCloseTo(2 / 6, 12);
    expect(m['eval_heldout/pass@k']).toBe(0.5);
    expect(m['eval_heldout/num_samples']).toBe(6);
    expect(m['eval_div/pass_gap']).toBeCloseTo(0.5 - 2 / 6, 12);
    // Entailed: samples 0, 1, 2 (steps derive their answers); 'A: 11' has no steps; 5+5 -> 9 is not entailed.
    expect(m['eval_faith/entailed']).toBeCloseTo(3 / 6, 12);
    // Steps all true (at least one): samples 0, 1 and the 5+5 = 10 column.
    expect(m['eval_faith/steps_true']).toBeCloseTo(3 / 6, 12);
    expect(m['eval_div/distinct_answers']).toBe((2 + 2) / 2); // {7, 8} and {11, 9}; junk has no answer
    expect(m['eval_div/distinct_completions']).toBe((2 + 3) / 2);
  });
});

describe('evaluateRl', () => {
  it('reports every metric group with values in range, strata and intermediate recall on multi_hop', async () => {
    const data = validateDataConfig({ task: 'multi_hop', trainSize: 3, heldoutSize: 3, oodSize: 2, labelNoise: 0.34 });
    const ds = buildDataset(data, 3);
    const cfg = { layers: 1, dModel: 32, heads: 2, context: 512, vocabSize: 100 };
    const params = initParams(cfg, 3);
    const before = tf.memory().numTensors;
    const { values, samples } = await evaluateRl(params, cfg, ds, {
      evalSize: 3,
      passK: 2,
      maxNewTokens: 3,
      temperature: 1,
      topK: 0,
      seed: 1,
      step: 0,
    });
    expect(tf.memory().numTensors).toBe(before);
    disposeParams(params);
    const keys = Object.keys(values);
    for (const k of [
      'eval_heldout/accuracy',
      'eval_ood/accuracy',
      'eval_train/accuracy',
      'eval_train/noisy_label_fit',
      'eval_heldout/pass@k',
      'eval_faith/entailed',
      'eval_div/distinct_completions',
      'eval_weight_norm',
    ]) {
      expect(keys).toContain(k);
    }
    expect(keys.some((k) => /^eval_ood\/accuracy_d\d+$/.test(k))).toBe(true);
    expect(keys).toContain('eval_ood/intermediate_recall'); // OOD questions have 3-4 hops: intermediate entities exist
    for (const [k, v] of Object.entries(values))
      if (k !== 'eval_weight_norm' && !k.includes('length') && !k.includes('distinct'))
        expect(v, k).toBeGreaterThanOrEqual(0);
    expect(values.eval_weight_norm).toBeGreaterThan(0);
    expect(samples.map((s) => s.split)).toEqual(['heldout', 'heldout', 'heldout', 'ood', 'ood', 'train', 'train']);
  });
});
