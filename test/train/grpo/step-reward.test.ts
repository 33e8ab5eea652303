// The step-checked reward (verifiable_steps): the verifiable score, paid only when the completion states
// at least one step and every stated step is true, against the same (possibly noisy) label as verifiable.
// Hand-built completions on addition and arith_chain, then every registered task's own pattern rationale.
import { describe, expect, it } from 'vitest';
import { encode, encodePrompt } from '../../../src/model/tokenizer';
import { arithChain } from '../../../src/tasks/arith-chain';
import { addition } from '../../../src/tasks/addition';
import type { TrainItem } from '../../../src/tasks/dataset';
import { getTask, TASK_IDS } from '../../../src/tasks/registry';
import type { AnyTask, Example } from '../../../src/tasks/types';
import { rngFor } from '../../../src/util/rng';
import { computeRewards, rewardMetrics } from '../../../src/train/rewards';
import type { Rollouts } from '../../../src/train/rollout';
import { additionItem, fakeRollouts } from './fixtures';

const STEPS = [
  { name: 'verifiable_steps', weight: 1 },
  { name: 'verifiable', weight: 1 },
] as const;

/** One group of finished completions of `ex`, parsed by `task`; `label` is the training label. */
function taskRollouts(task: AnyTask, ex: Example, texts: string[], label: string | string[] = ex.answer): Rollouts {
  const item: TrainItem = {
    index: 0,
    slot: 0,
    example: ex,
    label,
    cleanLabel: ex.answer,
    noisy: label !== ex.answer,
    corrupted: false,
    completion: '',
  };
  const samples = texts.map((text) => ({ ids: encode(text), text, finished: true, parsed: task.parse(text) }));
  return {
    G: texts.length,
    samplesPerPrompt: texts.length,
    groups: [{ item, prompt: encodePrompt(ex.prompt), samples }],
  };
}

function stepRewards(task: AnyTask, r: Rollouts): number[] {
  return computeRewards(r, [...STEPS], { task, seed: 1, step: 0, selfCertainty: null }).perFunc.verifiable_steps!;
}

describe('verifiable_steps', () => {
  it('addition: 1 only for the right answer with every stated step true', () => {
    // 38+45 = 83: column 1 is 8+5+0=13 (carry 1), column 2 is 3+4+1=8.
    const r = fakeRollouts(
      [
        {
          item: additionItem(38, 45),
          texts: [
            'd1: 8+5+0=13\nd2: 3+4+1=8\nA: 83', // right answer, both steps true
            'd1: 8+5+0=13\nd2: 3+4+0=8\nA: 83', // right answer, column 2 drops the carry: a false step
            'A: 83', // right answer, no step
            'd1: 8+5+0=13\nd2: 3+4+1=8\nA: 84', // true steps, wrong answer
          ],
        },
      ],
      4,
    );
    const out = computeRewards(r, [...STEPS], { task: addition, seed: 1, step: 0, selfCertainty: null });
    expect(out.perFunc.verifiable_steps).toEqual([1, 0, 0, 0]);
    expect(out.perFunc.verifiable).toEqual([1, 1, 1, 0]);
    const m = rewardMetrics(r, out, addition);
    expect(m['rewards/verifiable_steps/mean']).toBe(0.25);
    expect(m['rewards/verifiable_steps/std']).toBeCloseTo(0.5, 12); // unbiased std of [1, 0, 0, 0]
  });

  it('scores the answer against the training label, as verifiable does; the true reward keeps the clean one', () => {
    // 3+4 with the noisy label 8: true steps with the label's answer pay 1, the clean answer pays 0.
    const r = fakeRollouts([{ item: additionItem(3, 4, '8'), texts: ['d1: 3+4+0=7\nA: 8', 'd1: 3+4+0=7\nA: 7'] }], 2);
    const out = computeRewards(r, [...STEPS], { task: addition, seed: 1, step: 0, selfCertainty: null });
    expect(out.perFunc.verifiable_steps).toEqual([1, 0]);
    expect(out.perFunc.verifiable).toEqual([1, 0]);
    expect(out.trueReward).toEqual([0, 1]);
  });

  it('arith_chain: a false partial result or a missing scratchpad pays 0', () => {
    const ex = arithChain.generate(arithChain.defaults, rngFor(1, 0), 0); // the task file's documented example
    expect([ex.prompt, ex.answer]).toEqual(['54*26+73*1+15=?', '1492']);
    const r = taskRollouts(arithChain, ex, [
      '54*26=1404\n73*1=73\n1404+73=1477\n1477+15=1492\nA: 1492',
      '54*26=1400\n73*1=73\n1400+73=1477\n1477+15=1492\nA: 1492', // two false steps (1400), right answer
      'A: 1492',
      '54*26=1404\n73*1=73\n1404+73=1477\nA: 1477', // true steps, stopped early: wrong answer
    ]);
    expect(stepRewards(arithChain, r)).toEqual([1, 0, 0, 0]);
  });
});

describe.each(TASK_IDS)('verifiable_steps on task %s', (id) => {
  const task = getTask(id);

  it("pays 1 for the task's own pattern rationale of 40 examples", () => {
    for (let i = 0; i < 40; i++) {
      const ex = task.generate(task.defaults, rngFor(7, i), i);
      const completion = task.render(ex, 'pattern', rngFor(99, i, 'pattern'));
      expect(stepRewards(task, taskRollouts(task, ex, [completion])), `${id} #${i}: ${completion}`).toEqual([1]);
    }
  });
});
