// Our own WGSL compute passes on tfjs's WebGPU backend, for the fused kernels. tfjs's program API binds
// one output and read-only inputs; fused kernels need several outputs and in-place updates (AdamW, the KV
// cache), so this encodes dispatches into the backend's own command encoder, in its order, with our bind
// groups. It touches backend internals of @tensorflow/tfjs-backend-webgpu 4.22 (pinned in package.json):
// tensorMap, uploadToGPU, commandQueueOwnedIds, the shared compute pass and its deferred-submit counter.
import { tf } from '../tf';

/** The parts of tfjs's WebGPUBackend this file uses. */
interface WebGpuBackendInternals {
  device: GPUDevice;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  tensorMap: { get(dataId: object): { resource?: GPUBuffer | unknown; values?: unknown } | undefined };
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  makeUniforms(u: { type: 'float32' | 'int32' | 'uint32'; data: number[] }[]): GPUBufferBinding;
}

/** A scalar uniform: its WGSL field is `name: f32|i32|u32` in the order given. */
export type Uniform = { name: string; type: 'f32' | 'i32' | 'u32'; value: number };

/** One storage binding: a tensor, and whether the kernel writes it. */
export type Binding = { name: string; tensor: tf.TensorInfo; write?: boolean; type?: 'f32' | 'i32' };

export interface RawDispatch {
  /** Cache key of the pipeline: every distinct WGSL source needs its own key. */
  key: string;
  /** The kernel body: `@compute @workgroup_size(...) fn main(...)` and helpers. Bindings are declared for it. */
  code: string;
  bindings: Binding[];
  uniforms?: Uniform[];
  /** Workgroup counts. */
  workgroups: [number, number?, number?];
}

let rawDispatches = 0;
/** Dispatches issued through this file since start (the counters add them to tfjs's own). */
export const rawDispatchCount = (): number => rawDispatches;

const pipelines = new WeakMap<GPUDevice, Map<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }>>();

export function webgpuBackend(): WebGpuBackendInternals {
  if (tf.getBackend() !== 'webgpu')
    throw new Error(`fused kernels need the webgpu backend; the active one is ${tf.getBackend()}`);
  return tf.backend() as unknown as WebGpuBackendInternals;
}

/** True when the fused WGSL kernels can run: the active backend is tfjs's WebGPU. */
export const onWebGpu = (): boolean => tf.getBackend() === 'webgpu';

/** Storage buffers one kernel may bind on this device (WebGPU guarantees 8). */
export function maxStorageBuffers(): number {
  return webgpuBackend().device.limits.maxStorageBuffersPerShaderStage;
}

/** The WGSL declarations for a dispatch's bindings (binding i = bindings[i], then the uniforms). */
function declarations(d: RawDispatch): string {
  const lines = d.bindings.map(
    (b, i) =>
      `@group(0) @binding(${i}) var<storage, ${b.write ? 'read_write' : 'read'}> ${b.name}: array<${b.type ?? (b.tensor.dtype === 'int32' ? 'i32' : 'f32')}>;`,
  );
  if (d.uniforms?.length) {
    lines.push(`struct Uniforms { ${d.uniforms.map((u) => `${u.name}: ${u.type},`).join(' ')} };`);
    lines.push(`@group(0) @binding(${d.bindings.length}) var<uniform> u: Uniforms;`);
  }
  return lines.join('\n');
}

/**
 * An explicit bind-group layout from the bindings. Not layout 'auto': that one leaves out a binding the
 * shader never reads, and the bind group then fails validation silently (the whole submit is dropped).
 */
function layoutFor(device: GPUDevice, d: RawDispatch): GPUBindGroupLayout {
  const entries: GPUBindGroupLayoutEntry[] = d.bindings.map((b, i) => ({
    binding: i,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type: b.write ? 'storage' : 'read-only-storage' },
  }));
  if (d.uniforms?.length)
    entries.push({ binding: d.bindings.length, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
  return device.createBindGroupLayout({ entries });
}

type Pipeline = { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout };

function pipelineFor(backend: WebGpuBackendInternals, d: RawDispatch): Pipeline {
  let cache = pipelines.get(backend.device);
  if (!cache) pipelines.set(backend.device, (cache = new Map()));
  let p = cache.get(d.key);
  if (!p) {
    const device = backend.device;
    // A WGSL or validation error does not throw here: WebGPU reports it later, and the dispatches would
    // silently do nothing. Catch it in an error scope and fail the kernel's next use with its message.
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code: `${declarations(d)}\n${d.code}` });
    const layout = layoutFor(device, d);
    const pipeline = device.createComputePipeline({
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    const key = d.key;
    void device.popErrorScope().then((err) => {
      if (err) broken.set(key, err.message);
    });
    p = { pipeline, layout };
    cache.set(d.key, p);
  }
  return p;
}

/** A new float32 (or int32) tensor whose GPU buffer a kernel fills; its contents start undefined. */
export function outputTensor(shape: number[], dtype: 'float32' | 'int32' = 'float32'): tf.TensorInfo {
  const backend = webgpuBackend();
  const info = backend.makeTensorInfo(shape, dtype);
  backend.uploadToGPU(info.dataId);
  return info;
}

/** Kernels whose pipeline failed to build, with WebGPU's message (filled in asynchronously). */
const broken = new Map<string, string>();

/** Encode one dispatch after everything tfjs has encoded so far, in the same command stream. */
export function dispatch(d: RawDispatch): void {
  const failure = broken.get(d.key);
  if (failure !== undefined)
    throw new Error(
      `fused kernel ${d.key} failed to build on this device (${failure}); set kernels to 'naive' to run without it`,
    );
  const backend = webgpuBackend();
  const entries: GPUBindGroupEntry[] = d.bindings.map((b, i) => {
    backend.uploadToGPU(b.tensor.dataId);
    const resource = backend.tensorMap.get(b.tensor.dataId)?.resource;
    if (!(resource instanceof GPUBuffer))
      throw new Error(`fused kernel ${d.key}: binding ${b.name} is not a GPU buffer`);
    backend.commandQueueOwnedIds.add(b.tensor.dataId);
    // a tensor read once keeps its values on the CPU and later reads return them: drop that copy when the
    // kernel overwrites the buffer (a read still in flight would cache the old values again; we await reads)
    if (b.write) backend.tensorMap.get(b.tensor.dataId)!.values = null;
    return { binding: i, resource: { buffer: resource } };
  });
  if (d.uniforms?.length) {
    const u = backend.makeUniforms(
      d.uniforms.map((x) => ({
        type: x.type === 'f32' ? 'float32' : x.type === 'i32' ? 'int32' : 'uint32',
        data: [x.value],
      })),
    );
    entries.push({ binding: d.bindings.length, resource: u });
  }
  const { pipeline, layout } = pipelineFor(backend, d);
  const bindGroup = backend.device.createBindGroup({ layout, entries });
  backend.ensureCommandEncoderReady();
  if (!backend.computePassEncoder) backend.computePassEncoder = backend.commandEncoder!.beginComputePass();
  backend.computePassEncoder.setPipeline(pipeline);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  const [x, y = 1, z = 1] = d.workgroups;
  backend.computePassEncoder.dispatchWorkgroups(x, y, z);
  rawDispatches += 1;
  backend.dispatchCountInPass += 1;
  if (tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') <= backend.dispatchCountInPass) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}

/** Wrap TensorInfos a kernel produced as engine-tracked tensors (tidy and dispose see them). */
export function asTensor<R extends tf.Rank>(info: tf.TensorInfo): tf.Tensor<R> {
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
}

/** Free a scratch tensor a kernel allocated with outputTensor and does not return (tfjs defers it past the queued commands). */
export function disposeInfo(info: tf.TensorInfo): void {
  (webgpuBackend() as unknown as { disposeData(dataId: object): void }).disposeData(info.dataId);
}
