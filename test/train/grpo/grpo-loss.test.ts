// The GRPO loss on a fixed tiny batch against hand-computed values (formulas: src/train/grpo-loss.ts header,
// from TRL's GRPOTrainer._compute_loss), clipping and its zero gradients, the k3 KL, entropy and self-certainty.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/model/tf';
import { grpoLoss, SUM_KEYS, type LossInputs, type LossSettings } from '../../../src/train/grpo-loss';
import { selfCertainty, tokenStats } from '../../../src/train/token-stats';
import type { LossType } from '../../../src/experiment/rl-config';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// n = 2 sequences, L = 3 positions; row 0 has 2 active tokens, row 1 has 3 (5 in all).
const LOGPS = [
  [-1, -2, -0.5],
  [-0.3, -1.2, -3],
];
const OLD = [
  [-1.5, -2, -0.5],
  [-0.3, -1.0, -2],
]; // log-ratios: row 0 [0.5, 0, -], row 1 [0, -0.2, -1]
const MASK = [
  [1, 1, 0],
  [1, 1, 1],
];
const ADV = [2, -1];
const MAX_LEN = 4;

function settings(lossType: LossType, extra: Partial<LossSettings> = {}): LossSettings {
  return {
    lossType,
    epsilonLow: 0.2,
    epsilonHigh: 0.2,
    beta: 0,
    entropyCoef: 0,
    maxCompletionLength: MAX_LEN,
    totalSequences: 2,
    totalTokens: 5,
    microBatches: 1,
    ...extra,
  };
}

function inputs(
  logps: tf.Tensor2D,
  opts: { old?: number[][]; ref?: number[][]; entropy?: number[][] } = {},
): LossInputs {
  return {
    logps,
    oldLogps: opts.old ? tf.tensor2d(opts.old) : null,
    refLogps: opts.ref ? tf.tensor2d(opts.ref) : null,
    entropy: tf.tensor2d(
      opts.entropy ?? [
        [0, 0, 0],
        [0, 0, 0],
      ],
    ),
    advantages: tf.tensor1d(ADV),
    mask: tf.tensor2d(MASK),
  };
}

async function lossOf(lossType: LossType, opts: Parameters<typeof inputs>[1] = {}, extra: Partial<LossSettings> = {}) {
  const out = tf.tidy(() => grpoLoss(inputs(tf.tensor2d(LOGPS), opts), settings(lossType, extra)));
  const [loss, sums] = [(await out.loss.data())[0]!, Array.from(await out.sums.data())];
  tf.dispose([out.loss, out.sums]);
  return { loss, sums: Object.fromEntries(SUM_KEYS.map((k, i) => [k, sums[i]!])) };
}

async function gradOf(lossType: LossType, old?: number[][]): Promise<number[][]> {
  const g = tf.tidy(() =>
    tf.grad((lp: tf.Tensor) => grpoLoss(inputs(lp as tf.Tensor2D, { old }), settings(lossType)).loss)(
      tf.tensor2d(LOGPS),
    ),
  );
  const out = (await g.array()) as number[][];
  g.dispose();
  return out;
}

describe('GRPO loss aggregation, on-policy (ratio = 1, per-token loss = -A)', () => {
  // Per-token loss: row 0: -2 on 2 tokens; row 1: +1 on 3 tokens. Sum = -4 + 3 = -1.
  it.each([
    ['grpo', (-2 + 1) / 2], // per-sequence means -2 and 1, then their mean
    ['bnpo', -1 / 5], // sum / active tokens of the (micro-)batch
    ['dapo', -1 / 5], // sum / active tokens of the whole batch: the same with one micro-batch
    ['dr_grpo', -1 / (2 * MAX_LEN)], // sum / (N * max completion length)
  ] as const)('%s = %f', async (lossType, expected) => {
    expect((await lossOf(lossType)).loss).toBeCloseTo(expected, 6);
  });

  it('bnpo and dapo differ once the batch is split: bnpo divides by its micro-batch tokens and count', async () => {
    // This micro-batch holds 5 of 12 tokens, in one of 2 micro-batches.
    expect((await lossOf('bnpo', {}, { microBatches: 2, totalTokens: 12 })).loss).toBeCloseTo(-1 / 5 / 2, 6);
    expect((await lossOf('dapo', {}, { microBatches: 2, totalTokens: 12 })).loss).toBeCloseTo(-1 / 12, 6);
  });

  it('has the policy-gradient gradient -A * mask / tokens (old = stop_gradient(logp)), and clips nothing', async () => {
    const g = await gradOf('dapo');
    const expected = [
      [-2 / 5, -2 / 5, 0],
      [1 / 5, 1 / 5, 1 / 5],
    ];
    g.flat().forEach((v, i) => expect(v).toBeCloseTo(expected.flat()[i]!, 6));
    const { sums } = await lossOf('dapo');
    expect([sums.clip_low, sums.clip_high, sums.clip_region, sums.tokens]).toEqual([0, 0, 0, 5]);
  });
});

describe('GRPO clipping, off-policy (num_iterations > 1)', () => {
  // Ratios: row 0 [e^0.5 = 1.648721, 1], row 1 [1, e^-0.2 = 0.818731, e^-1 = 0.367879]; eps 0.2.
  // Row 0 (A = 2): token 0 high-clipped -> -1.2 * 2 = -2.4; token 1 -> -2.
  // Row 1 (A = -1): token 0 -> 1; token 1 (inside the band) -> 0.818731; token 2 low-clipped -> 0.8.
  const rowSums = [-4.4, 1 + Math.exp(-0.2) + 0.8];
  it.each([
    ['dapo', (rowSums[0]! + rowSums[1]!) / 5],
    ['grpo', (rowSums[0]! / 2 + rowSums[1]! / 3) / 2],
    ['dr_grpo', (rowSums[0]! + rowSums[1]!) / (2 * MAX_LEN)],
  ] as const)('%s = %f', async (lossType, expected) => {
    expect((await lossOf(lossType, { old: OLD })).loss).toBeCloseTo(expected, 5);
  });

  it('counts clipped tokens as TRL: low = r < 1 - eps with A < 0, high = r > 1 + eps with A > 0', async () => {
    const { sums } = await lossOf('dapo', { old: OLD });
    expect([sums.clip_low, sums.clip_high, sums.clip_region, sums.tokens]).toEqual([1, 1, 2, 5]);
  });

  it('gives clipped tokens zero gradient, the others -A * r / tokens', async () => {
    const g = await gradOf('dapo', OLD);
    expect(Math.abs(g[0]![0]!)).toBe(0); // r > 1.2, A > 0: clipped
    expect(Math.abs(g[1]![2]!)).toBe(0); // r < 0.8, A < 0: clipped
    expect(g[0]![1]).toBeCloseTo(-2 / 5, 6);
    expect(g[1]![0]).toBeCloseTo(1 / 5, 6);
    expect(g[1]![1]).toBeCloseTo(Math.exp(-0.2) / 5, 6);
    expect(Math.abs(g[0]![2]!)).toBe(0); // masked
  });

  it('does not clip a ratio outside the band in the direction that makes the loss worse', async () => {
    // A = -1 and r = e^0.5 > 1.2: min(-r, -1.2) = -r, unclipped, gradient r / tokens.
    const old = [
      [-1, -2, -0.5],
      [-0.8, -1.2, -3],
    ];
    const g = await gradOf('dapo', old);
    expect(g[1]![0]).toBeCloseTo(Math.exp(0.5) / 5, 5);
    expect((await lossOf('dapo', { old })).sums.clip_region).toBe(0);
  });
});

describe('KL penalty and entropy bonus', () => {
  it('adds beta * k3 with k3 = exp(ref - logp) - (ref - logp) - 1, zero where ref == logp', async () => {
    const ref = [
      [-0.5, -2, -9],
      [-0.3, -1.2, -3],
    ]; // ref - logp: row 0 [0.5, 0, (masked)], 0 elsewhere
    const k3 = Math.exp(0.5) - 0.5 - 1; // 0.148721
    const { loss, sums } = await lossOf('dapo', { ref }, { beta: 0.1 });
    expect(sums.kl).toBeCloseTo(k3, 6);
    expect(loss).toBeCloseTo((-1 + 0.1 * k3) / 5, 6);
    expect((await lossOf('dapo', { ref: LOGPS }, { beta: 0.1 })).sums.kl).toBeCloseTo(0, 7);
  });

  it('subtracts entropyCoef * H per token and reports the masked entropy sum', async () => {
    const entropy = [
      [1, 2, 50],
      [0.5, 0.5, 0.5],
    ]; // 50 is masked
    const { loss, sums } = await lossOf('dapo', { entropy }, { entropyCoef: 0.1 });
    expect(sums.entropy).toBeCloseTo(4.5, 6);
    expect(loss).toBeCloseTo((-1 - 0.1 * 4.5) / 5, 6);
  });
});

describe('token statistics from logits', () => {
  it('log-prob and entropy of a known distribution, with the temperature applied to the logits', async () => {
    // logits [0, 0, ln 2] -> p = [1/4, 1/4, 1/2]; H = 0.5 ln 4 + 0.5 ln 2 = 1.039721
    const logits = tf.tensor3d([
      [
        [0, 0, Math.log(2)],
        [0, 0, 0],
      ],
    ]);
    const targets = tf.tensor2d([[2, 0]], [1, 2], 'int32');
    const { logps, entropy } = tokenStats(logits, targets, 1);
    const [lp, h] = [await logps.data(), await entropy.data()];
    expect(lp[0]).toBeCloseTo(Math.log(0.5), 6);
    expect(h[0]).toBeCloseTo(0.5 * Math.log(4) + 0.5 * Math.log(2), 6);
    expect(h[1]).toBeCloseTo(Math.log(3), 6);
    const hot = tokenStats(tf.tensor3d([[[0, 0, 2 * Math.log(2)]]]), tf.tensor2d([[2]], [1, 1], 'int32'), 2);
    expect((await hot.logps.data())[0]).toBeCloseTo(Math.log(0.5), 6); // logits / 2 = the first case
    tf.dispose([logits, targets, logps, entropy, hot.logps, hot.entropy]);
  });

  it('self-certainty equals logsumexp(logits) - mean(logits) per token, averaged over the mask', async () => {
    const raw = [
      [
        [1, 2, 3, 4],
        [0, 0, 0, 8],
        [5, -1, 2, 0],
      ],
      [
        [-2, 0, 1, 1],
        [3, 3, 3, 3],
        [0, 1, 0, 1],
      ],
    ];
    const mask = [
      [0, 1, 1],
      [1, 0, 0],
    ];
    const direct = (row: number[]) =>
      Math.log(row.reduce((s, x) => s + Math.exp(x), 0)) - row.reduce((s, x) => s + x, 0) / row.length;
    const expected = raw.map((seq, b) => {
      const on = seq.filter((_, t) => mask[b]![t] === 1);
      return on.reduce((s, row) => s + direct(row), 0) / on.length;
    });
    const sc = selfCertainty(tf.tensor3d(raw), tf.tensor2d(mask));
    const got = await sc.data();
    expected.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 5));
    sc.dispose();
  });
});
