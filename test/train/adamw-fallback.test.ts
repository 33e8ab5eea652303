// Fused mode off WebGPU: there are no kernels, so adamwUpdate runs the naive ops and gives the very same
// numbers, and the state stays plain per-parameter variables.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/tf';
import { useFused, withKernelMode } from '../../src/model/kernels/mode';
import { adamwUpdate, createAdamW, disposeAdamW } from '../../src/train/adamw';

describe('adamwUpdate in fused mode on the CPU', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('equals the naive update exactly', () => {
    const make = () => ({
      w: tf.variable(tf.tensor2d([1, -0.5, 0.25, 2], [2, 2])),
      b: tf.variable(tf.tensor1d([0.5, -1])),
    });
    const cfg = { beta1: 0.9, beta2: 0.99, weightDecay: 0.1, gradClip: 1 };
    const grads = [
      { w: tf.tensor2d([3, -4, 0, 1], [2, 2]), b: tf.tensor1d([1, 2]) },
      { w: tf.tensor2d([0.1, 0.2, -0.1, 0.05], [2, 2]), b: tf.tensor1d([-0.1, 0]) },
    ];
    const run = (mode: 'fused' | 'naive') => {
      const params = make();
      const opt = createAdamW(params);
      const norms = withKernelMode(mode, () => {
        expect(useFused()).toBe(false);
        return grads.map((g) => adamwUpdate(params, g, opt, cfg, 0.1).dataSync()[0]);
      });
      const out = {
        norms,
        w: params.w.dataSync(),
        b: params.b.dataSync(),
        mw: opt.m.w!.dataSync(),
        vb: opt.v.b!.dataSync(),
        t: opt.t,
      };
      disposeAdamW(opt);
      return out;
    };
    expect(run('fused')).toEqual(run('naive'));
  });
});
