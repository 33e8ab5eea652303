// In-page jumps (the skip link, "All experiments") that move the view and the keyboard focus without
// touching location.hash: the hash holds config and result links, so a plain anchor would read as a broken link.

/** Scroll `target` into view and focus it (made focusable by script only, so Tab does not stop on it). */
export function jumpTo(target: HTMLElement | null): void {
  if (!target) return;
  if (!target.hasAttribute('tabindex')) target.tabIndex = -1;
  const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
  target.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
  target.focus({ preventScroll: true });
}

/** onclick of an in-page link (`href="#id"`): the jump instead of the hash change. */
export function jumpLink(e: MouseEvent & { currentTarget: HTMLAnchorElement }): void {
  e.preventDefault();
  jumpTo(document.getElementById(e.currentTarget.hash.slice(1)));
}
