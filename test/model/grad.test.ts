// Analytic gradients (tfjs autodiff through our forward + loss) vs central finite differences.
// Method: g_fd = (L(w + eps) - L(w - eps)) / (2 eps), truncation error O(eps^2). In float32 the loss
// (~4) carries rounding ~5e-7, i.e. ~2.5e-5 of noise in g_fd at eps = 1e-2, so each parameter is checked
// at its largest-gradient entries (well conditioned) and one fixed entry, with |g - g_fd| <= 2e-2 |g| + 1e-4.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/model/model-config';
import { maskedCrossEntropy } from '../../src/model/loss';
import { disposeParams, initParams, type Params } from '../../src/model/params';
import { tf } from '../../src/model/tf';
import { forward } from '../../src/model/transformer';
import { exampleBatch, roughen, TINY, TINY_ROPE } from './fixtures';

const EPS = 1e-2;
const NAMES = ['wte', 'wpe', 'h0.attn.wqkv', 'h1.ln1.g', 'h0.mlp.w2', 'h1.attn.bqkv', 'lnf.b'];

let cfg: ModelConfig = TINY;
let params: Params;
let batch: ReturnType<typeof exampleBatch>;
beforeAll(async () => {
  await tf.setBackend('cpu');
  batch = exampleBatch([
    ['7+8', '15'],
    ['ab', 'ba'],
  ]);
});
afterAll(() => tf.dispose(Object.values(batch)));

/** A roughened model of `c`, away from the near-uniform init, so every parameter has a real gradient. */
function useModel(c: ModelConfig): void {
  cfg = c;
  params = initParams(c, 21);
  roughen(params, 21, 0.15);
}

async function lossValue(): Promise<number> {
  const loss = tf.tidy(() => maskedCrossEntropy(forward(params, cfg, batch.inputs), batch.targets, batch.mask).loss);
  const v = (await loss.data())[0]!;
  loss.dispose();
  return v;
}

async function finiteDifference(name: string, index: number): Promise<number> {
  const v = params[name]!;
  const original = await v.data();
  const at = async (delta: number) => {
    const data = Float32Array.from(original);
    data[index] = original[index]! + delta;
    tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
    return lossValue();
  };
  const [plus, minus] = [await at(EPS), await at(-EPS)];
  tf.tidy(() => v.assign(tf.tensor(original, v.shape)));
  return (plus - minus) / (2 * EPS);
}

describe('gradients of maskedCrossEntropy', () => {
  it.each([
    { positions: 'learned', c: TINY },
    { positions: 'rotary', c: TINY_ROPE },
  ])('match central finite differences ($positions positions)', async ({ c }) => {
    useModel(c);
    const names = NAMES.filter((n) => n in params);
    const vars = names.map((n) => params[n]!);
    const { grads, value } = tf.variableGrads(
      () => maskedCrossEntropy(forward(params, cfg, batch.inputs), batch.targets, batch.mask).loss,
      vars,
    );
    expect(Object.keys(grads)).toHaveLength(names.length);
    for (const [i, name] of names.entries()) {
      const g = await grads[vars[i]!.name]!.data();
      const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]!) - Math.abs(g[a]!));
      for (const index of [order[0]!, order[1]!, 7]) {
        const fd = await finiteDifference(name, index);
        expect(Math.abs(g[index]! - fd), `${name}[${index}]: autodiff ${g[index]} vs fd ${fd}`).toBeLessThanOrEqual(
          2e-2 * Math.abs(g[index]!) + 1e-4,
        );
      }
      expect(Math.abs(g[order[0]!]!), `${name} has a real gradient`).toBeGreaterThan(1e-3);
    }
    tf.dispose([value, ...Object.values(grads)]);
    disposeParams(params);
  });
});
