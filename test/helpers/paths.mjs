// Where the test tools live on this machine: Chromium for end-to-end tests, SwiftShader's Vulkan ICD for WebGPU.
import { existsSync } from 'node:fs';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** CHROMIUM_PATH if set, else the usual Debian/Ubuntu locations; null when none exists. */
export function chromiumPath() {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  return candidates.find((p) => p && existsSync(p)) ?? null;
}
