// What each preset showed when we ran it: public/findings/findings.json, fetched once relative to the
// page (any base path; cached by the offline service worker like the rest of the site).
import { findingsUrl, parseFindings, type Finding } from '../experiment/findings';

export class FindingsState {
  findings: Record<string, Finding> = $state.raw({});
  /** Why the findings could not be shown (missing file, offline before first load, malformed). */
  error: string | null = $state(null);

  async load(): Promise<void> {
    try {
      const res = await fetch(findingsUrl(document.baseURI, 'findings.json'));
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const r = parseFindings(await res.json());
      if (r.ok) this.findings = r.findings;
      else this.error = `Findings unavailable: ${r.error}.`;
    } catch (err) {
      this.error = `Findings unavailable (${err instanceof Error ? err.message : String(err)}).`;
    }
  }

  get(presetId: string): Finding | undefined {
    const f = this.findings[presetId];
    return f && f.verdict !== 'not run' ? f : undefined;
  }

  /** The preset's report page (markdown, shown as text by the browser). */
  reportHref(presetId: string): string {
    return findingsUrl(document.baseURI, `${encodeURIComponent(presetId)}.md`);
  }
}
