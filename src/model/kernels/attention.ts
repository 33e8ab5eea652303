// Fused causal multi-head self-attention, forward and backward, as WGSL kernels with a tfjs gradient.
// Input: the packed projections qkv [B, T, 3C] (q | k | v, head h at columns h*D.. of each third).
// Output: y [B, T, C], heads merged. One dispatch forward (y and the row logsumexp lse [B, H, T]); two
// backward, both writing the packed dqkv [B, T, 3C]: per query row delta = rowsum(dy * y) and dq, then per
// key row dk and dv. Workgroups hold 64 rows of one (b, h) and stream the other side's rows through
// workgroup memory in tiles of KT rows, with an online softmax (forward) or the saved lse (backward).
//
// Semantics are the naive path's, bit for bit where it matters: scores q.k / sqrt(D) plus an additive
// -1e9 bias wherever key s is not allowed (s > t or keyMask[b, s] = 0). A query row with no allowed key
// (t before the first unmasked key f of its sequence: left padding) therefore sees every one of the T keys
// at fl(score - 1e9), which float32 rounds to -1e9 + 64 * round(score / 64): the kernels use those rounded
// scores, shifted back by 1e9 (exact), over all T keys. Every other row uses its allowed keys only (the
// rest have exp(-1e9 - max) = 0 exactly). Off WebGPU, in naive mode, or for D > 128 the naive ops run.
import { tf } from '../tf';
import { attend, attentionBias, splitHeads } from '../layers';
import { dispatch, outputTensor, type Binding, type Uniform } from './raw';
import { useFused } from './mode';
import { registerOnce, runKernel } from './wgsl';

/** Rows per workgroup: query rows (forward, dq) or key rows (dk, dv). */
const ROWS = 64;
/** Largest head size the fused kernels take (private accumulators of D floats per thread). */
const MAX_D = 128;

/** Rows of the streamed side per tile: two [KT, D] tiles fill at most 16 KiB of workgroup memory. */
const tileRows = (D: number): number => Math.min(64, Math.floor(2048 / D));

/** Third j (0 q, 1 k, 2 v) of qkv [B, T, 3C] as heads [B, H, T, D]. */
function headsOf(qkv: tf.Tensor3D, j: number, H: number): tf.Tensor4D {
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3;
  return splitHeads(qkv.slice([0, 0, j * C], [B, T, C]), H);
}

/** The naive composite (slices, transposes, matMul, softmax) of causalAttention: the fallback and the tests' reference. */
export function causalAttentionNaive(qkv: tf.Tensor3D, heads: number, keyMask?: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const T = qkv.shape[1];
    const [q, k, v] = [0, 1, 2].map((j) => headsOf(qkv, j, heads)); // [B, H, T, D] each
    return attend(q!, k!, v!, attentionBias(T, T, 0, keyMask));
  });
}

// ---- WGSL ----

/**
 * Shared by the three kernels: constants, the first unmasked key f of sequence b, which keys a query row
 * takes (`allowed`), and its score from the dot product q.k (`score`). `b`, `h`, `T`, `C` are per kernel.
 */
const common = (D: number, hasMask: boolean) => /* wgsl */ `
const D: u32 = ${D}u;
const KT: u32 = ${tileRows(D)}u;
const ROWS: u32 = ${ROWS}u;
var<workgroup> ta: array<f32, ${tileRows(D) * D}>;
var<workgroup> tb: array<f32, ${tileRows(D) * D}>;
// first s with keyMask[b, s] = 1 (T if none); rows t < f have no allowed key
fn firstKey(b: u32) -> u32 {
  ${hasMask ? 'var f = u.T;\n  for (var s = u.T; s > 0u; s = s - 1u) { f = select(f, s - 1u, mask[b * u.T + s - 1u] > 0.5); }\n  return f;' : 'return 0u;'}
}
fn allowed(b: u32, t: u32, s: u32, f: u32) -> bool {
  if (t < f) { return true; }
  return s <= t${hasMask ? ' && mask[b * u.T + s] > 0.5' : ''};
}
// rows t < f: fl(x - 1e9) + 1e9 = 64 * round(x / 64) (ties to even, as float32 rounds)
fn score(dot: f32, t: u32, f: u32) -> f32 {
  let x = dot * u.scale;
  if (t < f) { return round(x * 0.015625) * 64.0; }
  return x;
}
// keys a query row takes lie in [0, keyEnd)
fn keyEnd(t: u32, f: u32) -> u32 { return select(min(t + 1u, u.T), u.T, t < f); }
// column offset of head h's part j (0 q, 1 k, 2 v) in a packed qkv row of 3C
fn col(j: u32, h: u32) -> u32 { return j * u.H * D + h * D; }`;

/**
 * Cooperative load of rows n in [r0, r0 + KT) into ta and tb (0 past T): ta[(n - r0) * D + c] = a(n, c),
 * tb likewise with b(n, c); a and b are WGSL expressions in n and c. Ends with a barrier.
 */
const loadTile = (a: string, b: string) => /* wgsl */ `
  for (var i = lid; i < KT * D; i = i + ROWS) {
    let n = r0 + i / D;
    let c = i % D;
    var va = 0.0;
    var vb = 0.0;
    if (n < u.T) {
      va = ${a};
      vb = ${b};
    }
    ta[i] = va;
    tb[i] = vb;
  }
  workgroupBarrier();`;

/** Keys and values of rows [r0, r0 + KT): ta = k, tb = v. */
const KV_TILE = loadTile(
  'qkv[(bb * u.T + n) * 3u * C + col(1u, h) + c]',
  'qkv[(bb * u.T + n) * 3u * C + col(2u, h) + c]',
);
/** Queries and output gradients of rows [r0, r0 + KT): ta = q, tb = dy. */
const Q_DY_TILE = loadTile('qkv[(bb * u.T + n) * 3u * C + col(0u, h) + c]', 'dy[(bb * u.T + n) * C + h * D + c]');

/** Prologue: this thread's (b, h) and row, the sequence's first unmasked key. */
const prologue = /* wgsl */ `
  let lid = l.x;
  let bh = wid.y;
  let bb = bh / u.H;
  let h = bh % u.H;
  let C = u.H * D;
  let row0 = wid.x * ROWS;
  let me = row0 + lid;
  let live = me < u.T;
  let f = firstKey(bb);`;

// forward: per query row t, y = softmax(scores) v over its keys, online; lse = max + log(sum)
const forwardCode = (D: number, hasMask: boolean) => /* wgsl */ `
${common(D, hasMask)}
@compute @workgroup_size(${ROWS})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  ${prologue}
  let t = me;
  var q: array<f32, D>;
  var acc: array<f32, D>;
  if (live) { for (var d = 0u; d < D; d++) { q[d] = qkv[(bb * u.T + t) * 3u * C + col(0u, h) + d]; } }
  var m = -3.0e38;
  var sum = 0.0;
  let end = select(min(row0 + ROWS, u.T), u.T, row0 < f); // keys any row of this group takes
  for (var r0 = 0u; r0 < end; r0 = r0 + KT) {
    ${KV_TILE}
    if (live) {
      let e = keyEnd(t, f);
      for (var r = 0u; r < KT && r0 + r < e; r++) {
        let s = r0 + r;
        if (!allowed(bb, t, s, f)) { continue; }
        var dot = 0.0;
        for (var d = 0u; d < D; d++) { dot = dot + q[d] * ta[r * D + d]; }
        let x = score(dot, t, f);
        let mNew = max(m, x);
        let corr = exp(m - mNew);
        let p = exp(x - mNew);
        sum = sum * corr + p;
        for (var d = 0u; d < D; d++) { acc[d] = acc[d] * corr + p * tb[r * D + d]; }
        m = mNew;
      }
    }
    workgroupBarrier();
  }
  if (live) {
    let inv = 1.0 / sum;
    for (var d = 0u; d < D; d++) { y[(bb * u.T + t) * C + h * D + d] = acc[d] * inv; }
    lse[bh * u.T + t] = m + log(sum);
  }
}`;

// backward 1: per query row t, delta = rowsum(dy * y), dq = scale * sum_s p (dy.v_s - delta) k_s
const dqCode = (D: number, hasMask: boolean) => /* wgsl */ `
${common(D, hasMask)}
@compute @workgroup_size(${ROWS})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  ${prologue}
  let t = me;
  var q: array<f32, D>;
  var g: array<f32, D>;
  var dq: array<f32, D>;
  var dl = 0.0;
  var L = 0.0;
  if (live) {
    for (var d = 0u; d < D; d++) {
      q[d] = qkv[(bb * u.T + t) * 3u * C + col(0u, h) + d];
      let o = (bb * u.T + t) * C + h * D + d;
      g[d] = dy[o];
      dl = dl + dy[o] * y[o];
    }
    L = lse[bh * u.T + t];
    delta[bh * u.T + t] = dl;
  }
  let end = select(min(row0 + ROWS, u.T), u.T, row0 < f);
  for (var r0 = 0u; r0 < end; r0 = r0 + KT) {
    ${KV_TILE}
    if (live) {
      let e = keyEnd(t, f);
      for (var r = 0u; r < KT && r0 + r < e; r++) {
        if (!allowed(bb, t, r0 + r, f)) { continue; }
        var dot = 0.0;
        var dp = 0.0;
        for (var d = 0u; d < D; d++) { dot = dot + q[d] * ta[r * D + d]; dp = dp + g[d] * tb[r * D + d]; }
        let ds = exp(score(dot, t, f) - L) * (dp - dl);
        for (var d = 0u; d < D; d++) { dq[d] = dq[d] + ds * ta[r * D + d]; }
      }
    }
    workgroupBarrier();
  }
  if (live) { for (var d = 0u; d < D; d++) { dqkv[(bb * u.T + t) * 3u * C + col(0u, h) + d] = dq[d] * u.scale; } }
}`;

// backward 2: per key row s, over the query rows that take it: dv = sum_t p dy_t, dk = scale * sum_t ds q_t
const dkvCode = (D: number, hasMask: boolean) => /* wgsl */ `
${common(D, hasMask)}
@compute @workgroup_size(${ROWS})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  ${prologue}
  let s = me;
  var k: array<f32, D>;
  var v: array<f32, D>;
  var dk: array<f32, D>;
  var dv: array<f32, D>;
  if (live) {
    for (var d = 0u; d < D; d++) {
      let base = (bb * u.T + s) * 3u * C;
      k[d] = qkv[base + col(1u, h) + d];
      v[d] = qkv[base + col(2u, h) + d];
    }
  }
  for (var r0 = 0u; r0 < u.T; r0 = r0 + KT) {
    // a tile of query rows before this group's keys, none of them empty, takes none of them
    if (r0 >= f && r0 + KT <= row0) { continue; }
    ${Q_DY_TILE}
    if (live) {
      for (var r = 0u; r < KT && r0 + r < u.T; r++) {
        let t = r0 + r;
        if (!allowed(bb, t, s, f)) { continue; }
        var dot = 0.0;
        var dp = 0.0;
        for (var d = 0u; d < D; d++) { dot = dot + ta[r * D + d] * k[d]; dp = dp + tb[r * D + d] * v[d]; }
        let p = exp(score(dot, t, f) - lse[bh * u.T + t]);
        let ds = p * (dp - delta[bh * u.T + t]);
        for (var d = 0u; d < D; d++) { dv[d] = dv[d] + p * tb[r * D + d]; dk[d] = dk[d] + ds * ta[r * D + d]; }
      }
    }
    workgroupBarrier();
  }
  if (live) {
    let base = (bb * u.T + s) * 3u * C;
    for (var d = 0u; d < D; d++) {
      dqkv[base + col(1u, h) + d] = dk[d] * u.scale;
      dqkv[base + col(2u, h) + d] = dv[d];
    }
  }
}`;

// ---- tfjs kernels ----

/** B, T, H, D of qkv [B, T, 3C] with H heads. */
function dims(qkv: tf.TensorInfo, H: number): [number, number, number, number] {
  const [B, T, C3] = qkv.shape as [number, number, number];
  return [B, T, H, C3 / 3 / H];
}

const uniforms = (T: number, H: number, D: number): Uniform[] => [
  { name: 'T', type: 'u32', value: T },
  { name: 'H', type: 'u32', value: H },
  { name: 'scale', type: 'f32', value: 1 / Math.sqrt(D) },
];

/** One workgroup per 64 rows of one (b, h). */
const grid = (B: number, T: number, H: number): [number, number] => [Math.ceil(T / ROWS), B * H];

const maskBinding = (keyMask?: tf.TensorInfo): Binding[] => (keyMask ? [{ name: 'mask', tensor: keyMask }] : []);

/** Inputs qkv [B, T, 3C], keyMask? [B, T]; outputs y [B, T, C], lse [B, H, T]. */
const forwardKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { qkv, keyMask } = inputs as Record<string, tf.TensorInfo>;
  const [B, T, H, D] = dims(qkv!, attrs!.heads as number);
  const y = outputTensor([B, T, H * D]);
  const lse = outputTensor([B, H, T]);
  dispatch({
    key: `rlvr-attn-fwd-${D}-${!!keyMask}`,
    code: forwardCode(D, !!keyMask),
    uniforms: uniforms(T, H, D),
    workgroups: grid(B, T, H),
    bindings: [
      { name: 'qkv', tensor: qkv! },
      ...maskBinding(keyMask),
      { name: 'y', tensor: y, write: true },
      { name: 'lse', tensor: lse, write: true },
    ],
  });
  return [y, lse];
};

/** Inputs qkv, y, lse (the forward's), dy [B, T, C], keyMask?; output dqkv [B, T, 3C]. */
const backwardKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { qkv, y, lse, dy, keyMask } = inputs as Record<string, tf.TensorInfo>;
  const [B, T, H, D] = dims(qkv!, attrs!.heads as number);
  const dqkv = outputTensor(qkv!.shape);
  const delta = outputTensor([B, H, T]); // rowsum(dy * y), from the first dispatch to the second
  const u = uniforms(T, H, D);
  const read: Binding[] = [
    { name: 'qkv', tensor: qkv! },
    ...maskBinding(keyMask),
    { name: 'lse', tensor: lse! },
    { name: 'dy', tensor: dy! },
  ];
  dispatch({
    key: `rlvr-attn-dq-${D}-${!!keyMask}`,
    code: dqCode(D, !!keyMask),
    uniforms: u,
    workgroups: grid(B, T, H),
    bindings: [
      ...read,
      { name: 'y', tensor: y! },
      { name: 'delta', tensor: delta, write: true },
      { name: 'dqkv', tensor: dqkv, write: true },
    ],
  });
  dispatch({
    key: `rlvr-attn-dkv-${D}-${!!keyMask}`,
    code: dkvCode(D, !!keyMask),
    uniforms: u,
    workgroups: grid(B, T, H),
    bindings: [...read, { name: 'delta', tensor: delta }, { name: 'dqkv', tensor: dqkv, write: true }],
  });
  tf.backend().disposeData(delta.dataId); // released once the queue that uses it is submitted
  return [dqkv];
};

/** dqkv [B, T, 3C] from the saved forward and dy [B, T, C]. */
function backward(
  qkv: tf.Tensor,
  y: tf.Tensor,
  lse: tf.Tensor,
  dy: tf.Tensor,
  heads: number,
  keyMask?: tf.Tensor,
): tf.Tensor {
  const inputs: Record<string, tf.Tensor> = { qkv, y, lse, dy };
  if (keyMask) inputs.keyMask = keyMask;
  return runKernel('RlvrCausalAttentionGrad', inputs, { heads })[0]!;
}

function register(): void {
  registerOnce('RlvrCausalAttentionGrad', backwardKernel);
  registerOnce('RlvrCausalAttention', forwardKernel, {
    inputsToSave: ['qkv'],
    outputsToSave: [true, true],
    gradFunc: (dys, saved, attrs) => {
      const [qkv, y, lse] = saved;
      const dqkv = backward(qkv!, y!, lse!, (dys as tf.Tensor[])[0]!, attrs.heads as number);
      return { qkv: () => dqkv };
    },
  });
  registerOnce('RlvrCausalAttentionMasked', forwardKernel, {
    inputsToSave: ['qkv', 'keyMask'],
    outputsToSave: [true, true],
    gradFunc: (dys, saved, attrs) => {
      const [qkv, keyMask, y, lse] = saved;
      const dqkv = backward(qkv!, y!, lse!, (dys as tf.Tensor[])[0]!, attrs.heads as number, keyMask);
      return { qkv: () => dqkv, keyMask: () => tf.zerosLike(keyMask!) }; // the mask is not differentiable
    },
  });
}

/**
 * Causal multi-head self-attention straight from the packed projections. qkv [B, T, 3C] (q | k | v along
 * the last axis, each C = H*D, head h at columns h*D..h*D+D-1 of its third), keyMask float [B, T] (1 = may
 * be attended to, 0 = padding) or undefined. Returns y [B, T, C] (heads merged, head h at columns h*D..),
 * differentiable w.r.t. qkv.
 */
export function causalAttention(qkv: tf.Tensor3D, heads: number, keyMask?: tf.Tensor2D): tf.Tensor3D {
  if (qkv.shape[2] % (3 * heads) !== 0)
    throw new Error(`causalAttention: qkv width ${qkv.shape[2]} is not 3 * ${heads} heads * D`);
  const D = qkv.shape[2] / 3 / heads;
  if (!useFused() || D > MAX_D) return causalAttentionNaive(qkv, heads, keyMask);
  register();
  const mask = keyMask && keyMask.dtype !== 'float32' ? keyMask.toFloat() : keyMask;
  const [y, lse] = runKernel(
    mask ? 'RlvrCausalAttentionMasked' : 'RlvrCausalAttention',
    mask ? { qkv, keyMask: mask } : { qkv },
    { heads },
  );
  tf.dispose(lse!); // the tape keeps its own copy for the backward
  if (mask !== keyMask) mask!.dispose();
  return y as tf.Tensor3D;
}
