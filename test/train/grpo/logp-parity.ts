// Shared by the CPU and WebGPU parity tests: the log-probs under which the sampler drew each completion
// token, next to the log-probs GRPO's training forward gives the same tokens (rollout -> buildRlTokens ->
// makeMicros -> logProbsOf, as grpo.ts runs it). sampleBatch returns ids only, so its log-probs are taken
// by replaying its decoding (startDecoding, the same feeds) with the sampled tokens; every replayed token
// is checked to be the Gumbel-max draw argmax(logits / T + noise) that sampleBatch made, which ties the
// replay's logits and temperature to the sampler's. Top-k is off: under top-k the two differ by design (as in TRL).
import { expect } from 'vitest';
import type { ModelConfig } from '../../../src/model/model-config';
import { startDecoding } from '../../../src/model/kv-cache';
import type { Params } from '../../../src/model/params';
import { gumbelNoise } from '../../../src/model/sample';
import { tf } from '../../../src/model/tf';
import { EOS_ID, PAD_ID } from '../../../src/model/tokenizer';
import { addition } from '../../../src/tasks/addition';
import { disposeMicros, logProbsOf, makeMicros } from '../../../src/train/grpo-update';
import {
  buildRlTokens,
  completionLength,
  sampleRollouts,
  type Rollouts,
  type SamplingSettings,
} from '../../../src/train/rollout';
import { additionItem } from './fixtures';

/** Prompts "3+4=?", "12+3=?", "12+345=?": 7, 8 and 10 tokens, so the sampler left-pads two of them. */
export const ITEMS = [additionItem(3, 4), additionItem(12, 3), additionItem(12, 345)];

/**
 * Gives EOS a fixed logit bonus `bias` (whatever the context), so that sampled completions both finish and
 * run out of tokens: final LayerNorm channel 0 becomes the constant 1 (gain 0, bias 1), and channel 0 of the
 * tied embedding is `bias` for EOS and 0 for every other token.
 */
export function eosBias(params: Params, bias: number): void {
  const edit = (name: string, f: (x: Float32Array) => void) => {
    const x = Float32Array.from(params[name]!.dataSync()); // test setup: a sync read is fine
    f(x);
    const t = tf.tensor(x, params[name]!.shape);
    params[name]!.assign(t);
    t.dispose();
  };
  const C = params['lnf.g']!.shape[0]!;
  edit('lnf.g', (g) => (g[0] = 0));
  edit('lnf.b', (b) => (b[0] = 1));
  edit('wte', (w) => {
    for (let v = 0; v < w.length / C; v++) w[v * C] = v === EOS_ID ? bias : 0; // [V, C]: channel 0 of each row
  });
}

/** Tokens of each row in sampleBatch's batch order (row b * V + j): the completion, then EOS if it finished. */
function rowTokens(r: Rollouts): number[][] {
  return r.groups.flatMap((g) => g.samples.map((c) => [...c.ids, ...(c.finished ? [EOS_ID] : [])]));
}

/**
 * Replays sampleBatch's decoding of `r` (same prompts, steps and feeds; PAD once a row has emitted EOS) and
 * returns, per row, log softmax(logits / T) at each sampled token, and how many tokens were not the
 * Gumbel-max draw at `checkT` (0 when checkT is the sampling temperature: the replay is the sampler's run).
 */
async function replayLogps(params: Params, cfg: ModelConfig, r: Rollouts, s: SamplingSettings, checkT = s.temperature) {
  const prompts = r.groups.flatMap((g) => g.samples.map(() => g.prompt));
  const tokens = rowTokens(r);
  const N = prompts.length;
  const steps = Math.min(s.maxCompletionLength, cfg.context - Math.max(...prompts.map((p) => p.length))); // as sampleBatch
  const longest = Math.max(...tokens.map((t) => t.length));
  const logps = tokens.map(() => [] as number[]);
  let mismatches = 0;
  const { decoder, lastLogits } = startDecoding(params, cfg, prompts, steps);
  let logits: tf.Tensor2D | null = lastLogits;
  try {
    for (let step = 0; step < longest; step++) {
      const [lsm, draw] = tf.tidy(() => [
        tf.logSoftmax(logits!.div(s.temperature)), // [N, V]
        tf.argMax(logits!.div(checkT).add(gumbelNoise(N, cfg.vocabSize, s.seed, step)), 1), // [N]: sampleTokens' draw
      ]);
      const [lp, ids] = [await lsm!.data(), await draw!.data()];
      tf.dispose([lsm!, draw!, logits]);
      logits = null;
      tokens.forEach((t, i) => {
        if (step >= t.length) return;
        logps[i]!.push(lp[i * cfg.vocabSize + t[step]!]!);
        if (ids[i] !== t[step]) mismatches++;
      });
      if (step === longest - 1) break;
      const feed = tf.tensor1d(
        tokens.map((t) => (step < t.length && t[step] !== EOS_ID ? t[step]! : PAD_ID)),
        'int32',
      );
      logits = decoder.step(feed);
      feed.dispose();
    }
  } finally {
    logits?.dispose();
    decoder.dispose();
  }
  return { logps, mismatches };
}

export interface Parity {
  /** Max |sampler logp - training logp| over every completion token (EOS included when finished). */
  maxDiff: number;
  /** Max |sampler logp - training logp at T = 1|: what a training forward without the temperature would give. */
  unscaledDiff: number;
  /** Completion tokens compared; also the count of mask = 1 positions in the update batch. */
  tokens: number;
  finished: number;
  truncated: number;
  /** Replayed tokens that were not the sampler's draw (must be 0). */
  mismatches: number;
  /** The same at temperature 1 instead (> 0 unless T = 1: the draw check sees the temperature). */
  mismatchesAtT1: number;
}

/** The training forward's log-probs [N, L] at temperature T (on-policy: G = V, one micro-batch) and the mask. */
async function trainingLogps(params: Params, cfg: ModelConfig, r: Rollouts, T: number) {
  const batch = buildRlTokens(r, cfg.context, false);
  const [m] = makeMicros(batch, 0);
  const lp = logProbsOf(params, cfg, m!, T);
  const lp1 = logProbsOf(params, cfg, m!, 1);
  const out = { L: batch.L, mask: batch.mask, at: await lp.data(), at1: await lp1.data() };
  tf.dispose([lp, lp1]);
  disposeMicros([m!]);
  return out;
}

/** Samples G = V = 2 completions per ITEMS prompt at temperature T, then compares both sides' log-probs. */
export async function logpParity(params: Params, cfg: ModelConfig, temperature: number, seed: number): Promise<Parity> {
  const s: SamplingSettings = { G: 2, samplesPerPrompt: 2, maxCompletionLength: 10, temperature, topK: 0, seed };
  const r = await sampleRollouts(params, cfg, addition, ITEMS, s);
  const sampler = await replayLogps(params, cfg, r, s);
  const atT1 = temperature === 1 ? sampler.mismatches : (await replayLogps(params, cfg, r, s, 1)).mismatches;
  const train = await trainingLogps(params, cfg, r, temperature);
  const all = r.groups.flatMap((g) => g.samples.map((c) => ({ prompt: g.prompt, c })));
  let [maxDiff, unscaledDiff, tokens] = [0, 0, 0];
  all.forEach(({ prompt, c }, i) => {
    expect(sampler.logps[i]!.length).toBe(completionLength(c));
    sampler.logps[i]!.forEach((want, k) => {
      const t = i * train.L + prompt.length - 1 + k; // the position whose target is completion token k
      expect(train.mask[t], `row ${i} token ${k} is in the mask`).toBe(1);
      maxDiff = Math.max(maxDiff, Math.abs(train.at[t]! - want));
      unscaledDiff = Math.max(unscaledDiff, Math.abs(train.at1[t]! - want));
      tokens++;
    });
  });
  expect(train.mask.reduce((a, b) => a + b, 0)).toBe(tokens); // no other position is trained on
  const finished = all.filter(({ c }) => c.finished).length;
  return {
    maxDiff,
    unscaledDiff,
    tokens,
    finished,
    truncated: all.length - finished,
    mismatches: sampler.mismatches,
    mismatchesAtT1: atT1,
  };
}
