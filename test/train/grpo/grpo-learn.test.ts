// GRPO raises the true reward of a model that half-solves its task (bounded CPU runs, four fixed seeds).
// Setup: 4 one-digit sums; SFT on each prompt's right answer AND a wrong one (sum + 1) in equal measure,
// so the model samples the right answer about half the time on every prompt and every group has mixed
// rewards. GRPO with the verifiable reward must then move most of the probability to the right answers.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/model/tf';
import { disposeParams, initParams } from '../../../src/model/params';
import { buildDataset, validateDataConfig } from '../../../src/tasks/dataset';
import { validateRlConfig } from '../../../src/experiment/rl-config';
import { createAdamW, disposeAdamW } from '../../../src/train/adamw';
import { makeBatch } from '../../../src/train/batch';
import { sftStep } from '../../../src/train/sft';
import {
  createGrpoState,
  disposeGrpoState,
  grpoStep,
  readGrpoMetrics,
  rlBatchItems,
  rlLearningRate,
} from '../../../src/train/grpo';

const MODEL = { layers: 1, dModel: 32, heads: 2, context: 16, vocabSize: 100 };
const N = 4;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Per-step true reward of 15 GRPO steps after the half-and-half SFT, for dataset seed `seed`. */
async function trueRewardPerStep(seed: number): Promise<number[]> {
  const data = validateDataConfig({
    task: 'addition',
    taskConfig: { minDigits: 1, maxDigits: 1, oodMinDigits: 2, oodMaxDigits: 2 },
    style: 'answer_only',
    trainSize: N,
    heldoutSize: 4,
    oodSize: 2,
  });
  const ds = buildDataset(data, seed);
  const params = initParams(MODEL, 1);
  // 1. SFT: right and wrong answers in equal measure (40 steps at 3e-2 -> roughly half right).
  const items = Array.from({ length: N }, (_, i) => ds.train(i));
  const pairs = items.flatMap((it) =>
    [0, 1].map((d) => ({ prompt: it.example.prompt, completion: `A: ${Number(it.cleanLabel) + d}` })),
  );
  const batch = makeBatch(pairs, MODEL.context);
  const sftOpt = createAdamW(params);
  for (let s = 0; s < 40; s++) {
    const out = sftStep(params, MODEL, sftOpt, { beta1: 0.9, beta2: 0.99, weightDecay: 0, gradClip: 1 }, batch, 3e-2);
    tf.dispose([out.loss, out.correct, out.count, out.gradNorm]);
  }
  disposeAdamW(sftOpt);
  // 2. GRPO, TRL defaults but a tiny-model learning rate.
  const rl = validateRlConfig({
    steps: 15,
    promptsPerStep: N,
    numGenerations: 8,
    maxCompletionLength: 6,
    lr: 1e-2,
    warmupSteps: 3,
    microBatchTokens: 0,
  });
  const state = createGrpoState(params, rl);
  const ctx = { model: MODEL, rl, task: ds.task, seed: 1 };
  const acc: number[] = [];
  for (let s = 0; s < rl.steps; s++) {
    const out = await grpoStep(state, ctx, rlBatchItems(ds, s, N), rlLearningRate(rl, s));
    acc.push((await readGrpoMetrics([out], rl))['train/acc_true']!);
  }
  disposeGrpoState(state);
  disposeParams(params);
  return acc;
}

describe('GRPO on a half-solved task', () => {
  it('raises the mean true reward in every one of four seeds, clearly on average', async () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const rises: number[] = [];
    const traces: string[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const acc = await trueRewardPerStep(seed);
      traces.push(`seed ${seed}: ${acc.map((a) => a.toFixed(2)).join(' ')}`);
      rises.push(mean(acc.slice(-5)) - mean(acc.slice(0, 5)));
    }
    const why = `true reward per step:\n${traces.join('\n')}`;
    expect(Math.min(...rises), why).toBeGreaterThan(0); // better at the end in every seed...
    expect(mean(rises), why).toBeGreaterThan(0.08); // ...and by a margin no seed-to-seed noise explains
  });
});
