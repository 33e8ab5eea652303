// Fused log-softmax losses over logits [B, T, V], as WGSL kernels with tfjs gradients (w.r.t. logits only).
// pickLogProbs: log softmax(logits)[target] per position; one dispatch forward (a workgroup per row), one
// backward. maskedCrossEntropy: the masked mean NLL, argmax hits and mask count; two dispatches forward (per
// row, then a one-workgroup finalize writing the three scalars), one backward. Every row is max-subtracted.
// Both keep each row's log-sum-exp for the backward pass. A target outside [0, V) picks nothing (0, no
// gradient), as the naive one-hot does. Off WebGPU, or in naive mode, the plain tfjs ops of loss.ts run.
import { oneHotFloat } from '../ops';
import { tf } from '../tf';
import { dispatch, disposeInfo, outputTensor } from './raw';
import { useFused } from './mode';
import { ELEMENT, REDUCE_SUM, ROW, WG, elementGrid, registerOnce, rowGrid, runKernel } from './wgsl';

export type CrossEntropy = { loss: tf.Scalar; correct: tf.Scalar; count: tf.Scalar };

/** The naive log p(target): the same ops as loss.ts's, the fused kernels' reference. [B, T, V] -> [B, T]. */
export function pickLogProbsNaive(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.logSoftmax(logits).mul(oneHotFloat(targets, logits.shape[2])).sum(-1) as tf.Tensor2D);
}

/** The naive masked cross-entropy, as loss.ts's. */
export function maskedCrossEntropyNaive(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D): CrossEntropy {
  return tf.tidy(() => {
    const m = mask.toFloat(); // [B, T]
    const count = m.sum() as tf.Scalar;
    const nll = pickLogProbsNaive(logits, targets).neg(); // [B, T]
    const loss = nll.mul(m).sum().div(count.maximum(1)) as tf.Scalar; // an all-zero mask gives 0, not NaN
    const hits = tf.argMax(logits, -1).equal(targets.toInt()).toFloat(); // [B, T]
    return { loss, correct: hits.mul(m).sum() as tf.Scalar, count };
  });
}

// rowLse: max-subtracted log-sum-exp of the row at base; targetOf: the row's target if in [0, V), else -1
const ROW_FNS = /* wgsl */ `
${REDUCE_SUM}
fn rowLse(base: u32, lid: u32) -> f32 {
  var m = -3.4e38;
  for (var v = lid; v < u.V; v = v + WG) { m = max(m, logits[base + v]); }
  let mx = reduceMax(m, lid);
  var s = 0.0;
  for (var v = lid; v < u.V; v = v + WG) { s = s + exp(logits[base + v] - mx); }
  return mx + log(reduceSum(s, lid));
}
fn targetOf(row: u32) -> i32 {
  let t = targets[row];
  return select(-1, t, t >= 0 && t < i32(u.V));
}`;

// out[row] = logits[row, t] - lse (0 for no target), lse[row] saved for the backward pass
const pickCode = /* wgsl */ `
${ROW_FNS}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let row = ${ROW};
  if (row >= u.N) { return; }
  let lse = rowLse(row * u.V, l.x);
  let t = targetOf(row);
  if (l.x == 0u) {
    out[row] = select(0.0, logits[row * u.V + u32(max(t, 0))] - lse, t >= 0);
    lseOut[row] = lse;
  }
}`;

// Per row: lse, nll = lse - logits[t] (0 for no target), hit = first argmax == t, into scratch rows [N, 2]
const ceRowCode = /* wgsl */ `
${ROW_FNS}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let row = ${ROW};
  if (row >= u.N) { return; }
  let lid = l.x;
  let base = row * u.V;
  let lse = rowLse(base, lid);
  // first argmax: each thread's first best (strict >), then the smallest index holding the row max
  var bv = -3.4e38;
  var bi = u.V;
  for (var v = lid; v < u.V; v = v + WG) { let x = logits[base + v]; if (x > bv) { bv = x; bi = v; } }
  let mx = reduceMax(bv, lid);
  let first = u32(-reduceMax(-f32(select(u.V, bi, bv == mx)), lid));
  let t = targetOf(row);
  if (lid == 0u) {
    lseOut[row] = lse;
    rows[2u * row] = select(0.0, lse - logits[base + u32(max(t, 0))], t >= 0);
    rows[2u * row + 1u] = select(0.0, 1.0, t >= 0 && u32(t) == first);
  }
}`;

// One workgroup: loss = sum(nll * m) / max(count, 1), correct = sum(hit * m), count = sum(m)
const ceFinalCode = /* wgsl */ `
${REDUCE_SUM}
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_id) l: vec3<u32>) {
  let lid = l.x;
  var s = 0.0;
  var h = 0.0;
  var c = 0.0;
  for (var r = lid; r < u.N; r = r + WG) {
    let m = mask[r];
    s = s + rows[2u * r] * m;
    h = h + rows[2u * r + 1u] * m;
    c = c + m;
  }
  let ts = reduceSum(s, lid);
  let th = reduceSum(h, lid);
  let tc = reduceSum(c, lid);
  if (lid == 0u) { loss[0] = ts / max(tc, 1.0); correct[0] = th; count[0] = tc; }
}`;

// dlogits[row, v] = scale(row) * (onehot - softmax): pick has scale dy[row]; CE has -dloss * m / max(count, 1)
const gradCode = (ce: boolean) => /* wgsl */ `
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let i = ${ELEMENT};
  if (i >= u.N * u.V) { return; }
  let row = i / u.V;
  let t = targets[row];
  let valid = t >= 0 && t < i32(u.V);
  let scale = ${ce ? '-dy[0] * mask[row] / max(count[0], 1.0)' : 'dy[row]'};
  let onehot = select(0.0, 1.0, valid && u32(t) == i % u.V);
  dx[i] = select(0.0, scale * (onehot - exp(logits[i] - lse[row])), valid);
}`;

const shapeUniforms = (logits: tf.TensorInfo) => {
  const [B, T, V] = logits.shape as [number, number, number];
  return [
    { name: 'N', type: 'u32' as const, value: B * T },
    { name: 'V', type: 'u32' as const, value: V },
  ];
};

/** Inputs logits [B, T, V], targets int32 [B, T]: outputs log p(target) [B, T] and lse [B, T]. */
const pickKernel: tf.KernelFunc = ({ inputs }) => {
  const { logits, targets } = inputs as Record<string, tf.TensorInfo>;
  const out = outputTensor(targets!.shape);
  const lse = outputTensor(targets!.shape);
  const uniforms = shapeUniforms(logits!);
  dispatch({
    key: 'rlvr-pick-fwd',
    code: pickCode,
    uniforms,
    workgroups: rowGrid(uniforms[0]!.value),
    bindings: [
      { name: 'logits', tensor: logits! },
      { name: 'targets', tensor: targets! },
      { name: 'out', tensor: out, write: true },
      { name: 'lseOut', tensor: lse, write: true },
    ],
  });
  return [out, lse];
};

/** Inputs logits, targets, mask [B, T] float: outputs loss, correct, count (scalars) and lse [B, T]. */
const ceKernel: tf.KernelFunc = ({ inputs }) => {
  const { logits, targets, mask } = inputs as Record<string, tf.TensorInfo>;
  const uniforms = shapeUniforms(logits!);
  const rows = outputTensor([uniforms[0]!.value, 2]); // scratch: nll, hit per row
  const lse = outputTensor(targets!.shape);
  const [loss, correct, count] = [outputTensor([]), outputTensor([]), outputTensor([])];
  dispatch({
    key: 'rlvr-ce-rows',
    code: ceRowCode,
    uniforms,
    workgroups: rowGrid(uniforms[0]!.value),
    bindings: [
      { name: 'logits', tensor: logits! },
      { name: 'targets', tensor: targets! },
      { name: 'lseOut', tensor: lse, write: true },
      { name: 'rows', tensor: rows, write: true },
    ],
  });
  dispatch({
    key: 'rlvr-ce-final',
    code: ceFinalCode,
    uniforms: uniforms.slice(0, 1),
    workgroups: [1],
    bindings: [
      { name: 'rows', tensor: rows },
      { name: 'mask', tensor: mask! },
      { name: 'loss', tensor: loss, write: true },
      { name: 'correct', tensor: correct, write: true },
      { name: 'count', tensor: count, write: true },
    ],
  });
  disposeInfo(rows);
  return [loss, correct, count, lse];
};

/** Inputs logits, targets, lse, dy (and mask, count for CE): output dlogits [B, T, V]. */
function gradKernel(ce: boolean): tf.KernelFunc {
  return ({ inputs }) => {
    const { logits, targets, lse, dy, mask, count } = inputs as Record<string, tf.TensorInfo>;
    const dx = outputTensor(logits!.shape);
    const uniforms = shapeUniforms(logits!);
    const extra = ce
      ? [
          { name: 'mask', tensor: mask! },
          { name: 'count', tensor: count! },
        ]
      : [];
    dispatch({
      key: `rlvr-logsoftmax-grad-${ce}`,
      code: gradCode(ce),
      uniforms,
      workgroups: elementGrid(uniforms[0]!.value * uniforms[1]!.value),
      bindings: [
        { name: 'logits', tensor: logits! },
        { name: 'targets', tensor: targets! },
        { name: 'lse', tensor: lse! },
        { name: 'dy', tensor: dy! },
        ...extra,
        { name: 'dx', tensor: dx, write: true },
      ],
    });
    return dx;
  };
}

/** Zero gradients for the integer and mask inputs (never differentiated; tfjs wants an entry if asked). */
const zeros = (t: tf.Tensor) => () => tf.zeros(t.shape);

function register(): void {
  registerOnce('RlvrPickLogProbsGrad', gradKernel(false));
  registerOnce('RlvrMaskedCrossEntropyGrad', gradKernel(true));
  registerOnce('RlvrPickLogProbs', pickKernel, {
    inputsToSave: ['logits', 'targets'],
    outputsToSave: [false, true],
    gradFunc: (dys, saved) => {
      const [dy] = dys as tf.Tensor[];
      const [logits, targets, lse] = saved as tf.Tensor[];
      return {
        logits: () => runKernel('RlvrPickLogProbsGrad', { logits: logits!, targets: targets!, lse: lse!, dy: dy! })[0]!,
        targets: zeros(targets!),
      };
    },
  });
  registerOnce('RlvrMaskedCrossEntropy', ceKernel, {
    inputsToSave: ['logits', 'targets', 'mask'],
    outputsToSave: [false, false, true, true],
    gradFunc: (dys, saved) => {
      const [dloss] = dys as (tf.Tensor | null)[];
      const [logits, targets, mask, count, lse] = saved as tf.Tensor[];
      const dlogits = () =>
        dloss
          ? runKernel('RlvrMaskedCrossEntropyGrad', {
              logits: logits!,
              targets: targets!,
              lse: lse!,
              dy: dloss,
              mask: mask!,
              count: count!,
            })[0]!
          : tf.zerosLike(logits!);
      return { logits: dlogits, targets: zeros(targets!), mask: zeros(mask!) };
    },
  });
}

const asInt = (t: tf.Tensor2D): tf.Tensor2D => (t.dtype === 'int32' ? t : t.toInt());
const asFloat = (t: tf.Tensor2D): tf.Tensor2D => (t.dtype === 'float32' ? t : t.toFloat());

/** log p(target) at every position: logits [B, T, V], int32 targets [B, T] -> [B, T]. */
export function pickLogProbs(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D {
  if (!useFused()) return pickLogProbsNaive(logits, targets);
  register();
  return tf.tidy(() => runKernel('RlvrPickLogProbs', { logits, targets: asInt(targets) })[0] as tf.Tensor2D);
}

/**
 * Mean cross-entropy over positions where mask = 1 (0 for an all-zero mask), the count of those positions
 * whose first argmax is the target, and the mask sum. Only `loss` carries a gradient (w.r.t. logits).
 */
export function maskedCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D): CrossEntropy {
  if (!useFused()) return maskedCrossEntropyNaive(logits, targets, mask);
  register();
  return tf.tidy(() => {
    const [loss, correct, count] = runKernel('RlvrMaskedCrossEntropy', {
      logits,
      targets: asInt(targets),
      mask: asFloat(mask),
    });
    return { loss: loss as tf.Scalar, correct: correct as tf.Scalar, count: count as tf.Scalar };
  });
}
