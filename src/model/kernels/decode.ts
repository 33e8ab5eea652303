// Fused decoding on WebGPU: a prefill on the training forward's fused kernels straight into a preallocated
// KV cache, appended in place, one append + attend dispatch per layer, and sampling (temperature, top-k,
// greedy, EOS/PAD bookkeeping) in one dispatch per token.
// Per generated token: embed 1, per layer 8 (addLayerNorm, qkv matmul, append+attend, wo matmul,
// addLayerNorm, w1 matmul, gelu, w2 matmul), then final addLayerNorm, head matmul and sampling: 8L + 4.
// Rotary positions add one rotation dispatch per layer (their [B, 1, D] angle rows are uploaded).
// No GPU-to-CPU read per token: sampled ids go into a device buffer [steps, B] read once at the end.
// Shapes: B batch, C dModel, H heads, D = C / H, SMAX cache slots (capacity), S filled slots, V vocab.
// Layout: kv [B, SMAX, 2C], slot s of sequence b holds its key at [b, s, 0:C] and value at [b, s, C:2C]
// (head h at h*D within each). Left padding: sequence b's first pads[b] slots are padding (never attended);
// each fed token's position is its sequence's own next position (nextPositions, uploaded: no dispatch).
import type { ModelConfig } from '../model-config';
import type { Params } from '../params';
import { tf } from '../tf';
import { EOS_ID, PAD_ID } from '../tokenizer';
import { fusedHead, fusedTrunk, param, ropeFor } from '../transformer';
import { rotatePacked } from './rope';
import { embed } from './embed';
import { gelu } from './gelu';
import { addLayerNorm, layerNorm } from './layernorm';
import { withKernelMode } from './mode';
import { asTensor, dispatch, outputTensor } from './raw';
import { ELEMENT, REDUCE_SUM, ROW, WG, elementGrid, rowGrid } from './wgsl';

/** Most cache slots the attention kernel holds scores for (its workgroup array); config caps context at 1024. */
export const MAX_SLOTS = 1024;

/** The fused decoder's cache: preallocated, appended in place by fusedDecodeStep. */
export interface FusedKVCache {
  /** Per layer, keys | values [B, SMAX, 2C]; slots >= length are unwritten. */
  kv: tf.Tensor3D[];
  /** int32 [B]: left-padding slots of each sequence. */
  pads: tf.Tensor1D;
  /** Per sequence, the position of the next token (its real length so far). */
  nextPositions: number[];
  /** S: filled slots, padding included (same for every sequence). */
  length: number;
  /** SMAX: slots allocated. */
  capacity: number;
}

const u32 = (name: string, value: number) => ({ name, type: 'u32' as const, value });

const ENTRY = `@compute @workgroup_size(${WG})\nfn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>)`;

// kv[b, s, j] = qkv[b, s, C + j] for j < 2C, s < L: the key and value thirds of a prefill's packed projections
const fillCode = /* wgsl */ `
${ENTRY} {
  let i = ${ELEMENT};
  if (i >= u.B * u.L * 2u * u.C) { return; }
  let j = i % (2u * u.C);
  let s = (i / (2u * u.C)) % u.L;
  let b = i / (2u * u.C * u.L);
  kv[(b * u.SMAX + s) * 2u * u.C + j] = qkv[(b * u.L + s) * 3u * u.C + u.C + j];
}`;

/** Prompts left-padded to their longest, L (kv-cache.ts's leftPad): tokens, positions from 0 at each first real token, 1/0 key mask. */
export interface PaddedPrompts {
  B: number;
  L: number;
  tokens: Int32Array;
  positions: Int32Array;
  mask: Float32Array;
  /** Each prompt's real length: the position of its next token. */
  lengths: number[];
}

/**
 * Prefill on the fused kernels: the training forward's trunk over the left-padded prompts (the padding
 * masked out of every key), each layer's key and value thirds copied into a cache of `capacity` slots (one
 * dispatch per layer), and the next-token logits [B, V] of the last slot only. The cache and the logits
 * are the caller's. Per layer the naive prefill's separate head projections, transposes and concats are
 * gone: about 9 dispatches per layer plus 5.
 */
export function fusedPrefill(
  params: Params,
  cfg: ModelConfig,
  padded: PaddedPrompts,
  capacity: number,
): { cache: FusedKVCache; lastLogits: tf.Tensor2D } {
  const { B, L, lengths } = padded;
  const C = cfg.dModel;
  if (capacity < L || capacity > Math.min(cfg.context, MAX_SLOTS))
    throw new Error(`fused KV cache: capacity ${capacity} must be in ${L}..${Math.min(cfg.context, MAX_SLOTS)}`);
  const { kv, lastLogits } = tf.tidy(() => {
    const tokens = tf.tensor2d(padded.tokens, [B, L], 'int32');
    const positions = tf.tensor2d(padded.positions, [B, L], 'int32');
    const keyMask = tf.tensor2d(padded.mask, [B, L]);
    const kept: tf.Tensor3D[] = [];
    const rope = ropeFor(cfg, L, padded.positions); // uploaded: no lookup dispatches
    const h = fusedTrunk(params, cfg, tokens, { positions, keyMask, rope }, kept); // [B, L, C]
    const uniforms = [u32('B', B), u32('L', L), u32('C', C), u32('SMAX', capacity)];
    const kv = kept.map((qkv) => {
      const out = outputTensor([B, capacity, 2 * C]);
      dispatch({
        key: 'rlvr-kv-fill',
        code: fillCode,
        uniforms,
        workgroups: elementGrid(B * L * 2 * C),
        bindings: [
          { name: 'qkv', tensor: qkv },
          { name: 'kv', tensor: out, write: true },
        ],
      });
      return asTensor<tf.Rank.R3>(out);
    });
    const last = h.slice([0, L - 1, 0], [B, 1, C]); // only the next-token logits are needed
    return { kv, lastLogits: fusedHead(params, last).reshape([B, cfg.vocabSize]) as tf.Tensor2D };
  });
  const pads = tf.tensor1d(
    lengths.map((p) => L - p),
    'int32',
  );
  return { cache: { kv, pads, nextPositions: lengths.slice(), length: L, capacity }, lastLogits };
}

export function disposeFusedCache(cache: FusedKVCache): void {
  tf.dispose([...cache.kv, cache.pads]);
}

// One workgroup per (b, h): write the new key and value of head h into slot S, then attend from the new
// query over slots 0..S, padding slots masked with -1e9 as the naive attention bias does.
const appendAttendCode = /* wgsl */ `
${REDUCE_SUM}
var<workgroup> p: array<f32, ${MAX_SLOTS}>;
${ENTRY} {
  let g = ${ROW};
  if (g >= u.B * u.H) { return; }
  let lid = l.x;
  let b = g / u.H;
  let C = u.C;
  let D = C / u.H;
  let hd = (g % u.H) * D;
  let S = u.S;
  let row = b * u.SMAX * 2u * C; // sequence b in kv
  let q = b * 3u * C + hd; // head h's query in qkv; its key at + C, value at + 2C
  for (var d = lid; d < D; d = d + WG) {
    kv[row + S * 2u * C + hd + d] = qkv[q + C + d];
    kv[row + S * 2u * C + C + hd + d] = qkv[q + 2u * C + d];
  }
  storageBarrier();
  let pad = u32(pads[b]);
  var m = -3.0e38;
  for (var s = lid; s <= S; s = s + WG) {
    let k = row + s * 2u * C + hd;
    var dot = 0.0;
    for (var d = 0u; d < D; d = d + 1u) { dot = dot + qkv[q + d] * kv[k + d]; }
    var score = dot * u.scale;
    if (s < pad) { score = score - 1e9; }
    p[s] = score;
    m = max(m, score);
  }
  let mx = reduceMax(m, lid);
  var z = 0.0;
  for (var s = lid; s <= S; s = s + WG) {
    let e = exp(p[s] - mx);
    p[s] = e;
    z = z + e;
  }
  let total = reduceSum(z, lid);
  for (var d = lid; d < D; d = d + WG) {
    var acc = 0.0;
    for (var s = 0u; s <= S; s = s + 1u) { acc = acc + p[s] * kv[row + s * 2u * C + C + hd + d]; }
    y[b * C + hd + d] = acc / total;
  }
}`;

/** Appends k, v of qkv [B, 3C] to slot S of kv [B, SMAX, 2C] in place; returns the attention output [B, C]. */
function appendAttend(qkv: tf.Tensor2D, kv: tf.Tensor3D, cache: FusedKVCache, heads: number): tf.Tensor2D {
  const [B, C3] = qkv.shape;
  const C = C3 / 3;
  const y = outputTensor([B, C]);
  dispatch({
    key: 'rlvr-decode-append-attend',
    code: appendAttendCode,
    workgroups: rowGrid(B * heads),
    uniforms: [
      u32('B', B),
      u32('C', C),
      u32('H', heads),
      u32('S', cache.length),
      u32('SMAX', cache.capacity),
      { name: 'scale', type: 'f32', value: 1 / Math.sqrt(C / heads) },
    ],
    bindings: [
      { name: 'qkv', tensor: qkv },
      { name: 'pads', tensor: cache.pads },
      { name: 'kv', tensor: kv, write: true },
      { name: 'y', tensor: y, write: true },
    ],
  });
  return asTensor(y);
}

/** x [B, Cin] @ w + b: one dispatch. */
const linear = (x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D =>
  tf.fused.matMul({ a: x, b: w as tf.Tensor2D, bias: b }) as tf.Tensor2D;

/**
 * Feeds one token per sequence (int32 [B], still the caller's) at slot cache.length: appends every layer's
 * keys and values in place, advances the cache, and returns the next-token logits [B, V] (the caller's).
 * Runs the fused kernels whatever the mode is now (it may have changed since the cache was made).
 */
export function fusedDecodeStep(
  params: Params,
  cfg: ModelConfig,
  cache: FusedKVCache,
  tokens: tf.Tensor1D,
): tf.Tensor2D {
  if (Math.max(...cache.nextPositions) >= cfg.context)
    throw new Error(`cannot decode past the model's context (${cfg.context} tokens)`);
  if (cache.length >= cache.capacity) throw new Error(`the fused KV cache is full (${cache.capacity} slots)`);
  const logits = withKernelMode('fused', () =>
    tf.tidy(() => {
      const B = tokens.shape[0];
      const pos = tf.tensor2d(cache.nextPositions, [B, 1], 'int32'); // an upload, no dispatch
      const wte = param(params, 'wte') as tf.Tensor2D;
      const rope = ropeFor(cfg, 1, cache.nextPositions); // rotary positions: [B, 1, D] rows of the angle table, uploaded (no dispatch)
      const wpe = rope ? null : (param(params, 'wpe') as tf.Tensor2D);
      let x = embed(wte, wpe, tokens.reshape([B, 1]), pos).reshape([B, cfg.dModel]) as tf.Tensor2D; // [B, C]: the residual stream
      let delta: tf.Tensor2D | null = null; // the last MLP output, added by the next addLayerNorm
      for (let i = 0; i < cfg.layers; i++) {
        const p = (n: string) => param(params, `h${i}.${n}`);
        let h: tf.Tensor2D;
        if (delta) ({ sum: x, y: h } = addLayerNorm(x, delta, p('ln1.g'), p('ln1.b')));
        else h = layerNorm(x, p('ln1.g'), p('ln1.b'));
        let qkv = linear(h, p('attn.wqkv'), p('attn.bqkv')); // [B, 3C]
        if (rope) qkv = rotatePacked(qkv.reshape([B, 1, 3 * cfg.dModel]), cfg.heads, rope).reshape([B, 3 * cfg.dModel]);
        const att = appendAttend(qkv, cache.kv[i]!, cache, cfg.heads); // [B, C]
        ({ sum: x, y: h } = addLayerNorm(x, linear(att, p('attn.wo'), p('attn.bo')), p('ln2.g'), p('ln2.b')));
        delta = linear(gelu(linear(h, p('mlp.w1'), p('mlp.b1'))), p('mlp.w2'), p('mlp.b2')); // [B, C]
      }
      const { y } = addLayerNorm(x, delta!, param(params, 'lnf.g'), param(params, 'lnf.b'));
      return tf.matMul(y, wte, false, true) as tf.Tensor2D; // [B, V], tied head
    }),
  );
  cache.length += 1;
  cache.nextPositions = cache.nextPositions.map((p) => p + 1);
  return logits;
}

// Sampling, one workgroup per row b. value(i): logits / temperature (top-k: minus 1e9 below the k-th largest)
// plus the Gumbel noise, or the raw logits when greedy; the id is its argmax, the first index on ties.
// The k-th largest is found by bisection over the order-preserving u32 keys of the scaled logits.
const sampleCode = (mode: 'greedy' | 'sample' | 'topk') => /* wgsl */ `
${REDUCE_SUM}
var<workgroup> bestV: array<f32, ${WG}>;
var<workgroup> bestI: array<u32, ${WG}>;
fn scaled(i: u32) -> f32 { return ${mode === 'greedy' ? 'logits[i]' : 'logits[i] / u.temp'}; }
fn orderKey(x: f32) -> u32 {
  let v = bitcast<u32>(x);
  return select(v | 0x80000000u, ~v, (v & 0x80000000u) != 0u);
}
fn fromKey(k: u32) -> f32 { return bitcast<f32>(select(~k, k & 0x7fffffffu, (k & 0x80000000u) != 0u)); }
fn kthLargest(base: u32, lid: u32) -> f32 {
  var key = 0u;
  for (var bit = 31i; bit >= 0i; bit = bit - 1i) {
    let cand = key | (1u << u32(bit));
    var n = 0.0;
    for (var i = lid; i < u.V; i = i + WG) { if (orderKey(scaled(base + i)) >= cand) { n = n + 1.0; } }
    if (reduceSum(n, lid) >= f32(u.K)) { key = cand; }
  }
  return fromKey(key);
}
fn better(v: f32, i: u32, w: f32, j: u32) -> bool { return v > w || (v == w && i < j); }
${ENTRY} {
  let b = ${ROW};
  if (b >= u.B) { return; }
  let lid = l.x;
  let base = b * u.V;
  ${mode === 'topk' ? 'let kth = kthLargest(base, lid);' : ''}
  var bv = -3.0e38; // below any logit: the first element always wins its thread
  var bi = 0xffffffffu;
  for (var i = lid; i < u.V; i = i + WG) {
    var v = scaled(base + i);
    ${mode === 'topk' ? 'if (v < kth) { v = v - 1e9; }' : ''}
    ${mode === 'greedy' ? '' : 'v = v + noise[base + i];'}
    if (better(v, i, bv, bi)) { bv = v; bi = i; }
  }
  bestV[lid] = bv;
  bestI[lid] = bi;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s && better(bestV[lid + s], bestI[lid + s], bestV[lid], bestI[lid])) {
      bestV[lid] = bestV[lid + s];
      bestI[lid] = bestI[lid + s];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let id = i32(bestI[0]);
    let wasDone = doneIn[b] != 0i;
    let nowDone = wasDone || id == ${EOS_ID}i;
    ids[u.step * u.B + b] = select(id, ${PAD_ID}i, wasDone);
    feed[b] = select(id, ${PAD_ID}i, nowDone);
    doneOut[b] = select(0i, 1i, nowDone);
  }
}`;

export interface FusedSampling {
  /** Softmax temperature (> 0); ignored when greedy. */
  temperature: number;
  /** Keep the k most likely tokens; 0 or >= V: all. */
  topK: number;
  greedy: boolean;
}

/**
 * One generated token per sequence in one dispatch, from logits [B, V] and (unless greedy) Gumbel noise
 * [B, V]. done int32 [B] holds 1 where EOS was emitted earlier. Writes row `step` of ids int32 [steps, B]
 * in place: the sampled id, PAD once finished. Returns the ids to feed next (PAD once finished, EOS
 * included) and the new done flags, int32 [B] each, the caller's.
 */
export function fusedSampleStep(
  logits: tf.Tensor2D,
  noise: tf.Tensor2D | null,
  done: tf.Tensor1D,
  ids: tf.Tensor2D,
  step: number,
  o: FusedSampling,
): { feed: tf.Tensor1D; done: tf.Tensor1D } {
  const [B, V] = logits.shape;
  const mode = o.greedy ? 'greedy' : o.topK > 0 && o.topK < V ? 'topk' : 'sample';
  if (mode !== 'greedy' && !noise) throw new Error('fused sampling needs Gumbel noise unless greedy');
  if (step >= ids.shape[0])
    throw new Error(`fused sampling: step ${step} is past the ids buffer (${ids.shape[0]} rows)`);
  const feed = outputTensor([B], 'int32');
  const doneOut = outputTensor([B], 'int32');
  dispatch({
    key: `rlvr-sample-${mode}`,
    code: sampleCode(mode),
    workgroups: rowGrid(B),
    uniforms: [
      u32('B', B),
      u32('V', V),
      u32('K', o.topK),
      u32('step', step),
      { name: 'temp', type: 'f32', value: o.temperature },
    ],
    bindings: [
      { name: 'logits', tensor: logits },
      ...(mode === 'greedy' ? [] : [{ name: 'noise', tensor: noise! }]),
      { name: 'doneIn', tensor: done },
      { name: 'ids', tensor: ids, write: true },
      { name: 'feed', tensor: feed, write: true },
      { name: 'doneOut', tensor: doneOut, write: true },
    ],
  });
  return { feed: asTensor(feed), done: asTensor(doneOut) };
}

/** The device buffer of generated ids, int32 [steps, B], filled row by row by fusedSampleStep. */
export const idsBuffer = (steps: number, B: number): tf.Tensor2D =>
  asTensor(outputTensor([Math.max(1, steps), B], 'int32'));
