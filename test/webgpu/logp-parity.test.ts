// The sampler's log-probs equal the training forward's on the fused WebGPU path (Dawn, SwiftShader): fused
// prefill, in-place KV cache and sampling kernel on one side, the fused training forward on the other.
// The naive CPU path and the reasons for this check are in test/train/grpo/logp-parity.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWebGPU } from '../../src/cli/shared/dawn';
import type { ModelConfig } from '../../src/model/model-config';
import { setKernelMode, useFused } from '../../src/model/kernels/mode';
import { disposeParams, initParams, type Params } from '../../src/model/params';
import { tf } from '../../src/model/tf';
import { roughen, TINY } from '../model/fixtures';
import { eosBias, logpParity } from '../train/grpo/logp-parity';

const CFG: ModelConfig = { ...TINY, context: 32 };
const ROPE_CFG: ModelConfig = { ...CFG, position: 'rope' };
// Measured under 2e-6 on SwiftShader: the fused kernels sum in another order than the training forward's
// (one-token decode steps vs the full sequence). 1e-4 leaves room for a real GPU's reduction orders and
// FMAs; a missing 1 / T or a leaking pad key moves log-probs by 0.5 or more.
const TOL = 1e-4;

let params: Params;
let ropeParams: Params;
beforeAll(async () => {
  await useWebGPU();
  params = initParams(CFG, 71);
  roughen(params, 71);
  ropeParams = initParams(ROPE_CFG, 72);
  roughen(ropeParams, 72);
  for (const p of [params, ropeParams]) eosBias(p, 3);
  setKernelMode('fused'); // sampling and the training forward both on the fused kernels, as a fused run
});
afterAll(() => {
  setKernelMode('naive');
  disposeParams(params);
  disposeParams(ropeParams);
});

const numDataIds = () => tf.engine().backend.numDataIds();

describe('sampler vs training-forward log-probs (fused, WebGPU)', () => {
  it.each([
    { positions: 'learned', T: 0.7, cfg: CFG, which: () => params },
    { positions: 'learned', T: 1, cfg: CFG, which: () => params },
    { positions: 'rotary', T: 0.7, cfg: ROPE_CFG, which: () => ropeParams },
    { positions: 'rotary', T: 1, cfg: ROPE_CFG, which: () => ropeParams },
  ])(
    'agree on every completion token of left-padded prompts ($positions positions, T = $T)',
    async ({ T, cfg, which }) => {
      expect(useFused()).toBe(true); // not the naive fallback
      const [tensors, ids] = [tf.memory().numTensors, numDataIds()];
      const p = await logpParity(which(), cfg, T, 4);
      expect([tf.memory().numTensors, numDataIds()]).toEqual([tensors, ids]);
      console.log(
        `fused webgpu ${cfg.position ?? 'learned'} T=${T}: max diff ${p.maxDiff.toExponential(2)} over ${p.tokens} tokens (${p.finished} finished, ${p.truncated} truncated); unscaled ${p.unscaledDiff.toExponential(2)}`,
      );
      expect(p.mismatches).toBe(0);
      expect(p.maxDiff).toBeLessThan(TOL);
      expect(p.tokens).toBeGreaterThan(20);
      expect(Math.min(p.finished, p.truncated)).toBeGreaterThan(0);
      if (T !== 1) {
        expect(p.unscaledDiff).toBeGreaterThan(100 * TOL);
        expect(p.mismatchesAtT1).toBeGreaterThan(0);
      }
    },
  );
});
