// A short-lived worker that builds a TRL export zip off the page's thread: the data work grows with the
// run's item count (up to TRL_ROW_CAP rows per file). No tfjs and no storage: tasks, the mapping table and
// fflate. The page starts one per export and terminates it after the answer (trl-client.ts).
import * as Comlink from 'comlink';
import { validateRunConfig } from '../experiment/run-config';
import { withMissingStagesOff } from '../experiment/stored-config';
import { buildTrlExport, type TrlExport } from '../export/trl/bundle';

const api = {
  /** The export of `raw` (a stored run's config when `stored`: stages it never had stay off). */
  build(raw: unknown, name: string, stored: boolean): TrlExport {
    const config = validateRunConfig(stored ? withMissingStagesOff(raw) : raw);
    const out = buildTrlExport(config, name);
    return Comlink.transfer(out, [out.bytes.buffer]);
  },
};

export type TrlExportApi = typeof api;
Comlink.expose(api);
