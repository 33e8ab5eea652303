// KV cache vs full forward: a second implementation of the same numbers (learned and rotary positions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStep, disposeCache, prefill, type KVCache } from '../../src/model/kv-cache';
import { disposeParams, initParams, type Params } from '../../src/model/params';
import { tf } from '../../src/model/tf';
import { forward } from '../../src/model/transformer';
import { maxAbsDiff, roughen, TINY, TINY_ROPE } from './fixtures';

let params: Params;
let ropeParams: Params; // rotary positions: the cache holds rotated keys, each new token turned at its own position
beforeAll(async () => {
  await tf.setBackend('cpu');
  params = initParams(TINY, 11);
  roughen(params, 11); // large weights: a wrong position or a leaking pad key shows far above 1e-5
  ropeParams = initParams(TINY_ROPE, 12);
  roughen(ropeParams, 12);
});
afterAll(() => {
  disposeParams(params);
  disposeParams(ropeParams);
});

/** Full-forward logits [T, V] of one unpadded sequence. */
async function fullLogits(seq: number[], model = params, cfg = TINY): Promise<Float32Array[]> {
  const logits = forward(model, cfg, tf.tensor2d([seq], [1, seq.length], 'int32'));
  const data = await logits.data();
  logits.dispose();
  const V = cfg.vocabSize;
  return seq.map((_, t) => data.slice(t * V, (t + 1) * V) as Float32Array);
}

describe('KV cache', () => {
  it.each([
    { positions: 'learned', cfg: TINY, which: () => params },
    { positions: 'rotary', cfg: TINY_ROPE, which: () => ropeParams },
  ])(
    'matches a full forward per sequence for prompts of different lengths ($positions positions)',
    async ({ cfg, which }) => {
      const model = which();
      const prompts = [
        [1, 40, 41, 3],
        [1, 50, 51, 52, 53, 54, 55, 3],
        [1, 3],
      ];
      const fed = [
        [20, 21, 22],
        [30, 31, 32],
        [60, 61, 62],
      ]; // tokens appended one step at a time
      const V = cfg.vocabSize;
      const before = tf.memory().numTensors;
      const { cache: c0, lastLogits } = prefill(model, cfg, prompts);
      const stepLogits: Float32Array[] = [(await lastLogits.data()) as Float32Array];
      lastLogits.dispose();
      let cache: KVCache = c0;
      for (let s = 0; s < 3; s++) {
        const tokens = tf.tensor1d(
          fed.map((f) => f[s]!),
          'int32',
        );
        const next = decodeStep(model, cfg, cache, tokens);
        disposeCache(cache); // the caller owns the old cache
        tokens.dispose();
        cache = next.cache;
        stepLogits.push((await next.logits.data()) as Float32Array);
        next.logits.dispose();
      }
      expect(cache.length).toBe(8 + 3);
      expect(cache.nextPositions).toEqual([7, 11, 5]);
      expect(cache.layers[0]!.k.shape).toEqual([3, cfg.heads, 11, cfg.dModel / cfg.heads]);
      disposeCache(cache);
      expect(tf.memory().numTensors).toBe(before);
      for (let b = 0; b < prompts.length; b++) {
        const seq = [...prompts[b]!, ...fed[b]!];
        const full = await fullLogits(seq, model, cfg);
        for (let s = 0; s <= 3; s++) {
          const t = prompts[b]!.length - 1 + s; // position whose next-token logits step s produced
          const inc = stepLogits[s]!.slice(b * V, (b + 1) * V);
          expect(maxAbsDiff(inc, full[t]!), `seq ${b} step ${s}`).toBeLessThan(1e-5);
        }
      }
    },
  );

  it('refuses prompts longer than the context and decoding past it', () => {
    expect(() => prefill(params, TINY, [new Array(17).fill(5)])).toThrow(/context \(16 tokens\)/);
    const { cache, lastLogits } = prefill(params, TINY, [new Array(16).fill(5)]);
    const tok = tf.tensor1d([5], 'int32');
    expect(() => decodeStep(params, TINY, cache, tok)).toThrow(/context \(16 tokens\)/);
    tf.dispose([tok, lastLogits]);
    disposeCache(cache);
  });
});
