// Fused AdamW on WebGPU: the whole update (global gradient norm, clip scale, m, v, decay, parameter) in a
// few dispatches, with no read-back. The optimizer state of every parameter lives in ONE flat buffer
// `opt` [3N] = m [N] | v [N] | g [N] (N = all parameter elements, each parameter at a fixed offset), so
// a kernel binds it once for every parameter it updates:
//   pass 1 (norm): each kernel binds `partials` [P], `opt` and up to L - 2 gradients (L = storage buffers
//     per stage); it copies the gradients into opt's g region and writes one sum of squares per
//     workgroup into its slots of partials.
//   pass 2 (update): each kernel binds partials, opt and up to L - 2 parameters; every workgroup sums
//     the P partials itself (same order everywhere, so the same norm), takes the clip scale
//     min(1, clip / (norm + 1e-6)), and updates m, v and the parameter in place. The first kernel also
//     writes the pre-clip norm (it binds one parameter fewer).
// 52 parameters: 9 + 9 = 18 dispatches at L = 8, 6 + 6 = 12 at L = 12 (see adamwDispatches).
// Same arithmetic, in the same order, as the naive update in src/train/adamw.ts.
import { tf } from '../tf';
import { asTensor, dispatch, maxStorageBuffers, outputTensor, type Binding, type Uniform } from './raw';
import { MAX_GROUPS, REDUCE_SUM, WG } from './wgsl';

/** One parameter's place in the flat state: elements [offset, offset + size) of each region. */
export interface Slot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  /** Rank >= 2: decoupled weight decay applies (matrices, not biases or LayerNorm gains). */
  matrix: boolean;
}

export interface Layout {
  slots: Slot[];
  /** N: elements of all parameters; the flat state holds 3N. */
  total: number;
}

/** Scalars of one update, all known on the CPU. */
export interface AdamWScalars {
  b1: number;
  b2: number;
  eps: number;
  /** Bias corrections 1 - b1^t, 1 - b2^t. */
  c1: number;
  c2: number;
  lr: number;
  /** Global-norm clip threshold; <= 0: no clipping. */
  clip: number;
  weightDecay: number;
}

/** Workgroups of the norm kernels: at most this many per kernel, so P (every update workgroup reads it) stays small. */
const NORM_GROUPS = 32;
/** Elements per thread the norm and update kernels aim at (grid-stride loops do the rest). */
const PER_THREAD = 8;

export function layoutOf(shapes: [string, number[]][]): Layout {
  let total = 0;
  const slots = shapes.map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const slot = { name, shape, offset: total, size, matrix: shape.length >= 2 };
    total += size;
    return slot;
  });
  return { slots, total };
}

/** The flat state [3N], zeros (m = v = 0, as a fresh AdamW). A variable: tidy leaves it alone. */
export function createFlatState(layout: Layout): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zeros([3 * Math.max(1, layout.total)]), false));
}

/** `items` in chunks: the first of at most `first`, the rest of at most `size`. */
function chunks<T>(items: T[], first: number, size: number): T[][] {
  const out: T[][] = [];
  let i = 0;
  while (i < items.length) {
    const n = out.length === 0 ? first : size;
    out.push(items.slice(i, i + n));
    i += n;
  }
  return out;
}

/** Dispatches of one fused update of `count` parameters with `limit` storage buffers per kernel. */
export function adamwDispatches(count: number, limit: number): number {
  const per = limit - 2; // partials and opt are in every kernel
  const norm = Math.ceil(count / per);
  const update = 1 + Math.ceil(Math.max(0, count - (per - 1)) / per); // the first also binds the norm
  return count === 0 ? 0 : norm + update;
}

let bufferCap = Infinity;

/** Tests: bind at most `n` (>= 4) storage buffers per kernel, as a device with fewer would; null: the device's limit. */
export function capStorageBuffers(n: number | null): void {
  if (n !== null && n < 4) throw new Error(`the fused AdamW needs 4 storage buffers per kernel; got ${n}`);
  bufferCap = n ?? Infinity;
}

/** Storage buffers one kernel may bind: the device's limit (8 guaranteed), or the test cap. */
const storageBuffers = () => Math.min(maxStorageBuffers(), bufferCap);

/** Workgroups for a kernel over `elements` (grid-stride loops cover any count), at most `cap`. */
const groupsFor = (elements: number, cap: number) =>
  Math.max(1, Math.min(cap, Math.ceil(elements / (WG * PER_THREAD))));
const elementsOf = (slots: { size: number }[]) => slots.reduce((a, s) => a + s.size, 0);

const u32 = (name: string, value: number): Uniform => ({ name, type: 'u32', value });
const f32 = (name: string, value: number): Uniform => ({ name, type: 'f32', value });

const HEAD = /* wgsl */ `
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let lid = l.x;
  let gid = wid.x * WG + lid;
  let stride = nw.x * WG;`;

const loop = (k: number, body: string) => `  for (var i = gid; i < u.n${k}; i = i + stride) { ${body} }`;
const range = (K: number, f: (k: number) => string) => Array.from({ length: K }, (_, k) => f(k)).join('\n');

// pass 1, K gradients g0..g{K-1}: copy into opt's g region (at 2N + o_k), sum of squares per workgroup
const normCode = (K: number) => /* wgsl */ `
${REDUCE_SUM}
${HEAD}
  var s = 0.0;
${range(K, (k) => loop(k, `let x = g${k}[i]; opt[2u * u.N + u.o${k} + i] = x; s = s + x * x;`))}
  let total = reduceSum(s, lid);
  if (lid == 0u) { partials[u.base + wid.x] = total; }
}`;

// pass 2, K parameters p0..p{K-1}: m, v, p in place; w_k = weight decay of parameter k (0: none)
const updateCode = (K: number, writesNorm: boolean) => /* wgsl */ `
${REDUCE_SUM}
fn adamStep(j: u32, p: f32, scale: f32, wd: f32) -> f32 {
  let g = opt[2u * u.N + j] * scale;
  let m = opt[j] * u.b1 + g * u.omb1;
  let v = opt[u.N + j] * u.b2 + g * g * u.omb2;
  opt[j] = m;
  opt[u.N + j] = v;
  let upd = (m / u.c1) / (sqrt(v / u.c2) + u.eps);
  if (wd > 0.0) { return p - (upd + p * wd) * u.lr; }
  return p - upd * u.lr;
}
${HEAD}
  var s = 0.0;
  for (var i = lid; i < u.P; i = i + WG) { s = s + partials[i]; }
  let norm = sqrt(reduceSum(s, lid));
  let scale = select(1.0, min(1.0, u.clip / (norm + 1e-6)), u.clip > 0.0);
  ${writesNorm ? 'if (gid == 0u) { normOut[0] = norm; }' : ''}
${range(K, (k) => loop(k, `p${k}[i] = adamStep(u.o${k} + i, p${k}[i], scale, u.w${k});`))}
}`;

// K tensors t0..t{K-1} to (pack) or from (unpack) opt at element offsets o_k
const copyCode = (K: number, pack: boolean) => /* wgsl */ `
const WG: u32 = ${WG}u;
${HEAD}
${range(K, (k) => loop(k, pack ? `opt[u.o${k} + i] = t${k}[i];` : `t${k}[i] = opt[u.o${k} + i];`))}
}`;

/** One norm kernel: its gradients into g and partials[base, base + groups). Returns the groups used. */
function normPass(
  opt: tf.Tensor,
  partials: tf.TensorInfo,
  layout: Layout,
  group: [Slot, tf.Tensor][],
  base: number,
): number {
  const groups = groupsFor(elementsOf(group.map(([slot]) => slot)), NORM_GROUPS);
  const bindings: Binding[] = [
    { name: 'partials', tensor: partials, write: true },
    { name: 'opt', tensor: opt, write: true },
  ];
  const uniforms = [u32('N', layout.total), u32('base', base)];
  group.forEach(([slot, g], k) => {
    bindings.push({ name: `g${k}`, tensor: g });
    uniforms.push(u32(`n${k}`, slot.size), u32(`o${k}`, slot.offset));
  });
  dispatch({
    key: `rlvr-adamw-norm-${group.length}`,
    code: normCode(group.length),
    bindings,
    uniforms,
    workgroups: [groups],
  });
  return groups;
}

/** One update kernel over its parameters; the first also writes the norm into `normOut`. */
function updatePass(
  opt: tf.Tensor,
  partials: tf.TensorInfo,
  P: number,
  layout: Layout,
  group: [Slot, tf.Variable][],
  s: AdamWScalars,
  normOut: tf.TensorInfo | null,
): void {
  const bindings: Binding[] = [
    { name: 'partials', tensor: partials },
    { name: 'opt', tensor: opt, write: true },
  ];
  if (normOut) bindings.push({ name: 'normOut', tensor: normOut, write: true });
  const uniforms = [
    u32('N', layout.total),
    u32('P', P),
    f32('b1', s.b1),
    f32('omb1', 1 - s.b1),
    f32('b2', s.b2),
    f32('omb2', 1 - s.b2),
  ];
  uniforms.push(f32('c1', s.c1), f32('c2', s.c2), f32('eps', s.eps), f32('lr', s.lr), f32('clip', s.clip));
  group.forEach(([slot, p], k) => {
    bindings.push({ name: `p${k}`, tensor: p, write: true });
    const wd = slot.matrix && s.weightDecay > 0 ? s.weightDecay : 0;
    uniforms.push(u32(`n${k}`, slot.size), u32(`o${k}`, slot.offset), f32(`w${k}`, wd));
  });
  const groups = groupsFor(elementsOf(group.map(([slot]) => slot)), MAX_GROUPS);
  dispatch({
    key: `rlvr-adamw-update-${group.length}-${!!normOut}`,
    code: updateCode(group.length, !!normOut),
    bindings,
    uniforms,
    workgroups: [groups],
  });
}

/**
 * A variable whose data another tensor shares (tf.variable(p.clone()) shares it, as GRPO's reference
 * model does) gets its own copy first: the update writes in place, and must not write through to the other.
 */
function ownData(v: tf.Variable): void {
  const backend = tf.backend() as unknown as { refCount(dataId: object): number };
  if (backend.refCount(v.dataId) <= 1) return;
  const copy = tf.tidy(() => tf.add(v, 0));
  v.assign(copy);
  copy.dispose();
}

/**
 * One fused AdamW update of the parameters that have a gradient (every gradient must belong to a
 * parameter of the layout). `opt` [3N]: m | v | g. Returns the pre-clip global norm, a scalar the caller owns.
 */
export function fusedAdamW(
  opt: tf.Variable,
  layout: Layout,
  params: Record<string, tf.Variable>,
  grads: Record<string, tf.Tensor>,
  s: AdamWScalars,
): tf.Scalar {
  const live = layout.slots.filter((slot) => grads[slot.name]);
  const per = storageBuffers() - 2;
  const normGroups = chunks(
    live.map((slot): [Slot, tf.Tensor] => [slot, grads[slot.name]!]),
    per,
    per,
  );
  const P = normGroups.reduce((a, g) => a + groupsFor(elementsOf(g.map(([slot]) => slot)), NORM_GROUPS), 0);
  const partials = outputTensor([P]);
  let base = 0;
  for (const group of normGroups) base += normPass(opt, partials, layout, group, base);
  const norm = outputTensor([]);
  const targets = live.map((slot): [Slot, tf.Variable] => [slot, params[slot.name]!]);
  targets.forEach(([, p]) => ownData(p));
  chunks(targets, per - 1, per).forEach((group, i) =>
    updatePass(opt, partials, P, layout, group, s, i === 0 ? norm : null),
  );
  asTensor(partials).dispose(); // freed once the queued kernels are done with it
  return asTensor<tf.Rank.R0>(norm);
}

/** Copy m and v of every slot between the per-parameter tensors and the flat state. */
function copyState(
  opt: tf.Variable,
  layout: Layout,
  m: Record<string, tf.Variable>,
  v: Record<string, tf.Variable>,
  pack: boolean,
): void {
  const items = layout.slots.flatMap((slot) => [
    { t: m[slot.name]!, offset: slot.offset, size: slot.size },
    { t: v[slot.name]!, offset: layout.total + slot.offset, size: slot.size },
  ]);
  const per = storageBuffers() - 1;
  for (const group of chunks(items, per, per)) {
    const bindings: Binding[] = [{ name: 'opt', tensor: opt, write: pack }];
    const uniforms: Uniform[] = [];
    group.forEach(({ t, offset, size }, k) => {
      if (!pack) ownData(t);
      bindings.push({ name: `t${k}`, tensor: t, write: !pack });
      uniforms.push(u32(`n${k}`, size), u32(`o${k}`, offset));
    });
    const key = `rlvr-adamw-${pack ? 'pack' : 'unpack'}-${group.length}`;
    dispatch({
      key,
      code: copyCode(group.length, pack),
      bindings,
      uniforms,
      workgroups: [groupsFor(elementsOf(group), MAX_GROUPS)],
    });
  }
}

/** Per-parameter m and v into the flat state (after a restore, or after the naive path ran). */
export const packState = (
  opt: tf.Variable,
  layout: Layout,
  m: Record<string, tf.Variable>,
  v: Record<string, tf.Variable>,
): void => copyState(opt, layout, m, v, true);

/** The flat state's m and v into the per-parameter tensors, in place (for a checkpoint, or the naive path). */
export const unpackState = (
  opt: tf.Variable,
  layout: Layout,
  m: Record<string, tf.Variable>,
  v: Record<string, tf.Variable>,
): void => copyState(opt, layout, m, v, false);
