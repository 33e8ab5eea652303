// Greedy evaluation: generate completions for held-out prompts and score them with the task's own
// verifier. Returns plain numbers and a few samples; writes nothing.
import { sampleBatch } from '../model/sample';
import { decode, encodePrompt } from '../model/tokenizer';
import type { ModelConfig } from '../model/model-config';
import type { Params } from '../model/params';
import type { Example, TaskDef } from '../tasks/types';
import type { SampleItem } from '../store/types';

export interface SplitResult {
  accuracy: number;
  /** Share of completions whose own steps entail their stated answer (task.faithful; no steps: not faithful). */
  faithful: number;
  /** Mean completion length in characters. */
  meanLength: number;
  samples: SampleItem[];
}

/** Sequences per generation call: bounds memory for big evaluation sets. */
const EVAL_CHUNK = 128;

/** Greedy completions for `examples`, scored against their clean answers. */
export async function evaluateSplit(
  params: Params,
  cfg: ModelConfig,
  task: TaskDef<unknown>,
  examples: Example[],
  split: SampleItem['split'],
  opts: { maxNewTokens: number; keepSamples: number; seed: number },
): Promise<SplitResult> {
  let correct = 0;
  let faithful = 0;
  let length = 0;
  const samples: SampleItem[] = [];
  for (let start = 0; start < examples.length; start += EVAL_CHUNK) {
    const chunk = examples.slice(start, start + EVAL_CHUNK);
    const prompts = chunk.map((ex) => encodePrompt(ex.prompt));
    const budget = Math.min(opts.maxNewTokens, cfg.context - Math.max(...prompts.map((p) => p.length)));
    const out = await sampleBatch(params, cfg, prompts, {
      maxNewTokens: Math.max(1, budget),
      temperature: 1,
      topK: 0,
      seed: opts.seed,
      greedy: true,
    });
    chunk.forEach((ex, i) => {
      const completion = decode(out.completions[i]!);
      const parsed = task.parse(completion);
      const score = task.score(ex, parsed);
      correct += score;
      faithful += task.faithful(parsed) ? 1 : 0;
      length += completion.length;
      if (samples.length < opts.keepSamples) {
        const answer = Array.isArray(ex.answer) ? ex.answer.join(', ') : ex.answer;
        samples.push({ split, prompt: ex.prompt, completion, answer, correct: score >= 1 });
      }
    });
  }
  const n = Math.max(1, examples.length);
  return { accuracy: correct / n, faithful: faithful / n, meanLength: length / n, samples };
}
