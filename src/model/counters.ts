// Counts GPU kernel dispatches and GPU-to-CPU reads by wrapping the active backend's methods.
// For the benchmark and tests only: it measures, it changes no result.
import { tf } from './tf';
import { rawDispatchCount } from './kernels/raw';

export interface Counts {
  /** Compute dispatches (WebGPU) or shader program runs (WebGL). */
  dispatches: number;
  /** Asynchronous GPU-to-CPU buffer reads. */
  reads: number;
  /** Synchronous reads (dataSync/arraySync): each stalls the pipeline. */
  syncReads: number;
}

type Method = (...args: unknown[]) => unknown;

/** Method names per backend: [dispatch, async read, sync read]. CPU and WASM have no GPU to count. */
const HOOKS: Record<string, [string, string, string]> = {
  webgpu: ['recordAndSubmit', 'getBufferData', 'readSync'],
  webgl: ['runWebGLProgram', 'read', 'readSync'],
};

export interface Counter {
  /** Counts since the counter was made (or last reset). */
  read(): Counts;
  reset(): void;
  /** Put the backend's methods back. */
  restore(): void;
}

/** Wrap the current backend; returns null on a backend without GPU dispatches (wasm, cpu). */
export function countBackend(): Counter | null {
  const names = HOOKS[tf.getBackend()];
  if (!names) return null;
  const backend = tf.backend() as unknown as Record<string, Method>;
  const counts: Counts = { dispatches: 0, reads: 0, syncReads: 0 };
  const keys: (keyof Counts)[] = ['dispatches', 'reads', 'syncReads'];
  const originals = names.map((name) => backend[name]!);
  names.forEach((name, i) => {
    const original = originals[i]!;
    backend[name] = function (this: unknown, ...args: unknown[]) {
      counts[keys[i]!] += 1;
      return original.apply(this, args);
    };
  });
  // the fused kernels dispatch through kernels/raw.ts, not tfjs's recordAndSubmit: add theirs
  let rawAtReset = rawDispatchCount();
  return {
    read: () => ({ ...counts, dispatches: counts.dispatches + rawDispatchCount() - rawAtReset }),
    reset: () => {
      keys.forEach((k) => (counts[k] = 0));
      rawAtReset = rawDispatchCount();
    },
    restore: () => names.forEach((name, i) => (backend[name] = originals[i]!)),
  };
}
