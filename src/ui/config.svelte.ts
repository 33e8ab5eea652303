// The config panel's state: the draft the inputs edit, its live validation (debounced), the dataset
// the preview samples, and the copy remembered in localStorage. Not the inputs themselves (ConfigPanel).
// Building a dataset to measure its longest example costs 30-700 ms on the main thread (multi_hop is the
// slowest), so it is cached by (data, seed) and first done after the page has painted.
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../experiment/config';
import { buildDataset, validateDataConfig, type DataConfig, type Dataset } from '../tasks/dataset';
import { getTask } from '../tasks/registry';
import { ConfigError } from '../util/errors';
import { fieldMatches } from './config-fields';

const STORAGE_KEY = 'rlvr-lab/run-config/v1';
const DEBOUNCE_MS = 200;

export interface FieldError {
  field: string;
  message: string;
}

/** Datasets by (data, seed): building one and measuring its longest example costs tens of ms, so edits to model or SFT fields reuse it. */
class DatasetCache {
  private entries = new Map<string, { ds: Dataset; maxLength: number }>();

  get(data: DataConfig, seed: number): { ds: Dataset; maxLength: number } {
    const key = JSON.stringify([data, seed]);
    let hit = this.entries.get(key);
    if (!hit) {
      const ds = buildDataset(data, seed);
      hit = { ds, maxLength: ds.maxLength() };
      if (this.entries.size >= 4) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, hit);
    }
    return hit;
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
  /** The dataset of `valid` (for the examples preview). */
  dataset: Dataset | null = $state.raw(null);
  /** One-line notice about the stored config (e.g. it was invalid and defaults were restored). */
  notice: string | null = $state(null);
  /** Context length the data needs (longest example + BOS, SEP, EOS), when the data settings are valid. */
  contextNeeded: number | null = $state(null);

  private cache = new DatasetCache();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private checkedJson = '';

  constructor(private readonly storage: Storage | null = globalThis.localStorage ?? null) {
    this.draft = this.restore();
    this.valid = this.check(this.draft, false); // schema only: Start works at once
    this.timer = setTimeout(() => this.validateNow(), 0); // the dataset check, after the first paint
  }

  /** The stored config if its schema still validates; otherwise the defaults and a notice saying so. */
  private restore(): RunConfig {
    const fallback = this.check(plain(DEFAULT_RUN_CONFIG), false) ?? plain(DEFAULT_RUN_CONFIG);
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

  /** Validate a raw config against the schema (and, with `measure`, the dataset's longest example); sets `error`. */
  private check(raw: unknown, measure = true): RunConfig | null {
    try {
      const cfg = validateRunConfig(raw, measure ? (data, seed) => this.cache.get(data, seed).maxLength : undefined);
      this.error = null;
      return cfg;
    } catch (err) {
      this.error = err instanceof ConfigError ? { field: err.field, message: err.message } : { field: 'config', message: String(err) };
      return null;
    }
  }

  /** Validate the draft now (Start calls this so it never runs a stale check); saves it when valid. */
  validateNow(): RunConfig | null {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const json = JSON.stringify(this.draft);
    if (json === this.checkedJson && (this.valid || this.error)) return this.valid;
    this.checkedJson = json;
    const raw = JSON.parse(json) as RunConfig;
    this.preview(raw);
    const cfg = this.check(raw);
    this.valid = cfg;
    if (cfg) this.save(cfg);
    return cfg;
  }

  /** The preview's dataset needs only valid data settings and seed (a too-short context still shows examples). */
  private preview(raw: RunConfig): void {
    try {
      if (!Number.isInteger(raw.seed) || raw.seed < 0) throw new RangeError('seed');
      const hit = this.cache.get(validateDataConfig(raw.data), raw.seed);
      this.dataset = hit.ds;
      this.contextNeeded = hit.maxLength + 3; // BOS, SEP and EOS, as validateRunConfig counts them
    } catch {
      this.dataset = null;
      this.contextNeeded = null;
    }
  }

  /** Call after any edit: validation runs once the typing pauses. */
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

  /** Take a whole config (from a link): the form shows it, validated as the user had typed it. */
  load(config: RunConfig): void {
    this.draft = plain(config);
    this.notice = null;
    this.validateNow();
  }

  reset(): void {
    this.draft = this.check(plain(DEFAULT_RUN_CONFIG)) ?? plain(DEFAULT_RUN_CONFIG);
    this.notice = null;
    this.validateNow();
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
