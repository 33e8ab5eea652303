// Backend choice in Node: overlapping requests (the page's startup 'auto' and a forced WASM right after
// it, or Start while the badge's request still loads) all succeed and leave the last one's backend in
// use; a software WebGPU adapter (mocked) is named as such and skipped by 'auto'.
import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/tf';
import { chooseBackend, softwareAdapter } from '../../src/model/backend';

const realNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');

/** A navigator whose WebGPU offers this adapter (requestDevice fails: only the choice is under test). */
function mockGpu(info: Partial<GPUAdapterInfo>, isFallbackAdapter = false): void {
  const adapter = {
    info,
    isFallbackAdapter,
    features: new Set<string>(),
    limits: {},
    requestDevice: () => Promise.reject(new Error('no device in Node')),
  };
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu: { requestAdapter: async () => adapter } },
    configurable: true,
  });
}

afterEach(() => {
  if (realNavigator) Object.defineProperty(globalThis, 'navigator', realNavigator);
  else delete (globalThis as { navigator?: unknown }).navigator;
});

describe('chooseBackend', () => {
  it('serves overlapping requests one after another: each succeeds and the last one stays in use', async () => {
    // tfjs drops an async backend init that another init overtook ("tfjs could not load its WASM module").
    const results = await Promise.allSettled([chooseBackend('wasm'), chooseBackend('auto'), chooseBackend('wasm')]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.name : r.reason))).toEqual(['wasm', 'wasm', 'wasm']);
    expect(tf.getBackend()).toBe('wasm');
    const [cpu, wasm] = await Promise.all([chooseBackend('cpu'), chooseBackend('wasm')]);
    expect([cpu.name, wasm.name, tf.getBackend()]).toEqual(['cpu', 'wasm', 'wasm']);
  });

  it("skips a software WebGPU adapter on 'auto', saying why, and picks WASM", async () => {
    mockGpu({ vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader Device (Subzero)' });
    const report = await chooseBackend('auto');
    expect(report.name).toBe('wasm');
    expect(report.skipped[0]).toEqual({
      name: 'webgpu',
      reason: 'software GPU (google / swiftshader / SwiftShader Device (Subzero)): slower than WASM here',
    });
  });
});

describe('softwareAdapter', () => {
  it('names the software renderers by vendor, architecture or description, and the fallback flag', () => {
    expect(softwareAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' })).toBe(true);
    expect(
      softwareAdapter({
        vendor: 'mesa',
        architecture: '',
        device: '',
        description: 'llvmpipe (LLVM 15.0.6, 256 bits)',
      }),
    ).toBe(true);
    expect(softwareAdapter({ vendor: 'mesa', architecture: '', device: '', description: 'lavapipe' })).toBe(true);
    expect(
      softwareAdapter({
        vendor: 'microsoft',
        architecture: '',
        device: '',
        description: 'Microsoft Basic Render Driver',
      }),
    ).toBe(true);
    expect(
      softwareAdapter({ vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA GeForce RTX 3060' }),
    ).toBe(false);
    expect(softwareAdapter({ vendor: 'apple', architecture: 'metal-3', device: '', description: '' })).toBe(false);
    expect(softwareAdapter({ vendor: '', architecture: '', device: '', description: '' }, true)).toBe(true);
    expect(
      softwareAdapter({
        vendor: '',
        architecture: '',
        device: '',
        description: '',
        isFallbackAdapter: true,
      } as GPUAdapterInfo),
    ).toBe(true);
  });
});
