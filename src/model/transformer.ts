// The GPT: pre-LayerNorm blocks, causal multi-head attention, GELU MLP, output head tied to wte.
// The per-layer pieces are exported so the KV cache reuses the very same math; the plain-op layer math is
// layers.ts, shared with the fused kernels' fallbacks. No training code here.
// Shapes: B batch, T query tokens, S key tokens (T, or past + T with a cache), C dModel, H heads, D = C / H.
import { positionOf, type ModelConfig } from './model-config';
import type { Params } from './params';
import { attend, attentionBias, embedTables, gelu, layerNorm, splitHeads } from './layers';
import { rotateHeads, ropeTables, ropeTablesAt, type RopeTables } from './rope';
import { rotatePacked } from './kernels/rope';
import { tf } from './tf';
import { useFused } from './kernels/mode';
import { addLayerNorm, layerNorm as fusedLayerNorm } from './kernels/layernorm';
import { causalAttention } from './kernels/attention';
import { gelu as fusedGelu } from './kernels/gelu';
import { embed as fusedEmbed } from './kernels/embed';

export interface ForwardOptions {
  /** int32 [B, T]: position of each token (default 0..T-1 in every row). */
  positions?: tf.Tensor2D;
  /** [B, T]: 1 = a real token that may be attended to, 0 = padding. Default: all 1. */
  keyMask?: tf.Tensor2D;
}

/** One layer's keys and values, [B, H, S, D]. A type alias, not an interface, so tf.tidy can return it. */
export type LayerKV = { k: tf.Tensor4D; v: tf.Tensor4D };

export function param(params: Params, name: string): tf.Variable {
  const p = params[name];
  if (!p) throw new Error(`missing model parameter ${name}`);
  return p;
}

/** x @ w + b over the last axis: [B, T, Cin] -> [B, T, Cout], as one 2-D matmul. */
function linear(x: tf.Tensor3D, w: tf.Tensor, b?: tf.Tensor): tf.Tensor3D {
  const [B, T, Cin] = x.shape;
  let y = tf.matMul(x.reshape([B * T, Cin]), w); // [B*T, Cout]
  if (b) y = y.add(b);
  return y.reshape([B, T, w.shape[1]!]);
}

/** Token plus position embeddings: int32 [B, T] -> [B, T, C]. With RoPE, token embeddings only (positions act in attention). */
export function embed(params: Params, cfg: ModelConfig, tokens: tf.Tensor2D, positions?: tf.Tensor2D): tf.Tensor3D {
  const [, T] = tokens.shape;
  if (!positions && T > cfg.context)
    throw new Error(`sequence of ${T} tokens is longer than the model's context (${cfg.context} tokens)`);
  const wpe = positionOf(cfg) === 'rope' ? null : param(params, 'wpe');
  return embedTables(param(params, 'wte'), wpe, tokens, positions);
}

/**
 * The rotation tables of a forward over T tokens (at `positions`, default 0..T-1; or at CPU-side positions,
 * rows of T, uploaded: one token per sequence while decoding, a prefill's padded rows), or undefined for
 * learned positions.
 */
export function ropeFor(
  cfg: ModelConfig,
  T: number,
  positions?: tf.Tensor2D | ArrayLike<number>,
): RopeTables | undefined {
  if (positionOf(cfg) !== 'rope') return undefined;
  if (positions !== undefined && !(positions instanceof tf.Tensor)) return ropeTablesAt(cfg, positions, T);
  return ropeTables(cfg, T, positions as tf.Tensor2D | undefined);
}

/**
 * Transformer block i on x [B, T, C]. With `past`, the new keys/values are appended to it. With `rope` (the
 * tables of x's T rows), queries and new keys are rotated first: the cache holds rotated keys. Returns the
 * new residual stream and this layer's full keys/values [B, H, S, D] (for the cache; a plain forward drops them).
 */
export function block(
  params: Params,
  cfg: ModelConfig,
  i: number,
  x: tf.Tensor3D,
  bias: tf.Tensor4D,
  past?: LayerKV,
  rope?: RopeTables,
) {
  const p = (n: string) => param(params, `h${i}.${n}`);
  const [q0, k0, vNew] = projectQkv(layerNorm(x, p('ln1.g'), p('ln1.b')), p('attn.wqkv'), p('attn.bqkv'), cfg.heads);
  const [q, kNew] = rope ? [rotateHeads(q0, rope), rotateHeads(k0, rope)] : [q0, k0];
  const k = past ? tf.concat([past.k, kNew], 2) : kNew; // [B, H, S, D]
  const v = past ? tf.concat([past.v, vNew], 2) : vNew;
  const x1: tf.Tensor3D = x.add(linear(attend(q, k, v, bias), p('attn.wo'), p('attn.bo'))); // [B, T, C]
  const hidden = gelu(linear(layerNorm(x1, p('ln2.g'), p('ln2.b')), p('mlp.w1'), p('mlp.b1'))); // [B, T, 4C]
  const x2: tf.Tensor3D = x1.add(linear(hidden, p('mlp.w2'), p('mlp.b2'))); // [B, T, C]
  return { x: x2, kv: { k, v } as LayerKV };
}

/**
 * Queries, keys, values [B, H, T, D] each from normed x [B, T, C]. Slices the small weight [C, 3C] rather
 * than splitting the big activation [B, T, 3C]: a strided split of activations is slow on the CPU backend.
 */
function projectQkv(
  xn: tf.Tensor3D,
  wqkv: tf.Tensor,
  bqkv: tf.Tensor,
  H: number,
): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
  const C = xn.shape[2];
  const one = (j: number) => {
    const w = wqkv.slice([0, j * C], [C, C]); // [C, C]
    const b = bqkv.slice([j * C], [C]); // [C]
    return splitHeads(linear(xn, w, b), H);
  };
  return [one(0), one(1), one(2)];
}

/** Final LayerNorm and the tied output head: [B, T, C] -> logits [B, T, V]. */
export function head(params: Params, x: tf.Tensor3D): tf.Tensor3D {
  const h = layerNorm(x, param(params, 'lnf.g'), param(params, 'lnf.b'));
  return linear(h, param(params, 'wte').transpose());
}

/** x @ w + b as one fused matmul-with-bias dispatch: [B, T, Cin] -> [B, T, Cout]. */
function fusedLinear(x: tf.Tensor3D, w: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const [B, T, Cin] = x.shape;
  return tf.fused.matMul({ a: x.reshape([B * T, Cin]), b: w as tf.Tensor2D, bias: b }).reshape([B, T, w.shape[1]!]);
}

/**
 * The same forward on the fused kernels (WebGPU), up to and including the final LayerNorm: h [B, T, C]. One
 * embedding kernel; per block LayerNorm fused with the residual add before it, one packed-QKV matmul, one
 * attention kernel over the packed projections (no head split or merge transposes), matmuls with their
 * bias, one GELU kernel; the last residual add fused into the final LayerNorm. Same math as the naive
 * path to float rounding. With `kept`, each block's packed projections [B, T, 3C] (queries and keys
 * rotated under RoPE: what a KV cache holds) are pushed onto it, as a prefill needs. `opts.rope`: rotation
 * tables already made (a prefill's, uploaded from its CPU-side positions) instead of looked up from positions.
 */
export function fusedTrunk(
  params: Params,
  cfg: ModelConfig,
  tokens: tf.Tensor2D,
  opts: ForwardOptions & { rope?: RopeTables },
  kept?: tf.Tensor3D[],
): tf.Tensor3D {
  const rope = opts.rope ?? ropeFor(cfg, tokens.shape[1], opts.positions); // refuses T > context without positions
  const wpe = rope ? null : (param(params, 'wpe') as tf.Tensor2D);
  let x: tf.Tensor3D = fusedEmbed(param(params, 'wte') as tf.Tensor2D, wpe, tokens, opts.positions); // [B, T, C]; refuses T > context
  let delta: tf.Tensor3D | null = null; // the previous block's MLP output, not yet added to x
  for (let i = 0; i < cfg.layers; i++) {
    const p = (n: string) => param(params, `h${i}.${n}`);
    const n1 = delta
      ? addLayerNorm(x, delta, p('ln1.g'), p('ln1.b'))
      : { sum: x, y: fusedLayerNorm(x, p('ln1.g'), p('ln1.b')) };
    x = n1.sum;
    let qkv = fusedLinear(n1.y, p('attn.wqkv'), p('attn.bqkv')); // [B, T, 3C]
    if (rope) qkv = rotatePacked(qkv, cfg.heads, rope); // RoPE: one dispatch on the q and k thirds
    kept?.push(qkv);
    const attn = fusedLinear(causalAttention(qkv, cfg.heads, opts.keyMask), p('attn.wo'), p('attn.bo')); // [B, T, C]
    const n2 = addLayerNorm(x, attn, p('ln2.g'), p('ln2.b'));
    x = n2.sum;
    delta = fusedLinear(fusedGelu(fusedLinear(n2.y, p('mlp.w1'), p('mlp.b1'))), p('mlp.w2'), p('mlp.b2')); // [B, T, C]
  }
  return delta
    ? addLayerNorm(x, delta, param(params, 'lnf.g'), param(params, 'lnf.b')).y
    : fusedLayerNorm(x, param(params, 'lnf.g'), param(params, 'lnf.b'));
}

/** The tied output head on final-LayerNorm output h [B, T, C]: logits [B, T, V], one matmul. */
export function fusedHead(params: Params, h: tf.Tensor3D): tf.Tensor3D {
  const [B, T, C] = h.shape;
  const wte = param(params, 'wte');
  return tf.matMul(h.reshape([B * T, C]), wte, false, true).reshape([B, T, wte.shape[0]!]);
}

/** Logits [B, T, V] for int32 tokens [B, T]. Intermediates are freed; the caller owns the result. */
export function forward(params: Params, cfg: ModelConfig, tokens: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
  return tf.tidy(() => {
    if (useFused()) return fusedHead(params, fusedTrunk(params, cfg, tokens, opts));
    const [, T] = tokens.shape;
    let x = embed(params, cfg, tokens, opts.positions); // [B, T, C]
    const bias = attentionBias(T, T, 0, opts.keyMask); // [B|1, 1, T, T]
    const rope = ropeFor(cfg, T, opts.positions);
    for (let i = 0; i < cfg.layers; i++) x = block(params, cfg, i, x, bias, undefined, rope).x;
    return head(params, x);
  });
}
