// Every reward function on hand-made rollouts: verifiable vs noisy label, flip and random (seeded),
// format, majority vote (ties, unparseable votes, extra votes), self-certainty passthrough, weights,
// and the metrics logged beside them (TRL's rewards/<name>/*, the true reward, TTRL's vote metrics).
import { describe, expect, it } from 'vitest';
import { addition } from '../../../src/tasks/addition';
import { rngFor } from '../../../src/util/rng';
import {
  computeRewards,
  flipRewards,
  formatReward,
  majorityVote,
  randomRewards,
  rewardMetrics,
  voteKey,
} from '../../../src/train/rewards';
import { additionItem, fakeRollouts } from './fixtures';

const ctx = { task: addition, seed: 7, step: 3, selfCertainty: null };
const RIGHT = 'd1: 3+4+0=7\nA: 7';

describe('reward functions', () => {
  it('verifiable scores against the (possibly noisy) training label; the true reward against the clean one', () => {
    const r = fakeRollouts([{ item: additionItem(3, 4, '8'), texts: [RIGHT, 'A: 8', 'A: 9', 'junk'] }], 4);
    const out = computeRewards(r, [{ name: 'verifiable', weight: 1 }], ctx);
    expect(out.perFunc.verifiable).toEqual([0, 1, 0, 0]);
    expect(out.trueReward).toEqual([1, 0, 0, 0]);
    const m = rewardMetrics(r, out, addition);
    expect(m['rewards/verifiable/mean']).toBe(0.25);
    expect(m['rewards/verifiable/std']).toBeCloseTo(0.5, 12); // unbiased std of [0, 1, 0, 0]
    expect(m['train/acc_true']).toBe(0.25);
    expect(m['train/noisy_label_fit']).toBe(0.25); // 1 of 4 completions states the corrupted label 8
  });

  it('format: 1 only with at least one step line and an answer line', () => {
    expect(formatReward(addition.parse(RIGHT))).toBe(1);
    expect(formatReward(addition.parse('d1: wrong\nA: 12'))).toBe(1); // format only, not truth
    expect(formatReward(addition.parse('A: 7'))).toBe(0); // no steps
    expect(formatReward(addition.parse('d1: 3+4+0=7'))).toBe(0); // no answer
    expect(formatReward(addition.parse(''))).toBe(0);
  });

  it('flip: 1 - r exactly where the seeded uniform draw of (seed, step) is below p', () => {
    const base = Array.from({ length: 200 }, (_, i) => i % 2);
    const flipped = flipRewards(base, 0.3, 7, 3);
    const rng = rngFor(7, 3, 'reward-flip');
    const expected = base.map((r) => (rng.next() < 0.3 ? 1 - r : r));
    expect(flipped).toEqual(expected);
    expect(flipRewards(base, 0.3, 7, 3)).toEqual(flipped); // same seed and step, same flips
    expect(flipRewards(base, 0.3, 7, 4)).not.toEqual(flipped); // another step, other flips
    expect(flipRewards(base, 0, 7, 3)).toEqual(base);
    expect(flipRewards(base, 1, 7, 3)).toEqual(base.map((r) => 1 - r));
    const share = flipped.filter((r, i) => r !== base[i]).length / base.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
  });

  it('random: seeded Bernoulli(0.5), independent of the completions', () => {
    const a = randomRewards(4000, 7, 3);
    expect(new Set(a)).toEqual(new Set([0, 1]));
    expect(a.reduce((s, x) => s + x, 0) / a.length).toBeGreaterThan(0.47);
    expect(a.reduce((s, x) => s + x, 0) / a.length).toBeLessThan(0.53);
    expect(randomRewards(4000, 7, 3)).toEqual(a);
    expect(randomRewards(4000, 7, 4)).not.toEqual(a);
    const r = fakeRollouts([{ item: additionItem(3, 4), texts: [RIGHT, RIGHT, RIGHT, RIGHT] }], 4);
    expect(computeRewards(r, [{ name: 'random', weight: 1 }], ctx).perFunc.random).toEqual(randomRewards(4, 7, 3));
  });

  it('self_certainty passes the precomputed values through, and needs one per completion', () => {
    const r = fakeRollouts([{ item: additionItem(3, 4), texts: [RIGHT, 'A: 1'] }], 2);
    const out = computeRewards(r, [{ name: 'self_certainty', weight: 1 }], {
      ...ctx,
      selfCertainty: Float32Array.from([2.5, 0.5]),
    });
    expect(out.total).toEqual([2.5, 0.5]);
    expect(() => computeRewards(r, [{ name: 'self_certainty', weight: 1 }], ctx)).toThrow(/self-certainty value/);
  });

  it('combines rewards by weight; every reward keeps its unweighted values for its metrics', () => {
    const r = fakeRollouts([{ item: additionItem(3, 4), texts: [RIGHT, 'A: 7', 'd1: x\nA: 9', 'junk'] }], 4);
    const out = computeRewards(
      r,
      [
        { name: 'verifiable', weight: 1 },
        { name: 'format', weight: 0.5 },
      ],
      ctx,
    );
    expect(out.perFunc.format).toEqual([1, 0, 1, 0]);
    expect(out.total).toEqual([1.5, 1, 0.5, 0]);
    expect(rewardMetrics(r, out, addition)['rewards/format/mean']).toBe(0.5);
  });
});

describe('majority vote (TTRL)', () => {
  it('picks the most common parsed answer, normalized', () => {
    expect(majorityVote(['7', '8', '7.', null])).toEqual({ label: '7', ratio: 0.5 });
    expect(voteKey('Kam, Ana')).toBe(voteKey('ana and kam'));
  });

  it('breaks ties by the earliest sampled answer', () => {
    expect(majorityVote(['8', '7', '7', '8'])).toEqual({ label: '8', ratio: 0.5 });
    expect(majorityVote(['7', '8', '8', '7'])).toEqual({ label: '7', ratio: 0.5 });
  });

  it('never lets an unparseable completion (answer null) win; no answer at all gives no label and reward 0', () => {
    expect(majorityVote([null, null, null, '5'])).toEqual({ label: '5', ratio: 0.25 });
    expect(majorityVote([null, null])).toEqual({ label: null, ratio: 0 });
    const r = fakeRollouts([{ item: additionItem(3, 4), texts: ['junk', 'more junk'] }], 2);
    const out = computeRewards(r, [{ name: 'majority_vote', weight: 1 }], ctx);
    expect(out.perFunc.majority_vote).toEqual([0, 0]);
    expect(rewardMetrics(r, out, addition)).toMatchObject({ label_accuracy: 0, majority_ratio: 0 });
  });

  it('votes over all V samples, rewards only the first G, and logs label_accuracy and majority_ratio', () => {
    // Group 0 (3+4 = 7): votes 9, 9, 7, 9 -> pseudo-label 9 (wrong). Group 1 (1+1 = 2): votes 2, 5, 2, null -> 2.
    const r = fakeRollouts(
      [
        { item: additionItem(3, 4), texts: ['A: 9', 'A: 7', 'A: 9', 'A: 9'] },
        { item: additionItem(1, 1), texts: ['A: 5', 'A: 2', 'A: 2', 'oops'] },
      ],
      2,
    );
    const out = computeRewards(r, [{ name: 'majority_vote', weight: 1 }], ctx);
    expect(out.votes!.map((v) => v.label)).toEqual(['9', '2']);
    expect(out.perFunc.majority_vote).toEqual([1, 0, 0, 1]); // trained: samples 0 and 1 of each group
    expect(out.trueReward).toEqual([0, 1, 0, 1]);
    const m = rewardMetrics(r, out, addition);
    expect(m.label_accuracy).toBe(0.5);
    expect(m.majority_ratio).toBe((3 / 4 + 2 / 4) / 2);
  });
});
