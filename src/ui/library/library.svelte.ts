// Export and import of runs as one file: a run, the selected runs or the whole library, and an import
// that writes all of a file or nothing, in a worker with its progress and a Cancel, with a message saying
// what was wrong. Not the file format (store/archive.ts) and not the run list itself (RunsState).
import { packArchive } from '../../store/archive';
import { fileRefusal } from '../../store/archive-limits';
import { collectRuns } from '../../store/library';
import { importInWorker, type ImportJob, type ImportProgress } from '../../worker/import-client';
import { exportFileName } from '../shared/format';
import { pageDb } from '../shared/page-db';
import type { RunsState } from './runs.svelte';
import { errorMessage } from '../../util/errors';

/** The import under way: the file's name and the worker's last report. */
export interface Importing {
  name: string;
  progress: ImportProgress;
}

export class LibraryState {
  /** Runs ticked in the list, for "Export selected". */
  selected: string[] = $state([]);
  busy = $state(false);
  /** What the last import did ("Imported 2 runs"), for the user. */
  notice: string | null = $state(null);
  /** Why the last import or export failed. */
  error: string | null = $state(null);
  /** The import in progress, for its progress line; null when none runs. */
  importing: Importing | null = $state.raw(null);
  private job: ImportJob | null = null;

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
      download(
        new Blob([bytes as BlobPart], { type: 'application/zip' }),
        exportFileName(bundles.map((b) => b.run.name)),
      );
    } catch (err) {
      this.error = `The export failed: ${errorMessage(err)}`;
    } finally {
      this.busy = false;
    }
  }

  /** Import one export file in a worker: checked whole first, then written all or nothing. */
  async importFile(file: File): Promise<void> {
    this.error = null;
    this.notice = null;
    const tooBig = fileRefusal(file.size); // before a worker starts (the worker checks again)
    if (tooBig) return void (this.error = `${file.name} was not imported. ${tooBig}`);
    this.busy = true;
    this.importing = { name: file.name, progress: { phase: 'read', done: 0, total: file.size } };
    try {
      this.job = importInWorker(file, (progress) => (this.importing = { name: file.name, progress }));
      const outcome = await this.job.done;
      if (outcome.ok) {
        const { added, skipped } = outcome.report;
        const left =
          skipped.length > 0
            ? ` ${skipped.length} already in the library ${skipped.length === 1 ? 'was' : 'were'} left as ${skipped.length === 1 ? 'it was' : 'they were'}.`
            : '';
        this.notice = `Imported ${added.length} run${added.length === 1 ? '' : 's'} from ${file.name}.${left}`;
      } else if ('cancelled' in outcome) {
        this.notice = `The import of ${file.name} was cancelled; nothing was written.`;
      } else {
        this.error = `${file.name} was not imported. ${outcome.error}`;
      }
    } catch (err) {
      this.error = `${file.name} was not imported (nothing was written): ${errorMessage(err)}`;
    } finally {
      this.job = null;
      this.importing = null;
      this.busy = false;
      await this.runs.refresh();
    }
  }

  /** Stop the import under way; nothing of it stays written. */
  cancelImport(): void {
    this.job?.cancel();
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
