// Batched generation with the KV cache: Gumbel-max sampling on the device, one id read back per step.
// Not a decoding-strategy zoo: temperature, top-k and greedy only. Prompts are token ids (see tokenizer.ts).
import { rngFor } from '../util/rng';
import type { ModelConfig } from './config';
import { decodeStep, disposeCache, prefill, type KVCache } from './kv-cache';
import type { Params } from './params';
import { tf } from './tf';
import { EOS_ID, PAD_ID } from './tokenizer';

export interface SampleOptions {
  /** Most tokens generated per sequence (EOS included); also capped by the context. */
  maxNewTokens: number;
  /** Softmax temperature (> 0); 0 means greedy. */
  temperature: number;
  /** Keep only the k most likely tokens; 0 = off. */
  topK: number;
  /** Noise for step s comes from rngFor(seed, s): the same seed gives the same samples. */
  seed: number;
  /** Argmax instead of sampling (temperature, topK and seed are ignored). */
  greedy?: boolean;
}

export interface SampleResult {
  /** Generated ids per sequence, EOS excluded. */
  completions: number[][];
  /** Whether each sequence ended with EOS (false: it ran out of tokens or context). */
  finished: boolean[];
}

function checkOptions(o: SampleOptions): void {
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 0) throw new Error(`maxNewTokens must be an integer >= 0; got ${o.maxNewTokens}`);
  if (!(o.temperature >= 0)) throw new Error(`temperature must be >= 0 (0 = greedy); got ${o.temperature}`);
  if (!Number.isInteger(o.topK) || o.topK < 0) throw new Error(`topK must be an integer >= 0 (0 = off); got ${o.topK}`);
}

/** Gumbel(0, 1) noise [B, V] made in JS from the seeded stream of this step, so every backend draws the same. */
function gumbelNoise(B: number, V: number, seed: number, step: number): tf.Tensor2D {
  const rng = rngFor(seed, step, 'gumbel');
  const g = new Float32Array(B * V);
  for (let i = 0; i < g.length; i++) g[i] = -Math.log(-Math.log(Math.max(rng.next(), 1e-12)));
  return tf.tensor2d(g, [B, V]);
}

/**
 * Next ids int32 [B] from logits [B, V], on the device: argmax(logits / temperature + Gumbel noise) is a draw
 * from softmax(logits / temperature) (the Gumbel-max trick). The caller owns the result.
 */
export function sampleTokens(logits: tf.Tensor2D, o: SampleOptions, step: number): tf.Tensor1D {
  return tf.tidy(() => {
    if (o.greedy || o.temperature === 0) return tf.argMax(logits, 1) as tf.Tensor1D;
    const [B, V] = logits.shape;
    let scaled: tf.Tensor2D = logits.div(o.temperature); // [B, V]
    if (o.topK > 0 && o.topK < V) {
      const kth = tf.topk(scaled, o.topK).values.slice([0, o.topK - 1], [B, 1]); // [B, 1]: k-th largest
      scaled = scaled.sub(scaled.less(kth).toFloat().mul(1e9)); // everything below it: -1e9
    }
    return tf.argMax(scaled.add(gumbelNoise(B, V, o.seed, step)), 1) as tf.Tensor1D;
  });
}

/**
 * Generates for all prompts at once: one prefill, then one decodeStep per token. A sequence stops at EOS
 * (later steps feed it PAD and ignore its output); the loop stops when all have finished, after
 * maxNewTokens, or when the longest prompt plus the generated tokens fill the context.
 */
export async function sampleBatch(params: Params, cfg: ModelConfig, prompts: number[][], opts: SampleOptions): Promise<SampleResult> {
  checkOptions(opts);
  const completions: number[][] = prompts.map(() => []);
  const finished = prompts.map(() => false);
  if (prompts.length === 0) return { completions, finished };
  const longest = Math.max(...prompts.map((p) => p.length));
  const steps = Math.min(opts.maxNewTokens, cfg.context - longest); // prefill refuses longest > context
  let { cache, lastLogits: logits } = prefill(params, cfg, prompts);
  try {
    for (let step = 0; step < steps; step++) {
      const ids = sampleTokens(logits, opts, step);
      logits.dispose();
      const picked = await ids.data(); // the one GPU -> CPU sync per token: B int32 ids
      ids.dispose();
      picked.forEach((id, b) => {
        if (finished[b]) return;
        if (id === EOS_ID) finished[b] = true;
        else completions[b]!.push(id);
      });
      if (finished.every(Boolean) || step === steps - 1) break;
      const feed = Array.from(picked, (id, b) => (finished[b] ? PAD_ID : id));
      ({ cache, logits } = advance(params, cfg, cache, feed));
    }
  } finally {
    logits.dispose(); // no-op when already disposed
    disposeCache(cache);
  }
  return { completions, finished };
}

/** One decode step that frees what it replaces: the old cache and the fed ids. */
function advance(params: Params, cfg: ModelConfig, cache: KVCache, feed: number[]) {
  const tokens = tf.tensor1d(feed, 'int32');
  try {
    return decodeStep(params, cfg, cache, tokens);
  } finally {
    tokens.dispose();
    disposeCache(cache);
  }
}
