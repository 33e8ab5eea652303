// Shared by the fused-kernel tests: seeded inputs and an elementwise closeness check with a useful message.
import { expect } from 'vitest';
import { tf } from '../../src/model/tf';
import { withKernelMode } from '../../src/model/kernels/mode';
import { rawDispatchCount } from '../../src/model/kernels/raw';

/** Seeded standard-normal tensor. */
export const randn = (shape: number[], seed: number): tf.Tensor => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** |a - b| <= tol * max(1, |b|) everywhere, and the same shape; names the worst element on failure. */
export async function expectClose(a: tf.Tensor, b: tf.Tensor, tol: number, what: string): Promise<void> {
  expect(a.shape, `${what}: shape`).toEqual(b.shape);
  const [x, y] = [await a.data(), await b.data()];
  let worst = 0;
  let at = -1;
  for (let i = 0; i < y.length; i++) {
    const err = Math.abs(x[i]! - y[i]!) / Math.max(1, Math.abs(y[i]!));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what}: worst relative error at ${at} (${x[at]} vs ${y[at]})`).toBeLessThanOrEqual(tol);
}

/** Run f in a mode inside tidy; also returns how many raw dispatches it issued. */
export function counted(mode: 'fused' | 'naive', f: () => tf.Tensor[]): { out: tf.Tensor[]; dispatches: number } {
  const before = rawDispatchCount();
  const out = withKernelMode(mode, () => tf.tidy(f));
  return { out, dispatches: rawDispatchCount() - before };
}
