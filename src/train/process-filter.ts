// The process verdict of a completion (at least one stated step, every stated step true) and PROF's
// consistency filter over it (arXiv 2509.03403): a trained completion stays in the loss only when its
// outcome (the verifiable score against the training label) and its process verdict agree.
// Pure CPU code over parsed rollouts and the token batch; the advantages over kept rows are advantages.ts'.
import type { AnyTask, Example, Parsed } from '../tasks/types';
import { trainedCompletions, type Rollouts, type RlTokens } from './rollout';

/** True when the completion states at least one step and the task finds every stated step true. */
export function stepsVerified(task: AnyTask, ex: Example, parsed: Parsed): boolean {
  return parsed.steps.length > 0 && task.checkSteps(ex, parsed).every(Boolean);
}

/**
 * Per trained completion (batch order), whether PROF keeps it in the loss. Consistent rows are kept: a
 * right answer (score >= 1 against the training label) with verified steps, or a wrong answer without
 * them; a right answer with a false step or no step, and a wrong answer whose stated steps are all true,
 * are dropped. A consistent row that is its group's only one is dropped too: it has no group to be
 * compared with, so it would train on a zero advantage.
 */
export function profKeep(r: Rollouts, task: AnyTask): boolean[] {
  const consistent = trainedCompletions(r).map(({ group, c }) => {
    const ex = group.item.example;
    const right = task.score(ex, c.parsed, group.item.label) >= 1;
    return right === stepsVerified(task, ex, c.parsed);
  });
  return consistent.map((ok, i) => {
    const g0 = i - (i % r.G);
    return ok && consistent.slice(g0, g0 + r.G).filter(Boolean).length >= 2;
  });
}

/** The token batch with every dropped row's mask zeroed and the active tokens (dapo's normaliser) recounted. */
export function keepRows(b: RlTokens, keep: readonly boolean[]): RlTokens {
  if (keep.length !== b.rows) throw new Error(`keepRows needs one verdict per row: ${keep.length} for ${b.rows} rows`);
  const mask = b.mask.slice();
  keep.forEach((k, i) => {
    if (!k) mask.fill(0, i * b.L, (i + 1) * b.L);
  });
  const activeTokens = mask.reduce((s, m) => s + m, 0);
  return { ...b, mask, activeTokens };
}
