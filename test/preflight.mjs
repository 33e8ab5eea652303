// Before any test: find a Chromium for the end-to-end tests and SwiftShader's Vulkan driver for the
// WebGPU tests, and say exactly how to install them when they are missing. Prints; exits 1 on a miss.
import { existsSync } from 'node:fs';
import { chromiumPath, SWIFTSHADER_ICD } from './helpers/paths.mjs';

const problems = [];
const browser = chromiumPath();
if (!browser) {
  problems.push(
    "No Chromium found for the end-to-end tests. Install Debian's package (apt-get install -y chromium) " +
      'or point CHROMIUM_PATH at a Chromium/Chrome binary (version 113 or newer, for WebGPU).',
  );
}
if (!process.env.VK_ICD_FILENAMES && !existsSync(SWIFTSHADER_ICD)) {
  problems.push(
    `No Vulkan driver for the WebGPU tests: ${SWIFTSHADER_ICD} is missing. Install Debian's chromium and libvulkan1 ` +
      '(apt-get install -y chromium libvulkan1), or set VK_ICD_FILENAMES to another Vulkan ICD json.',
  );
}
if (problems.length) {
  for (const p of problems) console.error(`preflight: ${p}`);
  process.exit(1);
}
console.log(`preflight: chromium at ${browser}; WebGPU tests use ${process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD}`);
