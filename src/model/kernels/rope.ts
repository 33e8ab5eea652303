// Fused rotary positions on the packed projections qkv [B, T, 3C], as one WGSL kernel each way with a tfjs
// gradient (w.r.t. qkv only: the angle tables are constants). Forward, for a query or key channel d of head
// h (half = D / 2): y = x cos + r sin, r = -x[d + half] for d < half, x[d - half] otherwise; values are
// copied. The rotation is orthogonal, so the backward is the same kernel turning the other way
// (sin -> -sin): dx = dy cos - r(dy) sin. Replaces the naive path's slices, split, neg, concat, two
// multiplies and an add (rope.ts's rotatePacked, its fallback and the tests' reference).
import type { RopeTables } from '../rope';
import { rotatePacked as rotatePackedNaive } from '../rope';
import { tf } from '../tf';
import { dispatch, outputTensor } from './raw';
import { useFused } from './mode';
import { ELEMENT, WG, elementGrid, registerOnce, runKernel } from './wgsl';

// Tables [Bt, T, D] with Bt = 1 (default positions, shared by every row b) or B (explicit positions).
const code = /* wgsl */ `
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let i = ${ELEMENT};
  if (i >= u.n) { return; }
  let C3 = 3u * u.C;
  let c = i % C3;
  if (c >= 2u * u.C) { y[i] = x[i]; return; }
  let row = i / C3; // b * T + t
  let D = u.C / u.H;
  let half = D / 2u;
  let d = c % D;
  let tab = select(row % u.T, row, u.perRow == 1u) * D + d;
  var r: f32;
  if (d < half) { r = -x[i + half]; } else { r = x[i - half]; }
  y[i] = x[i] * cosT[tab] + u.sign * r * sinT[tab];
}`;

/** Inputs x [B, T, 3C] and the tables; attrs heads and sign (+1 forward, -1 the transposed rotation). */
const kernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { x, cos, sin } = inputs as Record<string, tf.TensorInfo>;
  const { heads, sign } = attrs as unknown as RopeAttrs;
  const [B, T, C3] = x!.shape as [number, number, number];
  const y = outputTensor([B, T, C3]);
  const n = B * T * C3;
  dispatch({
    key: 'rlvr-rope',
    code,
    workgroups: elementGrid(n),
    uniforms: [
      { name: 'n', type: 'u32', value: n },
      { name: 'T', type: 'u32', value: T },
      { name: 'C', type: 'u32', value: C3 / 3 },
      { name: 'H', type: 'u32', value: heads },
      { name: 'perRow', type: 'u32', value: cos!.shape[0] === 1 ? 0 : 1 },
      { name: 'sign', type: 'f32', value: sign },
    ],
    bindings: [
      { name: 'x', tensor: x! },
      { name: 'cosT', tensor: cos! },
      { name: 'sinT', tensor: sin! },
      { name: 'y', tensor: y, write: true },
    ],
  });
  return y;
};

type RopeAttrs = { heads: number; sign: number };

function register(): void {
  registerOnce('RlvrRopeTranspose', kernel);
  registerOnce('RlvrRope', kernel, {
    inputsToSave: ['cos', 'sin'],
    gradFunc: (dy, [cos, sin], attrs) => {
      const { heads } = attrs as unknown as RopeAttrs;
      return {
        x: () => runKernel('RlvrRopeTranspose', { x: dy as tf.Tensor, cos: cos!, sin: sin! }, { heads, sign: -1 })[0]!,
        cos: () => tf.zerosLike(cos!),
        sin: () => tf.zerosLike(sin!),
      };
    },
  });
}

/** The packed projections qkv [B, T, 3C] with the query and key thirds rotated by tables [B or 1, T, D]; values untouched. */
export function rotatePacked(qkv: tf.Tensor3D, heads: number, rope: RopeTables): tf.Tensor3D {
  if (!useFused()) return rotatePackedNaive(qkv, heads, rope);
  register();
  return runKernel('RlvrRope', { x: qkv, cos: rope.cos, sin: rope.sin }, { heads, sign: 1 })[0] as tf.Tensor3D;
}
