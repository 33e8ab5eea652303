// PROF's consistency filter (processFilter 'prof'): the keep mask on hand-built groups, the token batch
// without the dropped rows, advantages over the kept rows (hand-computed), and whole GRPO steps with a
// scripted sampler: a step with dropped rows equals the step on a batch that never had them.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../../../src/model/tf';
import { encode } from '../../../src/model/tokenizer';
import { disposeParams, initParams, paramsToArrays } from '../../../src/model/params';
import { validateRlConfig } from '../../../src/experiment/rl-config';
import { addition } from '../../../src/tasks/addition';
import type { TrainItem } from '../../../src/tasks/dataset';
import { computeAdvantages } from '../../../src/train/advantages';
import { createGrpoState, disposeGrpoState, grpoStep, readGrpoMetrics } from '../../../src/train/grpo';
import { keepRows, profKeep, stepsVerified } from '../../../src/train/process-filter';
import { buildRlTokens } from '../../../src/train/rollout';
import { maxAbsDiff } from '../../model/fixtures';
import { additionItem, fakeRollouts } from './fixtures';

/** The completions the scripted sampler returns, row by row (prompt b, sample j at b * V + j). */
const sampler = { texts: [] as string[] };
vi.mock('../../../src/model/sample', () => ({
  sampleBatch: async (_p: unknown, _c: unknown, prompts: number[][]) => ({
    completions: prompts.map((_, i) => encode(sampler.texts[i]!)),
    finished: prompts.map(() => true),
  }),
}));

// 3+4 = 7: right with a true step (kept), right without steps (dropped), wrong with a false step
// (kept), wrong without steps (kept). Verifiable rewards 1, 1, 0, 0.
const GROUP_A = ['d1: 3+4+0=7\nA: 7', 'A: 7', 'd1: 3+4+0=8\nA: 8', 'A: 5'];
// 2+5 = 7: wrong with a true step, right with a false step, right without steps (all dropped), and one
// consistent row that is its group's only one (dropped: nothing to compare it with).
const GROUP_B = ['d1: 2+5+0=7\nA: 9', 'd1: 2+5+0=6\nA: 7', 'A: 7', 'd1: 2+5+0=7\nA: 7'];
const ITEMS: TrainItem[] = [additionItem(3, 4), additionItem(2, 5)];
const ROLLOUTS = fakeRollouts(
  [
    { item: ITEMS[0]!, texts: GROUP_A },
    { item: ITEMS[1]!, texts: GROUP_B },
  ],
  4,
);
const KEEP = [true, false, true, true, false, false, false, false];

function close(actual: ArrayLike<number>, expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]!, `row ${i}`).toBeCloseTo(e, digits));
}

describe('profKeep', () => {
  it('keeps rows whose outcome and steps agree, in groups with at least two of them', () => {
    expect(ROLLOUTS.groups[1]!.samples.map((c) => stepsVerified(addition, ITEMS[1]!.example, c.parsed))).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect(profKeep(ROLLOUTS, addition)).toEqual(KEEP);
  });

  it('judges the outcome against the training label: a noisy label turns the verdicts around', () => {
    // Label 8 for 3+4: "A: 7" with its true step is now a wrong answer with true steps (dropped).
    const r = fakeRollouts(
      [{ item: additionItem(3, 4, '8'), texts: ['d1: 3+4+0=7\nA: 7', 'd1: 3+4+0=7\nA: 8', 'A: 5', 'A: 8'] }],
      4,
    );
    expect(profKeep(r, addition)).toEqual([false, true, true, false]);
  });
});

describe('keepRows', () => {
  it('zeroes the mask of dropped rows and recounts the active tokens; inputs and targets stay', () => {
    const b = buildRlTokens(ROLLOUTS, 64, false);
    const kept = keepRows(b, KEEP);
    // Completion tokens + EOS per row: 16+1, 4+1, 16+1, 4+1 in group A; rows 0, 2 and 3 stay.
    expect(kept.activeTokens).toBe(17 + 17 + 5);
    for (let i = 0; i < b.rows; i++) {
      const row = (m: Float32Array) => Array.from(m.subarray(i * b.L, (i + 1) * b.L));
      expect(row(kept.mask), `row ${i}`).toEqual(KEEP[i] ? row(b.mask) : row(b.mask).map(() => 0));
    }
    expect(kept.inputs).toBe(b.inputs);
    expect(b.activeTokens).toBe(17 + 5 + 17 + 5 + 17 + 17 + 5 + 17); // the batch it came from is unchanged
    expect(() => keepRows(b, KEEP.slice(1))).toThrow(/one verdict per row/);
  });
});

describe('computeAdvantages with a keep mask', () => {
  // Group 1 keeps rows 0, 2, 3: [1, 0, 0], mean 1/3, std sqrt(1/3) = 0.5773503.
  // Group 2 keeps rows 4, 5: [1, 0.5], mean 0.75, std sqrt(0.125) = 0.3535534.
  const REWARDS = [1, 1, 0, 0, 1, 0.5, 0.5, 0];
  const K = [true, false, true, true, true, true, false, false];

  it('group: statistics over the kept rows; dropped rows get 0', () => {
    const out = computeAdvantages(REWARDS, 4, 'group', K);
    // (2/3) / (0.5773503 + 1e-4) = 1.1545006; (1/3) / 0.5774503 = 0.5772503; 0.25 / 0.3536534 = 0.7069068
    close(out.advantages, [1.1545006, 0, -0.5772503, -0.5772503, 0.7069068, -0.7069068, 0, 0]);
    expect(out.reward).toBe(0.5); // every row, kept or not
    expect(out.rewardStd).toBeCloseTo((3 * Math.sqrt(1 / 3) + 2 * Math.sqrt(0.125)) / 5, 10); // 0.4878315 over the 5 kept rows
    expect(out.fracZeroStd).toBe(0);
  });

  it('batch: the std of the kept rows of the batch; none: only centred', () => {
    // Kept rewards [1, 0, 0, 1, 0.5]: mean 0.5, unbiased var 1 / 4, std 0.5.
    const batch = computeAdvantages(REWARDS, 4, 'batch', K);
    close(batch.advantages, [
      2 / 3 / 0.5001,
      0,
      -(1 / 3) / 0.5001,
      -(1 / 3) / 0.5001,
      0.25 / 0.5001,
      -0.25 / 0.5001,
      0,
      0,
    ]);
    expect(batch.rewardStd).toBeCloseTo(0.5, 10);
    close(computeAdvantages(REWARDS, 4, 'none', K).advantages, [2 / 3, 0, -1 / 3, -1 / 3, 0.25, -0.25, 0, 0], 6);
  });

  it('a group with fewer than two kept rows contributes nothing; none left gives NaN statistics', () => {
    const lone = computeAdvantages(REWARDS, 4, 'group', [true, false, false, false, true, true, false, false]);
    close(lone.advantages, [0, 0, 0, 0, 0.7069068, -0.7069068, 0, 0]);
    expect(lone.rewardStd).toBeCloseTo(Math.sqrt(0.125), 10);
    const none = computeAdvantages(
      REWARDS,
      4,
      'group',
      REWARDS.map(() => false),
    );
    expect(Array.from(none.advantages)).toEqual(REWARDS.map(() => 0));
    expect(none.rewardStd).toBeNaN();
    expect(none.fracZeroStd).toBeNaN();
    expect(computeAdvantages([1, 1, 0, 1], 4, 'group', [true, true, false, false]).fracZeroStd).toBe(1); // kept [1, 1]: zero std
  });

  it('keeping every row is exactly no mask; a mask of the wrong length is refused', () => {
    for (const scale of ['group', 'batch', 'none'] as const) {
      expect(
        computeAdvantages(
          REWARDS,
          4,
          scale,
          REWARDS.map(() => true),
        ),
      ).toEqual(computeAdvantages(REWARDS, 4, scale));
    }
    expect(() => computeAdvantages(REWARDS, 4, 'group', [true])).toThrow(/one keep verdict per reward/);
  });
});

describe('grpoStep with processFilter prof', () => {
  const MODEL = { layers: 1, dModel: 32, heads: 2, context: 32, vocabSize: 100 };
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  /** One step from the same fresh model on scripted completions; its metrics, advantages and weights. */
  async function step(items: TrainItem[], texts: string[], patch: Record<string, unknown>) {
    sampler.texts = texts;
    const rl = validateRlConfig({
      steps: 1,
      promptsPerStep: items.length,
      maxCompletionLength: 24,
      lr: 1e-2,
      warmupSteps: 0,
      microBatchTokens: 0,
      entropyCoef: 0.01,
      ...patch,
    });
    const params = initParams(MODEL, 5);
    const state = createGrpoState(params, rl);
    const out = await grpoStep(state, { model: MODEL, rl, task: addition, seed: 1 }, items, rl.lr);
    const advantages = Array.from(out.advantages);
    const metrics = await readGrpoMetrics([out], rl);
    const weights = await paramsToArrays(params);
    disposeGrpoState(state);
    disposeParams(params);
    return { metrics, advantages, weights };
  }

  it.each(['dapo', 'grpo', 'dr_grpo'])(
    '%s: dropping rows equals training on a batch without them',
    async (lossType) => {
      const prof = await step(ITEMS, [...GROUP_A, ...GROUP_B], { numGenerations: 4, processFilter: 'prof', lossType });
      const without = await step([ITEMS[0]!], [GROUP_A[0]!, GROUP_A[2]!, GROUP_A[3]!], { numGenerations: 3, lossType });
      const unfiltered = await step(ITEMS, [...GROUP_A, ...GROUP_B], { numGenerations: 4, lossType });
      expect(prof.metrics['prof/kept_frac']).toBe(3 / 8);
      expect(without.metrics['prof/kept_frac']).toBeUndefined();
      close(prof.advantages, [1.1545006, 0, -0.5772503, -0.5772503, 0, 0, 0, 0]); // rewards [1, 1, 0, 0 | 0, 1, 1, 1]
      close(without.advantages, [1.1545006, -0.5772503, -0.5772503]);
      expect(prof.metrics.loss).toBeCloseTo(without.metrics.loss!, 6);
      let moved = 0;
      for (const [name, w] of Object.entries(without.weights)) {
        expect(maxAbsDiff(prof.weights[name]!.data, w.data), name).toBeLessThan(1e-6);
        moved = Math.max(moved, maxAbsDiff(unfiltered.weights[name]!.data, w.data));
      }
      expect(moved).toBeGreaterThan(1e-3); // without the filter the dropped rows do train
      const before = tf.memory().numTensors; // after three steps: tfjs's first-use caches are made
      await step(ITEMS, [...GROUP_A, ...GROUP_B], { numGenerations: 4, processFilter: 'prof', lossType });
      expect(tf.memory().numTensors).toBe(before); // the replaced masks are freed
    },
  );
});
