// Messages from the worker to the page (through one comlink.proxy callback). Plain data only.
import type { BackendReport, MetricRow, RolloutRow, RunStatus, SampleRow } from '../store/types';
import type { RunProgress } from '../analysis/eta';

export type LabEvent =
  | { type: 'backend'; report: BackendReport }
  | { type: 'status'; runId: string; status: RunStatus; step: number; reason?: string }
  | { type: 'metrics'; row: MetricRow }
  /** At most a few per second: the page keeps the latest and counts its time left down by itself. */
  | { type: 'progress'; runId: string; progress: RunProgress }
  | { type: 'samples'; row: SampleRow }
  | { type: 'rollouts'; row: RolloutRow }
  /** `kind` groups repeats: the page shows one warning per run and kind, with a count. */
  | { type: 'warning'; runId: string; kind: WarningKind; message: string };

/** What a warning is about: storage (full disk, skipped checkpoints) or a resume that failed. */
export type WarningKind = 'storage' | 'resume';

export type StartResult = { ok: true; runId: string } | { ok: false; field: string; message: string };
