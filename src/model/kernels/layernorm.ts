// Fused residual add + LayerNorm, forward and backward, as WGSL kernels with a tfjs gradient.
// sum = x + delta (the residual stream), y = LayerNorm(sum) * g + b over the last axis (biased variance,
// epsilon 1e-5, as the naive path). One dispatch forward; two backward (dx, then dg and db together).
// Off WebGPU, or in naive mode, the same function runs the plain tfjs ops.
import { tf } from '../tf';
import { LN_EPS, layerNorm as layerNormNaive } from '../layers';
import { dispatch, outputTensor, type Binding } from './raw';
import { useFused } from './mode';
import { REDUCE_SUM, ROW, WG, registerOnce, rowGrid, runKernel } from './wgsl';

const forwardCode = (hasDelta: boolean) => /* wgsl */ `
${REDUCE_SUM}
fn load(i: u32) -> f32 { return ${hasDelta ? 'x[i] + d[i]' : 'x[i]'}; }
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let row = ${ROW};
  if (row >= u.N) { return; }
  let lid = l.x;
  let C = u.C;
  let base = row * C;
  var s = 0.0;
  for (var c = lid; c < C; c = c + WG) {
    let v = load(base + c);
    ${hasDelta ? 'sum[base + c] = v;' : ''}
    s = s + v;
  }
  let mean = reduceSum(s, lid) / f32(C);
  var q = 0.0;
  for (var c = lid; c < C; c = c + WG) { let v = load(base + c) - mean; q = q + v * v; }
  let rstd = inverseSqrt(reduceSum(q, lid) / f32(C) + ${LN_EPS});
  for (var c = lid; c < C; c = c + WG) { y[base + c] = (load(base + c) - mean) * rstd * g[c] + b[c]; }
  if (lid == 0u) { stats[2u * row] = mean; stats[2u * row + 1u] = rstd; }
}`;

// dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) + dsum, with dxhat = dy * g
const dxCode = (hasDsum: boolean) => /* wgsl */ `
${REDUCE_SUM}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let row = ${ROW};
  if (row >= u.N) { return; }
  let lid = l.x;
  let C = u.C;
  let base = row * C;
  let mean = stats[2u * row];
  let rstd = stats[2u * row + 1u];
  var a = 0.0;
  var bb = 0.0;
  for (var c = lid; c < C; c = c + WG) {
    let xhat = (xs[base + c] - mean) * rstd;
    let dxhat = dy[base + c] * g[c];
    a = a + dxhat;
    bb = bb + dxhat * xhat;
  }
  let ma = reduceSum(a, lid) / f32(C);
  let mb = reduceSum(bb, lid) / f32(C);
  for (var c = lid; c < C; c = c + WG) {
    let xhat = (xs[base + c] - mean) * rstd;
    let dxhat = dy[base + c] * g[c];
    dx[base + c] = rstd * (dxhat - ma - xhat * mb)${hasDsum ? ' + dsum[base + c]' : ''};
  }
}`;

// dg[c] = sum over rows of dy * xhat, db[c] = sum of dy: one workgroup per column
const dgbCode = /* wgsl */ `
${REDUCE_SUM}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let c = wid.x;
  let lid = l.x;
  let C = u.C;
  var sg = 0.0;
  var sb = 0.0;
  for (var r = lid; r < u.N; r = r + WG) {
    let i = r * C + c;
    let d = dy[i];
    sg = sg + d * (xs[i] - stats[2u * r]) * stats[2u * r + 1u];
    sb = sb + d;
  }
  let tg = reduceSum(sg, lid);
  let tb = reduceSum(sb, lid);
  if (lid == 0u) { dg[c] = tg; db[c] = tb; }
}`;

const shapeUniforms = (N: number, C: number) => [
  { name: 'N', type: 'u32' as const, value: N },
  { name: 'C', type: 'u32' as const, value: C },
];

function forwardKernel(hasDelta: boolean): tf.KernelFunc {
  return ({ inputs }) => {
    const { x, delta, g, b } = inputs as Record<string, tf.TensorInfo>;
    const C = x!.shape[x!.shape.length - 1]!;
    const N = x!.shape.reduce((a, s) => a * s, 1) / C;
    const sum = hasDelta ? outputTensor(x!.shape) : null;
    const y = outputTensor(x!.shape);
    const stats = outputTensor([N, 2]);
    const bindings: Binding[] = [{ name: 'x', tensor: x! }];
    if (hasDelta) bindings.push({ name: 'd', tensor: delta! });
    bindings.push({ name: 'g', tensor: g! }, { name: 'b', tensor: b! });
    if (sum) bindings.push({ name: 'sum', tensor: sum, write: true });
    bindings.push({ name: 'y', tensor: y, write: true }, { name: 'stats', tensor: stats, write: true });
    dispatch({
      key: `rlvr-ln-fwd-${hasDelta}`,
      code: forwardCode(hasDelta),
      bindings,
      uniforms: shapeUniforms(N, C),
      workgroups: rowGrid(N),
    });
    return sum ? [sum, y, stats] : [y, stats];
  };
}

const backwardKernel: tf.KernelFunc = ({ inputs }) => {
  const { xs, stats, g, dy, dsum } = inputs as Record<string, tf.TensorInfo>;
  const C = xs!.shape[xs!.shape.length - 1]!;
  const N = xs!.shape.reduce((a, s) => a * s, 1) / C;
  const dx = outputTensor(xs!.shape);
  const dg = outputTensor([C]);
  const db = outputTensor([C]);
  const common: Binding[] = [
    { name: 'xs', tensor: xs! },
    { name: 'stats', tensor: stats! },
    { name: 'dy', tensor: dy! },
  ];
  const withDsum = dsum ? [{ name: 'dsum', tensor: dsum }] : [];
  dispatch({
    key: `rlvr-ln-dx-${!!dsum}`,
    code: dxCode(!!dsum),
    uniforms: shapeUniforms(N, C),
    workgroups: rowGrid(N),
    bindings: [...common, { name: 'g', tensor: g! }, ...withDsum, { name: 'dx', tensor: dx, write: true }],
  });
  dispatch({
    key: 'rlvr-ln-dgb',
    code: dgbCode,
    uniforms: shapeUniforms(N, C),
    workgroups: [C],
    bindings: [...common, { name: 'dg', tensor: dg, write: true }, { name: 'db', tensor: db, write: true }],
  });
  return [dx, dg, db];
};

/** dx, dg, db from the saved normalised input (sum or x), its stats, and the incoming gradients. */
function backward(xs: tf.Tensor, stats: tf.Tensor, g: tf.Tensor, dy: tf.Tensor, dsum?: tf.Tensor): tf.Tensor[] {
  return runKernel('RlvrLayerNormGrad', dsum ? { xs, stats, g, dy, dsum } : { xs, stats, g, dy });
}

function register(): void {
  registerOnce('RlvrLayerNormGrad', backwardKernel);
  registerOnce('RlvrLayerNorm', forwardKernel(false), {
    inputsToSave: ['x', 'g'],
    outputsToSave: [false, true],
    gradFunc: (dys, saved) => {
      const [dy] = dys as tf.Tensor[];
      const [x, g, stats] = saved;
      const [dx, dg, db] = backward(x!, stats!, g!, dy!);
      return { x: () => dx!, g: () => dg!, b: () => db! };
    },
  });
  registerOnce('RlvrAddLayerNorm', forwardKernel(true), {
    inputsToSave: ['g'],
    outputsToSave: [true, false, true],
    gradFunc: (dys, saved) => {
      const [dsum, dy] = dys as tf.Tensor[];
      const [g, sum, stats] = saved;
      const [dx, dg, db] = backward(sum!, stats!, g!, dy!, dsum);
      // x and delta get the same gradient; a clone (no copy) so the tape may dispose either on its own
      return { x: () => dx!, delta: () => dx!.clone(), g: () => dg!, b: () => db! };
    },
  });
}

/** LayerNorm(x) * g + b over the last axis. */
export function layerNorm<T extends tf.Tensor>(x: T, g: tf.Tensor, b: tf.Tensor): T {
  if (!useFused()) return layerNormNaive(x, g, b) as T;
  register();
  return tf.tidy(() => runKernel('RlvrLayerNorm', { x, g, b })[0] as T); // frees the stats output (the tape keeps its copy)
}

/** The residual add and the next LayerNorm in one pass: sum = x + delta, y = LayerNorm(sum) * g + b. */
export function addLayerNorm<T extends tf.Tensor>(x: T, delta: T, g: tf.Tensor, b: tf.Tensor): { sum: T; y: T } {
  if (!useFused()) {
    const sum = x.add(delta) as T;
    return { sum, y: layerNormNaive(sum, g, b) as T };
  }
  register();
  return tf.tidy(() => {
    const [sum, y] = runKernel('RlvrAddLayerNorm', { x, delta, g, b }); // the stats output is freed here
    return { sum: sum as T, y: y as T };
  });
}
