// Fused decoding (kernels/decode.ts) on WebGPU (Dawn, SwiftShader) against the naive path and a full
// forward: the fused prefill's logits and cache, next-token logits step by step, the in-place cache,
// greedy and seeded sampling token for token, the sampling kernel's top-k, ties and EOS bookkeeping,
// dispatches and reads per prefill and per token, no leaks.
// Tiny model, left-padded prompts of different lengths; weights roughened so mistakes show (fixtures.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWebGPU } from '../../src/cli/shared/dawn';
import type { ModelConfig } from '../../src/model/model-config';
import { countBackend, type Counts } from '../../src/model/counters';
import {
  disposeFusedCache,
  fusedDecodeStep,
  fusedPrefill,
  fusedSampleStep,
  idsBuffer,
} from '../../src/model/kernels/decode';
import { setKernelMode, withKernelMode, type KernelMode } from '../../src/model/kernels/mode';
import { decodeStep, disposeCache, leftPad, prefill, startDecoding } from '../../src/model/kv-cache';
import { disposeParams, initParams, type Params } from '../../src/model/params';
import { FINISH_CHECK_EVERY, gumbelNoise, sampleBatch, sampleTokens, type SampleOptions } from '../../src/model/sample';
import { tf } from '../../src/model/tf';
import { EOS_ID, PAD_ID } from '../../src/model/tokenizer';
import { forward } from '../../src/model/transformer';
import { roughen } from '../model/fixtures';
import { expectClose, randn } from './kernel-helpers';

const CFG: ModelConfig = { layers: 2, dModel: 16, heads: 2, context: 32, vocabSize: 100 };
const ROPE_CFG: ModelConfig = { ...CFG, position: 'rope' };
const PROMPTS = [
  [1, 40, 41, 3],
  [1, 50, 51, 52, 53, 54, 3],
  [1, 3],
]; // left-padded to 7
const V = CFG.vocabSize;

let params: Params;
let ropeParams: Params; // rotary positions: each new query and key turned at its own position
beforeAll(async () => {
  await useWebGPU();
  params = initParams(CFG, 61);
  roughen(params, 61);
  ropeParams = initParams(ROPE_CFG, 62);
  roughen(ropeParams, 62);
});
afterAll(() => {
  disposeParams(params);
  disposeParams(ropeParams);
});

/** Runs `f` with the kernel mode set for its whole (async) duration. */
async function inMode<T>(mode: KernelMode, f: () => Promise<T>): Promise<T> {
  setKernelMode(mode);
  try {
    return await f();
  } finally {
    setKernelMode('naive');
  }
}

const numDataIds = () => tf.engine().backend.numDataIds();

describe('fused decode step', () => {
  it.each([
    { positions: 'learned', cfg: CFG, which: () => params },
    { positions: 'rotary', cfg: ROPE_CFG, which: () => ropeParams },
  ])(
    "gives a full forward's next-token logits at every step, and the naive cache's keys and values ($positions positions)",
    async ({ cfg, which }) => {
      const model = which();
      const fed = [
        [20, 21, 22],
        [30, 31, 32],
        [60, 61, 62],
      ]; // per sequence, one token per step
      const { cache: naive0, lastLogits: naiveLast } = prefill(model, cfg, PROMPTS);
      const { cache: fused, lastLogits } = fusedPrefill(model, cfg, leftPad(PROMPTS, cfg), naive0.length + 3);
      await expectClose(lastLogits, naiveLast, 1e-4, 'prefill: fused vs naive');
      naiveLast.dispose();
      let naive = naive0;
      const steps: tf.Tensor2D[] = [lastLogits]; // next-token logits [B, V] after the prompt and after each fed token
      for (let s = 0; s < 3; s++) {
        const tokens = tf.tensor1d(
          fed.map((f) => f[s]!),
          'int32',
        );
        const logits = withKernelMode('fused', () => fusedDecodeStep(model, cfg, fused, tokens));
        const next = decodeStep(model, cfg, naive, tokens);
        await expectClose(logits, next.logits, 1e-4, `step ${s}: fused vs naive decode`);
        disposeCache(naive);
        naive = next.cache;
        steps.push(logits);
        tf.dispose([tokens, next.logits]);
      }
      expect(fused.length).toBe(10);
      expect(fused.nextPositions).toEqual([7, 10, 5]);
      for (let i = 0; i < cfg.layers; i++) {
        // kv [B, SMAX, 2C] -> [B, S, 2, H, D] -> [2, B, H, S, D] = naive k, v
        const [B, , C2] = fused.kv[i]!.shape;
        const D = cfg.dModel / cfg.heads;
        const kv = fused.kv[i]!.slice([0, 0, 0], [B, 10, C2])
          .reshape([B, 10, 2, cfg.heads, D])
          .transpose([2, 0, 3, 1, 4]);
        await expectClose(kv, tf.stack([naive.layers[i]!.k, naive.layers[i]!.v]), 1e-5, `layer ${i} cache`);
        kv.dispose();
      }
      disposeCache(naive);
      disposeFusedCache(fused);
      for (const [b, prompt] of PROMPTS.entries()) {
        const seq = [...prompt, ...fed[b]!];
        const full = withKernelMode('naive', () => forward(model, cfg, tf.tensor2d([seq], [1, seq.length], 'int32'))); // [1, T, V]
        for (let s = 0; s <= 3; s++) {
          const t = prompt.length - 1 + s; // position whose next-token logits step s produced
          const want = full.slice([0, t, 0], [1, 1, V]).reshape([1, V]);
          const got = steps[s]!.slice([b, 0], [1, V]);
          await expectClose(got, want, 1e-4, `sequence ${b}, step ${s}: fused decode vs full forward`);
          tf.dispose([want, got]);
        }
        full.dispose();
      }
      tf.dispose(steps);
    },
  );

  it('refuses to write past its capacity or the context', () => {
    const one = [[1, 3]];
    const { cache: fused, lastLogits } = fusedPrefill(params, CFG, leftPad(one, CFG), 2);
    const tok = tf.tensor1d([5], 'int32');
    expect(() => fusedDecodeStep(params, CFG, fused, tok)).toThrow(/full \(2 slots\)/);
    const tensors = tf.memory().numTensors;
    expect(() => fusedPrefill(params, CFG, leftPad(one, CFG), CFG.context + 1)).toThrow(/capacity/);
    expect(() => fusedPrefill(params, CFG, leftPad(one, CFG), 1)).toThrow(/capacity/);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([tok, lastLogits]);
    disposeFusedCache(fused);
  });
});

describe('fused sampling kernel', () => {
  const B = 48;
  /** Logits [B, V] rounded to a few levels: many exact ties, at the maximum and at the k-th largest. */
  const tiedLogits = () => tf.tidy(() => randn([B, V], 71).mul(1.5).round().div(2) as tf.Tensor2D);

  /** One fused step from fresh flags: the sampled ids [B]. */
  async function fusedIds(logits: tf.Tensor2D, o: SampleOptions, noise: tf.Tensor2D | null): Promise<number[]> {
    const done = tf.zeros([B], 'int32') as tf.Tensor1D;
    const ids = idsBuffer(1, B);
    const r = fusedSampleStep(logits, noise, done, ids, 0, {
      temperature: o.temperature,
      topK: o.topK,
      greedy: !!o.greedy,
    });
    const out = Array.from(await ids.data());
    tf.dispose([done, ids, r.feed, r.done]);
    return out;
  }

  it('greedy picks the first maximum of each row, as tf.argMax documents', async () => {
    const logits = tiedLogits();
    const rows = (await logits.array()) as number[][];
    const firstMax = rows.map((r) => r.indexOf(Math.max(...r)));
    expect(rows.some((r) => r.filter((x) => x === Math.max(...r)).length > 1)).toBe(true); // ties are exercised
    expect(await fusedIds(logits, { maxNewTokens: 1, temperature: 1, topK: 0, seed: 0, greedy: true }, null)).toEqual(
      firstMax,
    );
    logits.dispose();
  });

  it.each([
    [0.7, 0],
    [1.3, 5],
    [1, 1],
    [2, 99],
  ])('temperature %f, top-k %i: the same ids as the naive sampler for the same noise', async (temperature, topK) => {
    const logits = tiedLogits();
    const o: SampleOptions = { maxNewTokens: 1, temperature, topK, seed: 5 };
    const naive = withKernelMode('naive', () => sampleTokens(logits, o, 0));
    const noise = gumbelNoise(B, V, o.seed, 0); // the noise sampleTokens drew
    expect(await fusedIds(logits, o, noise)).toEqual(Array.from(await naive.data()));
    tf.dispose([logits, naive, noise]);
  });

  it('top-k keeps every value at or above the k-th largest (ties included) and nothing below, not even one ulp', async () => {
    const below2 = Math.fround(2 - 2 ** -23); // the float32 just below 2
    const row = [3, 2, 2, below2, ...new Array(V - 4).fill(0)];
    const pick = async (k: number, boosted: number) => {
      // noise 0 except a large boost: the boosted token wins if and only if top-k kept it
      const logits = tf.tensor2d(row, [1, V]);
      const noise = tf.tensor2d(
        row.map((_, i) => (i === boosted ? 50 : 0)),
        [1, V],
      );
      const done = tf.zeros([1], 'int32') as tf.Tensor1D;
      const ids = idsBuffer(1, 1);
      const r = fusedSampleStep(logits, noise, done, ids, 0, { temperature: 1, topK: k, greedy: false });
      const id = (await ids.data())[0];
      tf.dispose([logits, noise, done, ids, r.feed, r.done]);
      return id;
    };
    expect(await pick(3, 3)).toBe(0); // the k-th largest is 2: 2 - ulp is masked
    expect(await pick(2, 2)).toBe(2); // k = 2 cuts between two equal values: both are kept
    expect(await pick(1, 1)).toBe(0);
    expect(await pick(4, 3)).toBe(3);
  });

  it('emits PAD once done, feeds PAD from EOS on, and raises the done flags', async () => {
    const logits = tf.tidy(() => {
      const favour = [EOS_ID, 7, 9, EOS_ID]; // the greedy pick of each row
      return tf.oneHot(tf.tensor1d(favour, 'int32'), V).toFloat().mul(5) as tf.Tensor2D;
    });
    const done = tf.tensor1d([0, 0, 1, 1], 'int32');
    const ids = idsBuffer(3, 4);
    const r = fusedSampleStep(logits, null, done, ids, 2, { temperature: 1, topK: 0, greedy: true });
    expect(Array.from((await ids.data()).slice(8))).toEqual([EOS_ID, 7, PAD_ID, PAD_ID]);
    expect(Array.from(await r.feed.data())).toEqual([PAD_ID, 7, PAD_ID, PAD_ID]);
    expect(Array.from(await r.done.data())).toEqual([1, 0, 1, 1]);
    tf.dispose([logits, done, ids, r.feed, r.done]);
  });
});

describe('fused sampleBatch', () => {
  const run = (mode: KernelMode, o: SampleOptions, prompts = PROMPTS) =>
    inMode(mode, () => sampleBatch(params, CFG, prompts, o));

  it.each<[string, SampleOptions]>([
    ['greedy', { maxNewTokens: 12, temperature: 1, topK: 0, seed: 1, greedy: true }],
    ['temperature 0.8', { maxNewTokens: 12, temperature: 0.8, topK: 0, seed: 2 }],
    ['temperature 1.5, top-k 4', { maxNewTokens: 12, temperature: 1.5, topK: 4, seed: 3 }],
  ])('%s: the same tokens as the naive path', async (_, o) => {
    const fused = await run('fused', o);
    const naive = await run('naive', o);
    expect(fused).toEqual(naive);
    expect(naive.completions.some((c) => c.length > 2)).toBe(true);
  });

  it('stops at the context with a full cache', async () => {
    const long = [1, ...new Array(26).fill(30), 3]; // 28 tokens: 4 left in a context of 32
    const o = { maxNewTokens: 50, temperature: 1, topK: 0, seed: 4 };
    expect(await run('fused', o, [long, [1, 3]])).toEqual(await run('naive', o, [long, [1, 3]]));
  });

  it('frees every tensor and buffer it makes', async () => {
    const o = { maxNewTokens: 10, temperature: 1, topK: 0, seed: 6 };
    await run('fused', o); // burn-in
    const [tensors, ids] = [tf.memory().numTensors, numDataIds()];
    await run('fused', { ...o, topK: 5 });
    await run('fused', { ...o, greedy: true });
    await run('fused', { ...o, maxNewTokens: 0 });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(numDataIds()).toBe(ids);
  });
});

describe('fused decoding cost', () => {
  /** Dispatches and reads of one generated token: a decoder step and a sampling step, after a warm-up token. */
  async function perToken(cfg: ModelConfig): Promise<Counts> {
    const p = initParams(cfg, 62);
    return inMode('fused', async () => {
      const { decoder, lastLogits } = startDecoding(p, cfg, PROMPTS, 4);
      const done = tf.zeros([3], 'int32') as tf.Tensor1D;
      const ids = idsBuffer(4, 3);
      const token = (logits: tf.Tensor2D, step: number) => {
        const noise = gumbelNoise(3, V, 7, step);
        const r = fusedSampleStep(logits, noise, done, ids, step, { temperature: 1, topK: 3, greedy: false });
        const next = decoder.step(r.feed);
        tf.dispose([noise, logits, r.feed, r.done]);
        return next;
      };
      const warm = token(lastLogits, 0);
      await warm.data();
      const counter = countBackend()!;
      const logits = token(warm, 1);
      const counts = counter.read();
      counter.restore();
      await logits.data();
      tf.dispose([logits, done, ids]);
      decoder.dispose();
      disposeParams(p);
      return counts;
    });
  }

  /** Dispatches and reads of one prefill of PROMPTS, fused or naive (startDecoding, after a warm-up). */
  async function perPrefill(cfg: ModelConfig, mode: KernelMode): Promise<Counts> {
    const p = initParams(cfg, 63);
    return inMode(mode, async () => {
      const once = () => startDecoding(p, cfg, PROMPTS, 4);
      const warm = once();
      await warm.lastLogits.data();
      warm.lastLogits.dispose();
      warm.decoder.dispose();
      const counter = countBackend()!;
      const { decoder, lastLogits } = once();
      const counts = counter.read();
      counter.restore();
      await lastLogits.data();
      lastLogits.dispose();
      decoder.dispose();
      disposeParams(p);
      return counts;
    });
  }

  it.each([
    { positions: 'learned', cfg: CFG },
    { positions: 'rotary', cfg: ROPE_CFG },
  ])(
    'prefills in at most 10 dispatches per layer plus 5, fewer than the naive prefill, with no GPU read ($positions positions)',
    async ({ cfg }) => {
      const two = await perPrefill(cfg, 'fused');
      const one = await perPrefill({ ...cfg, layers: 1 }, 'fused');
      const perLayer = two.dispatches - one.dispatches;
      expect(perLayer).toBeLessThanOrEqual(10); // 9, and the rotation
      expect(one.dispatches - perLayer).toBeLessThanOrEqual(5);
      expect([two.reads, two.syncReads]).toEqual([0, 0]);
      expect(two.dispatches).toBeLessThan((await perPrefill(cfg, 'naive')).dispatches);
    },
  );

  it('is at most 8 dispatches per layer plus 4, with no GPU read, per generated token', async () => {
    const two = await perToken(CFG);
    const one = await perToken({ ...CFG, layers: 1 });
    const perLayer = two.dispatches - one.dispatches;
    expect(perLayer).toBeLessThanOrEqual(8);
    expect(one.dispatches - perLayer).toBeLessThanOrEqual(4);
    expect(two.dispatches).toBeLessThanOrEqual(8 * CFG.layers + 4);
    expect([two.reads, two.syncReads]).toEqual([0, 0]);
  });

  it('with rotary positions, one more dispatch per layer (the rotation) and no GPU read', async () => {
    const learned = await perToken(CFG);
    const rope = await perToken(ROPE_CFG);
    expect(rope.dispatches - learned.dispatches).toBe(CFG.layers);
    expect([rope.reads, rope.syncReads]).toEqual([0, 0]);
  });

  it('reads the device only at the finished checks and once at the end', async () => {
    const tokens = 3 * FINISH_CHECK_EVERY;
    await inMode('fused', async () => {
      const counter = countBackend()!;
      try {
        await sampleBatch(params, CFG, PROMPTS, { maxNewTokens: tokens, temperature: 1, topK: 0, seed: 8 });
        const { reads, syncReads } = counter.read();
        expect(syncReads).toBe(0);
        expect(reads).toBeLessThanOrEqual(Math.floor((tokens - 1) / FINISH_CHECK_EVERY) + 1);
      } finally {
        counter.restore();
      }
    });
  });
});
