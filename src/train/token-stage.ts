// The next-token stages: SFT (completion tokens of worked solutions) and CPT (every token of the
// task's domain text). One AdamW per stage; greedy held-out evaluation for SFT, none for CPT; SFT may
// end at an evaluation that meets its targets (the run loop skips to the stage's planned end).
import { tf } from '../model/tf';
import { paramsToArrays } from '../model/params';
import { createAdamW, disposeAdamW, type AdamWState } from './adamw';
import { makeBatch } from './batch';
import { learningRate } from './schedule';
import { reduceSteps, sftStep, type StepTensors } from './sft';
import { evaluateSplit } from './evaluate';
import { assignArrays, prefixed, unprefixed } from './checkpoint';
import type { Stage, StageContext, StageEval, StageState } from './stage';
import type { SftConfig } from '../experiment/run-config';

const disposeStep = (s: StepTensors) => tf.dispose([s.loss, s.correct, s.count, s.gradNorm]);

export function tokenStage(kind: 'sft' | 'cpt', ctx: StageContext): Stage<StepTensors> {
  const { params, config, model, dataset } = ctx;
  const cfg =
    kind === 'sft' ? config.sft : { ...config.cpt, evalEvery: Infinity, checkpointEvery: config.sft.checkpointEvery };
  const opt: AdamWState = createAdamW(params);
  let tokens = 0;

  /** Training pairs of step `local`: SFT items in the data's style; CPT domain text, all of it trained on. */
  function batchAt(local: number) {
    const pairs = Array.from({ length: cfg.batchSize }, (_, j) => {
      const i = local * cfg.batchSize + j;
      if (kind === 'cpt') return { prompt: dataset.domainText(i).slice(0, model.context - 3), completion: '' };
      const item = dataset.sft(i);
      return { prompt: item.example.prompt, completion: item.completion };
    });
    return makeBatch(pairs, model.context, kind === 'cpt');
  }

  return {
    name: kind,
    steps: cfg.steps,
    logEvery: cfg.logEvery,
    evalEvery: cfg.evalEvery,
    checkpointEvery: cfg.checkpointEvery,
    async step(local) {
      const batch = batchAt(local);
      tokens += batch.numTokens;
      return sftStep(params, model, opt, cfg, batch, learningRate(cfg, local));
    },
    async read(pending, seconds) {
      const n = pending.length;
      const sum = reduceSteps(pending);
      const [loss, correct, count, gradNorm] = await Promise.all(
        [sum.loss, sum.correct, sum.count, sum.gradNorm].map(async (t) => (await t.data())[0]!),
      );
      disposeStep(sum);
      const last = opt.t - 1; // the schedule index of the latest step
      return {
        loss: loss! / n,
        mean_token_accuracy: correct! / Math.max(1, count!),
        grad_norm: gradNorm! / n,
        learning_rate: learningRate(cfg, last),
        num_tokens: tokens,
        step_time: seconds / n,
      };
    },
    discard: (pending) => pending.forEach(disposeStep),
    async evaluate(local) {
      const ev = await evaluateGreedy(ctx, local);
      return kind === 'sft' ? withTarget(config.sft, ev) : ev;
    },
    async save(): Promise<StageState> {
      const optimizer = {
        ...prefixed('m/', await paramsToArrays(opt.m)),
        ...prefixed('v/', await paramsToArrays(opt.v)),
      };
      return { optimizer, state: { adamStep: opt.t, tokens } };
    },
    restore(saved) {
      assignArrays(opt.m, unprefixed('m/', saved.optimizer));
      assignArrays(opt.v, unprefixed('v/', saved.optimizer));
      opt.t = saved.state.adamStep ?? 0;
      tokens = saved.state.tokens ?? 0;
    },
    dispose: () => disposeAdamW(opt),
  };
}

/** Greedy accuracy on held-out (in- and out-of-distribution) and training prompts; logged with `eval_`. */
async function evaluateGreedy({ params, config, model, dataset }: StageContext, _local: number): Promise<StageEval> {
  const { sft, seed } = config;
  const values: Record<string, number> = {};
  const samples = [];
  for (const split of ['heldout', 'ood', 'train'] as const) {
    const { examples, references } = evalSet(dataset, split, sft.evalSize, config.data.trainSize);
    if (examples.length === 0) continue;
    // Generation budget: a little past the longest reference completion; a model that rambles on is wrong anyway.
    const longest = Math.max(...references.map((r) => r.length));
    const maxNewTokens = Math.min(sft.maxNewTokens, Math.ceil(longest * 1.25) + 8);
    const r = await evaluateSplit(params, model, dataset.task, examples, split, { maxNewTokens, keepSamples: 4, seed });
    values[`eval_${split}/accuracy`] = r.accuracy;
    values[`eval_${split}/num_prompts`] = examples.length; // the accuracy's sample count: its confidence band needs it
    values[`eval_${split}/mean_length`] = r.meanLength;
    if (split === 'heldout') values['eval_faith/entailed_greedy'] = r.faithful; // free: the completions are parsed already
    samples.push(...r.samples.slice(0, split === 'heldout' ? 4 : 2));
  }
  return { values, samples };
}

/**
 * SFT's targets at this evaluation: every one set (above 0) must hold; then `sft/target_reached` = 1 is
 * logged with it and the stage ends. None set: the stage runs all its steps.
 */
function withTarget(sft: SftConfig, ev: StageEval): StageEval {
  const targets: [string, number][] = [
    ['eval_heldout/accuracy', sft.targetAccuracy ?? 0],
    ['eval_faith/entailed_greedy', sft.targetFaithfulness ?? 0],
  ];
  const set = targets.filter(([, target]) => target > 0);
  if (set.length === 0 || !set.every(([key, target]) => (ev.values[key] ?? -1) >= target)) return ev;
  return { ...ev, values: { ...ev.values, 'sft/target_reached': 1 }, reached: true };
}

/** The first `n` examples of a split with their reference completions (the training prompts' own for 'train'). */
function evalSet(dataset: StageContext['dataset'], split: 'heldout' | 'ood' | 'train', n: number, trainSize: number) {
  if (split === 'train') {
    const items = Array.from({ length: Math.min(n, trainSize > 0 ? trainSize : n) }, (_, i) => dataset.train(i));
    return { examples: items.map((it) => it.example), references: items.map((it) => it.completion) };
  }
  const examples = dataset[split].slice(0, n);
  return { examples, references: examples.map((_, j) => dataset.renderEval(split, j)) };
}
