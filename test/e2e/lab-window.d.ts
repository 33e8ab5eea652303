// The page's test hooks (set by src/ui/lab.svelte.ts), as the e2e tests see them inside page.evaluate.
export {};

declare global {
  interface Window {
    __labReady?: boolean;
    __labTest?: { simulateDeviceLoss: () => Promise<boolean> };
  }
}
