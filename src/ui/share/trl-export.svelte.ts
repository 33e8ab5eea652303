// "Export for TRL": the zip of an experiment (the form's settings) or of a stored run, built in a worker
// (trl-client.ts) and downloaded, with what it holds or why it failed. Not the zip's contents
// (src/export/trl/) and not the run list.
import type { RunConfig } from '../../experiment/run-config';
import { buildTrlExportInWorker } from '../../worker/trl-client';
import { errorMessage } from '../../util/errors';
import { fmtBytes } from '../shared/format';
import { download } from '../library/library.svelte';

export class TrlExportState {
  busy = $state(false);
  /** What the last export wrote ("rlvr-trl-....zip, 1.2 MB: ..."). */
  notice: string | null = $state(null);
  error: string | null = $state(null);
  private abort: AbortController | null = null;

  /** Build and download the export of `config` (a stored run's when `stored`); one at a time. */
  async export(config: RunConfig, name: string, stored: boolean): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.notice = null;
    const abort = (this.abort = new AbortController());
    try {
      const zip = await buildTrlExportInWorker($state.snapshot(config), name, stored, abort.signal);
      download(new Blob([zip.bytes as BlobPart], { type: 'application/zip' }), zip.fileName);
      const rows = zip.counts.map(
        (c) =>
          `${c.rows.toLocaleString()} ${c.file.includes('sft') ? 'SFT' : 'GRPO'} rows${c.capped ? ' (capped)' : ''}`,
      );
      this.notice = `${zip.fileName}, ${fmtBytes(zip.bytes.length)}: ${rows.join(', ') || 'evaluation data only'}; ${zip.unmapped.length} settings without a TRL counterpart are listed in its README.`;
    } catch (err) {
      this.error = abort.signal.aborted ? null : `The TRL export failed: ${errorMessage(err)}`;
    } finally {
      this.busy = false;
      this.abort = null;
    }
  }

  cancel(): void {
    this.abort?.abort();
  }
}
