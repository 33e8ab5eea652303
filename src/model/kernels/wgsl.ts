// WGSL snippets shared by the fused kernels, and the small helpers that register them with tfjs.
import { tf } from '../tf';
import { asTensor } from './raw';

/** Threads per workgroup of the row kernels (one workgroup per row). 64 is safe on every adapter. */
export const WG = 64;

/**
 * `reduceSum(v, lid)`: the sum of v over the workgroup's WG threads, returned to every thread. Needs the
 * workgroup array `red`; call from uniform control flow only (it has barriers).
 */
export const REDUCE_SUM = /* wgsl */ `
const WG: u32 = ${WG}u;
var<workgroup> red: array<f32, ${WG}>;
fn reduceSum(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}
fn reduceMax(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}`;

/** Most workgroups per grid dimension WebGPU guarantees. Row kernels spill rows into y beyond it. */
export const MAX_GROUPS = 65535;

/** Grid for one workgroup per row: [x, y] with row = wid.x + wid.y * MAX_GROUPS. */
export const rowGrid = (rows: number): [number, number] => [Math.min(rows, MAX_GROUPS), Math.ceil(rows / MAX_GROUPS)];

/** WGSL expression of the row index under rowGrid. */
export const ROW = 'wid.x + wid.y * 65535u';
/** Grid for one thread per element of n, WG threads per workgroup, spilling into y beyond MAX_GROUPS. */
export function elementGrid(n: number): [number, number] {
  const groups = Math.ceil(n / WG);
  return [Math.min(groups, MAX_GROUPS), Math.ceil(groups / MAX_GROUPS)];
}

/** WGSL expression of the element index under elementGrid (needs `wid` and `l`). */
export const ELEMENT = `(wid.x + wid.y * ${MAX_GROUPS}u) * ${WG}u + l.x`;

const registered = new Set<string>();

/** Register a WebGPU kernel (and its gradient) with tfjs once per process. */
export function registerOnce(name: string, kernelFunc: tf.KernelFunc, grad?: Omit<tf.GradConfig, 'kernelName'>): void {
  if (registered.has(name)) return;
  registered.add(name);
  tf.registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc });
  if (grad) tf.registerGradient({ kernelName: name, ...grad });
}

/** Run a registered kernel; returns its outputs as tensors. */
export function runKernel(
  name: string,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, unknown> = {},
): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as
    tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

export { asTensor };
