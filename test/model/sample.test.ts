// Sampling: greedy vs step-by-step full forward, seeding, EOS, context, Gumbel-max frequencies, no leaks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/model/model-config';
import { disposeParams, initParams, type Params } from '../../src/model/params';
import { FINISH_CHECK_EVERY, sampleBatch, sampleTokens } from '../../src/model/sample';
import { tf } from '../../src/model/tf';
import { decode, encodePrompt, EOS_ID } from '../../src/model/tokenizer';
import { forward } from '../../src/model/transformer';
import { overfit, roughen, TINY } from './fixtures';

let params: Params;
beforeAll(async () => {
  await tf.setBackend('cpu');
  params = initParams(TINY, 31);
  roughen(params, 31);
});
afterAll(() => disposeParams(params));

/** Reference greedy decoding: a full forward over the whole sequence for every new token. */
async function greedyByFullForward(p: Params, cfg: ModelConfig, prompt: number[], max: number): Promise<number[]> {
  const seq = prompt.slice();
  const out: number[] = [];
  while (out.length < max && seq.length < cfg.context) {
    const next = tf.tidy(() => {
      const logits = forward(p, cfg, tf.tensor2d([seq], [1, seq.length], 'int32')); // [1, T, V]
      return logits.slice([0, seq.length - 1, 0], [1, 1, cfg.vocabSize]).argMax(-1);
    });
    const id = (await next.data())[0]!;
    next.dispose();
    if (id === EOS_ID) break;
    out.push(id);
    seq.push(id);
  }
  return out;
}

const PROMPTS = [
  [1, 40, 41, 3],
  [1, 50, 51, 52, 53, 54, 3],
  [1, 3],
];
const SAMPLING = { maxNewTokens: 6, temperature: 1, topK: 0, seed: 9 };

describe('sampleBatch', () => {
  it('greedy equals argmax of full-forward decoding, step by step', async () => {
    const { completions } = await sampleBatch(params, TINY, PROMPTS, { ...SAMPLING, greedy: true });
    for (const [b, prompt] of PROMPTS.entries()) {
      expect(completions[b]).toEqual(await greedyByFullForward(params, TINY, prompt, 6));
    }
    expect(completions.some((c) => c.length > 0)).toBe(true);
  });

  it('same seed gives the same samples, another seed other samples', async () => {
    const a = await sampleBatch(params, TINY, PROMPTS, SAMPLING);
    const b = await sampleBatch(params, TINY, PROMPTS, SAMPLING);
    const c = await sampleBatch(params, TINY, PROMPTS, { ...SAMPLING, seed: 10 });
    expect(b).toEqual(a);
    expect(c.completions).not.toEqual(a.completions);
  });

  it('respects maxNewTokens and the context', async () => {
    const long = [1, ...new Array(11).fill(30), 3]; // 13 tokens: 3 left in a context of 16
    const { completions, finished } = await sampleBatch(params, TINY, [long, [1, 3]], {
      ...SAMPLING,
      maxNewTokens: 50,
    });
    for (const b of [0, 1]) {
      const used = 13 + completions[b]!.length + (finished[b] ? 1 : 0); // batch stops when the longest fills the context
      if (finished[b]) expect(used).toBeLessThanOrEqual(16);
      else expect(used).toBe(16);
    }
    const short = await sampleBatch(params, TINY, PROMPTS, { ...SAMPLING, maxNewTokens: 2 });
    short.completions.forEach((c, b) => expect(c.length + (short.finished[b] ? 1 : 0)).toBeLessThanOrEqual(2));
    expect((await sampleBatch(params, TINY, PROMPTS, { ...SAMPLING, maxNewTokens: 0 })).completions).toEqual([
      [],
      [],
      [],
    ]);
  });

  it('leaves the tensor count unchanged', async () => {
    await sampleBatch(params, TINY, PROMPTS, SAMPLING); // burn-in
    const before = tf.memory().numTensors;
    await sampleBatch(params, TINY, PROMPTS, { ...SAMPLING, topK: 5 });
    await sampleBatch(params, TINY, PROMPTS, { ...SAMPLING, greedy: true });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('draws tokens with softmax(logits / T) frequencies, and only the top k with topK', async () => {
    // N rows of the same logits, one draw each: frequencies within 4 standard errors of the probabilities.
    const N = 4000;
    const base = tf.tidy(() =>
      forward(params, TINY, tf.tensor2d([[1, 44, 3]], [1, 3], 'int32'))
        .slice([0, 2, 0], [1, 1, 100])
        .reshape([1, 100]),
    );
    const logits = base.tile([N, 1]) as tf.Tensor2D; // [N, V]
    const probs = tf.tidy(() => tf.softmax(base.reshape([100]).div(2))); // temperature 2
    const p = await probs.data();
    const counts = async (topK: number) => {
      const ids = sampleTokens(logits, { maxNewTokens: 1, temperature: 2, topK, seed: 3 }, 0);
      const n = new Array(100).fill(0);
      (await ids.data()).forEach((id) => n[id]++);
      ids.dispose();
      return n as number[];
    };
    const all = await counts(0);
    all.forEach((n, id) => expect(Math.abs(n / N - p[id]!)).toBeLessThan(4 * Math.sqrt(p[id]! / N) + 2e-3));
    const top3 = Array.from(p.keys())
      .sort((a, b) => p[b]! - p[a]!)
      .slice(0, 3);
    const z = top3.reduce((s, id) => s + p[id]!, 0);
    (await counts(3)).forEach((n, id) => {
      const q = top3.includes(id) ? p[id]! / z : 0;
      expect(Math.abs(n / N - q)).toBeLessThan(4 * Math.sqrt(q / N) + 2e-3);
    });
    tf.dispose([base, logits, probs]);
  });

  it('stops each sequence at its own EOS', async () => {
    const cfg: ModelConfig = { ...TINY, layers: 1 };
    const trained = initParams(cfg, 41);
    await overfit(
      trained,
      cfg,
      [
        ['a', 'xy'],
        ['b', 'hello world'],
      ],
      { maxSteps: 300, lr: 1e-2, target: 0.02 },
    );
    const { completions, finished } = await sampleBatch(trained, cfg, [encodePrompt('a'), encodePrompt('b')], {
      ...SAMPLING,
      maxNewTokens: 13,
      greedy: true,
    });
    expect(completions.map(decode)).toEqual(['xy', 'hello world']);
    expect(finished).toEqual([true, true]);
    disposeParams(trained);
  });

  it('reads the device once per FINISH_CHECK_EVERY tokens and once at the end, not once per token', async () => {
    const backend = tf.backend() as unknown as { read: (...a: unknown[]) => Promise<unknown> };
    const original = backend.read;
    let reads = 0;
    backend.read = function (this: unknown, ...a: unknown[]) {
      reads++;
      return original.apply(this, a);
    };
    try {
      const tokens = 3 * FINISH_CHECK_EVERY;
      const { completions } = await sampleBatch(params, TINY, PROMPTS, { ...SAMPLING, maxNewTokens: tokens });
      const longest = Math.max(...completions.map((c) => c.length));
      // Checks after tokens 8 and 16 (the last step needs none), then one read of all ids; fewer when all finished early.
      expect(reads).toBeLessThanOrEqual(Math.floor((tokens - 1) / FINISH_CHECK_EVERY) + 1);
      expect(reads).toBeGreaterThanOrEqual(1);
      expect(longest).toBeLessThanOrEqual(tokens);
    } finally {
      backend.read = original;
    }
  });
});
