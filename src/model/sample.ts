// Batched generation with the KV cache: Gumbel-max sampling on the device; ids stay there until the end
// (a finished-flags read every FINISH_CHECK_EVERY tokens is the only sync inside the loop).
// Not a decoding-strategy zoo: temperature, top-k and greedy only. Prompts are token ids (see tokenizer.ts).
import { rngFor } from '../util/rng';
import type { ModelConfig } from './model-config';
import { fusedSampleStep, idsBuffer } from './kernels/decode';
import { useFused } from './kernels/mode';
import { startDecoding, type Decoder } from './kv-cache';
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
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 0)
    throw new Error(`maxNewTokens must be an integer >= 0; got ${o.maxNewTokens}`);
  if (!(o.temperature >= 0)) throw new Error(`temperature must be >= 0 (0 = greedy); got ${o.temperature}`);
  if (!Number.isInteger(o.topK) || o.topK < 0) throw new Error(`topK must be an integer >= 0 (0 = off); got ${o.topK}`);
}

/** Gumbel(0, 1) noise [B, V] made in JS from the seeded stream of this step, so every backend draws the same. */
export function gumbelNoise(B: number, V: number, seed: number, step: number): tf.Tensor2D {
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

/** The device is asked whether every sequence has finished only every this many tokens (each ask is a GPU -> CPU sync). */
export const FINISH_CHECK_EVERY = 8;

/** Per step, turns logits into the emitted and fed ids; both paths keep the ids on the device. */
interface Emitter {
  /** Samples step `step` from logits [B, V] (still the caller's); returns the ids to feed next (the caller's). */
  next(logits: tf.Tensor2D, step: number): tf.Tensor1D;
  /** [B] 1/true where EOS has been emitted so far (the emitter's; read at most once). */
  done(): tf.Tensor;
  /** The ids emitted so far, [steps taken, B] flattened: the one read of the generated ids. */
  read(): Promise<ArrayLike<number>>;
  dispose(): void;
}

/** The baseline: sampleTokens, then where/logicalOr for the EOS and PAD bookkeeping. */
function naiveEmitter(B: number, opts: SampleOptions): Emitter {
  let done: tf.Tensor1D = tf.zeros([B], 'bool'); // [B] EOS emitted at an earlier step
  const pad = tf.fill([B], PAD_ID, 'int32') as tf.Tensor1D; // made once: what finished sequences emit and are fed
  const emitted: tf.Tensor1D[] = []; // per step, int32 [B]: the sampled id (PAD once finished)
  return {
    next(logits, step) {
      const ids = sampleTokens(logits, opts, step);
      const next = tf.tidy(() => {
        const out = tf.where(done, pad, ids) as tf.Tensor1D;
        const nowDone = tf.logicalOr(done, tf.equal(ids, EOS_ID)) as tf.Tensor1D;
        return { out, nowDone, feed: tf.where(nowDone, pad, ids) as tf.Tensor1D };
      });
      ids.dispose();
      done.dispose();
      done = next.nowDone;
      emitted.push(next.out);
      return next.feed;
    },
    done: () => done,
    async read() {
      if (emitted.length === 0) return [];
      const all = tf.stack(emitted) as tf.Tensor2D; // [T, B]
      try {
        return await all.data();
      } finally {
        all.dispose();
      }
    },
    dispose: () => tf.dispose([done, pad, ...emitted]),
  };
}

/** Fused (WebGPU): one sampling dispatch per step writes the emitted id into an ids buffer [steps, B] in place. */
function fusedEmitter(B: number, steps: number, opts: SampleOptions): Emitter {
  let done: tf.Tensor1D = tf.zeros([B], 'int32');
  const ids = idsBuffer(steps, B);
  const greedy = !!opts.greedy || opts.temperature === 0;
  let taken = 0;
  return {
    next(logits, step) {
      const noise = greedy ? null : gumbelNoise(B, logits.shape[1], opts.seed, step); // the naive path's draws
      const r = fusedSampleStep(logits, noise, done, ids, step, {
        temperature: opts.temperature,
        topK: opts.topK,
        greedy,
      });
      noise?.dispose();
      done.dispose();
      done = r.done;
      taken = step + 1;
      return r.feed;
    },
    done: () => done,
    read: async () => (taken === 0 ? [] : (await ids.data()).subarray(0, taken * B)),
    dispose: () => tf.dispose([done, ids]),
  };
}

/**
 * Generates for all prompts at once: one prefill, then one decoder step per token. Sampled ids stay on the
 * device: a sequence that has emitted EOS is fed PAD (its later output is ignored), the finished flags
 * are read back every FINISH_CHECK_EVERY tokens to stop early, and the ids are read once at the end. The
 * loop stops when all have finished (seen at a check), after maxNewTokens, or when the longest prompt
 * plus the generated tokens fill the context. Under useFused() (decided at the call) the cache, the
 * decoding and the sampling run on the fused kernels (kernels/decode.ts), drawing the same samples.
 */
export async function sampleBatch(
  params: Params,
  cfg: ModelConfig,
  prompts: number[][],
  opts: SampleOptions,
): Promise<SampleResult> {
  checkOptions(opts);
  const completions: number[][] = prompts.map(() => []);
  const finished = prompts.map(() => false);
  if (prompts.length === 0) return { completions, finished };
  const B = prompts.length;
  const longest = Math.max(...prompts.map((p) => p.length));
  const steps = Math.min(opts.maxNewTokens, cfg.context - longest); // prefill refuses longest > context
  const emitter = useFused() ? fusedEmitter(B, steps, opts) : naiveEmitter(B, opts);
  let decoder: Decoder | null = null;
  let logits: tf.Tensor2D | null = null;
  try {
    ({ decoder, lastLogits: logits } = startDecoding(params, cfg, prompts, steps));
    for (let step = 0; step < steps; step++) {
      const feed = emitter.next(logits, step);
      logits.dispose();
      const last = step === steps - 1;
      const allDone = !last && (step + 1) % FINISH_CHECK_EVERY === 0 && (await emitter.done().data()).every(Boolean);
      if (last || allDone) {
        feed.dispose();
        break;
      }
      try {
        logits = decoder.step(feed);
      } finally {
        feed.dispose();
      }
    }
    const h = await emitter.read();
    for (let t = 0; t < h.length / B; t++) {
      for (let b = 0; b < B; b++) {
        if (finished[b]) continue;
        const id = h[t * B + b]!;
        if (id === EOS_ID) finished[b] = true;
        else completions[b]!.push(id);
      }
    }
  } finally {
    logits?.dispose(); // no-op when already disposed
    emitter.dispose();
    decoder?.dispose();
  }
  return { completions, finished };
}
