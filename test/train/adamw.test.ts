import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/tf';
import { adamwUpdate, createAdamW, disposeAdamW } from '../../src/train/adamw';

/** A plain-JS AdamW (Loshchilov & Hutter 2019, Algorithm 2, decoupled decay scaled by lr as in PyTorch). */
function referenceAdamW(
  p: number[],
  grads: number[][],
  cfg: { lr: number; b1: number; b2: number; wd: number; clip: number },
  decay: boolean,
) {
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  let x = p.slice();
  grads.forEach((g0, i) => {
    const t = i + 1;
    const norm = Math.sqrt(g0.reduce((a, b) => a + b * b, 0));
    const scale = Math.min(1, cfg.clip / (norm + 1e-6));
    const g = g0.map((gi) => gi * scale);
    x = x.map((xi, j) => {
      m[j] = cfg.b1 * m[j]! + (1 - cfg.b1) * g[j]!;
      v[j] = cfg.b2 * v[j]! + (1 - cfg.b2) * g[j]! ** 2;
      const upd = m[j]! / (1 - cfg.b1 ** t) / (Math.sqrt(v[j]! / (1 - cfg.b2 ** t)) + 1e-8);
      return xi - cfg.lr * (upd + (decay ? cfg.wd * xi : 0));
    });
  });
  return x;
}

describe('adamwUpdate', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const cfg = { lr: 0.1, b1: 0.9, b2: 0.99, wd: 0.5, clip: 1.0 };
  const grads = [
    [3, -4, 0, 1], // norm > 1: clipped
    [0.1, 0.2, -0.1, 0.05], // norm < 1: untouched
    [-2, 0.5, 0.5, 0.25],
  ];

  it('matches a plain-JS AdamW with clipping and decoupled decay on a matrix', () => {
    const start = [1, -0.5, 0.25, 2];
    const params = { w: tf.variable(tf.tensor2d(start, [2, 2])) };
    const opt = createAdamW(params);
    for (const g of grads) {
      const norm = adamwUpdate(
        params,
        { w: tf.tensor2d(g, [2, 2]) },
        opt,
        { beta1: cfg.b1, beta2: cfg.b2, weightDecay: cfg.wd, gradClip: cfg.clip },
        cfg.lr,
      );
      expect(norm.dataSync()[0]).toBeCloseTo(Math.sqrt(g.reduce((a, b) => a + b * b, 0)), 5);
      norm.dispose();
    }
    const want = referenceAdamW(start, grads, cfg, true);
    Array.from(params.w.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 5));
    disposeAdamW(opt);
  });

  it('does not decay vectors (biases, LayerNorm gains)', () => {
    const start = [1, -0.5, 0.25, 2];
    const params = { b: tf.variable(tf.tensor1d(start)) };
    const opt = createAdamW(params);
    for (const g of grads)
      adamwUpdate(
        params,
        { b: tf.tensor1d(g) },
        opt,
        { beta1: cfg.b1, beta2: cfg.b2, weightDecay: cfg.wd, gradClip: cfg.clip },
        cfg.lr,
      ).dispose();
    const want = referenceAdamW(start, grads, cfg, false);
    Array.from(params.b.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 5));
  });

  it('leaves the tensor count flat after the first step', () => {
    const params = { w: tf.variable(tf.ones([3, 3])) };
    const opt = createAdamW(params);
    const g = tf.ones([3, 3]);
    const c = { beta1: 0.9, beta2: 0.99, weightDecay: 0.1, gradClip: 1 };
    adamwUpdate(params, { w: g }, opt, c, 0.01).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) adamwUpdate(params, { w: g }, opt, c, 0.01).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
