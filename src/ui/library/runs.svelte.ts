// The run list: every stored run, newest first, read from IndexedDB; refreshed on status events.
// Records that fail their check are listed apart (damaged), with what is wrong, and can be deleted.
// Deleting goes through store/runs. Not the live run's progress (LabState has that).
import type { DamagedRun } from '../../store/records';
import { deleteRun, readRuns } from '../../store/runs';
import type { RunRecord } from '../../store/types';
import { pageDb } from '../shared/page-db';
import { withReported } from '../run/reported-status';
import { errorMessage } from '../../util/errors';

export class RunsState {
  list: RunRecord[] = $state.raw([]);
  /** Stored records that are not valid runs: shown as damaged, never opened. */
  damaged: DamagedRun[] = $state.raw([]);
  error: string | null = $state(null);
  private request = 0;

  async refresh(): Promise<void> {
    const id = ++this.request;
    try {
      const { runs, damaged } = await readRuns(await pageDb());
      if (id === this.request) {
        this.list = runs.map(withReported);
        this.damaged = damaged;
        this.error = null;
      }
    } catch (err) {
      if (id === this.request) this.error = `The run library could not be read: ${errorMessage(err)}`;
    }
  }

  /** Delete a run (or a damaged record, by its key) with everything stored under it. */
  async remove(runId: IDBValidKey): Promise<void> {
    try {
      await deleteRun(await pageDb(), runId);
    } catch (err) {
      this.error = `The run could not be deleted: ${errorMessage(err)}`;
    }
    await this.refresh();
  }
}
