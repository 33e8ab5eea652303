// The backend badge rendered to HTML (svelte/server): a software GPU is said in words, whether it was
// forced (it runs, slowly) or skipped by 'auto' (WASM runs); a hardware GPU gets no note.
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import BackendBadge from '../../src/ui/shell/BackendBadge.svelte';
import type { BackendReport } from '../../src/store/types';

const note = (backend: BackendReport) =>
  /data-testid="backend-software"[^>]*>([^<]*)</.exec(
    render(BackendBadge, { props: { lab: { backend, backendError: null } } }).body,
  )?.[1] ?? null;

describe('BackendBadge', () => {
  it('says a forced software GPU is slower than WASM, and why auto skipped one', () => {
    expect(note({ name: 'webgpu', adapter: 'google / swiftshader', features: [], skipped: [], software: true })).toBe(
      'software GPU: slower than WASM here',
    );
    const skipped = [{ name: 'webgpu', reason: 'software GPU (google / swiftshader): slower than WASM here' }];
    expect(note({ name: 'wasm', adapter: 'WebAssembly', features: ['SIMD'], skipped })).toBe(
      'the GPU is a software one (slower than WASM here), so WASM runs',
    );
    expect(note({ name: 'webgpu', adapter: 'nvidia / ampere', features: [], skipped: [] })).toBeNull();
  });
});
