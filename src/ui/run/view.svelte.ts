// What the live view shows: one run's metric rows and latest samples, either streamed from the
// training worker, read back from IndexedDB, or carried by a result link (read-only, no run stored).
// Stale loads are dropped by a request id.
import { getRun } from '../../store/runs';
import { checkpointSteps, readMetrics, readRollouts, readSamples } from '../../store/step-rows';
import type { MetricRow, RolloutRow, RunRecord, SampleRow } from '../../store/types';
import type { SharedResult } from '../../experiment/result-link';
import { STAGES, type RunConfig, type StageName } from '../../experiment/run-config';
import { pageDb } from '../shared/page-db';
import { withReported } from './reported-status';
import { mergeRows } from '../shared/chart-columns';
import type { Damaged, Holdings } from './run-holds';
import { errorMessage } from '../../util/errors';

/**
 * The stage that logged `step` (a link's rows carry none): steps count completed optimizer steps, so a
 * stage's last step (and its closing evaluation) is its own and the next stage starts one step later.
 */
export function stageAt(config: Pick<RunConfig, StageName>, step: number): StageName {
  let end = 0;
  const on = STAGES.filter((s) => config[s].steps > 0);
  for (const s of on) {
    end += config[s].steps;
    if (step <= end) return s;
  }
  return on.at(-1) ?? 'sft';
}

export class ViewState {
  runId: string | null = $state(null);
  /** The stored record of the shown run (name, config, status when it was read). */
  record: RunRecord | null = $state.raw(null);
  /** Replaced, never mutated: the charts redraw from a new array. */
  rows: MetricRow[] = $state.raw([]);
  samples: SampleRow | null = $state.raw(null);
  /** RL rollouts kept at each evaluation step, by step (replaced, never mutated). */
  rollouts: RolloutRow[] = $state.raw([]);
  loading = $state(false);
  error: string | null = $state(null);
  /** The result a link carried, while it is shown (then runId and record are null). */
  shared: SharedResult | null = $state.raw(null);
  /** What storage held of the shown run when it was opened (a stored run says what it has). */
  holdings: Holdings | null = $state.raw(null);
  /** Stored rows of the shown run that failed their check and were left out (null: none). */
  damaged: Damaged | null = $state.raw(null);
  private request = 0;

  /** Show a run: its stored rows, then whatever the worker streams for it (merged by step). */
  async show(runId: string): Promise<void> {
    const id = ++this.request;
    this.runId = runId;
    this.shared = null;
    this.rows = [];
    this.samples = null;
    this.rollouts = [];
    this.record = null;
    this.holdings = null;
    this.damaged = null;
    this.error = null;
    this.loading = true;
    try {
      const db = await pageDb();
      const [record, metrics, sampleRows, rolloutRows, checkpoints] = await Promise.all([
        getRun(db, runId),
        readMetrics(db, runId),
        readSamples(db, runId),
        readRollouts(db, runId),
        checkpointSteps(db, runId),
      ]);
      if (id !== this.request) return; // the user picked another run meanwhile
      const [rows, samples, rollouts] = [metrics.rows, sampleRows.rows, rolloutRows.rows];
      const damaged = { metrics: metrics.damaged, samples: sampleRows.damaged, rollouts: rolloutRows.damaged };
      this.damaged = damaged.metrics + damaged.samples + damaged.rollouts > 0 ? damaged : null;
      this.record = record ? withReported(record) : null;
      this.holdings = {
        rows: rows.length,
        firstStep: rows[0]?.step ?? null,
        lastStep: rows.at(-1)?.step ?? null,
        samples: samples.length,
        rollouts: rollouts.length,
        checkpoints: checkpoints.length,
      };
      this.rows = mergeRows(rows, this.rows);
      this.samples = this.samples ?? samples.at(-1) ?? null;
      for (const r of rollouts) this.addRollouts(r, false);
    } catch (err) {
      if (id === this.request) this.error = `Could not read this run from storage: ${errorMessage(err)}`;
    } finally {
      if (id === this.request) this.loading = false;
    }
  }

  /** Re-read the shown run's record (its status changed). */
  async refreshRecord(): Promise<void> {
    const id = this.runId;
    if (!id) return;
    const record = await getRun(await pageDb(), id).catch(() => undefined);
    if (this.runId === id && record) this.record = withReported(record);
  }

  /** Show the curves and samples a result link carried; nothing is stored. */
  showShared(result: SharedResult): void {
    this.clear();
    this.shared = result;
    this.rows = result.rows.map((p) => ({
      runId: '',
      step: p.step,
      stage: stageAt(result.config, p.step),
      time: 0,
      values: { ...p.values },
    }));
    this.samples = result.samples.length > 0 ? { runId: '', step: result.step, items: result.samples } : null;
  }

  /** A metrics event from the worker. */
  append(row: MetricRow): void {
    if (row.runId === this.runId) this.rows = mergeRows(this.rows, [row]);
  }

  /** A samples event from the worker. */
  setSamples(row: SampleRow): void {
    if (row.runId === this.runId && (!this.samples || row.step >= this.samples.step)) this.samples = row;
  }

  /** A rollouts event from the worker (or a stored row, which a streamed copy of the same step wins over). */
  addRollouts(row: RolloutRow, replace = true): void {
    if (row.runId !== this.runId) return;
    const at = this.rollouts.findIndex((r) => r.step === row.step);
    if (at >= 0 && !replace) return;
    this.rollouts = [...this.rollouts.filter((r) => r.step !== row.step), row].sort((a, b) => a.step - b.step);
  }

  /** Forget the shown run (it was deleted). */
  clear(): void {
    this.request++;
    this.runId = null;
    this.shared = null;
    this.record = null;
    this.holdings = null;
    this.damaged = null;
    this.rows = [];
    this.samples = null;
    this.rollouts = [];
    this.loading = false;
  }
}
