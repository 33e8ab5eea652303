// Share links for the page: the experiment (config link) or what a run showed (result link), copied to
// the clipboard and shown so it can be copied by hand. The link formats live in experiment/.
import type { RunConfig } from '../../experiment/run-config';
import { encodeConfigLink } from '../../experiment/config-link';
import { encodeResultLink, type SharedResult } from '../../experiment/result-link';
import { classroomSearch, type ClassroomPart } from './classroom';
import type { ViewState } from '../run/view.svelte';

/** The page's address without its hash: links work under whatever path the lab is hosted. */
export function pageAddress(): string {
  return location.href.split('#')[0]!;
}

export class ShareState {
  url: string | null = $state(null);
  kind: 'config' | 'result' | 'classroom' | null = $state(null);
  /** "Copied to the clipboard", or how to copy by hand. */
  message: string | null = $state(null);

  constructor(private readonly view: ViewState) {}

  /** What the shown run (or shown shared result) would put in a result link; null when nothing is shown. */
  get result(): Omit<SharedResult, 'phases'> | null {
    const { record, shared, rows, samples } = this.view;
    if (shared) return shared;
    if (!record || rows.length === 0) return null;
    const { config, name, status, step, totalSteps, backend } = record;
    return {
      config,
      name,
      status,
      step,
      totalSteps,
      backend: backend?.name ?? null,
      rows,
      samples: samples?.items ?? [],
    };
  }

  shareConfig(config: RunConfig): Promise<void> {
    return this.publish('config', `${pageAddress()}#${encodeConfigLink(config)}`);
  }

  /** A config link that opens in classroom mode with `hidden` parts hidden (the page's other query kept). */
  shareClassroom(config: RunConfig, hidden: readonly ClassroomPart[]): Promise<void> {
    const search = classroomSearch(location.search, hidden);
    return this.publish('classroom', `${location.origin}${location.pathname}${search}#${encodeConfigLink(config)}`);
  }

  async shareResult(): Promise<void> {
    const r = this.result;
    if (r) await this.publish('result', `${pageAddress()}#${encodeResultLink(r)}`);
  }

  private async publish(kind: 'config' | 'result' | 'classroom', url: string): Promise<void> {
    this.kind = kind;
    this.url = url;
    try {
      await navigator.clipboard.writeText(url);
      this.message = 'Copied to the clipboard.';
    } catch {
      this.message = 'Select the link and copy it (the browser did not allow the clipboard).';
    }
  }
}
