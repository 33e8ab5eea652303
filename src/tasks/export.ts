// Export a task set as JSONL in the shapes TRL reads: SFTTrainer's prompt/completion rows and
// GRPOTrainer's prompt rows with an answer column for the reward function (public/docs/trl-export.md;
// the whole TRL export with scripts is src/export/trl/). Pure: returns strings; saving is the caller's.
import type { Dataset } from './dataset';
import type { Example } from './types';

/** 'train': RL's draws ds.train(i); 'sft': SFT's draws ds.sft(i); the evaluation splits. */
export type ExportSplit = 'train' | 'sft' | 'heldout' | 'ood';

export interface ExportOptions {
  split: ExportSplit;
  /** Rows to write; default: every distinct prompt of the split (distinctRows), or the whole evaluation split. */
  count?: number;
  /** Appended to every prompt, standing in for the lab's SEP token (a real model needs a boundary). */
  separator?: string;
  /** GRPO rows also carry `meta`, the example's data as JSON text: what a step checker reads (verifiers.py). */
  meta?: boolean;
  /** SFT rows also carry `answer` (the label the completion states) and, where the split is noisy, `clean_answer`. */
  labels?: boolean;
}

export interface SftRow {
  prompt: string;
  completion: string;
  answer?: string;
  clean_answer?: string;
}

export interface GrpoRow {
  prompt: string;
  /** The label as the answer line writes it ("632", "Ann, Bo"); noisy where the item is noisy. */
  answer: string;
  /** The label's items, for tasks whose questions can have several answers (set-F1 reward). */
  answer_set?: string[];
  /** Training rows under label noise: the clean label, for measuring how much the noise is fitted. */
  clean_answer?: string;
  /** The clean label's items, where both noise and set answers apply. */
  clean_answer_set?: string[];
  difficulty: number;
  /** The example's meta (operands, chain, mentions, world facts) as JSON text. */
  meta?: string;
}

/** Default rows for unlimited training sets (they have no natural end). */
export const UNLIMITED_EXPORT_ROWS = 1000;

const asText = (label: string | string[]) => (typeof label === 'string' ? label : label.join(', '));
const asList = (label: string | string[]) => (typeof label === 'string' ? [label] : label);

interface Row {
  example: Example;
  label: string | string[];
  clean: string | string[];
  completion: string;
}

/** Distinct prompts a training split cycles through: N (or sftSize for SFT), or null when unlimited. */
export function distinctRows(ds: Dataset, split: 'train' | 'sft'): number | null {
  const { trainSize, sftSize, sftSource } = ds.config;
  if (split === 'sft' && (sftSize ?? 0) > 0) return sftSize!;
  if (split === 'sft' && sftSource === 'fresh') return null;
  return trainSize === 0 ? null : trainSize;
}

/** Do the split's rows carry label noise (training draws of a noisy config; fresh SFT draws are clean)? */
export function isNoisy(ds: Dataset, split: ExportSplit): boolean {
  return ds.config.labelNoise > 0 && (split === 'train' || (split === 'sft' && ds.config.sftSource === 'train'));
}

function rows(ds: Dataset, opts: ExportOptions): Row[] {
  if (opts.split === 'train' || opts.split === 'sft') {
    const n = opts.count ?? distinctRows(ds, opts.split) ?? UNLIMITED_EXPORT_ROWS;
    const draw = opts.split === 'train' ? (i: number) => ds.train(i) : (i: number) => ds.sft(i);
    return Array.from({ length: n }, (_, i) => {
      const t = draw(i);
      return { example: t.example, label: t.label, clean: t.cleanLabel, completion: t.completion };
    });
  }
  const examples = ds[opts.split].slice(0, opts.count);
  return examples.map((ex, j) => ({
    example: ex,
    label: ex.answer,
    clean: ex.answer,
    completion: ds.renderEval(opts.split as 'heldout' | 'ood', j),
  }));
}

/** One JSON object per line, newline-terminated. */
export function toJsonl(items: readonly object[]): string {
  return items.map((x) => JSON.stringify(x) + '\n').join('');
}

/** SFTTrainer rows: prompt and completion (the rationale in the dataset's style, ending "A: ..."). */
export function sftRows(ds: Dataset, opts: ExportOptions): SftRow[] {
  const sep = opts.separator ?? '\n';
  const noisy = isNoisy(ds, opts.split);
  return rows(ds, opts).map((r) => ({
    prompt: r.example.prompt + sep,
    completion: r.completion,
    ...(opts.labels ? { answer: asText(r.label) } : {}),
    ...(opts.labels && noisy ? { clean_answer: asText(r.clean) } : {}),
  }));
}

/** GRPOTrainer rows: prompt plus the answer columns a reward function reads (extra columns reach it as kwargs). */
export function grpoRows(ds: Dataset, opts: ExportOptions): GrpoRow[] {
  const sep = opts.separator ?? '\n';
  const sets = ds.task.setAnswers;
  const noisy = isNoisy(ds, opts.split);
  return rows(ds, opts).map((r) => ({
    prompt: r.example.prompt + sep,
    answer: asText(r.label),
    ...(sets ? { answer_set: asList(r.label) } : {}),
    ...(noisy ? { clean_answer: asText(r.clean) } : {}),
    ...(noisy && sets ? { clean_answer_set: asList(r.clean) } : {}),
    difficulty: r.example.difficulty,
    ...(opts.meta ? { meta: JSON.stringify(r.example.meta) } : {}),
  }));
}

export function sftJsonl(ds: Dataset, opts: ExportOptions): string {
  return toJsonl(sftRows(ds, opts));
}

export function grpoJsonl(ds: Dataset, opts: ExportOptions): string {
  return toJsonl(grpoRows(ds, opts));
}
