// Shared checks every task must pass (used by the registry-wide test and by per-task tests).
// Helpers only: no test cases are declared here.
import { expect } from 'vitest';
import { rngFor } from '../../src/util/rng';
import type { AnyTask, Example, RationaleStyle } from '../../src/tasks/types';

/** The default model context minus BOS, SEP and EOS. */
export const DEFAULT_BUDGET = 253;

/** Characters the tokenizer knows: newline plus printable ASCII. */
export const VOCAB_RE = /^[\n\x20-\x7e]*$/;

/** The comment block every task file shows: its example of seed 1, index 0, defaults, pattern style. */
export function docExample(task: AnyTask): string {
  const ex = task.generate(task.defaults, rngFor(1, 0), 0);
  const completion = task.render(ex, 'pattern', rngFor(1, 0, 'render'));
  const block = (text: string) => text.split('\n').map((l) => `//     ${l}`);
  return ['//   prompt:', ...block(ex.prompt), '//   completion:', ...block(completion)].join('\n');
}

export function example(task: AnyTask, index: number, seed = 7, cfg: unknown = task.defaults): Example {
  return task.generate(cfg, rngFor(seed, index), index);
}

export function renderOf(task: AnyTask, ex: Example, style: RationaleStyle, index: number): string {
  return task.render(ex, style, rngFor(99, index, style));
}

/** Parse, score, check steps and faithfulness of one rendered completion. */
export function judge(task: AnyTask, ex: Example, completion: string) {
  const parsed = task.parse(completion);
  return {
    parsed,
    score: task.score(ex, parsed),
    steps: task.checkSteps(ex, parsed),
    faithful: task.faithful(parsed),
  };
}

/** The style contract over `n` indices: correct styles verify fully, corrupted/unfaithful are caught. */
export function checkStyles(task: AnyTask, n: number, cfg: unknown = task.defaults): void {
  for (let i = 0; i < n; i++) {
    const ex = example(task, i, 7, cfg);
    for (const style of ['pattern', 'varied', 'inconsistent'] as const) {
      const j = judge(task, ex, renderOf(task, ex, style, i));
      const where = `${task.id} #${i} ${style}: ${renderOf(task, ex, style, i)}`;
      expect(j.score, where).toBe(1);
      expect(j.parsed.steps.length, where).toBeGreaterThan(0);
      expect(j.steps.every(Boolean), where).toBe(true);
      expect(j.faithful, where).toBe(true);
    }
    const bad = judge(task, ex, renderOf(task, ex, 'corrupted', i));
    expect(bad.score, `${task.id} #${i} corrupted`).toBe(1);
    expect(bad.steps.filter((t) => !t).length, `${task.id} #${i} corrupted`).toBe(1);
    const unf = judge(task, ex, renderOf(task, ex, 'unfaithful', i));
    expect(unf.score, `${task.id} #${i} unfaithful`).toBe(1);
    expect(unf.faithful, `${task.id} #${i} unfaithful: ${renderOf(task, ex, 'unfaithful', i)}`).toBe(false);
    const bare = judge(task, ex, renderOf(task, ex, 'answer_only', i));
    expect(bare.score).toBe(1);
    expect(bare.parsed.steps).toEqual([]);
  }
}
