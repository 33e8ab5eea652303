// Whole GRPO steps on the CPU backend with a tiny model: the metric set, determinism of the first
// steps, no tensor leak, micro-batching that leaves the update unchanged, and the stored rollouts.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/model/tf';
import { disposeParams, initParams, paramsToArrays, type Params } from '../../../src/model/params';
import { buildDataset, validateDataConfig, type Dataset } from '../../../src/tasks/dataset';
import { validateRlConfig, type RlConfig } from '../../../src/experiment/rl-config';
import {
  createGrpoState,
  disposeGrpoState,
  grpoStep,
  readGrpoMetrics,
  rlBatchItems,
  type GrpoStepOutput,
} from '../../../src/train/grpo';
import { rolloutRecords } from '../../../src/train/rollout-record';
import { maxAbsDiff } from '../../model/fixtures';

const MODEL = { layers: 1, dModel: 32, heads: 2, context: 16, vocabSize: 100 };
let ds: Dataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const data = validateDataConfig({
    task: 'addition',
    taskConfig: { minDigits: 1, maxDigits: 1, oodMinDigits: 2, oodMaxDigits: 2 },
    style: 'answer_only',
    trainSize: 4,
    heldoutSize: 4,
    oodSize: 2,
    labelNoise: 0.25,
  });
  ds = buildDataset(data, 1);
});

/** A small RL config: random rewards give every group mixed rewards, so gradients are never all zero. */
function rlConfig(patch: Record<string, unknown> = {}): RlConfig {
  return validateRlConfig({
    steps: 10,
    promptsPerStep: 2,
    numGenerations: 4,
    maxCompletionLength: 6,
    lr: 1e-3,
    warmupSteps: 0,
    microBatchTokens: 0,
    rewards: [
      { name: 'random', weight: 1 },
      { name: 'verifiable', weight: 1 },
    ],
    ...patch,
  });
}

/** `n` steps from a fresh model of seed 5; returns each step's metrics and completions, and the final weights. */
async function run(rl: RlConfig, n: number, seed = 5) {
  const params = initParams(MODEL, 5);
  const state = createGrpoState(params, rl);
  const ctx = { model: MODEL, rl, task: ds.task, seed };
  const metrics: Record<string, number>[] = [];
  const texts: string[][] = [];
  for (let s = 0; s < n; s++) {
    const out = await grpoStep(state, ctx, rlBatchItems(ds, s, rl.promptsPerStep), rl.lr);
    texts.push(out.rollouts.groups.flatMap((g) => g.samples.map((c) => c.text)));
    metrics.push(await readGrpoMetrics([out], rl));
  }
  const weights = await paramsToArrays(params);
  disposeGrpoState(state);
  disposeParams(params);
  return { metrics, texts, weights };
}

describe('grpoStep', () => {
  it("logs TRL's metric names and the lab's true-reward values", async () => {
    const { metrics } = await run(rlConfig(), 1);
    const m = metrics[0]!;
    for (const key of [
      'loss',
      'grad_norm',
      'learning_rate',
      'reward',
      'reward_std',
      'frac_reward_zero_std',
      'rewards/random/mean',
      'rewards/random/std',
      'rewards/verifiable/mean',
      'completions/mean_length',
      'completions/min_length',
      'completions/max_length',
      'completions/clipped_ratio',
      'entropy',
      'clip_ratio/low_mean',
      'clip_ratio/high_mean',
      'clip_ratio/region_mean',
      'num_tokens',
      'step_time',
      'train/acc_true',
    ]) {
      expect(Number.isFinite(m[key]), key).toBe(true);
    }
    expect(m.kl).toBeUndefined(); // beta = 0: TRL logs no kl
    expect(m['clip_ratio/region_mean']).toBe(0); // on-policy: the ratio is exactly 1
    expect(m.grad_norm).toBeGreaterThan(0);
  });

  it('reproduces the first two steps from the same config and seed, and differs with another seed', async () => {
    const a = await run(rlConfig(), 2);
    const b = await run(rlConfig(), 2);
    const c = await run(rlConfig(), 2, 6);
    const strip = (ms: Record<string, number>[]) => ms.map(({ step_time: _t, ...rest }) => rest);
    expect(strip(b.metrics)).toEqual(strip(a.metrics));
    expect(b.texts).toEqual(a.texts);
    expect(c.texts).not.toEqual(a.texts);
  });

  it('leaves the update unchanged when the batch is split into micro-batches (dapo, grpo, dr_grpo)', async () => {
    for (const lossType of ['dapo', 'grpo', 'dr_grpo']) {
      const whole = await run(rlConfig({ lossType }), 1);
      const split = await run(rlConfig({ lossType, microBatchTokens: 48 }), 1); // rows padded to 15 tokens (context 16): 3 per pass, 3 + 3 + 2
      expect(split.metrics[0]!.loss).toBeCloseTo(whole.metrics[0]!.loss!, 5);
      for (const [name, w] of Object.entries(whole.weights))
        expect(maxAbsDiff(split.weights[name]!.data, w.data), `${lossType} ${name}`).toBeLessThan(1e-5);
    }
  });

  it('runs every option (iterations, KL, entropy, micro-batches, votes, self-certainty) without leaking tensors', async () => {
    // Not maskTruncatedCompletions: an untrained model never stops, so it would mask every token.
    const rl = rlConfig({
      numIterations: 2,
      beta: 0.05,
      entropyCoef: 0.01,
      microBatchTokens: 48,
      epsilonHigh: 0.28,
      rewards: [
        { name: 'majority_vote', weight: 1 },
        { name: 'self_certainty', weight: 0.1 },
        { name: 'flip', weight: 1, p: 0.5 },
        { name: 'format', weight: 1 },
      ],
      majorityVotes: 6,
    });
    const params: Params = initParams(MODEL, 5);
    const state = createGrpoState(params, rl);
    const ctx = { model: MODEL, rl, task: ds.task, seed: 1 };
    const step = async () => grpoStep(state, ctx, rlBatchItems(ds, state.step, rl.promptsPerStep), rl.lr);
    const pending: GrpoStepOutput[] = [await step()];
    await readGrpoMetrics(pending.splice(0), rl); // burn-in: tfjs caches a few tensors on first use
    const before = tf.memory().numTensors;
    for (let s = 0; s < 3; s++) pending.push(await step());
    const m = await readGrpoMetrics(pending, rl);
    expect(tf.memory().numTensors).toBe(before);
    expect(m.kl).toBeGreaterThan(0); // the second iteration sees a policy that moved away from the frozen reference
    expect(m.label_accuracy).toBe(0); // an untrained model states no answer: no pseudo-label
    expect(m.majority_ratio).toBe(0);
    for (const name of ['majority_vote', 'self_certainty', 'flip', 'format'])
      expect(Number.isFinite(m[`rewards/${name}/mean`]), name).toBe(true);
    expect(m.num_tokens).toBeGreaterThan(0);
    disposeGrpoState(state);
    disposeParams(params);
  });

  it('repeats the N training prompts as epochs, B per step', () => {
    const slots = [0, 1, 2, 3].map((step) => rlBatchItems(ds, step, 3).map((it) => it.slot));
    expect(slots).toEqual([
      [0, 1, 2],
      [3, 0, 1],
      [2, 3, 0],
      [1, 2, 3],
    ]); // N = 4
  });

  it('stores rollouts for the inspector: G completions per kept prompt with rewards, advantages and verdicts', async () => {
    const rl = rlConfig();
    const params = initParams(MODEL, 5);
    const state = createGrpoState(params, rl);
    const out = await grpoStep(state, { model: MODEL, rl, task: ds.task, seed: 1 }, rlBatchItems(ds, 0, 2), rl.lr);
    await readGrpoMetrics([out], rl);
    const records = rolloutRecords(out.step, out.rollouts, out.rewards, out.advantages, ds.task, 1);
    expect(records).toHaveLength(1);
    expect(records[0]!.completions).toHaveLength(4);
    const c = records[0]!.completions[1]!;
    expect(c.advantage).toBe(out.advantages[1]);
    expect(c.reward).toBe(out.rewards.total[1]);
    expect(Object.keys(c.rewards).sort()).toEqual(['random', 'verifiable']);
    expect(JSON.parse(JSON.stringify(records))).toEqual(records); // plain data
    disposeGrpoState(state);
    disposeParams(params);
  });
});
