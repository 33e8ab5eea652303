// Backend choice for the worker (or Node): WebGPU, then WebGL, then WASM, then CPU, with the reason
// each skipped one was skipped; 'auto' skips a software GPU (slower than WASM). Requests run one at a
// time. Knows nothing of the page; the worker passes the WASM file URLs in.
import { tf } from './tf';
import type { BackendChoice } from '../experiment/run-config';
import type { BackendReport } from '../store/types';
import { errorMessage } from '../util/errors';

export type BackendName = BackendReport['name'];
export const BACKEND_ORDER: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendOptions {
  /** URLs of tfjs-backend-wasm's .wasm files, keyed by file name (bundlers rename them). */
  wasmPaths?: Record<string, string>;
}

type Attempt = { ok: true; adapter: string; features: string[]; software?: boolean } | { ok: false; reason: string };

/** GPU drivers that render on the CPU: as a WebGPU adapter or a WebGL renderer they are slower than WASM. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|softpipe|basic render driver/i;

/**
 * Is this WebGPU adapter a software one? Its vendor, architecture, device or description names a CPU
 * renderer, or the browser flags it as a fallback adapter (adapter.info.isFallbackAdapter, or the older
 * adapter.isFallbackAdapter passed as `fallback`).
 */
export function softwareAdapter(info: Partial<GPUAdapterInfo> | undefined, fallback = false): boolean {
  if (fallback || (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true) return true;
  return SOFTWARE_RENDERERS.test([info?.vendor, info?.architecture, info?.device, info?.description].join(' '));
}

const SLOWER = 'slower than WASM here';

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
  tf.registerBackend(
    'webgpu',
    async () => {
      const adapter = await navigator.gpu.requestAdapter({
        powerPreference: tf.env().get('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance',
      });
      if (!adapter) throw new Error('no WebGPU adapter');
      const requiredFeatures = (['timestamp-query', 'bgra8unorm-storage'] as GPUFeatureName[]).filter((f) =>
        adapter.features.has(f),
      );
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
    },
    3,
  );
}

/** The adapter's name as "vendor / architecture / device / description" (the parts it has). */
const adapterName = (info: Partial<GPUAdapterInfo> | undefined) =>
  [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(' / ');

/** WebGPU, unless `auto` and the adapter is a software one (then WASM is the faster choice). */
async function tryWebGpu(auto: boolean): Promise<Attempt> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { ok: false, reason: 'navigator.gpu is missing: this browser has no WebGPU, or it is turned off' };
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) return { ok: false, reason: 'WebGPU is there but offered no GPU adapter (blocklisted GPU or driver)' };
  const name = adapterName(adapter.info);
  const software = softwareAdapter(
    adapter.info,
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
  );
  if (software && auto) return { ok: false, reason: `software GPU (${name || 'fallback adapter'}): ${SLOWER}` };
  await loadWebGpuBackend();
  if (!(await tf.setBackend('webgpu').catch(() => false)))
    return { ok: false, reason: 'tfjs could not create a WebGPU device' };
  return {
    ok: true,
    adapter: name || 'unnamed adapter',
    features: [...adapter.features].filter((f) => f === 'shader-f16' || f === 'timestamp-query'),
    software,
  };
}

/** The WebGL renderer's name (unmasked where the browser allows), or '' when it hides it. */
function webGlRenderer(gl: WebGL2RenderingContext): string {
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
}

/** WebGL 2, unless `auto` and it renders in software (SwiftShader, llvmpipe: slower than WASM). */
async function tryWebGl(auto: boolean): Promise<Attempt> {
  const gl = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1).getContext('webgl2') : null;
  if (!gl)
    return { ok: false, reason: 'no WebGL2 context is available in this worker (OffscreenCanvas WebGL2 missing)' };
  const renderer = webGlRenderer(gl);
  const software = SOFTWARE_RENDERERS.test(renderer);
  if (software && auto) return { ok: false, reason: `software GPU (${renderer}): ${SLOWER}` };
  if (!(await tf.setBackend('webgl').catch(() => false)))
    return { ok: false, reason: 'tfjs could not initialise WebGL' };
  return { ok: true, adapter: renderer ? `WebGL2 (${renderer})` : 'WebGL2', features: [], software };
}

async function tryWasm(opts: BackendOptions): Promise<Attempt> {
  if (typeof WebAssembly === 'undefined') return { ok: false, reason: 'WebAssembly is not available' };
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (opts.wasmPaths) wasm.setWasmPaths(opts.wasmPaths);
  if (!(await tf.setBackend('wasm').catch(() => false)))
    return { ok: false, reason: 'tfjs could not load its WASM module' };
  const features: string[] = [];
  if (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) features.push('SIMD');
  if (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) features.push('threads');
  else
    features.push(
      globalThis.crossOriginIsolated === false ? 'single thread (page not cross-origin isolated)' : 'single thread',
    );
  return { ok: true, adapter: 'WebAssembly', features };
}

async function attempt(name: BackendName, auto: boolean, opts: BackendOptions): Promise<Attempt> {
  try {
    if (name === 'webgpu') return await tryWebGpu(auto);
    if (name === 'webgl') return await tryWebGl(auto);
    if (name === 'wasm') return await tryWasm(opts);
    return (await tf.setBackend('cpu'))
      ? { ok: true, adapter: 'JavaScript', features: [] }
      : { ok: false, reason: 'the CPU backend failed' };
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

/** The request being served: tfjs's engine is one global, and a backend init that another overtakes fails. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Pick and initialise a backend. 'auto' walks BACKEND_ORDER, skipping a software GPU; a forced choice
 * tries only that one and fails with its reason. Returns what runs and why the others were skipped.
 * Requests wait for the one before them, so the last request's backend is the one left in use.
 */
export function chooseBackend(choice: BackendChoice, opts: BackendOptions = {}): Promise<BackendReport> {
  const next = queue.then(() => choose(choice, opts));
  queue = next.catch(() => undefined);
  return next;
}

async function choose(choice: BackendChoice, opts: BackendOptions): Promise<BackendReport> {
  const order = choice === 'auto' ? BACKEND_ORDER : [choice];
  const skipped: BackendReport['skipped'] = [];
  for (const name of order) {
    const result = await attempt(name, choice === 'auto', opts);
    const bad = result.ok ? await smokeTest().catch(errorMessage) : result.reason;
    if (result.ok && bad === null)
      return {
        name,
        adapter: result.adapter,
        features: result.features,
        skipped,
        ...(result.software ? { software: true } : {}),
      };
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
