// The page's readiness flags on window (set by lab.svelte.ts): one declaration for the page and the e2e tests.
export {};

declare global {
  interface Window {
    /** Set once the backend badge is filled: end-to-end tests wait for it. */
    __labReady?: boolean;
    /** Set when the trainer could not report a backend, with the reason. */
    __labError?: string;
  }
}
