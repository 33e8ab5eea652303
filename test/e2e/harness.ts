// End-to-end harness: serves the built app (dist/) with Vite's preview server on a free localhost
// port, and launches the system Chromium headless with WebGPU (SwiftShader on GPU-less machines).
import { existsSync } from 'node:fs';
import { preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error: plain .mjs helper shared with the preflight script
import { chromiumPath } from '../helpers/paths.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function serveDist(): Promise<{ server: PreviewServer; url: string }> {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npx vite build` before the end-to-end tests (npm test does)');
  const server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the preview server did not report a URL');
  return { server, url: url.replace('127.0.0.1', 'localhost') }; // localhost is a secure context: WebGPU needs one
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath() as string | null;
  if (!executablePath) throw new Error("no Chromium: apt-get install -y chromium, or set CHROMIUM_PATH (see README)");
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** Collect page errors and console errors, so a test can show them when it fails. */
export function watchConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on('pageerror', (err) => lines.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') lines.push(`console: ${msg.text()}`);
  });
  return lines;
}

/** Text of a test hook element. */
export async function hookText(page: Page, id: string): Promise<string> {
  return ((await page.getByTestId(id).first().textContent()) ?? '').trim();
}

/** Points drawn in a chart wrapper (its data-points attribute). */
export async function chartPoints(page: Page, id: string): Promise<number> {
  return Number((await page.getByTestId(id).getAttribute('data-points')) ?? '0');
}
