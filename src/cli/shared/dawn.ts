// WebGPU in Node (tests, the bench and the headless runner): Dawn's Node bindings (the `webgpu` package) provide navigator.gpu, then
// tfjs's WebGPU backend is loaded and selected. Without a GPU, SwiftShader's Vulkan driver stands in.
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { tf } from '../../model/tf';
import { loadWebGpuBackend } from '../../model/backend';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const VENDOR_ICDS = [
  '/usr/share/vulkan/icd.d/nvidia_icd.json',
  '/etc/vulkan/icd.d/nvidia_icd.json',
  '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json',
];

let installed = false;

/**
 * Points the Vulkan loader at a driver (before Dawn starts), unless the environment already chose one:
 * a real GPU's vendor driver when one is installed (the bench on a GPU machine), else SwiftShader.
 */
function chooseVulkanDriver(): void {
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) return;
  const vendor = VENDOR_ICDS.find(existsSync);
  if (vendor) process.env.VK_DRIVER_FILES = vendor;
  else if (existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  else {
    throw new Error(
      `no Vulkan driver found (${SWIFTSHADER_ICD} is missing): install Debian's chromium and libvulkan1 ` +
        '(apt-get install -y chromium libvulkan1) — WebGPU tests use its SwiftShader Vulkan driver',
    );
  }
}

/** Installs navigator.gpu (Dawn) once; tfjs's WebGPU backend must be imported after this. */
export function installDawn(): void {
  if (installed) return;
  chooseVulkanDriver();
  Object.assign(globalThis, globals);
  // Node 21+ defines a read-only navigator; redefine it rather than assign.
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
  installed = true;
}

/** Installs navigator.gpu once, loads the tfjs WebGPU backend and makes it the active backend. */
export async function useWebGPU(): Promise<void> {
  installDawn();
  await loadWebGpuBackend();
  if (!(await tf.setBackend('webgpu'))) {
    throw new Error('tfjs could not start its WebGPU backend on Dawn: check the Vulkan driver (VK_ICD_FILENAMES)');
  }
  await tf.ready();
}
