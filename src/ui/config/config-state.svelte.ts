// The config panel's state: the draft the inputs edit, its live validation (debounced), the examples
// the preview shows, and the copy remembered in localStorage. Not the inputs themselves (ConfigPanel).
// The schema check is instant; building the dataset to measure its longest example grows with N and the
// splits (0.03 s to a minute), so it runs in a worker (data-check-client.ts), cancellable, cached by
// (data, seed). A config is remembered only once that check has passed.
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../../experiment/run-config';
import { validateDataConfig, type DataConfig, type TrainItem } from '../../tasks/dataset';
import { getTask } from '../../tasks/registry';
import { ConfigError, errorMessage } from '../../util/errors';
import { checkDataInWorker, type DataCheckResult, type DataProgress } from '../../worker/data-check-client';
import { fieldMatches } from './config-fields';

const STORAGE_KEY = 'rlvr-lab/run-config/v1';
const DEBOUNCE_MS = 200;

export interface FieldError {
  field: string;
  message: string;
}

/** A finished data check: the preview's first training draws and the longest example, or why it failed. */
interface DataCheck {
  examples: TrainItem[] | null;
  result: DataCheckResult;
}

/** The data the preview and the context check need: valid data settings and seed (the rest may be invalid). */
function dataTarget(raw: RunConfig): { data: DataConfig; seed: number; key: string } | null {
  try {
    if (!Number.isInteger(raw.seed) || raw.seed < 0) return null;
    const data = validateDataConfig(raw.data);
    return { data, seed: raw.seed, key: dataKey(data, raw.seed) };
  } catch {
    return null;
  }
}

const dataKey = (data: DataConfig, seed: number) => JSON.stringify([data, seed]);

/** Finished checks by (data, seed), the newest few: edits to model or SFT fields reuse them. Not reactive. */
class DataChecks {
  private entries = new Map<string, DataCheck>();

  get(key: string): DataCheck | undefined {
    return this.entries.get(key);
  }

  set(key: string, check: DataCheck): void {
    if (this.entries.size >= 8) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, check);
  }
}

function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

export class ConfigState {
  /** What the inputs edit (deeply reactive); may be invalid at any moment. */
  draft: RunConfig = $state(plain(DEFAULT_RUN_CONFIG));
  /** The last draft that passed validation, with every default filled in; null while the draft is invalid. */
  valid: RunConfig | null = $state.raw(null);
  error: FieldError | null = $state.raw(null);
  /** The first training draws of the draft's data and seed (the examples preview); null until checked. */
  examples: TrainItem[] | null = $state.raw(null);
  /** The data check in progress (the worker's last report), for the progress line; null when none runs. */
  checking: DataProgress | null = $state.raw(null);
  /** One-line notice about the stored config (e.g. it was invalid and defaults were restored). */
  notice: string | null = $state(null);
  /** Context length the data needs (longest example + BOS, SEP, EOS), when the data settings are valid. */
  contextNeeded: number | null = $state(null);

  private checks = new DataChecks();
  private running: { key: string; abort: AbortController } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private checkedJson = '';
  private backendListeners: ((choice: RunConfig['backend']) => void)[] = [];

  /**
   * `starter`: what a first visit (nothing stored) and "Reset" load: the page's flagship run, not the
   * schema's defaults (those are each field's own default; a run of all of them takes an hour on a CPU).
   */
  constructor(
    private readonly storage: Storage | null = globalThis.localStorage ?? null,
    private readonly starter: Readonly<RunConfig> = DEFAULT_RUN_CONFIG,
  ) {
    this.draft = this.restore();
    this.valid = this.check(this.draft, false); // schema only: Start works at once
    this.checking = { phase: 'build', done: 0, total: 0 }; // the data check starts after the first paint
    this.timer = setTimeout(() => this.validateNow(), 0);
  }

  /** The stored config if its schema still validates; otherwise the defaults and a notice saying so. */
  private restore(): RunConfig {
    const fallback = this.check(plain(this.starter), false) ?? plain(this.starter);
    let text: string | null = null;
    try {
      text = this.storage?.getItem(STORAGE_KEY) ?? null;
    } catch {
      return fallback; // storage blocked (privacy mode): nothing to restore
    }
    if (text === null) return fallback;
    try {
      const cfg = this.check(JSON.parse(text), false);
      if (cfg) return cfg;
      this.notice = `Your saved settings were not valid (${this.error?.message ?? 'unknown field'}); the defaults are back.`;
    } catch {
      this.notice = 'Your saved settings could not be read; the defaults are back.';
    }
    this.error = null;
    return fallback;
  }

  /**
   * Validate a raw config against the schema and, with `measure`, against its finished data check (the
   * longest example; a dataset that cannot be built); sets `error`. Data not checked yet pass for now.
   */
  private check(raw: unknown, measure = true): RunConfig | null {
    try {
      const cfg = validateRunConfig(raw, measure ? (data, seed) => this.measured(data, seed) : undefined);
      this.error = null;
      return cfg;
    } catch (err) {
      this.error =
        err instanceof ConfigError
          ? { field: err.field, message: err.message }
          : { field: 'config', message: String(err) };
      return null;
    }
  }

  /** The longest example of checked data; throws the check's error; 0 (no context check yet) while unchecked. */
  private measured(data: DataConfig, seed: number): number {
    const result = this.checks.get(dataKey(data, seed))?.result;
    if (result && !result.ok) throw new ConfigError(result.field, result.message);
    return result?.maxLength ?? 0;
  }

  /**
   * Validate the draft now (Start calls this so it never runs a stale check) and start its data check
   * when it has none; saves it once both passed. Start need not wait: the trainer checks the data again.
   */
  validateNow(): RunConfig | null {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const json = JSON.stringify(this.draft);
    if (json === this.checkedJson && (this.valid || this.error)) return this.valid;
    this.checkedJson = json;
    const raw = JSON.parse(json) as RunConfig;
    const target = dataTarget(raw);
    const done = target ? this.checks.get(target.key) : undefined;
    this.valid = this.check(raw);
    if (this.valid && done?.result.ok) this.save(this.valid);
    this.contextNeeded = done?.result.ok ? done.result.maxLength + 3 : null; // BOS, SEP and EOS, as validateRunConfig counts them
    if (!target || done) {
      this.stopCheck();
      this.examples = done?.examples ?? null;
    } else if (this.running?.key !== target.key) {
      this.examples = null;
      this.startCheck(target.data, target.seed, target.key);
    }
    return this.valid;
  }

  /** Build and measure (data, seed) in a worker; its answer validates the draft again. Replaces a running check. */
  private startCheck(data: DataConfig, seed: number, key: string): void {
    this.stopCheck();
    const abort = new AbortController();
    const current = () => this.running?.abort === abort;
    this.running = { key, abort };
    this.checking = { phase: 'build', done: 0, total: 0 };
    let examples: TrainItem[] | null = null;
    const handlers = {
      onProgress: (p: DataProgress) => {
        if (current()) this.checking = p;
      },
      onExamples: (items: TrainItem[]) => {
        examples = items;
        if (current()) this.examples = items; // the preview need not wait for the measuring
      },
    };
    checkDataInWorker(data, seed, handlers, abort.signal).then(
      (result) => {
        this.checks.set(key, { examples, result });
        if (!current()) return;
        this.running = null;
        this.checking = null;
        this.checkedJson = ''; // the draft is validated again, now with its data
        this.validateNow();
      },
      (err: unknown) => {
        if (!current()) return; // replaced or cancelled
        this.stopCheck();
        this.notice = `The data check failed (${errorMessage(err)}); the trainer still checks the data on Start.`;
      },
    );
  }

  private stopCheck(): void {
    this.running?.abort.abort();
    this.running = null;
    this.checking = null;
  }

  /** The user's Cancel: the draft keeps its settings, unchecked (and not remembered) until the next edit. */
  cancelCheck(): void {
    if (!this.running) return;
    this.stopCheck();
    this.notice =
      'Data check cancelled: the examples and the context check wait for your next change. Start still works (the trainer checks the data itself).';
  }

  /** Call after any edit of the draft (the form's input events, its buttons): validation runs once the typing pauses. */
  schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.validateNow(), DEBOUNCE_MS);
  }

  /** Switch task: its own settings start from its defaults. */
  setTask(id: string): void {
    this.draft.data.task = id as DataConfig['task'];
    this.draft.data.taskConfig = plain(getTask(id).defaults) as Record<string, unknown>;
    this.schedule();
  }

  /**
   * Hear the draft's backend each time it changes: the user's pick (setBackend), a loaded config or Reset.
   * Returns the unsubscribe.
   */
  onBackendChange(listener: (choice: RunConfig['backend']) => void): () => void {
    this.backendListeners = [...this.backendListeners, listener];
    return () => void (this.backendListeners = this.backendListeners.filter((l) => l !== listener));
  }

  /** The user's backend pick in the form. */
  setBackend(choice: RunConfig['backend']): void {
    const before = this.draft.backend;
    this.draft.backend = choice;
    this.schedule();
    this.backendChanged(before);
  }

  /** Take a whole config (from a link): the form shows it, validated as the user had typed it. */
  load(config: RunConfig): void {
    const before = this.draft.backend;
    this.draft = plain(config);
    this.notice = null;
    this.validateNow();
    this.backendChanged(before);
  }

  reset(): void {
    const before = this.draft.backend;
    this.draft = this.check(plain(this.starter)) ?? plain(this.starter);
    this.notice = null;
    this.validateNow();
    this.backendChanged(before);
  }

  private backendChanged(before: RunConfig['backend']): void {
    const choice = this.draft.backend;
    if (choice !== before) for (const listener of this.backendListeners) listener(choice);
  }

  /** The error message for an input's path, if the current error names it. */
  errorAt(path: string): string | null {
    return this.error && fieldMatches(this.error.field, path) ? this.error.message : null;
  }

  /** Show an error the worker reported for a field (the worker validates again on Start). */
  showError(error: FieldError): void {
    this.error = error;
    this.valid = null;
    this.checkedJson = JSON.stringify(this.draft);
  }

  private save(cfg: RunConfig): void {
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(cfg));
    } catch {
      // Full or blocked storage: the settings still apply to this page; nothing else is lost.
    }
  }
}
