// Evaluation during RL: greedy held-out / OOD accuracy by difficulty stratum, accuracy and noisy-label
// fit on the training prompts, pass@k, faithfulness and diversity from sampled completions, weight norm.
// Returns plain numbers (keys carry TRL's eval_ prefix) and a few samples; writes nothing.
import { sampleBatch } from '../model/sample';
import { decode, encodePrompt } from '../model/tokenizer';
import type { ModelConfig } from '../model/model-config';
import type { Params } from '../model/params';
import type { Dataset, TrainItem } from '../tasks/dataset';
import { ANSWER_PREFIX, formatAnswer } from '../tasks/format';
import { intermediateRecall } from '../tasks/multi-hop';
import type { AnyTask, Example } from '../tasks/types';
import type { SampleItem } from '../store/types';
import { hashSeed } from '../util/rng';
import { globalNorm } from './adamw';
import { mean } from './advantages';
import { voteKey } from './rewards';

/** Sequences per generation call: bounds memory for big evaluation sets. */
const EVAL_CHUNK = 128;

export interface RlEvalOptions {
  evalSize: number;
  passK: number;
  maxNewTokens: number;
  temperature: number;
  topK: number;
  seed: number;
  /** The RL step evaluated (seeds the sampled completions). */
  step: number;
}

interface GenerateOptions {
  maxNewTokens: number;
  greedy: boolean;
  temperature: number;
  topK: number;
  seed: number;
  /** Samples per prompt; rows are grouped by prompt. */
  repeat: number;
}

/** Decoded completions for `prompts` (`repeat` each, grouped), EVAL_CHUNK sequences per sampleBatch call. */
export async function generate(
  params: Params,
  cfg: ModelConfig,
  prompts: string[],
  o: GenerateOptions,
): Promise<string[]> {
  const rows = prompts.flatMap((p) => Array.from({ length: o.repeat }, () => encodePrompt(p)));
  const out: string[] = [];
  for (let start = 0; start < rows.length; start += EVAL_CHUNK) {
    const chunk = rows.slice(start, start + EVAL_CHUNK);
    const r = await sampleBatch(params, cfg, chunk, {
      maxNewTokens: o.maxNewTokens,
      temperature: o.temperature,
      topK: o.topK,
      greedy: o.greedy,
      seed: hashSeed(o.seed, start),
    });
    out.push(...r.completions.map(decode));
  }
  return out;
}

/** Mean of the non-null values, or undefined when there are none. */
function meanOf(xs: (number | null)[]): number | undefined {
  const v = xs.filter((x): x is number => x !== null);
  return v.length > 0 ? mean(v) : undefined;
}

/**
 * Greedy metrics of one split: `${prefix}/accuracy` (task score vs the clean answer), per difficulty
 * stratum `${prefix}/accuracy_d<k>`, `${prefix}/mean_length` (characters) and, for multi_hop,
 * `${prefix}/intermediate_recall` (share of gold intermediate entities named; multi-hop questions only).
 */
export function splitMetrics(
  prefix: string,
  task: AnyTask,
  examples: Example[],
  texts: string[],
): Record<string, number> {
  const scores = examples.map((ex, i) => task.score(ex, task.parse(texts[i]!)));
  const out: Record<string, number> = {
    [`${prefix}/accuracy`]: mean(scores),
    [`${prefix}/num_prompts`]: examples.length, // the accuracy's sample count: its confidence band needs it
    [`${prefix}/mean_length`]: mean(texts.map((t) => t.length)),
  };
  for (const d of [...new Set(examples.map((ex) => ex.difficulty))].sort((a, b) => a - b)) {
    out[`${prefix}/accuracy_d${d}`] = mean(scores.filter((_, i) => examples[i]!.difficulty === d));
  }
  if (task.id === 'multi_hop') {
    const recall = meanOf(examples.map((ex, i) => intermediateRecall(ex, texts[i]!)));
    if (recall !== undefined) out[`${prefix}/intermediate_recall`] = recall;
  }
  return out;
}

/** Training prompts: accuracy against the clean label; on noisy items, the share answering the corrupted label. */
export function trainSplitMetrics(task: AnyTask, items: TrainItem[], texts: string[]): Record<string, number> {
  const parsed = texts.map((t) => task.parse(t));
  const out: Record<string, number> = {
    'eval_train/accuracy': mean(items.map((it, i) => task.score(it.example, parsed[i]!, it.cleanLabel))),
    'eval_train/num_prompts': items.length,
  };
  const noisy = items.flatMap((it, i) => (it.noisy ? [task.score(it.example, parsed[i]!, it.label) >= 1 ? 1 : 0] : []));
  if (noisy.length > 0) out['eval_train/noisy_label_fit'] = mean(noisy);
  return out;
}

/**
 * From k samples per held-out prompt (texts grouped by prompt): pass@1 (share of samples fully correct),
 * pass@k (share of prompts with a fully correct sample); faithfulness: steps entail the stated answer,
 * and steps all true (at least one step); diversity per group: distinct parsed answers, distinct
 * completions, and the pass@k - pass@1 gap.
 */
export function sampledMetrics(task: AnyTask, examples: Example[], texts: string[], k: number): Record<string, number> {
  const parsed = texts.map((t) => task.parse(t));
  const correct = parsed.map((p, i) => (task.score(examples[Math.floor(i / k)]!, p) >= 1 ? 1 : 0));
  const groups = examples.map((_, e) => Array.from({ length: k }, (_, j) => e * k + j));
  const passK = mean(groups.map((g) => (g.some((i) => correct[i] === 1) ? 1 : 0)));
  const pass1 = mean(correct);
  const stepsTrue = parsed.map((p, i) =>
    p.steps.length > 0 && task.checkSteps(examples[Math.floor(i / k)]!, p).every(Boolean) ? 1 : 0,
  );
  return {
    'eval_heldout/pass@1': pass1,
    'eval_heldout/pass@k': passK,
    'eval_heldout/num_samples': texts.length, // pass@1's sample count: its confidence band needs it
    'eval_faith/entailed': mean(parsed.map((p) => (task.faithful(p) ? 1 : 0))),
    'eval_faith/steps_true': mean(stepsTrue),
    'eval_div/distinct_answers': mean(
      groups.map(
        (g) => new Set(g.flatMap((i) => (parsed[i]!.answer === null ? [] : [voteKey(parsed[i]!.answer!)]))).size,
      ),
    ),
    'eval_div/distinct_completions': mean(groups.map((g) => new Set(g.map((i) => texts[i])).size)),
    'eval_div/pass_gap': passK - pass1,
  };
}

/** sqrt of the sum of squares of every parameter (one read). */
export async function weightNorm(params: Params): Promise<number> {
  const n = globalNorm(params);
  const v = (await n.data())[0]!;
  n.dispose();
  return v;
}

function sampleItems(
  split: SampleItem['split'],
  task: AnyTask,
  examples: Example[],
  texts: string[],
  keep: number,
  labels?: (string | string[])[],
): SampleItem[] {
  return examples.slice(0, keep).map((ex, i) => {
    const label = labels?.[i] ?? ex.answer;
    const answer = formatAnswer(label).slice(ANSWER_PREFIX.length);
    return {
      split,
      prompt: ex.prompt,
      completion: texts[i]!,
      answer,
      correct: task.score(ex, task.parse(texts[i]!), label) >= 1,
    };
  });
}

/** The training prompts evaluated: the first evalSize distinct ones (all N when N is smaller). */
function trainItems(ds: Dataset, evalSize: number): TrainItem[] {
  const n = ds.config.trainSize > 0 ? Math.min(evalSize, ds.config.trainSize) : evalSize;
  return Array.from({ length: n }, (_, i) => ds.train(i));
}

/** A whole RL evaluation. Greedy splits first, then passK samples per held-out prompt at the RL temperature. */
export async function evaluateRl(
  params: Params,
  cfg: ModelConfig,
  ds: Dataset,
  o: RlEvalOptions,
): Promise<{ values: Record<string, number>; samples: SampleItem[] }> {
  const { task } = ds;
  const greedy = { maxNewTokens: o.maxNewTokens, greedy: true, temperature: 1, topK: 0, seed: o.seed, repeat: 1 };
  const heldout = ds.heldout.slice(0, o.evalSize);
  const ood = ds.ood.slice(0, o.evalSize);
  const train = trainItems(ds, o.evalSize);
  const [h, d, t] = [
    await generate(
      params,
      cfg,
      heldout.map((e) => e.prompt),
      greedy,
    ),
    await generate(
      params,
      cfg,
      ood.map((e) => e.prompt),
      greedy,
    ),
    await generate(
      params,
      cfg,
      train.map((it) => it.example.prompt),
      greedy,
    ),
  ];
  const sampled = await generate(
    params,
    cfg,
    heldout.map((e) => e.prompt),
    {
      ...greedy,
      greedy: false,
      temperature: o.temperature,
      topK: o.topK,
      seed: hashSeed(o.seed, o.step, 'eval-sample'),
      repeat: o.passK,
    },
  );
  const values: Record<string, number> = {
    ...splitMetrics('eval_heldout', task, heldout, h),
    ...(ood.length > 0 ? splitMetrics('eval_ood', task, ood, d) : {}),
    ...trainSplitMetrics(task, train, t),
    ...(heldout.length > 0 ? sampledMetrics(task, heldout, sampled, o.passK) : {}),
    eval_weight_norm: await weightNorm(params),
  };
  const samples = [
    ...sampleItems('heldout', task, heldout, h, 4),
    ...sampleItems('ood', task, ood, d, 2),
    ...sampleItems(
      'train',
      task,
      train.map((it) => it.example),
      t,
      2,
      train.map((it) => it.cleanLabel),
    ),
  ];
  return { values, samples };
}
