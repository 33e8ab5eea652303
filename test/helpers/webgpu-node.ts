// WebGPU in Node for tests: Dawn's Node bindings (the `webgpu` package) provide navigator.gpu, then
// tfjs's WebGPU backend is loaded and selected. Without a GPU, SwiftShader's Vulkan driver stands in.
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { tf } from '../../src/model/tf';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const VENDOR_ICDS = ['/usr/share/vulkan/icd.d/nvidia_icd.json', '/etc/vulkan/icd.d/nvidia_icd.json', '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json'];

let installed = false;

/** Points the Vulkan loader at a driver (before Dawn starts), unless the environment already chose one. */
function chooseVulkanDriver(): void {
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) return;
  if (existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  else if (!VENDOR_ICDS.some(existsSync)) {
    throw new Error(
      `no Vulkan driver found (${SWIFTSHADER_ICD} is missing): install Debian's chromium and libvulkan1 ` +
        '(apt-get install -y chromium libvulkan1) — WebGPU tests use its SwiftShader Vulkan driver',
    );
  }
}

/** Installs navigator.gpu once, loads the tfjs WebGPU backend and makes it the active backend. */
export async function useWebGPU(): Promise<void> {
  if (!installed) {
    chooseVulkanDriver();
    Object.assign(globalThis, globals);
    // Node 21+ defines a read-only navigator; redefine it rather than assign.
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
    installed = true;
  }
  if (!(await tf.setBackend('webgpu'))) {
    throw new Error('tfjs could not start its WebGPU backend on Dawn: check the Vulkan driver (VK_ICD_FILENAMES)');
  }
  await tf.ready();
}
