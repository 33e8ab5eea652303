// The tfjs backend for a headless run in Node: the worker's chooseBackend, with WebGPU provided by
// Dawn's Node bindings (the `webgpu` package) when asked for, falling back to WASM with the reason.
import { chooseBackend } from '../../model/backend';
import type { BackendReport } from '../../store/types';
import type { LabBackend } from '../shared/args';
import { errorMessage } from '../../util/errors';

const WHY: Record<LabBackend, string> = {
  webgpu: 'asked for with --backend webgpu',
  wasm: 'the default: tfjs WASM with SIMD is the fastest CPU backend for a model this small',
  cpu: 'asked for with --backend cpu (plain JavaScript: slow, for tests)',
};

/** Initialise `choice`; a WebGPU that cannot start (no adapter, no Vulkan driver) falls back to WASM. */
export async function nodeBackend(choice: LabBackend): Promise<{ report: BackendReport; why: string }> {
  if (choice !== 'webgpu') return { report: await chooseBackend(choice), why: WHY[choice] };
  let reason: string;
  try {
    const { installDawn } = await import('../shared/dawn');
    installDawn();
    return { report: await chooseBackend('webgpu'), why: WHY.webgpu };
  } catch (err) {
    reason = errorMessage(err);
  }
  const report = await chooseBackend('wasm');
  return {
    report: { ...report, skipped: [{ name: 'webgpu', reason }, ...report.skipped] },
    why: `WebGPU was asked for but is unavailable (${reason}); fell back to WASM`,
  };
}
