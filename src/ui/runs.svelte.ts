// The run list: every stored run, newest first, read from IndexedDB; refreshed on status events.
// Deleting goes through store/runs. Not the live run's progress (LabState has that).
import { deleteRun, listRuns } from '../store/runs';
import type { RunRecord } from '../store/types';
import { pageDb } from './page-db';
import { errorMessage } from '../util/errors';

export class RunsState {
  list: RunRecord[] = $state.raw([]);
  error: string | null = $state(null);
  private request = 0;

  async refresh(): Promise<void> {
    const id = ++this.request;
    try {
      const runs = await listRuns(await pageDb());
      if (id === this.request) {
        this.list = runs;
        this.error = null;
      }
    } catch (err) {
      if (id === this.request) this.error = `The run library could not be read: ${errorMessage(err)}`;
    }
  }

  async remove(runId: string): Promise<void> {
    try {
      await deleteRun(await pageDb(), runId);
    } catch (err) {
      this.error = `The run could not be deleted: ${errorMessage(err)}`;
    }
    await this.refresh();
  }
}
