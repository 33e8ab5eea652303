// One declarative description per setting: its default, type, range or choices, label, one-line reason and
// unit. Every config section (run, model, data, each task, CPT, SFT, RL) is a table of these; its frozen
// default, its validator, the form's inputs, the compare table's names and the README's settings table are
// all derived from that table. Pure TS.
import { ConfigError } from './errors';

export interface SettingSpec {
  /** The form's label (and the compare table's name). RL settings use TRL's names. */
  label: string;
  /** One line: what the setting does and why its default is what it is (the form's hint). */
  reason: string;
  /** What a number counts ("steps", "prompts", "tokens"), for the README's table. */
  unit?: string;
  /** Numbers: inclusive bounds (exclusive below with `above`). */
  min?: number;
  max?: number;
  /** Numbers: whole numbers only (default: true when the default is a whole number). */
  integer?: boolean;
  above?: boolean;
  /** Choices: the allowed strings. */
  options?: readonly string[];
  /** The form input's step ('any' for rates); only shapes the input, the bounds decide. */
  step?: number | 'any';
}

/** A setting of a config section: its spec and default, and for a value that is not a plain number,
 *  string or switch (a list of rewards, a task's own settings), its own check. */
export interface Setting<T = unknown> extends SettingSpec {
  default: T;
  /**
   * Left out of the validated config while at its default, so a config saved before the setting existed
   * reads, and serializes (links, stored runs), exactly as it did.
   */
  omitAtDefault?: boolean;
  /** A value this table cannot describe: returns it checked, or throws ConfigError naming `path`. */
  check?: (path: string, value: unknown) => T;
}

/** A section's table: one Setting per key of its config record (optional keys too). */
export type Schema<C> = { readonly [K in keyof C]-?: Setting<NonNullable<C[K]>> };

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A number spec's allowed values in words: "an integer from 1 to 8", "a number greater than 0 and at most 10". */
export function rangeText(spec: SettingSpec, integer: boolean): string {
  const kind = integer ? 'an integer' : 'a number';
  if (spec.min === undefined && spec.max === undefined) return kind;
  if (spec.max === undefined) return `${kind} ${spec.above ? 'greater than' : 'of at least'} ${spec.min}`;
  if (spec.min === undefined) return `${kind} of at most ${spec.max}`;
  return spec.above
    ? `${kind} greater than ${spec.min} and at most ${spec.max}`
    : `${kind} from ${spec.min} to ${spec.max}`;
}

const isInteger = (spec: SettingSpec, dflt: unknown): boolean =>
  spec.integer ?? (typeof dflt === 'number' && Number.isInteger(dflt));

/** One value against its spec, typed like `dflt`; a ConfigError naming `path` and what is allowed otherwise. */
export function checkValue(path: string, spec: SettingSpec, dflt: unknown, value: unknown): unknown {
  const got = JSON.stringify(value) ?? String(value);
  if (typeof dflt === 'number') {
    const integer = isInteger(spec, dflt);
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (!integer || Number.isInteger(value)) &&
      (spec.min === undefined || (spec.above ? value > spec.min : value >= spec.min)) &&
      (spec.max === undefined || value <= spec.max);
    if (!ok) throw new ConfigError(path, `${path} must be ${rangeText(spec, integer)}; got ${got}`);
    return value;
  }
  if (typeof dflt === 'boolean') {
    if (typeof value !== 'boolean') throw new ConfigError(path, `${path} must be true or false; got ${got}`);
    return value;
  }
  if (spec.options) {
    if (typeof value !== 'string' || !spec.options.includes(value))
      throw new ConfigError(path, `${path} must be one of ${spec.options.join(', ')}; got ${got}`);
    return value;
  }
  if (typeof value !== 'string') throw new ConfigError(path, `${path} must be a string; got ${got}`);
  return value;
}

/** One setting's value checked: its own check when it has one, else the spec's type and bounds. */
function checkSetting(path: string, setting: Setting, value: unknown): unknown {
  return setting.check ? setting.check(path, value) : checkValue(path, setting, setting.default, value);
}

/** Refuse keys a section does not know (a typo would otherwise be silently ignored), naming the key. */
export function refuseUnknown(section: string, rec: Record<string, unknown>, known: readonly string[]): void {
  const extra = Object.keys(rec).find((k) => !known.includes(k));
  if (extra !== undefined) {
    const path = section ? `${section}.${extra}` : extra;
    throw new ConfigError(path, `Unknown setting ${path}; known: ${known.join(', ')}`);
  }
}

/** The frozen default of a section: every setting's default, the omitAtDefault ones left out. */
export function defaultsOf<C>(schema: Schema<C>): Readonly<C> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(schema) as [string, Setting][]) if (!s.omitAtDefault) out[key] = s.default;
  return Object.freeze(out) as Readonly<C>;
}

/**
 * A section from an untrusted record: unknown keys refused, every setting checked (missing ones take their
 * default), omitAtDefault settings left out at their default. Errors name `section.key` ("rl.lr"); an empty
 * section names the bare key (a task's own settings, prefixed by their caller).
 */
export function validateSection<C>(section: string, schema: Schema<C>, raw: unknown): C {
  const rec = raw === undefined || raw === null ? {} : raw;
  if (!isRecord(rec))
    throw new ConfigError(
      section || 'config',
      `${section || 'the config'} must be an object of settings; got ${JSON.stringify(raw)}`,
    );
  refuseUnknown(section, rec, Object.keys(schema));
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(schema) as [string, Setting][]) {
    const value = checkSetting(section ? `${section}.${key}` : key, s, rec[key] ?? s.default);
    if (!(s.omitAtDefault && JSON.stringify(value) === JSON.stringify(s.default))) out[key] = value;
  }
  return out as C;
}

/** `lo <= hi` between two settings of one section, naming the upper one (the one a user usually just changed). */
export function checkOrder(section: string, config: object, lo: string, hi: string): void {
  const cfg = config as Record<string, unknown>;
  const at = (k: string) => (section ? `${section}.${k}` : k);
  if ((cfg[lo] as number) > (cfg[hi] as number))
    throw new ConfigError(at(hi), `${at(hi)} (${String(cfg[hi])}) must be at least ${at(lo)} (${String(cfg[lo])})`);
}
