// A main-thread heartbeat for end-to-end tests: a 50 ms interval on the page records the longest gap
// between two beats, so a test can assert the page never froze (a gap over 1 s) while it worked.
import type { BrowserContext, Page } from 'playwright-core';

type BeatWindow = Window & { __beat: { last: number; longest: number } };

/** Every page of `context` beats from its first script on. */
export async function addHeartbeat(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as BeatWindow;
    w.__beat = { last: performance.now(), longest: 0 };
    setInterval(() => {
      const now = performance.now();
      w.__beat.longest = Math.max(w.__beat.longest, now - w.__beat.last);
      w.__beat.last = now;
    }, 50);
  });
}

/** The longest gap so far, in ms (counting the gap still open now). */
export function longestGap(page: Page): Promise<number> {
  return page.evaluate(() => {
    const b = (window as unknown as BeatWindow).__beat;
    return Math.max(b.longest, performance.now() - b.last);
  });
}

/** Start measuring afresh (after the page's own start-up, say). */
export function resetHeartbeat(page: Page): Promise<void> {
  return page.evaluate(() => {
    (window as unknown as BeatWindow).__beat = { last: performance.now(), longest: 0 };
  });
}
