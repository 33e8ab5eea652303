// The shape every task shares: plain-data examples, a config described field by field, and the
// generator, renderer, parser and verifiers that sit next to each other in one file per task.
// Pure types: no tfjs, no DOM, no registry (that lives in registry.ts).
import type { Schema, SettingSpec } from '../util/settings';
import type { Rng } from '../util/rng';

/**
 * How a rationale is written (the SFT data variants the papers compare):
 * - `pattern`: the task's one canonical procedure, always the same template (PARO-like).
 * - `varied`: several correct phrasings and step orders of the same solution (many annotators).
 * - `inconsistent`: correct steps, but the procedure itself changes from example to example.
 * - `corrupted`: one wrong intermediate step, right answer (the dataset applies it to a fraction).
 * - `unfaithful`: steps that do not entail the stated (correct) answer.
 * - `answer_only`: no rationale, only the answer line.
 */
export type RationaleStyle = 'pattern' | 'varied' | 'inconsistent' | 'corrupted' | 'unfaithful' | 'answer_only';

/** All styles, in the order a form lists them. */
export const RATIONALE_STYLES: readonly RationaleStyle[] = Object.freeze([
  'pattern',
  'varied',
  'inconsistent',
  'corrupted',
  'unfaithful',
  'answer_only',
]);

/** One gold intermediate fact: its canonical line and the value it establishes (an entity, a number). */
export interface Step {
  text: string;
  value: string;
}

/** One generated item. Plain data: it goes into postMessage, IndexedDB and JSONL unchanged. */
export interface Example {
  /** Stable identity of the prompt (same prompt, same key): used for dedup and train/held-out disjointness. */
  key: string;
  prompt: string;
  /** Gold intermediate facts or values, in solution order. */
  steps: Step[];
  /** The answer; a list where the question has several answers (scored by set-F1). */
  answer: string | string[];
  difficulty: number;
  meta: Record<string, unknown>;
}

/** What a completion states: its step lines (trimmed, non-empty, before the answer line) and its answer. */
export interface Parsed {
  steps: string[];
  answer: string | null;
}

/** One config field, described well enough for a UI to render a form and for an error to name it. */
/** A task setting's label, reason, range or choices (its default sits beside it in the task's Schema). */
export type FieldSpec = SettingSpec;

/** A task: config, generator and verifiers. `C` is the task's plain config record. */
export interface TaskDef<C> {
  /** Stable snake_case id: stored in URLs, IndexedDB and exported files. */
  id: string;
  title: string;
  description: string;
  /** Questions may have several answers (a list, scored by set-F1). */
  setAnswers: boolean;
  defaults: Readonly<C>;
  fields: Schema<C>;
  /** Fill missing fields from defaults, refuse anything else wrong with a ConfigError naming the field (prefixed by `at`, e.g. "data.taskConfig"). */
  validate(raw: unknown, at?: string): C;
  /** Example `index` drawn with `rng` (the caller derives rng from (seed, index)). Pure given its inputs. */
  generate(config: C, rng: Rng, index: number): Example;
  /** The harder config of the out-of-distribution split. */
  oodConfig(config: C): C;
  /** The completion (rationale lines, then the answer line "A: ...") in a style. */
  render(ex: Example, style: RationaleStyle, rng: Rng): string;
  /** Any model output -> stated steps and answer. Never throws. */
  parse(completion: string): Parsed;
  /** 0/1 normalized exact match, or set-F1 for list answers, against `label` (default: the gold answer). */
  score(ex: Example, parsed: Parsed, label?: string | string[]): number;
  /** Per stated step: is it true in the example's world? */
  checkSteps(ex: Example, parsed: Parsed): boolean[];
  /** Do the completion's own steps entail its stated answer (true or not)? No steps: false. */
  faithful(parsed: Parsed): boolean;
  /** The example's raw world statements and facts, with no question and no answer (for CPT). */
  domainText(ex: Example): string;
  /** A plausible wrong label (near-miss number, wrong but existing entity) for persistent label noise. */
  noisyLabel(ex: Example, rng: Rng): string | string[];
}

/** A task of any config type, as the registry hands it out (its config is checked by its own validate). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTask = TaskDef<any>;
