// A short-lived worker that imports one export file off the page's thread: reading, inflating and checking
// it grow with the file (up to ARCHIVE_LIMITS), writing with its rows. The page starts one per import and
// terminates it after the answer (import-client.ts). Store code only: no tfjs.
import * as Comlink from 'comlink';
import { fileRefusal } from '../store/archive-limits';
import { unpackArchive } from '../store/archive';
import { openLabDb } from '../store/db';
import { writeRuns, type ImportReport } from '../store/library';

/** How far an import has come; 'write' is announced before the first write and answered by the page. */
export interface ImportProgress {
  phase: 'read' | 'unpack' | 'check' | 'write';
  done: number;
  total: number;
}

export type ImportOutcome =
  { ok: true; report: ImportReport } | { ok: false; error: string } | { ok: false; cancelled: true };

let abort = new AbortController();

const api = {
  /** Read, check and write `file`: all of it or nothing. `onProgress` (a Comlink proxy: it answers) is awaited at each write step. */
  async importFile(file: File, onProgress: (p: ImportProgress) => void | Promise<void>): Promise<ImportOutcome> {
    abort = new AbortController();
    const tooBig = fileRefusal(file.size);
    if (tooBig) return { ok: false, error: tooBig };
    void onProgress({ phase: 'read', done: 0, total: file.size });
    let shown = -1; // inflating reports every 32 KB: pass on each half percent
    const unpacking = (p: ImportProgress) => {
      const step = Math.floor((200 * p.done) / Math.max(1, p.total));
      if (p.phase === 'unpack' && step === shown) return;
      shown = step;
      void onProgress(p);
    };
    const decoded = unpackArchive(new Uint8Array(await file.arrayBuffer()), undefined, unpacking);
    if (!decoded.ok) return { ok: false, error: decoded.error };
    const db = await openLabDb();
    try {
      const report = await writeRuns(db, decoded.value, {
        signal: abort.signal,
        onProgress: (done, total) => onProgress({ phase: 'write', done, total }),
      });
      return { ok: true, report };
    } catch (err) {
      if (abort.signal.aborted) return { ok: false, cancelled: true };
      throw err;
    } finally {
      db.close();
    }
  },
  /** Stop between two write steps; what was written is deleted and importFile answers cancelled. */
  cancel(): void {
    abort.abort();
  },
};

export type ImportApi = typeof api;
Comlink.expose(api);
