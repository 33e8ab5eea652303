// Generic config validation from a table of FieldSpecs: missing fields take the frozen default,
// unknown or out-of-range fields are refused with a ConfigError naming the field.
// Cross-field rules (min <= max) stay in each task, next to the fields they relate.
import { ConfigError } from '../util/errors';
import type { FieldSpec } from './types';

/** Check one value against its spec; returns it typed like the default. */
function checkField(name: string, spec: FieldSpec, value: unknown, dflt: unknown): unknown {
  if (typeof dflt === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ConfigError(name, `${name} must be a number (got ${JSON.stringify(value)}).`);
    }
    const integer = spec.integer ?? Number.isInteger(dflt);
    if (integer && !Number.isInteger(value))
      throw new ConfigError(name, `${name} must be a whole number (got ${value}).`);
    if (spec.min !== undefined && value < spec.min)
      throw new ConfigError(name, `${name} must be at least ${spec.min} (got ${value}).`);
    if (spec.max !== undefined && value > spec.max)
      throw new ConfigError(name, `${name} must be at most ${spec.max} (got ${value}).`);
    return value;
  }
  if (typeof dflt === 'boolean') {
    if (typeof value !== 'boolean')
      throw new ConfigError(name, `${name} must be true or false (got ${JSON.stringify(value)}).`);
    return value;
  }
  if (typeof value !== 'string')
    throw new ConfigError(name, `${name} must be a string (got ${JSON.stringify(value)}).`);
  if (spec.options && !spec.options.includes(value)) {
    throw new ConfigError(name, `${name} must be one of ${spec.options.join(', ')} (got ${JSON.stringify(value)}).`);
  }
  return value;
}

/** Validate a raw (possibly partial) record against fields and defaults. `prefix` dots the error's field. */
export function validateFields<C extends object>(
  fields: Record<string, FieldSpec>,
  defaults: Readonly<C>,
  raw: unknown,
  prefix = '',
): C {
  if (raw === undefined || raw === null) return { ...defaults };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(prefix || 'config', `${prefix || 'config'} must be an object of settings.`);
  }
  const rec = raw as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (!(key in fields))
      throw new ConfigError(prefix + key, `Unknown setting ${prefix + key}; known: ${Object.keys(fields).join(', ')}.`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(fields)) {
    const dflt = (defaults as Record<string, unknown>)[name];
    out[name] = name in rec ? checkField(prefix + name, spec, rec[name], dflt) : dflt;
  }
  return out as C;
}

/** Refuse `lo > hi`, naming the upper field (the one a user usually just changed). */
export function checkRange(cfg: Record<string, unknown>, lo: string, hi: string): void {
  if ((cfg[lo] as number) > (cfg[hi] as number)) {
    throw new ConfigError(hi, `${hi} (${String(cfg[hi])}) must be at least ${lo} (${String(cfg[lo])}).`);
  }
}
