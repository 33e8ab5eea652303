// The link the page was opened with (location.hash): a config link loads its experiment into the form,
// a result link shows its curves read-only, and a broken link leaves the default lab with a message.
// Follows hash changes (a pasted link in the same tab). Decoding is experiment/links.ts.
import { readLink, type OpenedLink } from '../../experiment/links';
import type { ConfigState } from '../config/config-state.svelte';
import type { ViewState } from '../run/view.svelte';

export class LinkState {
  opened: OpenedLink = $state.raw({ kind: 'none' });
  private last = '';

  constructor(
    private readonly config: ConfigState,
    private readonly view: ViewState,
  ) {}

  init(): void {
    this.apply(location.hash);
    window.addEventListener('hashchange', this.onHashChange);
  }

  dispose(): void {
    window.removeEventListener('hashchange', this.onHashChange);
  }

  private onHashChange = () => this.apply(location.hash);

  /** Read `hash` once (a hash set by the page itself for the same link is not re-applied). */
  apply(hash: string): void {
    if (hash === this.last) return;
    this.last = hash;
    const link = readLink(hash);
    this.opened = link;
    if (link.kind === 'config') this.config.load(link.config);
    if (link.kind === 'result') {
      this.config.load(link.result.config);
      this.view.showShared(link.result);
    }
  }

  dismiss(): void {
    this.opened = { kind: 'none' };
  }
}
