// Build, dev server and test projects. base './' makes the static build work under any path.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Cross-origin isolation lets the WASM backend use threads; without it WASM runs single-threaded.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Writes dist/precache.json for the service worker (public/sw.js): every file of the build as a relative
 * URL, and a build id hashed from their contents, so each build caches under its own name.
 */
function precacheManifest(): Plugin {
  let outDir = 'dist';
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  return {
    name: 'rlvr-precache-manifest',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const files = walk(outDir)
        .map((f) => relative(outDir, f).split('\\').join('/'))
        .filter((f) => f !== 'precache.json')
        .sort();
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update(readFileSync(join(outDir, f)));
      const cached = files.filter((f) => f !== 'sw.js'); // the browser fetches the worker script itself
      writeFileSync(
        join(outDir, 'precache.json'),
        JSON.stringify({ build: hash.digest('hex').slice(0, 16), files: ['./', ...cached] }),
      );
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [svelte(), precacheManifest()],
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
