// What each preset showed when we ran it: public/findings/findings.json, fetched once relative to the
// page (any base path; cached by the offline service worker like the rest of the site), and "Open our
// runs": a preset's kept run file (findings/runs/<preset>.json.gz) checked whole, written into the
// library in one transaction (all or nothing) and opened on the Compare page. The file's format and its
// checks are store/findings-runs.ts; fetchKeptRuns is shared with the story (ui/story).
import { findingsUrl, parseFindings, type Finding } from '../../experiment/findings';
import { isQuotaError } from '../../store/db';
import { keptToBundles, parseKeptRuns, type KeptRunData } from '../../store/findings-runs';
import { writeRuns } from '../../store/library';
import { pageDb } from '../shared/page-db';
import { errorMessage } from '../../util/errors';

/** Where opened runs go: the run list (re-read) and the Compare page (ticks them and shows them). */
export interface RunsTarget {
  runs: { refresh(): Promise<void> };
  compare: { open(runIds: string[]): unknown };
}

/** What the last "Open our runs" did, shown on its preset's card. */
export interface RunsMessage {
  presetId: string;
  text: string;
  error: boolean;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export class FindingsState {
  findings: Record<string, Finding> = $state.raw({});
  /** Why the findings could not be shown (missing file, offline before first load, malformed). */
  error: string | null = $state(null);
  /** The preset whose runs are being opened. */
  opening: string | null = $state(null);
  runsMessage: RunsMessage | null = $state(null);

  async load(): Promise<void> {
    try {
      const res = await fetch(findingsUrl(document.baseURI, 'findings.json'));
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const r = parseFindings(await res.json());
      if (r.ok) this.findings = r.findings;
      else this.error = `Findings unavailable: ${r.error}.`;
    } catch (err) {
      this.error = `Findings unavailable (${errorMessage(err)}).`;
    }
  }

  get(presetId: string): Finding | undefined {
    const f = this.findings[presetId];
    return f && f.verdict !== 'not run' ? f : undefined;
  }

  /** How many runs of the preset the findings keep (0: none, or a verdict carried over without its data). */
  keptRuns(presetId: string): number {
    return this.findings[presetId]?.runs ?? 0;
  }

  /** The preset's report page (markdown, shown as text by the browser). */
  reportHref(presetId: string): string {
    return findingsUrl(document.baseURI, `${encodeURIComponent(presetId)}.md`);
  }

  /** Fetch the preset's kept runs, add the ones the library lacks, and compare them all. Nothing is written unless the whole file is good. */
  async openRuns(presetId: string, title: string, to: RunsTarget): Promise<void> {
    if (this.opening) return;
    this.opening = presetId;
    this.runsMessage = null;
    const fail = (why: string) =>
      (this.runsMessage = {
        presetId,
        text: `The runs of ${title} could not be opened: ${why}. Nothing was added.`,
        error: true,
      });
    try {
      const fetched = await this.fetchKept(presetId);
      if (!fetched.ok) {
        fail(fetched.error);
        return;
      }
      const report = await writeRuns(await pageDb(), fetched.bundles);
      await to.runs.refresh();
      const n = report.skipped.length;
      const skipped =
        n === 0
          ? ''
          : n === fetched.bundles.length
            ? ' All of them were already in the library and were left as they were.'
            : ` ${n} of them ${n === 1 ? 'was' : 'were'} already in the library and left as ${n === 1 ? 'it was' : 'they were'}.`;
      this.runsMessage = {
        presetId,
        text: `Opened ${plural(fetched.bundles.length, 'run', 'runs')} of ${title} from the findings.${skipped}`,
        error: false,
      };
      void to.compare.open(fetched.bundles.map((b) => b.run.id));
    } catch (err) {
      // writeRuns writes all or nothing: a failed write leaves the library as it was.
      fail(
        isQuotaError(err)
          ? "this browser's storage for the lab is full; delete or export runs you no longer need, then try again"
          : `they could not be read or stored (${errorMessage(err)})`,
      );
    } finally {
      this.opening = null;
    }
  }

  /** The kept file's runs as library bundles, or what was wrong with getting or reading it. */
  private async fetchKept(presetId: string) {
    const fetched = await fetchKeptRuns(presetId);
    if (!fetched.ok) return fetched;
    const converted = keptToBundles(fetched.runs);
    return converted.ok ? converted : { ok: false as const, error: `${fetched.file}: ${converted.error}` };
  }
}

/** What fetching a preset's kept file gave: its runs, or why not (`missing`: the site has no such file). */
export type KeptFetch =
  { ok: true; runs: KeptRunData[]; file: string } | { ok: false; error: string; missing: boolean };

/** A preset's kept runs (findings/runs/<preset>.json.gz under the page's base), parsed and checked whole. */
export async function fetchKeptRuns(presetId: string): Promise<KeptFetch> {
  const file = `findings/runs/${presetId}.json.gz`;
  const fail = (error: string, missing = false): KeptFetch => ({ ok: false, error, missing });
  let res: Response;
  try {
    res = await fetch(findingsUrl(document.baseURI, `runs/${encodeURIComponent(presetId)}.json.gz`));
  } catch (err) {
    return fail(`${file} could not be fetched (${errorMessage(err)}; the site may be offline and not yet cached)`);
  }
  if (res.status === 404) return fail(`${file} is missing from this site (HTTP 404)`, true);
  if (!res.ok) return fail(`${file} could not be fetched (HTTP ${res.status})`);
  // A host that answers a missing file with its start page (a single-page-app fallback).
  if ((res.headers.get('content-type') ?? '').includes('text/html'))
    return fail(`${file} is missing from this site (the server sent a web page instead)`, true);
  // Some servers (Vite's preview among them) send .gz files with Content-Encoding: gzip: the browser has inflated them.
  const inflated = /gzip/i.test(res.headers.get('content-encoding') ?? '');
  const parsed = parseKeptRuns(new Uint8Array(await res.arrayBuffer()), { presetId, file, inflated });
  return parsed.ok ? { ok: true, runs: parsed.runs, file } : fail(parsed.error);
}
