// Export and import of runs as one file: a run, the selected runs or the whole library, and an import
// that writes all of a file or nothing, with a message saying what was wrong. Not the file format
// (store/archive.ts) and not the run list itself (RunsState).
import { ARCHIVE_LIMITS, packArchive, unpackArchive } from '../store/archive';
import { collectRuns, writeRuns } from '../store/library';
import { exportFileName } from './format';
import { pageDb } from './page-db';
import type { RunsState } from './runs.svelte';
import { errorMessage } from '../util/errors';


export class LibraryState {
  /** Runs ticked in the list, for "Export selected". */
  selected: string[] = $state([]);
  busy = $state(false);
  /** What the last import did ("Imported 2 runs"), for the user. */
  notice: string | null = $state(null);
  /** Why the last import or export failed. */
  error: string | null = $state(null);

  constructor(private readonly runs: RunsState) {}

  toggle(id: string): void {
    this.selected = this.selected.includes(id) ? this.selected.filter((x) => x !== id) : [...this.selected, id];
  }

  /** Download one file with the runs `ids` (every run when null). */
  async exportRuns(ids: readonly string[] | null): Promise<void> {
    this.error = null;
    this.busy = true;
    try {
      const bundles = await collectRuns(await pageDb(), ids ?? undefined);
      if (bundles.length === 0) throw new Error('there are no runs to export');
      const bytes = packArchive(bundles);
      download(new Blob([bytes as BlobPart], { type: 'application/zip' }), exportFileName(bundles.map((b) => b.run.name)));
    } catch (err) {
      this.error = `The export failed: ${errorMessage(err)}`;
    } finally {
      this.busy = false;
    }
  }

  /** Import one export file: checked whole first, then written in one transaction. */
  async importFile(file: File): Promise<void> {
    this.error = null;
    this.notice = null;
    this.busy = true;
    try {
      // Refuse a huge file before reading it into memory (unpackArchive checks the bytes it gets again).
      const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
      if (file.size > ARCHIVE_LIMITS.fileBytes) {
        this.error = `${file.name} was not imported. The file is ${mb(file.size)}; the lab imports files up to ${mb(ARCHIVE_LIMITS.fileBytes)}. Export fewer runs per file.`;
        return;
      }
      const decoded = unpackArchive(new Uint8Array(await file.arrayBuffer()));
      if (!decoded.ok) {
        this.error = `${file.name} was not imported. ${decoded.error}`;
        return;
      }
      const report = await writeRuns(await pageDb(), decoded.value);
      const skipped = report.skipped.length > 0 ? ` ${report.skipped.length} already in the library ${report.skipped.length === 1 ? 'was' : 'were'} left as ${report.skipped.length === 1 ? 'it was' : 'they were'}.` : '';
      this.notice = `Imported ${report.added.length} run${report.added.length === 1 ? '' : 's'} from ${file.name}.${skipped}`;
    } catch (err) {
      this.error = `${file.name} was not imported (nothing was written): ${errorMessage(err)}`;
    } finally {
      this.busy = false;
      await this.runs.refresh();
    }
  }
}

export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
