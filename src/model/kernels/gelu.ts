// Fused GELU (tanh approximation, GPT-2), optionally after a bias add, as WGSL kernels with a tfjs gradient.
// y = 0.5 v (1 + tanh(k (v + 0.044715 v^3))), k = sqrt(2 / pi), v = x (+ bias broadcast on the last axis).
// One dispatch forward; backward one dispatch for dx (the analytic derivative, recomputed from x), plus a
// second for the bias gradient (column sums of dx). Off WebGPU, or in naive mode, the plain tfjs ops run.
import { tf } from '../tf';
import { GELU_K, gelu as geluNaive } from '../layers';
import { dispatch, outputTensor, type Binding } from './raw';
import { useFused } from './mode';
import { ELEMENT, REDUCE_SUM, WG, elementGrid, registerOnce, runKernel } from './wgsl';

// tanh as exp(-2|z|): no overflow for large |z| (the plain formula's exp(2z) gives inf / inf)
const GELU_FNS = /* wgsl */ `
const K: f32 = ${GELU_K};
fn tanhStable(z: f32) -> f32 { let e = exp(-2.0 * abs(z)); return sign(z) * (1.0 - e) / (1.0 + e); }
fn geluOf(v: f32) -> f32 { return 0.5 * v * (1.0 + tanhStable(K * (v + 0.044715 * v * v * v))); }
fn geluGrad(v: f32) -> f32 {
  let t = tanhStable(K * (v + 0.044715 * v * v * v));
  return 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * K * (1.0 + 3.0 * 0.044715 * v * v);
}`;

const load = (hasBias: boolean) => (hasBias ? 'x[i] + bias[i % u.C]' : 'x[i]');

const forwardCode = (hasBias: boolean) => /* wgsl */ `
${GELU_FNS}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let i = ${ELEMENT};
  if (i >= u.n) { return; }
  y[i] = geluOf(${load(hasBias)});
}`;

const dxCode = (hasBias: boolean) => /* wgsl */ `
${GELU_FNS}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let i = ${ELEMENT};
  if (i >= u.n) { return; }
  dx[i] = dy[i] * geluGrad(${load(hasBias)});
}`;

// dbias[c] = sum over rows of dx[row, c]: one workgroup per column
const dbiasCode = /* wgsl */ `
${REDUCE_SUM}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let c = wid.x;
  let lid = l.x;
  var s = 0.0;
  for (var r = lid; r < u.n / u.C; r = r + WG) { s = s + dx[r * u.C + c]; }
  let total = reduceSum(s, lid);
  if (lid == 0u) { dbias[c] = total; }
}`;

const sizeUniforms = (x: tf.TensorInfo) => {
  const n = x.shape.reduce((a, s) => a * s, 1);
  return [
    { name: 'n', type: 'u32' as const, value: n },
    { name: 'C', type: 'u32' as const, value: x.shape[x.shape.length - 1] ?? 1 },
  ];
};

function forwardKernel(hasBias: boolean): tf.KernelFunc {
  return ({ inputs }) => {
    const { x, bias } = inputs as Record<string, tf.TensorInfo>;
    const y = outputTensor(x!.shape);
    const bindings: Binding[] = [{ name: 'x', tensor: x! }];
    if (hasBias) bindings.push({ name: 'bias', tensor: bias! });
    bindings.push({ name: 'y', tensor: y, write: true });
    const uniforms = sizeUniforms(x!);
    dispatch({
      key: `rlvr-gelu-fwd-${hasBias}`,
      code: forwardCode(hasBias),
      bindings,
      uniforms,
      workgroups: elementGrid(uniforms[0]!.value),
    });
    return y;
  };
}

/** Inputs x, dy (and bias): outputs [dx] (and dbias). */
const backwardKernel: tf.KernelFunc = ({ inputs }) => {
  const { x, dy, bias } = inputs as Record<string, tf.TensorInfo>;
  const hasBias = !!bias;
  const uniforms = sizeUniforms(x!);
  const dx = outputTensor(x!.shape);
  const bindings: Binding[] = [{ name: 'x', tensor: x! }];
  if (bias) bindings.push({ name: 'bias', tensor: bias });
  bindings.push({ name: 'dy', tensor: dy! }, { name: 'dx', tensor: dx, write: true });
  dispatch({
    key: `rlvr-gelu-dx-${hasBias}`,
    code: dxCode(hasBias),
    bindings,
    uniforms,
    workgroups: elementGrid(uniforms[0]!.value),
  });
  if (!bias) return [dx];
  const dbias = outputTensor(bias.shape);
  dispatch({
    key: 'rlvr-gelu-dbias',
    code: dbiasCode,
    uniforms,
    workgroups: [uniforms[1]!.value],
    bindings: [
      { name: 'dx', tensor: dx },
      { name: 'dbias', tensor: dbias, write: true },
    ],
  });
  return [dx, dbias];
};

function register(): void {
  registerOnce('RlvrGeluGrad', backwardKernel);
  registerOnce('RlvrGelu', forwardKernel(false), {
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [dx] = runKernel('RlvrGeluGrad', { x: saved[0]!, dy: dy as tf.Tensor });
      return { x: () => dx! };
    },
  });
  registerOnce('RlvrBiasGelu', forwardKernel(true), {
    inputsToSave: ['x', 'bias'],
    gradFunc: (dy, saved) => {
      const [dx, dbias] = runKernel('RlvrGeluGrad', { x: saved[0]!, bias: saved[1]!, dy: dy as tf.Tensor });
      return { x: () => dx!, bias: () => dbias! };
    },
  });
}

/** GELU, tanh approximation, elementwise. */
export function gelu<T extends tf.Tensor>(x: T): T {
  if (!useFused()) return geluNaive(x);
  register();
  return runKernel('RlvrGelu', { x })[0] as T;
}

/** gelu(x + bias), bias [C] broadcast over the last axis of x [..., C]: the MLP's first linear and its GELU. */
export function biasGelu<T extends tf.Tensor>(x: T, bias: tf.Tensor): T {
  const C = x.shape[x.shape.length - 1];
  if (bias.rank !== 1 || bias.shape[0] !== C)
    throw new Error(`biasGelu: bias of shape [${bias.shape}] does not match the last axis of x [${x.shape}]`);
  if (!useFused()) return geluNaive(x.add(bias) as T);
  register();
  return runKernel('RlvrBiasGelu', { x, bias })[0] as T;
}
