// GRPO's importance ratio assumes the policy it trains is the one that sampled: the log-probs the training
// forward gives the sampled completion tokens (right-padded batch, logits / T) must equal those under which
// the sampler drew them (left-padded prompts, KV cache, logits / T). Naive path, CPU backend; the fused
// WebGPU path is test/webgpu/logp-parity.test.ts. Both sides' code is in ./logp-parity.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../../src/model/model-config';
import { disposeParams, initParams, type Params } from '../../../src/model/params';
import { tf } from '../../../src/model/tf';
import { roughen, TINY } from '../../model/fixtures';
import { eosBias, logpParity } from './logp-parity';

// Context 32: the longest prompt (10 tokens) plus 10 completion tokens and EOS.
const CFG: ModelConfig = { ...TINY, context: 32 };
const ROPE_CFG: ModelConfig = { ...CFG, position: 'rope' };
// CPU float32: the two sides may differ only in rounding (one-token cache steps vs one full forward, padded
// shapes; measured: bit-identical here, as pad and future keys add exact zeros). kv-cache.test.ts holds such
// logits to 1e-5; / T = 0.7 and the log-softmax keep that under 1e-4, while a missing 1 / T or a leaking pad
// key moves log-probs by 0.5 or more.
const TOL = 1e-4;

let params: Params;
let ropeParams: Params;
beforeAll(async () => {
  await tf.setBackend('cpu');
  params = initParams(CFG, 71);
  roughen(params, 71); // peaked, position-dependent logits: a wrong position, pad or temperature shows
  ropeParams = initParams(ROPE_CFG, 72);
  roughen(ropeParams, 72);
  for (const p of [params, ropeParams]) eosBias(p, 3); // with seed 4, some rows finish (EOS in the mask), some run out
});
afterAll(() => {
  disposeParams(params);
  disposeParams(ropeParams);
});

describe('sampler vs training-forward log-probs (naive, CPU)', () => {
  it.each([
    { positions: 'learned', T: 0.7, cfg: CFG, which: () => params },
    { positions: 'learned', T: 1, cfg: CFG, which: () => params },
    { positions: 'rotary', T: 0.7, cfg: ROPE_CFG, which: () => ropeParams },
    { positions: 'rotary', T: 1, cfg: ROPE_CFG, which: () => ropeParams },
  ])(
    'agree on every completion token of left-padded prompts ($positions positions, T = $T)',
    async ({ T, cfg, which }) => {
      const before = tf.memory().numTensors;
      const p = await logpParity(which(), cfg, T, 4);
      expect(tf.memory().numTensors).toBe(before);
      console.log(
        `naive cpu ${cfg.position ?? 'learned'} T=${T}: max diff ${p.maxDiff.toExponential(2)} over ${p.tokens} tokens (${p.finished} finished, ${p.truncated} truncated); unscaled ${p.unscaledDiff.toExponential(2)}`,
      );
      expect(p.mismatches).toBe(0); // the replay made the sampler's draws
      expect(p.maxDiff).toBeLessThan(TOL);
      expect(p.tokens).toBeGreaterThan(20);
      expect(Math.min(p.finished, p.truncated)).toBeGreaterThan(0); // both kinds of row are compared
      if (T !== 1) {
        expect(p.unscaledDiff).toBeGreaterThan(100 * TOL); // a training forward without 1 / T fails
        expect(p.mismatchesAtT1).toBeGreaterThan(0); // a sampler without 1 / T fails the draw check
      }
    },
  );
});
