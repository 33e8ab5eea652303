// Incremental decoding: prefill a batch of prompts once, then one token per sequence per decodeStep.
// Same blocks as transformer.ts (no duplicated math); no sampling policy here (see sample.ts).
// Ownership: prefill and decodeStep return NEW tensors owned by the caller. decodeStep neither reads
// after return nor disposes the cache it was given: the caller disposes the old cache (disposeCache).
// startDecoding wraps both behind one Decoder; under useFused() its prefill and cache are kernels/decode.ts's
// instead: the fused forward's kernels, a cache preallocated once and appended in place (no copies of the
// past per token).
import type { ModelConfig } from './model-config';
import { disposeFusedCache, fusedDecodeStep, fusedPrefill, type PaddedPrompts } from './kernels/decode';
import { useFused } from './kernels/mode';
import type { Params } from './params';
import { tf } from './tf';
import { PAD_ID } from './tokenizer';
import { attentionBias } from './layers';
import { block, embed, head, ropeFor, type LayerKV } from './transformer';

export interface KVCache {
  /** Per layer, keys and values of every cached slot, [B, H, S, D]. */
  layers: LayerKV[];
  /** float [B, S]: 1 = a real token, 0 = left padding (never attended to). */
  keyMask: tf.Tensor2D;
  /** Per sequence, the position of the next token (its real length so far). */
  nextPositions: number[];
  /** S: cached slots, padding included (same for every sequence). */
  length: number;
}

/** Left-pads to the longest prompt; positions count from 0 at each sequence's first real token. */
export function leftPad(prompts: number[][], cfg: ModelConfig): PaddedPrompts {
  if (prompts.length === 0) throw new Error('prefill needs at least one prompt');
  const L = Math.max(...prompts.map((p) => p.length));
  if (prompts.some((p) => p.length === 0)) throw new Error('prefill got an empty prompt (expected at least BOS)');
  if (L > cfg.context)
    throw new Error(`prompt of ${L} tokens is longer than the model's context (${cfg.context} tokens)`);
  const B = prompts.length;
  const [tokens, positions, mask] = [new Int32Array(B * L), new Int32Array(B * L), new Float32Array(B * L)];
  prompts.forEach((p, b) => {
    const pad = L - p.length;
    for (let t = 0; t < L; t++) {
      tokens[b * L + t] = t < pad ? PAD_ID : p[t - pad]!;
      positions[b * L + t] = Math.max(0, t - pad);
      mask[b * L + t] = t < pad ? 0 : 1;
    }
  });
  return { B, L, tokens, positions, mask, lengths: prompts.map((p) => p.length) };
}

/** Runs the prompts through the model, keeping every layer's keys and values. lastLogits [B, V]. */
export function prefill(
  params: Params,
  cfg: ModelConfig,
  prompts: number[][],
): { cache: KVCache; lastLogits: tf.Tensor2D } {
  const { B, L, tokens, positions, mask, lengths } = leftPad(prompts, cfg);
  const out = tf.tidy(() => {
    const keyMask = tf.tensor2d(mask, [B, L]);
    const pos = tf.tensor2d(positions, [B, L], 'int32');
    let x = embed(params, cfg, tf.tensor2d(tokens, [B, L], 'int32'), pos); // [B, L, C]
    const bias = attentionBias(L, L, 0, keyMask); // [B, 1, L, L]
    const rope = ropeFor(cfg, L, positions); // known here: the rows are uploaded, not looked up
    const layers: LayerKV[] = [];
    for (let i = 0; i < cfg.layers; i++) {
      const r = block(params, cfg, i, x, bias, undefined, rope);
      x = r.x;
      layers.push(r.kv);
    }
    const last = x.slice([0, L - 1, 0], [B, 1, cfg.dModel]); // [B, 1, C]: only the next-token logits are needed
    return { layers, keyMask, lastLogits: head(params, last).reshape([B, cfg.vocabSize]) as tf.Tensor2D };
  });
  return {
    cache: { layers: out.layers, keyMask: out.keyMask, nextPositions: lengths, length: L },
    lastLogits: out.lastLogits,
  };
}

/**
 * Feeds one token per sequence (int32 [B]) and returns a NEW cache one slot longer plus the next-token
 * logits [B, V]. The given cache is left intact and still owned by the caller (dispose it when done).
 */
export function decodeStep(
  params: Params,
  cfg: ModelConfig,
  cache: KVCache,
  tokens: tf.Tensor1D,
): { cache: KVCache; logits: tf.Tensor2D } {
  const B = tokens.shape[0];
  const S = cache.length;
  const top = Math.max(...cache.nextPositions);
  if (top >= cfg.context) throw new Error(`cannot decode past the model's context (${cfg.context} tokens)`);
  const out = tf.tidy(() => {
    const pos = tf.tensor2d(cache.nextPositions, [B, 1], 'int32');
    let x = embed(params, cfg, tokens.reshape([B, 1]), pos); // [B, 1, C]
    const keyMask = tf.concat([cache.keyMask, tf.ones([B, 1])], 1) as tf.Tensor2D; // [B, S + 1]
    const bias = attentionBias(1, S + 1, S, keyMask); // [B, 1, 1, S + 1]
    const rope = ropeFor(cfg, 1, cache.nextPositions); // uploaded rows, no dispatch
    const layers: LayerKV[] = [];
    for (let i = 0; i < cfg.layers; i++) {
      const r = block(params, cfg, i, x, bias, cache.layers[i], rope);
      x = r.x;
      layers.push(r.kv);
    }
    return { layers, keyMask, logits: head(params, x).reshape([B, cfg.vocabSize]) as tf.Tensor2D };
  });
  const nextPositions = cache.nextPositions.map((p) => p + 1);
  return { cache: { layers: out.layers, keyMask: out.keyMask, nextPositions, length: S + 1 }, logits: out.logits };
}

export function disposeCache(cache: KVCache): void {
  for (const { k, v } of cache.layers) tf.dispose([k, v]);
  cache.keyMask.dispose();
}

/** A batch being decoded, one token per sequence per step. */
export interface Decoder {
  /** Feeds int32 [B] (still the caller's); returns the next-token logits [B, V] (the caller's). */
  step(tokens: tf.Tensor1D): tf.Tensor2D;
  /** Frees the cache. */
  dispose(): void;
}

/**
 * Prefills the prompts and returns their next-token logits [B, V] (the caller's) and a Decoder for up to
 * `maxNewTokens` more tokens. Naive: prefill, then decodeStep, a new cache per token. Under useFused()
 * (decided here, once): the fused prefill (kernels/decode.ts) straight into a fused cache of longest
 * prompt + maxNewTokens slots (capped by the context), appended in place by each step.
 */
export function startDecoding(
  params: Params,
  cfg: ModelConfig,
  prompts: number[][],
  maxNewTokens: number,
): { decoder: Decoder; lastLogits: tf.Tensor2D } {
  if (!useFused()) {
    const { cache, lastLogits } = prefill(params, cfg, prompts);
    return { decoder: naiveDecoder(params, cfg, cache), lastLogits };
  }
  const padded = leftPad(prompts, cfg);
  const { cache, lastLogits } = fusedPrefill(params, cfg, padded, Math.min(cfg.context, padded.L + maxNewTokens));
  return {
    decoder: { step: (tokens) => fusedDecodeStep(params, cfg, cache, tokens), dispose: () => disposeFusedCache(cache) },
    lastLogits,
  };
}

/** decodeStep behind the Decoder interface: each step frees the cache it replaces. */
function naiveDecoder(params: Params, cfg: ModelConfig, first: KVCache): Decoder {
  let cache = first;
  return {
    step(tokens) {
      const next = decodeStep(params, cfg, cache, tokens);
      disposeCache(cache);
      cache = next.cache;
      return next.logits;
    },
    dispose: () => disposeCache(cache),
  };
}
