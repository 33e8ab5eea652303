// Export a task set as JSONL in the shapes TRL reads: SFTTrainer's prompt/completion rows and
// GRPOTrainer's prompt rows with an answer column for the reward function (public/docs/trl-export.md).
// Pure: returns strings; saving a file is the caller's business.
import type { Dataset } from './dataset';
import type { Example } from './types';

export type ExportSplit = 'train' | 'heldout' | 'ood';

export interface ExportOptions {
  split: ExportSplit;
  /** Rows to write; default: every distinct training prompt (N), or the whole evaluation split. */
  count?: number;
  /** Appended to every prompt, standing in for the lab's SEP token (a real model needs a boundary). */
  separator?: string;
}

export interface SftRow {
  prompt: string;
  completion: string;
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

function rows(ds: Dataset, opts: ExportOptions): Row[] {
  if (opts.split === 'train') {
    const n = opts.count ?? (ds.config.trainSize === 0 ? UNLIMITED_EXPORT_ROWS : ds.config.trainSize);
    return Array.from({ length: n }, (_, i) => {
      const t = ds.train(i);
      return { example: t.example, label: t.label, clean: t.cleanLabel, completion: t.completion };
    });
  }
  const examples = ds[opts.split].slice(0, opts.count);
  return examples.map((ex, j) => ({ example: ex, label: ex.answer, clean: ex.answer, completion: ds.renderEval(opts.split as 'heldout' | 'ood', j) }));
}

/** One JSON object per line, newline-terminated. */
export function toJsonl(items: readonly object[]): string {
  return items.map((x) => JSON.stringify(x) + '\n').join('');
}

/** SFTTrainer rows: prompt and completion (the rationale in the dataset's style, ending "A: ..."). */
export function sftRows(ds: Dataset, opts: ExportOptions): SftRow[] {
  const sep = opts.separator ?? '\n';
  return rows(ds, opts).map((r) => ({ prompt: r.example.prompt + sep, completion: r.completion }));
}

/** GRPOTrainer rows: prompt plus the answer columns a reward function reads (extra columns reach it as kwargs). */
export function grpoRows(ds: Dataset, opts: ExportOptions): GrpoRow[] {
  const sep = opts.separator ?? '\n';
  const sets = ds.task.setAnswers;
  const noisy = opts.split === 'train' && ds.config.labelNoise > 0;
  return rows(ds, opts).map((r) => ({
    prompt: r.example.prompt + sep,
    answer: asText(r.label),
    ...(sets ? { answer_set: asList(r.label) } : {}),
    ...(noisy ? { clean_answer: asText(r.clean) } : {}),
    ...(noisy && sets ? { clean_answer_set: asList(r.clean) } : {}),
    difficulty: r.example.difficulty,
  }));
}

export function sftJsonl(ds: Dataset, opts: ExportOptions): string {
  return toJsonl(sftRows(ds, opts));
}

export function grpoJsonl(ds: Dataset, opts: ExportOptions): string {
  return toJsonl(grpoRows(ds, opts));
}
