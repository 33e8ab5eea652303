// A synthetic run for result-link tests: metric rows shaped like the lab's (SFT loss and accuracies,
// optional RL-style metrics: reward, true reward, sampled pass@1 with its counts, and extra reward curves), evaluations every 50 steps, and a few samples.
import { DEFAULT_RUN_CONFIG, validateRunConfig } from '../../src/experiment/run-config';
import type { MetricPoint } from '../../src/analysis/metric-series';
import type { SharedSample } from '../../src/experiment/result-link';

export function syntheticRun(steps: number, logEvery: number, extraKeys = 0) {
  const rows: MetricPoint[] = [];
  for (let step = 0; step <= steps; step += logEvery) {
    const t = step / steps;
    const noise = ((Math.sin(step * 12.9898) * 43758.5453) % 1) * 0.02; // hash noise: does not compress like a sine
    const values: Record<string, number> =
      step === 0
        ? {}
        : {
            loss: 2.5 * Math.exp(-4 * t) + 0.1 + noise,
            mean_token_accuracy: 1 - 0.7 * Math.exp(-5 * t) + noise,
            learning_rate: 3e-3 * (1 - t),
            step_time: 0.2,
            num_tokens: step * 4000,
          };
    if (extraKeys > 0 && step > 0) {
      values.reward = Math.min(1, 0.2 + t * 1.5) + noise;
      values['train/acc_true'] = Math.min(1, 0.15 + t * 1.4) - noise; // its own curve: costs bytes as the reward does
      values.frac_reward_zero_std = Math.min(1, t * 1.2);
      for (let k = 0; k < extraKeys; k++) values[`rewards/extra_${k}/mean`] = Math.cos(step * 0.1 + k) * (k + 1);
    }
    if (step % 50 === 0)
      Object.assign(values, {
        'eval_heldout/accuracy': Math.min(1, t * 1.1),
        'eval_ood/accuracy': t * 0.4,
        'eval_train/accuracy': Math.min(1, t * 1.3),
      });
    if (step % 50 === 0 && extraKeys > 0)
      Object.assign(values, {
        'eval_heldout/pass@1': t * 0.9,
        'eval_heldout/num_samples': 512,
        'eval_heldout/num_prompts': 64,
      });
    if (Object.keys(values).length > 0) rows.push({ step, values });
  }
  const samples: SharedSample[] = [
    { split: 'heldout', prompt: '123+456=', completion: 'c: 9,7,5 A: 579', answer: '579', correct: true },
    { split: 'heldout', prompt: '999+1=', completion: 'c: 0,0,0,1 A: 1000', answer: '1000', correct: true },
    { split: 'ood', prompt: '1234+5678=', completion: 'c: 2,1,9,6 A: 6812', answer: '6912', correct: false },
  ];
  const config = validateRunConfig({ ...DEFAULT_RUN_CONFIG, seed: 3, sft: { ...DEFAULT_RUN_CONFIG.sft, steps } });
  return {
    config,
    name: 'addition · pattern · N=512 · γ=0 · seed 3',
    status: 'completed',
    step: steps,
    totalSteps: steps,
    backend: 'webgpu',
    rows,
    samples,
  };
}
