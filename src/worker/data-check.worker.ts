// A short-lived worker that builds a config's dataset and measures its longest example off the page's
// thread: the work grows with N, sftSize and the evaluation splits (tens of seconds for 65,536 multi_hop
// prompts). Tasks only: no tfjs, no storage. The page starts one per check (data-check-client.ts).
import * as Comlink from 'comlink';
import { buildDataset, measureDataset, type DataConfig, type TrainItem } from '../tasks/dataset';
import { ConfigError, errorMessage } from '../util/errors';

/** What a check reports as it goes: prompts drawn ('build'), then examples measured ('measure'). */
export interface DataProgress {
  phase: 'build' | 'measure';
  done: number;
  total: number;
}

/** The longest example (prompt + completion, characters), or why the data cannot be built. */
export type DataCheckResult = { ok: true; maxLength: number } | { ok: false; field: string; message: string };

const PREVIEW_COUNT = 3; // the examples preview shows the first three training draws

const api = {
  /** Build and measure; `onExamples` gets the preview's items as soon as the dataset is built. */
  check(
    data: DataConfig,
    seed: number,
    onProgress: (p: DataProgress) => void,
    onExamples: (items: TrainItem[]) => void,
  ): DataCheckResult {
    try {
      const ds = buildDataset(data, seed, (done, total) => onProgress({ phase: 'build', done, total }));
      onExamples(Array.from({ length: PREVIEW_COUNT }, (_, i) => ds.train(i)));
      return {
        ok: true,
        maxLength: measureDataset(ds, (done, total) => onProgress({ phase: 'measure', done, total })),
      };
    } catch (err) {
      // A split that cannot be filled names its data field; anything else is the task's own complaint.
      if (err instanceof ConfigError)
        return {
          ok: false,
          field: err.field.startsWith('data.') ? err.field : `data.${err.field}`,
          message: err.message,
        };
      return { ok: false, field: 'data', message: errorMessage(err) };
    }
  },
};

export type DataCheckApi = typeof api;
Comlink.expose(api);
