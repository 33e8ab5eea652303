// WebGPU in Node through Dawn (the `webgpu` package): set navigator.gpu before tfjs's WebGPU backend loads.
// On machines without a GPU, SwiftShader's Vulkan driver from Debian's chromium package stands in.
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export function installDawn(): void {
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && !hasSystemIcd() && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
}

/** A vendor Vulkan driver (a real GPU) registered with the loader. */
function hasSystemIcd(): boolean {
  return ['/usr/share/vulkan/icd.d/nvidia_icd.json', '/etc/vulkan/icd.d/nvidia_icd.json', '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json'].some(existsSync);
}
