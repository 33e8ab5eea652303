// Backend choice for the worker (or Node): WebGPU, then WebGL, then WASM, then CPU, with the reason
// each skipped one was skipped. Knows nothing of the page; the worker passes the WASM file URLs in.
import { tf } from './tf';
import type { BackendChoice } from '../experiment/config';
import type { BackendReport } from '../store/types';
import { errorMessage } from '../util/errors';

export type BackendName = BackendReport['name'];
export const BACKEND_ORDER: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendOptions {
  /** URLs of tfjs-backend-wasm's .wasm files, keyed by file name (bundlers rename them). */
  wasmPaths?: Record<string, string>;
}

type Attempt = { ok: true; adapter: string; features: string[] } | { ok: false; reason: string };

type WebGpuModule = typeof import('@tensorflow/tfjs-backend-webgpu');
let factoryInstalled = false;

/**
 * Loads tfjs's WebGPU backend and registers its factory again with one change: the device asks for the
 * adapter's full maxStorageBuffersPerShaderStage (tfjs asks for the default 8), so the fused AdamW binds
 * more parameters per dispatch. Everything else is tfjs 4.22's own factory.
 */
export async function loadWebGpuBackend(): Promise<void> {
  const { WebGPUBackend } = (await import('@tensorflow/tfjs-backend-webgpu')) as WebGpuModule;
  if (factoryInstalled) return;
  factoryInstalled = true;
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', async () => {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: tf.env().get('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance' });
    if (!adapter) throw new Error('no WebGPU adapter');
    const requiredFeatures = (['timestamp-query', 'bgra8unorm-storage'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
    const l = adapter.limits;
    const requiredLimits = {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    };
    const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
    return new WebGPUBackend(device, adapter.info);
  }, 3);
}

async function tryWebGpu(): Promise<Attempt> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { ok: false, reason: 'navigator.gpu is missing: this browser has no WebGPU, or it is turned off' };
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) return { ok: false, reason: 'WebGPU is there but offered no GPU adapter (blocklisted GPU or driver)' };
  await loadWebGpuBackend();
  if (!(await tf.setBackend('webgpu').catch(() => false))) return { ok: false, reason: 'tfjs could not create a WebGPU device' };
  const info = adapter.info;
  const adapterText = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(' / ');
  return { ok: true, adapter: adapterText || 'unnamed adapter', features: [...adapter.features].filter((f) => f === 'shader-f16' || f === 'timestamp-query') };
}

async function tryWebGl(): Promise<Attempt> {
  const canvasOk = typeof OffscreenCanvas !== 'undefined' && new OffscreenCanvas(1, 1).getContext('webgl2') !== null;
  if (!canvasOk) return { ok: false, reason: 'no WebGL2 context is available in this worker (OffscreenCanvas WebGL2 missing)' };
  if (!(await tf.setBackend('webgl').catch(() => false))) return { ok: false, reason: 'tfjs could not initialise WebGL' };
  return { ok: true, adapter: 'WebGL2', features: [] };
}

async function tryWasm(opts: BackendOptions): Promise<Attempt> {
  if (typeof WebAssembly === 'undefined') return { ok: false, reason: 'WebAssembly is not available' };
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (opts.wasmPaths) wasm.setWasmPaths(opts.wasmPaths);
  if (!(await tf.setBackend('wasm').catch(() => false))) return { ok: false, reason: 'tfjs could not load its WASM module' };
  const features: string[] = [];
  if (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) features.push('SIMD');
  if (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) features.push('threads');
  else features.push(globalThis.crossOriginIsolated === false ? 'single thread (page not cross-origin isolated)' : 'single thread');
  return { ok: true, adapter: 'WebAssembly', features };
}

async function attempt(name: BackendName, opts: BackendOptions): Promise<Attempt> {
  try {
    if (name === 'webgpu') return await tryWebGpu();
    if (name === 'webgl') return await tryWebGl();
    if (name === 'wasm') return await tryWasm(opts);
    return (await tf.setBackend('cpu')) ? { ok: true, adapter: 'JavaScript', features: [] } : { ok: false, reason: 'the CPU backend failed' };
  } catch (err) {
    return { ok: false, reason: errorMessage(err) };
  }
}

/** A tiny op with a read-back: proves the backend really computes before a run trusts it. */
async function smokeTest(): Promise<string | null> {
  const y = tf.tidy(() => tf.matMul(tf.ones([4, 4]), tf.ones([4, 4])).sum());
  const v = (await y.data())[0];
  y.dispose();
  return v === 64 ? null : `a 4x4 test product gave ${v}, not 64`;
}

/**
 * Pick and initialise a backend. 'auto' walks BACKEND_ORDER; a forced choice tries only that one
 * and fails with its reason. Returns what runs and why the others were skipped.
 */
export async function chooseBackend(choice: BackendChoice, opts: BackendOptions = {}): Promise<BackendReport> {
  const order = choice === 'auto' ? BACKEND_ORDER : [choice];
  const skipped: BackendReport['skipped'] = [];
  for (const name of order) {
    const result = await attempt(name, opts);
    const bad = result.ok ? await smokeTest().catch(errorMessage) : result.reason;
    if (result.ok && bad === null) return { name, adapter: result.adapter, features: result.features, skipped };
    skipped.push({ name, reason: bad || 'it failed a 4x4 test computation' });
  }
  const why = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new Error(`no usable backend (${why})`);
}

/**
 * Forget a backend whose device is gone (WebGPU device lost), keeping its factory, so the next
 * chooseBackend builds a fresh device instead of reusing the dead one tfjs has cached.
 */
export function resetBackend(name: BackendName): void {
  const factory = tf.findBackendFactory(name);
  if (!factory) return;
  tf.removeBackend(name);
  tf.registerBackend(name, factory, name === 'webgpu' ? 3 : 1);
}
