// Fused token + position embedding, as WGSL kernels with a tfjs gradient (w.r.t. the two tables only).
// out[b, t] = wte[tokens[b, t]] + wpe[positions[b, t]] (positions default to 0..T-1 in every row), or
// wte[tokens[b, t]] alone when there is no wpe (rotary positions act in attention instead); an id
// outside its table adds nothing, as the naive one-hot does. One dispatch forward; one backward, a thread
// per (table row, channel) summing the output gradient over the positions holding that id: a scatter-add
// without atomics, deterministic. Off WebGPU, or in naive mode, the one-hot matmuls of transformer.ts run.
import { embedTables as embedNaive } from '../layers';
import { tf } from '../tf';
import { dispatch, outputTensor, type Binding } from './raw';
import { useFused } from './mode';
import { ELEMENT, WG, elementGrid, registerOnce, runKernel } from './wgsl';

// position of flat index n = b * T + t: positions[n], or t by default
const posOf = (hasPos: boolean) => (hasPos ? 'positions[n]' : 'i32(n % u.T)');

const forwardCode = (hasPos: boolean, hasWpe: boolean) => /* wgsl */ `
fn tokRow(id: i32, c: u32) -> f32 {
  if (id < 0 || u32(id) >= u.V) { return 0.0; }
  return wte[u32(id) * u.C + c];
}
${
  hasWpe
    ? `fn posRow(id: i32, c: u32) -> f32 {
  if (id < 0 || u32(id) >= u.P) { return 0.0; }
  return wpe[u32(id) * u.C + c];
}`
    : ''
}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let i = ${ELEMENT};
  if (i >= u.N * u.C) { return; }
  let n = i / u.C;
  let c = i % u.C;
  out[i] = tokRow(tokens[n], c)${hasWpe ? ` + posRow(${posOf(hasPos)}, c)` : ''};
}`;

// Threads 0..V*C-1 own dwte[v, c], the next P*C own dwpe[p, c] (P = 0 without wpe); each loops over the N positions
const backwardCode = (hasPos: boolean, hasWpe: boolean) => /* wgsl */ `
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let i = ${ELEMENT};
  if (i >= (u.V + u.P) * u.C) { return; }
  let r = i / u.C;
  let c = i % u.C;
  var s = 0.0;
  if (r < u.V) {
    for (var n = 0u; n < u.N; n = n + 1u) { if (tokens[n] == i32(r)) { s = s + dy[n * u.C + c]; } }
    dwte[i] = s;
  }${
    hasWpe
      ? ` else {
    let p = i32(r - u.V);
    for (var n = 0u; n < u.N; n = n + 1u) { if (${posOf(hasPos)} == p) { s = s + dy[n * u.C + c]; } }
    dwpe[i - u.V * u.C] = s;
  }`
      : ''
  }
}`;

function shapeUniforms(tokens: tf.TensorInfo, V: number, P: number, C: number) {
  const [B, T] = tokens.shape as [number, number];
  return [
    { name: 'N', type: 'u32' as const, value: B * T },
    { name: 'T', type: 'u32' as const, value: T },
    { name: 'C', type: 'u32' as const, value: C },
    { name: 'V', type: 'u32' as const, value: V },
    { name: 'P', type: 'u32' as const, value: P },
  ];
}

const idBindings = (tokens: tf.TensorInfo, positions?: tf.TensorInfo): Binding[] =>
  positions
    ? [
        { name: 'tokens', tensor: tokens },
        { name: 'positions', tensor: positions },
      ]
    : [{ name: 'tokens', tensor: tokens }];

/** Inputs wte [V, C], wpe [P, C] (absent: no position table), tokens (and positions) int32 [B, T]: output [B, T, C]. */
const forwardKernel: tf.KernelFunc = ({ inputs }) => {
  const { wte, wpe, tokens, positions } = inputs as Record<string, tf.TensorInfo>;
  const [V, C] = wte!.shape as [number, number];
  const uniforms = shapeUniforms(tokens!, V, wpe ? wpe.shape[0]! : 0, C);
  const [B, T] = tokens!.shape as [number, number];
  const out = outputTensor([B, T, C]);
  const pos = wpe ? positions : undefined; // without a table, positions are not read
  dispatch({
    key: `rlvr-embed-fwd-${!!pos}-${!!wpe}`,
    code: forwardCode(!!pos, !!wpe),
    uniforms,
    workgroups: elementGrid(out.shape.reduce((a, s) => a * s, 1)),
    bindings: [
      { name: 'wte', tensor: wte! },
      ...(wpe ? [{ name: 'wpe', tensor: wpe }] : []),
      ...idBindings(tokens!, pos),
      { name: 'out', tensor: out, write: true },
    ],
  });
  return out;
};

/** Inputs dy [B, T, C], tokens (and positions); attrs V, P (the table sizes): outputs dwte [V, C], dwpe [P, C] (none when P = 0). */
const backwardKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { dy, tokens, positions } = inputs as Record<string, tf.TensorInfo>;
  const { V, P } = attrs as unknown as TableSizes;
  const C = dy!.shape[2]!;
  const uniforms = shapeUniforms(tokens!, V, P, C);
  const hasWpe = P > 0; // P = 0: no position table (rotary positions), dwte alone
  const pos = hasWpe ? positions : undefined;
  const dwte = outputTensor([V, C]);
  const dwpe = hasWpe ? outputTensor([P, C]) : null;
  dispatch({
    key: `rlvr-embed-grad-${!!pos}-${hasWpe}`,
    code: backwardCode(!!pos, hasWpe),
    uniforms,
    workgroups: elementGrid((V + P) * C),
    bindings: [
      { name: 'dy', tensor: dy! },
      ...idBindings(tokens!, pos),
      { name: 'dwte', tensor: dwte, write: true },
      ...(dwpe ? [{ name: 'dwpe', tensor: dwpe, write: true }] : []),
    ],
  });
  return dwpe ? [dwte, dwpe] : [dwte];
};

const zeros = (t: tf.Tensor) => () => tf.zeros(t.shape);

/** The table row counts, as kernel attrs (the backward pass needs only their shapes, not the tables). */
type TableSizes = { V: number; P: number };

function register(): void {
  registerOnce('RlvrEmbedGrad', backwardKernel);
  // tokens only (default positions), and tokens with positions: tfjs saves inputs by name, so two kernels
  registerOnce('RlvrEmbed', forwardKernel, {
    inputsToSave: ['tokens'],
    gradFunc: (dy, [tokens], attrs) => {
      const [dwte, dwpe] = runKernel('RlvrEmbedGrad', { dy: dy as tf.Tensor, tokens: tokens! }, attrs);
      return { wte: () => dwte!, wpe: () => dwpe!, tokens: zeros(tokens!) };
    },
  });
  // no position table (rotary positions): the token rows alone, gradient w.r.t. wte
  registerOnce('RlvrEmbedTokens', forwardKernel, {
    inputsToSave: ['tokens'],
    gradFunc: (dy, [tokens], attrs) => {
      const [dwte] = runKernel('RlvrEmbedGrad', { dy: dy as tf.Tensor, tokens: tokens! }, attrs);
      return { wte: () => dwte!, tokens: zeros(tokens!) };
    },
  });
  registerOnce('RlvrEmbedPositions', forwardKernel, {
    inputsToSave: ['tokens', 'positions'],
    gradFunc: (dy, [tokens, positions], attrs) => {
      const [dwte, dwpe] = runKernel(
        'RlvrEmbedGrad',
        { dy: dy as tf.Tensor, tokens: tokens!, positions: positions! },
        attrs,
      );
      return { wte: () => dwte!, wpe: () => dwpe!, tokens: zeros(tokens!), positions: zeros(positions!) };
    },
  });
}

const asInt = (t: tf.Tensor2D): tf.Tensor2D => (t.dtype === 'int32' ? t : t.toInt());

/**
 * Token plus position embeddings: tables wte [V, C], wpe [P, C], int32 tokens (positions) [B, T] -> [B, T, C].
 * Without wpe (rotary positions) the token rows alone; the caller checks the context then.
 */
export function embed(
  wte: tf.Tensor2D,
  wpe: tf.Tensor2D | null,
  tokens: tf.Tensor2D,
  positions?: tf.Tensor2D,
): tf.Tensor3D {
  const T = tokens.shape[1];
  if (wpe && !positions && T > wpe.shape[0])
    throw new Error(`sequence of ${T} tokens is longer than the model's context (${wpe.shape[0]} tokens)`);
  if (!useFused()) return embedNaive(wte, wpe, tokens, positions);
  register();
  const sizes: TableSizes = { V: wte.shape[0], P: wpe ? wpe.shape[0] : 0 };
  return tf.tidy(() => {
    const ids = asInt(tokens);
    if (!wpe) return runKernel('RlvrEmbedTokens', { wte, tokens: ids }, sizes)[0] as tf.Tensor3D;
    const out = positions
      ? runKernel('RlvrEmbedPositions', { wte, wpe, tokens: ids, positions: asInt(positions) }, sizes)
      : runKernel('RlvrEmbed', { wte, wpe, tokens: ids }, sizes);
    return out[0] as tf.Tensor3D;
  });
}
