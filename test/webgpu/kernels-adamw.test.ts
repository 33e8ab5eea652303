// The fused AdamW update against the naive tfjs ops, on WebGPU (Dawn, SwiftShader): parameters, m, v and the
// returned norm after several steps (bias correction matters), with clipping on and off and decay on and
// off; the dispatch count per update; no read-back; no leak; checkpoint save and restore of a fused state;
// switching modes between steps; a parameter whose data a reference model shares.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/tf';
import { useWebGPU } from '../../src/cli/shared/dawn';
import { withKernelMode } from '../../src/model/kernels/mode';
import { maxStorageBuffers, rawDispatchCount } from '../../src/model/kernels/raw';
import { adamwDispatches, capStorageBuffers } from '../../src/model/kernels/adamw';
import { countBackend } from '../../src/model/counters';
import { paramsFromArrays, paramsToArrays, type Params } from '../../src/model/params';
import { arraysToRecord, assignArrays, prefixed, recordToArrays, unprefixed } from '../../src/train/checkpoint';
import { adamwUpdate, createAdamW, disposeAdamW, type AdamWConfig, type AdamWState } from '../../src/train/adamw';
import { expectClose, randn } from './kernel-helpers';

beforeAll(async () => {
  await useWebGPU();
});

// mixed ranks: scalars as [1], vectors, a [7, 13] matrix, a rank-3 tensor, and one (1320) big enough
// for several workgroups in both passes
const SHAPES: [string, number[]][] = [
  ['wte', [7, 13]],
  ['ln.g', [1]],
  ['ln.b', [13]],
  ['w1', [13, 5]],
  ['b1', [5]],
  ['w3', [5, 3, 2]],
  ['b2', [6]],
  ['c', [1]],
  ['big', [40, 33]],
  ['e', [2, 2]],
];

/** Seeded parameters: the same numbers for the same seed, in their own buffers. */
function makeParams(seed: number): Params {
  return Object.fromEntries(
    SHAPES.map(([name, shape], i) => [name, tf.tidy(() => tf.variable(randn(shape, seed + i), true))]),
  );
}

/** Gradients of step `step`, scaled so the global norm is well above 1 (clipping at 1 is active). */
const makeGrads = (step: number): Record<string, tf.Tensor> =>
  tf.tidy(() =>
    Object.fromEntries(SHAPES.map(([name, shape], i) => [name, randn(shape, 100 * step + i).mul(0.5 + (i % 3))])),
  );

const config = (gradClip: number, weightDecay: number): AdamWConfig => ({
  beta1: 0.9,
  beta2: 0.99,
  weightDecay,
  gradClip,
});

/** `steps` updates in `mode`; the norms they returned. */
function train(
  mode: 'fused' | 'naive',
  params: Params,
  opt: AdamWState,
  cfg: AdamWConfig,
  steps: number[],
  lr = 0.05,
): tf.Scalar[] {
  return steps.map((step) => {
    const grads = makeGrads(step);
    const norm = withKernelMode(mode, () => adamwUpdate(params, grads, opt, cfg, lr));
    tf.dispose(Object.values(grads));
    return norm;
  });
}

async function expectSameState(
  a: { params: Params; opt: AdamWState },
  b: { params: Params; opt: AdamWState },
  what: string,
): Promise<void> {
  expect(a.opt.t).toBe(b.opt.t);
  for (const [name] of SHAPES) {
    await expectClose(a.params[name]!, b.params[name]!, 1e-4, `${what}: ${name}`);
    await expectClose(a.opt.m[name]!, b.opt.m[name]!, 1e-4, `${what}: m of ${name}`);
    await expectClose(a.opt.v[name]!, b.opt.v[name]!, 1e-4, `${what}: v of ${name}`);
  }
}

/** Largest |a - b|. */
const maxDiff = async (a: tf.Tensor, b: tf.Tensor): Promise<number> => {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const [x] = await d.data();
  d.dispose();
  return x!;
};

function fresh(seed = 1) {
  const params = makeParams(seed);
  return { params, opt: createAdamW(params) };
}

function dispose(...runs: { params: Params; opt: AdamWState }[]): void {
  for (const r of runs) {
    disposeAdamW(r.opt);
    tf.dispose(Object.values(r.params));
  }
}

/** Run `f` with the kernels binding at most `cap` storage buffers (null: the device's limit). */
async function withCap<T>(cap: number | null, f: () => Promise<T>): Promise<T> {
  capStorageBuffers(cap);
  try {
    return await f();
  } finally {
    capStorageBuffers(null);
  }
}

// the device's limit (12 on SwiftShader, as the app asks for the adapter's), the guaranteed 8, and the least
// the kernels work with (4: one parameter per update kernel, two gradients per norm kernel)
describe.each([
  ['no clipping, decay', 0, 0.1, null],
  ['clipping at 1, decay', 1, 0.1, null],
  ['clipping at 1, no decay', 1, 0, null],
  ['clip above the norm', 1e6, 0.1, null],
  ['clipping at 1, decay, 8 buffers', 1, 0.1, 8],
  ['no clipping, no decay, 8 buffers', 0, 0, 8],
  ['clipping at 1, decay, 4 buffers', 1, 0.1, 4],
])('fused AdamW (%s)', (_, clip, wd, cap) => {
  it('matches the naive update over 3 steps: parameters, m, v, norms', () =>
    withCap(cap, async () => {
      const fused = fresh();
      const naive = fresh();
      const start = makeParams(1);
      const before = rawDispatchCount();
      const fusedNorms = train('fused', fused.params, fused.opt, config(clip, wd), [1, 2, 3]);
      expect(rawDispatchCount() - before).toBeGreaterThan(0); // the WGSL path really ran
      const naiveNorms = train('naive', naive.params, naive.opt, config(clip, wd), [1, 2, 3]);
      for (let i = 0; i < 3; i++) {
        expect(fusedNorms[i]!.shape).toEqual([]);
        await expectClose(fusedNorms[i]!, naiveNorms[i]!, 1e-4, `norm of step ${i + 1}`);
      }
      await expectSameState(fused, naive, 'after 3 steps');
      // and the update did move every parameter (equal to the naive one, not to the start)
      for (const [name] of SHAPES) expect(await maxDiff(fused.params[name]!, start[name]!), name).toBeGreaterThan(1e-3);
      tf.dispose([...fusedNorms, ...naiveNorms, ...Object.values(start)]);
      dispose(fused, naive);
    }));
});

describe.each([null, 8, 4])('fused AdamW costs, at most %s storage buffers', (cap) => {
  it('takes adamwDispatches(n, limit) dispatches, reads nothing back, and leaks nothing', () =>
    withCap(cap, async () => {
      const limit = Math.min(cap ?? Infinity, maxStorageBuffers());
      const { params, opt } = fresh();
      const cfg = config(1, 0.1);
      tf.dispose(train('fused', params, opt, cfg, [1])); // the first step also makes the flat state
      const grads = makeGrads(2);
      const tensors = tf.memory().numTensors;
      const counter = countBackend()!;
      const norms: tf.Scalar[] = [];
      for (let i = 0; i < 3; i++) norms.push(withKernelMode('fused', () => adamwUpdate(params, grads, opt, cfg, 0.01)));
      const counts = counter.read();
      counter.restore();
      expect(counts.dispatches).toBe(3 * adamwDispatches(SHAPES.length, limit));
      expect(adamwDispatches(SHAPES.length, limit)).toBeLessThanOrEqual(limit >= 8 ? 4 : 15); // 10 params
      expect(counts.reads + counts.syncReads).toBe(0);
      tf.dispose(norms);
      expect(tf.memory().numTensors).toBe(tensors);
      // the naive update of the same step, for scale
      const naive = countBackend()!;
      withKernelMode('naive', () => adamwUpdate(params, grads, opt, cfg, 0.01)).dispose();
      expect(naive.read().dispatches).toBeGreaterThan((10 * counts.dispatches) / 3);
      naive.restore();
      tf.dispose(Object.values(grads));
      dispose({ params, opt });
    }));
});

describe('fused AdamW dispatch count', () => {
  it('counts 18 dispatches for 52 parameters at 8 storage buffers, 12 at 12', () => {
    expect(adamwDispatches(52, 8)).toBe(18);
    expect(adamwDispatches(52, 12)).toBe(12);
    expect(adamwDispatches(1, 8)).toBe(2);
    expect(adamwDispatches(5, 8)).toBe(2);
    expect(adamwDispatches(6, 8)).toBe(3);
    expect(adamwDispatches(10, 4)).toBe(5 + 6); // 2 gradients per norm kernel; 1, then 2 parameters per update kernel
  });
});

describe('fused AdamW state', () => {
  it('round-trips a checkpoint: save after 2 fused steps, restore into a new state, step on: the same as never stopping', async () => {
    const cfg = config(1, 0.1);
    const a = fresh();
    tf.dispose(train('fused', a.params, a.opt, cfg, [1, 2]));
    // what token-stage/rl-stage save and restore, through the stored form
    const weights = arraysToRecord(recordToArrays(await paramsToArrays(a.params)));
    const optimizer = arraysToRecord(
      recordToArrays({
        ...prefixed('m/', await paramsToArrays(a.opt.m)),
        ...prefixed('v/', await paramsToArrays(a.opt.v)),
      }),
    );
    const bParams = paramsFromArrays(weights);
    const b = { params: bParams, opt: createAdamW(bParams) };
    assignArrays(b.opt.m, unprefixed('m/', optimizer));
    assignArrays(b.opt.v, unprefixed('v/', optimizer));
    b.opt.t = a.opt.t;
    // both step on; a was read (its parameters now have CPU copies) and must show the new values after
    tf.dispose([...train('fused', a.params, a.opt, cfg, [3]), ...train('fused', b.params, b.opt, cfg, [3])]);
    const naive = fresh();
    tf.dispose(train('naive', naive.params, naive.opt, cfg, [1, 2, 3]));
    await expectSameState(a, naive, 'the saved run');
    await expectSameState(b, naive, 'the restored run');
    dispose(a, b, naive);
  });

  it('keeps one state across mode switches between steps', async () => {
    const cfg = config(1, 0.1);
    const mixed = fresh();
    const naive = fresh();
    for (const [mode, step] of [
      ['fused', 1],
      ['naive', 2],
      ['fused', 3],
      ['fused', 4],
    ] as const)
      tf.dispose(train(mode, mixed.params, mixed.opt, cfg, [step]));
    tf.dispose(train('naive', naive.params, naive.opt, cfg, [1, 2, 3, 4]));
    await expectSameState(mixed, naive, 'fused, naive, fused, fused');
    dispose(mixed, naive);
  });

  it('does not write through to a reference model that shares the parameters data', async () => {
    const { params, opt } = fresh();
    const ref = tf.tidy(() =>
      Object.fromEntries(Object.entries(params).map(([k, p]) => [k, tf.variable(p.clone(), false)])),
    );
    const start = makeParams(1);
    tf.dispose(train('fused', params, opt, config(1, 0.1), [1, 2]));
    for (const [name] of SHAPES) {
      await expectClose(ref[name]!, start[name]!, 0, `reference ${name}`);
      expect(await maxDiff(params[name]!, start[name]!), name).toBeGreaterThan(1e-3);
    }
    tf.dispose([...Object.values(ref), ...Object.values(start)]);
    dispose({ params, opt });
  });
});
