// The plain-names table: labels and units for stored keys (patterned ones too), the reading order the
// compare picker uses, and the one number format for fractions.
import { describe, expect, it } from 'vitest';
import { formatMetric, metricLabel, metricName, metricOrder } from '../../src/analysis/metric-names';

describe('metricName', () => {
  it('names the keys a student meets, with their units', () => {
    expect(metricName('eval_heldout/accuracy')).toEqual({
      label: 'held-out accuracy (greedy)',
      unit: 'share of prompts, 0–1',
      fraction: true,
    });
    expect(metricName('eval_heldout/pass@1')).toEqual({
      label: 'held-out pass@1 (sampled)',
      unit: 'share of prompts, 0–1',
      fraction: true,
    });
    expect(metricName('reward')).toEqual({ label: 'training reward', unit: 'reward (mean)', fraction: false });
    expect(metricName('frac_reward_zero_std')).toEqual({
      label: 'prompts without learning signal',
      unit: 'share of prompts whose completions all scored alike, 0–1',
      fraction: true,
    });
    expect(metricLabel('clip_ratio/high_mean')).toBe('tokens clipped high');
    expect(metricName('entropy').unit).toBe('nats/token');
  });

  it('names patterned keys, and leaves an unknown key as it is', () => {
    expect(metricName('eval_ood/accuracy_d3')).toEqual({
      label: 'out-of-distribution accuracy, difficulty 3',
      unit: 'share of prompts, 0–1',
      fraction: true,
    });
    expect(metricLabel('eval_heldout/mean_length')).toBe('completion length (held-out, greedy)');
    expect(metricLabel('eval_train/num_prompts')).toBe('prompts evaluated (training prompts)');
    expect(metricLabel('rewards/self_certainty/mean')).toBe('reward "self_certainty" (mean)');
    expect(metricName('something/new')).toEqual({ label: 'something/new', unit: '', fraction: false });
  });
});

describe('metricOrder', () => {
  it('puts the reward and held-out pass@1 first, clip ratios late, unknown keys last', () => {
    expect(
      metricOrder([
        'clip_ratio/high_mean',
        'zzz',
        'eval_heldout/accuracy_d1',
        'eval_heldout/pass@1',
        'reward',
        'entropy',
      ]),
    ).toEqual(['reward', 'eval_heldout/pass@1', 'entropy', 'clip_ratio/high_mean', 'eval_heldout/accuracy_d1', 'zzz']);
  });
});

describe('formatMetric', () => {
  it('writes fractions and numbers below 1 with three decimals, larger ones with three significant digits', () => {
    expect(formatMetric('eval_heldout/accuracy', 0.09375)).toBe('0.094');
    expect(formatMetric('eval_heldout/accuracy', 1)).toBe('1.000');
    expect(formatMetric('reward', 0.0969)).toBe('0.097'); // below 1: three decimals, as fractions
    expect(formatMetric('reward', 0)).toBe('0.000');
    expect(formatMetric('rewards/self_certainty/mean', 11.234)).toBe('11.2');
    expect(formatMetric('learning_rate', 0.0003)).toBe('3.00e-4');
    expect(formatMetric('loss', NaN)).toBe('—');
  });
});
