// The compare and predictor views' state: which page of the lab is shown (the run, the comparison or
// the predictor plot), which runs are ticked for comparing, and those runs' records and metric rows:
// read from IndexedDB when the comparison opens, then followed: the rows the trainer streams for a
// compared run (append, fed by LabState's metrics events) are merged in, so a run still training grows
// on the charts; finished runs stream nothing and stay as read. Stale loads are dropped by a request
// id. The numbers themselves are src/analysis/compare.ts and predictor.ts.
import { metricKeys } from '../../analysis/compare';
import { metricOrder } from '../../analysis/metric-names';
import { getRun } from '../../store/runs';
import { getMetrics } from '../../store/step-rows';
import type { MetricRow, RunRecord } from '../../store/types';
import { pageDb } from '../shared/page-db';
import { mergeRows } from '../shared/chart-columns';
import { errorMessage } from '../../util/errors';

export type LabPage = 'run' | 'compare' | 'predictor';

/** A run as the comparison reads it (CompareRun and PredictorRun both fit). */
export interface ComparedRun {
  id: string;
  name: string;
  config: RunRecord['config'];
  rows: MetricRow[];
}

/** What the overlay charts show first: the reward GRPO optimizes and held-out pass@1 (greedy held-out accuracy where a run has no pass@1). */
export const DEFAULT_COMPARE_METRICS = ['reward', 'eval_heldout/pass@1'];

/**
 * The metrics to draw over runs that logged `available`: the defaults they have, while the user has not
 * changed them; else `current` while the runs have any of it (a run still training may log the rest later);
 * held-out accuracy stands in for pass@1 where the runs have no pass@1 (SFT-only or older runs). With none
 * of those, the first in reading order (metricOrder), never an alphabetical accident like clip_ratio/high_mean.
 */
export function chooseMetrics(
  available: readonly string[],
  current: readonly string[] = DEFAULT_COMPARE_METRICS,
): string[] {
  const held = (m: string) =>
    m === 'eval_heldout/pass@1' && !available.includes(m) && available.includes('eval_heldout/accuracy')
      ? 'eval_heldout/accuracy'
      : m;
  const once = (ms: string[]) => ms.filter((m, i) => ms.indexOf(m) === i);
  const defaults = once(DEFAULT_COMPARE_METRICS.map(held)).filter((m) => available.includes(m));
  const untouched = current.join() === DEFAULT_COMPARE_METRICS.join();
  const resolved = once(current.map(held));
  if (!untouched && resolved.some((m) => available.includes(m))) return resolved;
  return defaults.length > 0 ? defaults : metricOrder(available).slice(0, 1);
}

export class CompareState {
  page: LabPage = $state('run');
  /** Run ids ticked in the run list, in ticking order. */
  selected: string[] = $state([]);
  /** The compared runs (replaced, never mutated: the charts rebuild their columns once per load). */
  runs: ComparedRun[] = $state.raw([]);
  /** Every metric key some compared run logged (the picker's choices). */
  available: string[] = $state.raw([]);
  /** The metrics drawn, one overlay chart each. */
  metrics: string[] = $state([...DEFAULT_COMPARE_METRICS]);
  /** Draw runs that differ only in seed as one mean line with a min-max band. */
  groupSeeds = $state(true);
  loading = $state(false);
  error: string | null = $state(null);
  private request = 0;
  /** Rows streamed for the runs being read while open() reads them (merged in when the read lands). */
  private pending: MetricRow[] = [];

  toggle(id: string): void {
    this.selected = this.selected.includes(id) ? this.selected.filter((x) => x !== id) : [...this.selected, id];
  }

  /**
   * Compare the runs `ids` (a preset sweep calls this on its runs): tick exactly them, show `page`,
   * and read their records and metric rows. Ids no longer in the library are left out and said so.
   */
  async open(ids: string[], page: 'compare' | 'predictor' = 'compare'): Promise<void> {
    const id = ++this.request;
    this.selected = ids.filter((x, i) => ids.indexOf(x) === i); // a plain copy, each id once
    this.page = page;
    this.loading = true;
    this.error = null;
    this.pending = [];
    try {
      const db = await pageDb();
      const found = await Promise.all(
        this.selected.map(async (runId) => ({
          runId,
          record: await getRun(db, runId),
          rows: await getMetrics(db, runId),
        })),
      );
      if (id !== this.request) return; // another open() meanwhile
      const streamed = this.pending;
      this.pending = [];
      const runs = found.flatMap(({ record, rows }) => {
        if (!record) return [];
        const late = streamed.filter((r) => r.runId === record.id); // a streamed copy of a step wins, as in the live view
        return [
          {
            id: record.id,
            name: record.name,
            config: record.config,
            rows: late.length > 0 ? mergeRows(rows, late) : rows,
          },
        ];
      });
      const missing = found.length - runs.length;
      if (missing > 0)
        this.error = `${missing} of the chosen runs ${missing === 1 ? 'is' : 'are'} no longer in the library and ${missing === 1 ? 'was' : 'were'} left out.`;
      this.runs = runs;
      this.available = metricKeys(runs);
      this.metrics = chooseMetrics(this.available, this.metrics);
    } catch (err) {
      if (id === this.request) this.error = `The runs could not be read from storage: ${errorMessage(err)}`;
    } finally {
      if (id === this.request) this.loading = false;
    }
  }

  /**
   * A metric row the trainer streamed: merged into its run when that run is compared (the run is
   * replaced, so the charts and the table recompute), kept for the read in flight when it is being
   * opened, ignored otherwise. A key no compared run had joins the metric picker.
   */
  append(row: MetricRow): void {
    if (this.loading) {
      if (this.selected.includes(row.runId)) this.pending.push(row);
      return;
    }
    if (!this.runs.some((r) => r.id === row.runId)) return;
    this.runs = this.runs.map((r) => (r.id === row.runId ? { ...r, rows: mergeRows(r.rows, [row]) } : r));
    if (Object.keys(row.values).some((k) => !this.available.includes(k))) this.available = metricKeys(this.runs);
  }

  toggleMetric(key: string): void {
    this.metrics = this.metrics.includes(key) ? this.metrics.filter((m) => m !== key) : [...this.metrics, key];
  }
}
