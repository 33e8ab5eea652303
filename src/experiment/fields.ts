// Field checks shared by every config section's validator: numbers in a range, choices, unknown keys.
// Each error names the full field path and what is allowed.
import { ConfigError } from '../util/errors';

export type Range = { min: number; max: number; integer: boolean; above?: boolean };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A number within its range, or a ConfigError naming the field and the range. */
export function checkRangeField(field: string, value: unknown, r: Range): number {
  const kind = r.integer ? 'an integer' : 'a number';
  const bounds = r.above ? `greater than ${r.min} and at most ${r.max}` : `from ${r.min} to ${r.max}`;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!r.integer || Number.isInteger(value)) &&
    (r.above ? value > r.min : value >= r.min) &&
    value <= r.max;
  if (!ok) throw new ConfigError(field, `${field} must be ${kind} ${bounds}; got ${JSON.stringify(value)}`);
  return value as number;
}

export function checkChoice<T extends string>(field: string, value: unknown, options: readonly T[]): T {
  if (typeof value !== 'string' || !options.includes(value as T)) {
    throw new ConfigError(field, `${field} must be one of ${options.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Refuse keys a config does not know (a typo would otherwise be silently ignored). */
export function refuseUnknown(section: string, rec: Record<string, unknown>, known: readonly string[]): void {
  const extra = Object.keys(rec).find((k) => !known.includes(k));
  if (extra !== undefined)
    throw new ConfigError(`${section}.${extra}`, `Unknown setting ${section}.${extra}; known: ${known.join(', ')}`);
}

/** Every numeric field of a section from `raw`, defaults filling the gaps. */
export function checkSection<T extends object>(
  section: string,
  raw: Record<string, unknown>,
  defaults: Readonly<T>,
  ranges: Record<string, Range>,
): T {
  const out = { ...defaults } as Record<string, unknown>;
  for (const [key, range] of Object.entries(ranges))
    out[key] = checkRangeField(`${section}.${key}`, raw[key] ?? (defaults as Record<string, unknown>)[key], range);
  return out as T;
}
