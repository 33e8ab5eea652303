// Rotary positions on WebGPU (Dawn, SwiftShader): the fused model (token-only embedding kernel, rotated
// packed projections, the fused attention) against the naive path, logits and every parameter's
// gradient; fused decoding against the naive KV cache and a full forward. WebGPU against the CPU backend
// with rotary positions is in model.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWebGPU } from '../../src/cli/dawn';
import type { ModelConfig } from '../../src/model/config';
import { disposeFusedCache, fusedDecodeStep, toFusedCache } from '../../src/model/kernels/decode';
import { withKernelMode, type KernelMode } from '../../src/model/kernels/mode';
import { decodeStep, disposeCache, prefill } from '../../src/model/kv-cache';
import { maskedCrossEntropy } from '../../src/model/loss';
import { disposeParams, initParams, type Params } from '../../src/model/params';
import { tf } from '../../src/model/tf';
import { forward } from '../../src/model/transformer';
import { makeBatch } from '../../src/train/batch';
import { roughen } from '../model/fixtures';
import { expectClose } from './kernel-helpers';

const CFG: ModelConfig = { layers: 2, dModel: 32, heads: 2, context: 24, vocabSize: 100, position: 'rope' };
const PAIRS = [
  { prompt: '7+8', completion: '15' },
  { prompt: 'abc', completion: 'cba' },
  { prompt: '12+30', completion: '42' },
];

let params: Params;
beforeAll(async () => {
  await useWebGPU();
  params = initParams(CFG, 71);
  roughen(params, 71); // a fresh init is near-uniform: a wrong position would hide under the tolerance
});
afterAll(() => disposeParams(params));

describe('rotary positions on WebGPU', () => {
  it('the fused model gives the naive logits, with and without key mask and positions', async () => {
    const [B, T] = [3, 9];
    const tokens = tf.tensor2d(Array.from({ length: B * T }, (_, i) => (i * 7) % 97), [B, T], 'int32');
    const keyMask = tf.tensor2d(Array.from({ length: B * T }, (_, i) => (i % T < (i < T ? 3 : 0) ? 0 : 1)), [B, T]); // row 0 left-padded by 3
    const positions = tf.tensor2d(Array.from({ length: B * T }, (_, i) => Math.max(0, (i % T) - (i < T ? 3 : 0))), [B, T], 'int32');
    for (const opts of [{}, { keyMask, positions }]) {
      const fused = withKernelMode('fused', () => forward(params, CFG, tokens, opts));
      const naive = withKernelMode('naive', () => forward(params, CFG, tokens, opts));
      await expectClose(fused, naive, 1e-4, `logits ${Object.keys(opts).join('+') || 'plain'}`);
      tf.dispose([fused, naive]);
    }
    tf.dispose([tokens, keyMask, positions]);
  });

  it('the fused model gives the naive gradient for every parameter (wte through the token-only embedding kernel)', async () => {
    const batch = makeBatch(PAIRS, CFG.context);
    const inputs = tf.tensor2d(batch.inputs, [batch.B, batch.L], 'int32');
    const targets = tf.tensor2d(batch.targets, [batch.B, batch.L], 'int32');
    const mask = tf.tensor2d(batch.mask, [batch.B, batch.L]);
    const grads = (mode: KernelMode) =>
      withKernelMode(mode, () => tf.variableGrads(() => maskedCrossEntropy(forward(params, CFG, inputs), targets, mask).loss, Object.values(params)));
    const fused = grads('fused');
    const naive = grads('naive');
    await expectClose(fused.value, naive.value, 1e-4, 'loss');
    expect(Object.keys(params)).not.toContain('wpe');
    for (const [name, p] of Object.entries(params)) await expectClose(fused.grads[p.name]!, naive.grads[p.name]!, 1e-4, `d ${name}`);
    tf.dispose([fused.value, naive.value, ...Object.values(fused.grads), ...Object.values(naive.grads), inputs, targets, mask]);
  });

  it('fused decoding rotates each new query and key at its own position: naive decode and full forward agree', async () => {
    const prompts = [[1, 40, 41, 3], [1, 50, 51, 52, 53, 54, 3], [1, 3]]; // left-padded to 7
    const fed = [[20, 21, 22], [30, 31, 32], [60, 61, 62]];
    const V = CFG.vocabSize;
    const { cache: naive0, lastLogits } = prefill(params, CFG, prompts);
    const fusedCache = toFusedCache(CFG, naive0, naive0.length + 3);
    let naive = naive0;
    const steps: tf.Tensor2D[] = [lastLogits];
    for (let s = 0; s < 3; s++) {
      const tokens = tf.tensor1d(fed.map((f) => f[s]!), 'int32');
      const logits = withKernelMode('fused', () => fusedDecodeStep(params, CFG, fusedCache, tokens));
      const next = decodeStep(params, CFG, naive, tokens);
      await expectClose(logits, next.logits, 1e-4, `step ${s}: fused vs naive decode`);
      disposeCache(naive);
      naive = next.cache;
      steps.push(logits);
      tf.dispose([tokens, next.logits]);
    }
    disposeCache(naive);
    disposeFusedCache(fusedCache);
    for (const [b, prompt] of prompts.entries()) {
      const seq = [...prompt, ...fed[b]!];
      const full = withKernelMode('naive', () => forward(params, CFG, tf.tensor2d([seq], [1, seq.length], 'int32')));
      for (let s = 0; s <= 3; s++) {
        const t = prompt.length - 1 + s;
        const want = full.slice([0, t, 0], [1, 1, V]).reshape([1, V]);
        const got = steps[s]!.slice([b, 0], [1, V]);
        await expectClose(got, want, 1e-4, `sequence ${b}, step ${s}: fused decode vs full forward`);
        tf.dispose([want, got]);
      }
      full.dispose();
    }
    tf.dispose(steps);
  });
});
