// Which implementation the model's hot paths use: 'fused' (our WGSL kernels, on WebGPU only) or 'naive'
// (plain tfjs ops, the baseline). A run sets it from its config; the bench flips it to compare both in one
// process. On WebGL, WASM and CPU the fused path falls back to the naive one: there are no kernels there.
import type { KernelChoice } from '../../experiment/run-config';
import { onWebGpu } from './raw';

/** The run config's `kernels` choice. */
export type KernelMode = KernelChoice;

let mode: KernelMode = 'naive';

export function setKernelMode(m: KernelMode): void {
  mode = m;
}

export const kernelMode = (): KernelMode => mode;

/** True when the fused kernels run now: fused mode on the WebGPU backend. */
export const useFused = (): boolean => mode === 'fused' && onWebGpu();

/** Run `f` with the mode set to `m`, restoring the previous mode after (tests, bench). */
export function withKernelMode<T>(m: KernelMode, f: () => T): T {
  const before = mode;
  mode = m;
  try {
    return f();
  } finally {
    mode = before;
  }
}
