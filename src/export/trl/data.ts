// The TRL export's data: exactly the items a lab run draws (same data config and seed), as JSONL in
// TRL's shapes (src/tasks/export.ts). Fixed sets (N prompts, sftSize rationales) export once each, and
// TRL repeats them as epochs, as the lab cycles them; unlimited sets export the draws the run's steps
// make (steps x batch), up to TRL_ROW_CAP. Pure: returns strings and counts.
import type { RunConfig } from '../../experiment/run-config';
import type { Dataset } from '../../tasks/dataset';
import { distinctRows, grpoRows, sftRows, toJsonl } from '../../tasks/export';

/** Most rows one training file holds: an unlimited set drawn for a long run stops here (TRL repeats them). */
export const TRL_ROW_CAP = 50_000;

/** Appended to every prompt: the lab's SEP token, as the answer line's boundary a real model needs. */
export const SEPARATOR = '\n';

/** How one training file's rows came about, for the README. */
export interface RowCount {
  file: string;
  rows: number;
  /** Prompts (or rationales) the lab's steps draw: steps x batch. */
  drawn: number;
  /** Distinct items the lab cycles through (N, sftSize), or null when every draw is fresh. */
  distinct: number | null;
  capped: boolean;
}

export interface TrlData {
  /** Path in the export -> JSONL text. */
  files: Record<string, string>;
  counts: RowCount[];
}

function plan(file: string, drawn: number, distinct: number | null): RowCount {
  const wanted = distinct === null ? drawn : Math.min(distinct, drawn);
  return { file, rows: Math.min(wanted, TRL_ROW_CAP), drawn, distinct, capped: wanted > TRL_ROW_CAP };
}

/** The training rows of each stage the run has, and the held-out and OOD splits (always, whole). */
export function trlData(config: RunConfig, ds: Dataset): TrlData {
  const files: Record<string, string> = {};
  const counts: RowCount[] = [];
  const common = { separator: SEPARATOR, meta: true, labels: true };
  if (config.sft.steps > 0) {
    const c = plan('data/sft_train.jsonl', config.sft.steps * config.sft.batchSize, distinctRows(ds, 'sft'));
    files[c.file] = toJsonl(sftRows(ds, { ...common, split: 'sft', count: c.rows }));
    files['data/sft_heldout.jsonl'] = toJsonl(sftRows(ds, { ...common, split: 'heldout' }));
    counts.push(c);
  }
  if (config.rl.steps > 0) {
    const c = plan('data/grpo_train.jsonl', config.rl.steps * config.rl.promptsPerStep, distinctRows(ds, 'train'));
    files[c.file] = toJsonl(grpoRows(ds, { ...common, split: 'train', count: c.rows }));
    counts.push(c);
  }
  files['data/heldout.jsonl'] = toJsonl(grpoRows(ds, { ...common, split: 'heldout' }));
  files['data/ood.jsonl'] = toJsonl(grpoRows(ds, { ...common, split: 'ood' }));
  return { files, counts };
}
