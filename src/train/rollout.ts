// Rollouts: B prompts -> B x samplesPerPrompt sampled completions in one KV-cached sampleBatch call, decoded and
// parsed; then the right-padded token batch of the trained ones (the first G of each group) with its
// completion mask, in makeBatch's layout. Plain arrays: no rewards (rewards.ts), no loss (grpo-loss.ts).
import { sampleBatch } from '../model/sample';
import { decode, encodePrompt, EOS_ID, PAD_ID } from '../model/tokenizer';
import type { ModelConfig } from '../model/model-config';
import type { Params } from '../model/params';
import type { TrainItem } from '../tasks/dataset';
import type { AnyTask, Parsed } from '../tasks/types';
import { LENGTH_BUCKET } from './batch';

export interface Completion {
  /** Generated ids, EOS excluded. */
  ids: number[];
  text: string;
  /** Ended with EOS (false: truncated by the length budget or the context). */
  finished: boolean;
  parsed: Parsed;
}

/** One prompt and its samplesPerPrompt samples; the first G are trained on, the rest only vote (majority_vote). */
export interface RolloutGroup {
  item: TrainItem;
  prompt: number[];
  samples: Completion[];
}

export interface Rollouts {
  /** Completions trained on per prompt. */
  G: number;
  /** Completions sampled per prompt (>= G). */
  samplesPerPrompt: number;
  groups: RolloutGroup[];
}

export interface SamplingSettings {
  G: number;
  samplesPerPrompt: number;
  maxCompletionLength: number;
  temperature: number;
  topK: number;
  seed: number;
}

/** Samples samplesPerPrompt completions for each item's prompt, all in one batch (row b * samplesPerPrompt + j is sample j of prompt b). */
export async function sampleRollouts(
  params: Params,
  cfg: ModelConfig,
  task: AnyTask,
  items: TrainItem[],
  s: SamplingSettings,
): Promise<Rollouts> {
  const prompts = items.map((item) => encodePrompt(item.example.prompt));
  const rows = prompts.flatMap((p) => Array.from({ length: s.samplesPerPrompt }, () => p));
  const out = await sampleBatch(params, cfg, rows, {
    maxNewTokens: s.maxCompletionLength,
    temperature: s.temperature,
    topK: s.topK,
    seed: s.seed,
  });
  const groups = items.map((item, b) => {
    const samples = Array.from({ length: s.samplesPerPrompt }, (_, j) => {
      const ids = out.completions[b * s.samplesPerPrompt + j]!;
      const text = decode(ids);
      return { ids, text, finished: out.finished[b * s.samplesPerPrompt + j]!, parsed: task.parse(text) };
    });
    return { item, prompt: prompts[b]!, samples };
  });
  return { G: s.G, samplesPerPrompt: s.samplesPerPrompt, groups };
}

/** The trained completions in batch order (group by group, G each): row i of every per-completion array. */
export function trainedCompletions(r: Rollouts): { group: RolloutGroup; c: Completion }[] {
  return r.groups.flatMap((group) => group.samples.slice(0, r.G).map((c) => ({ group, c })));
}

/** Tokens a completion takes in the loss: its ids plus the EOS when it finished (TRL counts the EOS). */
export function completionLength(c: Completion): number {
  return c.ids.length + (c.finished ? 1 : 0);
}

export interface RlTokens {
  rows: number;
  L: number;
  /** [rows, L] tokens 0..L-1 of [BOS prompt SEP completion (EOS)], right-padded. */
  inputs: Int32Array;
  /** [rows, L] the next token. */
  targets: Int32Array;
  /** [rows, L] 1 where the target is a completion token or its EOS (0 for a whole truncated row when masked). */
  mask: Float32Array;
  /** Active (mask = 1) tokens: dapo's normaliser. */
  activeTokens: number;
  /** Prompt + completion tokens of every row (TRL's attention_mask sum, for num_tokens). */
  numTokens: number;
}

/**
 * The update batch of the trained completions. Lengths are padded to a multiple of LENGTH_BUCKET (few
 * distinct shapes: each is a new shader) but never past context - 1. With `maskTruncated`, completions
 * without EOS get an all-zero mask (TRL's mask_truncated_completions).
 */
export function buildRlTokens(r: Rollouts, context: number, maskTruncated: boolean): RlTokens {
  const rows = trainedCompletions(r).map(({ group, c }) => ({
    tokens: [...group.prompt, ...c.ids, ...(c.finished ? [EOS_ID] : [])],
    start: group.prompt.length,
    keep: c.finished || !maskTruncated,
  }));
  const longest = Math.max(...rows.map((x) => x.tokens.length)) - 1;
  if (longest + 1 > context)
    throw new Error(`a rollout is ${longest + 1} tokens long, more than the context of ${context}`);
  const L = Math.max(1, Math.min(context - 1, Math.ceil(longest / LENGTH_BUCKET) * LENGTH_BUCKET));
  const n = rows.length;
  const inputs = new Int32Array(n * L).fill(PAD_ID);
  const targets = new Int32Array(n * L).fill(PAD_ID);
  const mask = new Float32Array(n * L);
  let activeTokens = 0;
  let numTokens = 0;
  rows.forEach(({ tokens, start, keep }, i) => {
    numTokens += tokens.length;
    for (let t = 0; t < tokens.length - 1; t++) {
      inputs[i * L + t] = tokens[t]!;
      targets[i * L + t] = tokens[t + 1]!;
      const on = keep && t + 1 >= start ? 1 : 0;
      mask[i * L + t] = on;
      activeTokens += on;
    }
  });
  return { rows: n, L, inputs, targets, mask, activeTokens, numTokens };
}

/** TRL's completion-length metrics over the trained completions (lengths count the EOS). */
export function completionMetrics(r: Rollouts): Record<string, number> {
  const all = trainedCompletions(r).map(({ c }) => c);
  const lengths = all.map(completionLength);
  return {
    'completions/mean_length': lengths.reduce((a, b) => a + b, 0) / lengths.length,
    'completions/min_length': Math.min(...lengths),
    'completions/max_length': Math.max(...lengths),
    'completions/clipped_ratio': all.filter((c) => !c.finished).length / all.length,
  };
}
