// Build, dev server and test projects. base './' makes the static build work under any path.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Cross-origin isolation lets the WASM backend use threads; without it WASM runs single-threaded.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  plugins: [svelte()],
  worker: {
    format: 'es',
    // tfjs-backend-wasm starts its threads from `wasmFactoryThreadedSimd.toString()`: a minified
    // factory refers to renamed outer variables ("e is not defined") and the threads never start.
    rolldownOptions: { output: { minify: false } },
  },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/webgpu/**', 'test/e2e/**'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'webgpu',
          include: ['test/webgpu/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
