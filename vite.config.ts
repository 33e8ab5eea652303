// Build, dev server and test projects. base './' makes the static build work under any path.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizePath, type Plugin } from 'vite';
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

/**
 * The end-to-end build (`vite build --mode e2e`, into dist-e2e/) is the product with these modules swapped
 * for the test versions beside them in test/e2e/hooks/: a trainer worker with failure hooks the tests call
 * through window.__labTest, an SFT step they can make diverge to a NaN loss, and preset sweeps capped at two
 * steps a stage. The product build (dist/) has none of them; test/e2e/bundle.test.ts checks it.
 */
const E2E_SWAPS: Record<string, string> = {
  'src/worker/trainer-worker.ts': 'test/e2e/hooks/page/trainer-worker.ts',
  'src/experiment/sweep.ts': 'test/e2e/hooks/page/sweep.ts',
  'src/train/sft.ts': 'test/e2e/hooks/worker/sft.ts',
};

/** Resolves imports of each module of `swaps` (paths from the project root) to its swap, except the swap's own import of it. */
function swapModules(swaps: Record<string, string>): Plugin {
  const root = fileURLToPath(new URL('.', import.meta.url));
  const abs = (path: string) => normalizePath(resolve(root, path));
  const swapOf = new Map(Object.entries(swaps).map(([from, to]) => [abs(from), abs(to)]));
  const names = new Set(Object.keys(swaps).map((from) => from.replace(/^.*\//, '').replace(/\.ts$/, '')));
  return {
    name: 'rlvr-e2e-swap-modules',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || !names.has(source.replace(/^.*\//, '').replace(/\.ts$/, ''))) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const swap = resolved && swapOf.get(normalizePath(resolved.id.split('?')[0]!));
      return swap && swap !== normalizePath(importer) ? swap : null;
    },
  };
}

export default defineConfig(({ mode }) => ({
  base: './',
  plugins: [svelte(), precacheManifest(), ...(mode === 'e2e' ? [swapModules(E2E_SWAPS)] : [])],
  worker: {
    format: 'es',
    plugins: () => (mode === 'e2e' ? [swapModules(E2E_SWAPS)] : []),
    // tfjs-backend-wasm starts its threads from `wasmFactoryThreadedSimd.toString()`: a minified
    // factory refers to renamed outer variables ("e is not defined") and the threads never start.
    rolldownOptions: { output: { minify: false } },
  },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, outDir: mode === 'e2e' ? 'dist-e2e' : 'dist' },
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
}));
