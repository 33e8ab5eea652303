// The product build (`vite build`, into dist/) carries no test hook: the e2e build's hooks (test/e2e/hooks/,
// swapped in by vite.config.ts in mode e2e) and the names the tests call them by appear in none of its
// files. The e2e build is scanned the same way and must hold them, which shows the scan finds what it seeks.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveConfig } from 'vite';
import { describe, expect, it } from 'vitest';

const HOOK_NAMES = [
  'test-hooks',
  '__labTest',
  'poisonNextLoss',
  'simulateNanLoss',
  'simulateDeviceLoss',
  'shrinkForTests',
  'stepCap',
];

/** The folder the build of Vite mode `mode` writes (vite.config.ts), checked to hold a build. */
async function buildDir(mode: string, command: string): Promise<string> {
  const config = await resolveConfig({ mode, logLevel: 'silent' }, 'build');
  const dir = resolve(config.root, config.build.outDir);
  if (!existsSync(join(dir, 'index.html')))
    throw new Error(`${config.build.outDir}/ holds no build: run \`${command}\` first (npm test does)`);
  return dir;
}

/** Each hook name found in the files under `dir`, with the files (relative to `dir`) that hold it. */
function hooksIn(dir: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const path = join(sub, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const bytes = readFileSync(join(dir, path));
        for (const name of HOOK_NAMES) if (bytes.includes(name)) (found[name] ??= []).push(path);
      }
    }
  };
  walk('');
  return found;
}

describe('the product bundle', () => {
  it('holds no test hook: no file of dist/ names one', async () => {
    expect(hooksIn(await buildDir('production', 'npx vite build'))).toEqual({});
  });

  it('differs there from the e2e build, whose page and trainer hold the hooks the tests call', async () => {
    const found = hooksIn(await buildDir('e2e', 'npx vite build --mode e2e'));
    const page = expect.stringMatching(/^assets\/index-.*\.js$/);
    const trainer = expect.stringMatching(/^assets\/lab\.worker-.*\.js$/);
    expect(found.__labTest).toEqual([page]);
    for (const name of ['simulateNanLoss', 'simulateDeviceLoss'])
      expect(found[name], name).toEqual(expect.arrayContaining([page, trainer]));
  });
});
