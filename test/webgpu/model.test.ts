// The model on tfjs's WebGPU backend (Dawn in Node) agrees with the CPU backend: logits, gradients, KV cache,
// sampling; with learned positions and with rotary ones (whose angle tables are uploaded, never a GPU's sin).
// Tiny config only: on SwiftShader every kernel is slow (software Vulkan).
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeStep, disposeCache, prefill } from '../../src/model/kv-cache';
import { maskedCrossEntropy } from '../../src/model/loss';
import { disposeParams, initParams } from '../../src/model/params';
import { sampleBatch } from '../../src/model/sample';
import { tf } from '../../src/model/tf';
import { forward } from '../../src/model/transformer';
import { useWebGPU } from '../../src/cli/shared/dawn';
import type { ModelConfig } from '../../src/model/model-config';
import { exampleBatch, maxAbsDiff, roughen, TINY, TINY_ROPE } from '../model/fixtures';

const TOL = 1e-4;
const PROMPTS = [
  [1, 40, 41, 3],
  [1, 50, 51, 52, 53, 3],
];

beforeAll(async () => {
  await useWebGPU();
});

/** Logits of a B=2, T=8 batch and the loss gradients wrt every parameter, on `backend`. */
async function forwardAndGrads(backend: string, cfg: ModelConfig) {
  await tf.setBackend(backend);
  const params = initParams(cfg, 51);
  roughen(params, 51, 0.15);
  const { inputs, targets, mask } = exampleBatch([
    ['7+8', '15'],
    ['ab', 'ba'],
  ]); // [2, 8]
  const logits = await forward(params, cfg, inputs).array();
  const names = Object.keys(params);
  const { grads, value } = tf.variableGrads(
    () => maskedCrossEntropy(forward(params, cfg, inputs), targets, mask).loss,
    names.map((n) => params[n]!),
  );
  const g: Record<string, Float32Array> = {};
  for (const n of names) g[n] = (await grads[params[n]!.name]!.data()) as Float32Array;
  const loss = (await value.data())[0]!;
  tf.dispose([value, inputs, targets, mask, ...Object.values(grads)]);
  disposeParams(params);
  return { logits: logits.flat(2), grads: g, loss };
}

/** Prefill plus two decode steps; the three next-token logits [B, V] flattened. */
async function cachedLogits(backend: string, cfg: ModelConfig): Promise<number[]> {
  await tf.setBackend(backend);
  const params = initParams(cfg, 52);
  roughen(params, 52);
  const { cache: c0, lastLogits } = prefill(params, cfg, PROMPTS);
  const out = [...(await lastLogits.data())];
  lastLogits.dispose();
  let cache = c0;
  for (const ids of [
    [20, 21],
    [22, 23],
  ]) {
    const tokens = tf.tensor1d(ids, 'int32');
    const next = decodeStep(params, cfg, cache, tokens);
    disposeCache(cache);
    tokens.dispose();
    cache = next.cache;
    out.push(...(await next.logits.data()));
    next.logits.dispose();
  }
  disposeCache(cache);
  disposeParams(params);
  return out;
}

describe.each([
  { positions: 'learned', cfg: TINY },
  { positions: 'rope', cfg: TINY_ROPE },
])('WebGPU backend vs CPU backend, $positions positions', ({ cfg }) => {
  it('forward logits and all parameter gradients agree to 1e-4', async () => {
    const cpu = await forwardAndGrads('cpu', cfg);
    const gpu = await forwardAndGrads('webgpu', cfg);
    expect(tf.getBackend()).toBe('webgpu');
    expect(maxAbsDiff(gpu.logits, cpu.logits)).toBeLessThan(TOL);
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThan(TOL);
    expect(Object.keys(gpu.grads)).toEqual(Object.keys(cpu.grads));
    for (const name of Object.keys(cpu.grads)) {
      expect(maxAbsDiff(gpu.grads[name]!, cpu.grads[name]!), name).toBeLessThan(TOL);
    }
  });

  it('KV-cache decoding agrees to 1e-4', async () => {
    const cpu = await cachedLogits('cpu', cfg);
    const gpu = await cachedLogits('webgpu', cfg);
    expect(gpu).toHaveLength(3 * 2 * cfg.vocabSize);
    expect(maxAbsDiff(gpu, cpu)).toBeLessThan(TOL);
  });

  it('sampling gives the same ids and leaks no tensors', async () => {
    const opts = { maxNewTokens: 3, temperature: 1, topK: 5, seed: 4 };
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const params = initParams(cfg, 53);
      roughen(params, 53);
      const before = tf.memory().numTensors;
      const out = await sampleBatch(params, cfg, PROMPTS, opts);
      expect(tf.memory().numTensors).toBe(before);
      disposeParams(params);
      return out;
    };
    expect(await run('webgpu')).toEqual(await run('cpu'));
  });
});
