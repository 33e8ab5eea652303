// Greedy evaluation's scoring of decoded completions: accuracy against the gold answer, and faithfulness
// (the completion's own steps entail its stated answer). The sampler is mocked to give fixed completions.
import { describe, expect, it, vi } from 'vitest';
import { encode } from '../../src/model/tokenizer';
import { DEFAULT_MODEL_CONFIG } from '../../src/model/model-config';
import type { Params } from '../../src/model/params';
import { getTask } from '../../src/tasks/registry';
import { rngFor } from '../../src/util/rng';
import { evaluateSplit } from '../../src/train/evaluate';

const sampler = vi.hoisted(() => ({ texts: [] as string[] }));
vi.mock('../../src/model/sample', () => ({
  sampleBatch: async (_p: unknown, _c: unknown, prompts: number[][]) => ({
    completions: prompts.map((_, i) => encode(sampler.texts[i]!)),
    finished: prompts.map(() => true),
  }),
}));

describe('evaluateSplit', () => {
  it('scores accuracy and the share of completions whose steps entail their answer', async () => {
    const task = getTask('addition');
    const tc = task.validate({});
    const ex = Array.from({ length: 5 }, (_, i) => task.generate(tc, rngFor(1, i), i));
    const render = (e: (typeof ex)[number], style: Parameters<typeof task.render>[1]) =>
      task.render(e, style, rngFor(2, 0));
    sampler.texts = [
      render(ex[0]!, 'pattern'), // correct, faithful
      render(ex[1]!, 'unfaithful'), // correct answer, steps that do not entail it
      render(ex[2]!, 'answer_only'), // correct, no steps: not faithful
      render(ex[4]!, 'pattern'), // another problem's worked solution: wrong here, yet its steps entail its answer
    ];
    expect(ex[4]!.answer).not.toEqual(ex[3]!.answer);
    const r = await evaluateSplit({} as Params, DEFAULT_MODEL_CONFIG, task, ex.slice(0, 4), 'heldout', {
      maxNewTokens: 64,
      keepSamples: 0,
      seed: 1,
    });
    expect(r.accuracy).toBe(3 / 4);
    expect(r.faithful).toBe(2 / 4);
  });
});
