// Config links: the experiment (config and seed) in the URL hash as only its non-default values,
// compressed and versioned: `#c1.<payload>`. Opening one validates it like any untrusted config
// (missing fields take their defaults). Works on RunConfig generically: new sections need no code here.
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from './run-config';
import { packLink, parseEnvelope, unpackPayload, type LinkResult } from './link-codec';
import { ConfigError, errorMessage } from '../util/errors';

export const CONFIG_LINK_KIND = 'c';
export const CONFIG_LINK_VERSION = 1;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Keys that could reach an object's prototype: never copied out of a link. */
const UNSAFE_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
const MAX_DEPTH = 12;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What `value` changes relative to `base`: objects recurse; anything else (arrays too) is kept whole when it differs. */
export function diffFrom(value: unknown, base: unknown): Json | undefined {
  if (isObject(value) && isObject(base)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const d = k in base ? diffFrom(v, base[k]) : (v as Json);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return same(value, base) ? undefined : (JSON.parse(JSON.stringify(value ?? null)) as Json);
}

/** `base` with `diff` laid over it (objects merge, everything else replaces); prototype keys are dropped. */
export function applyDiff(base: unknown, diff: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new ConfigError('config', 'the config nests too deeply');
  if (!isObject(diff) || !isObject(base)) return diff;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(diff)) if (!UNSAFE_KEYS.has(k)) out[k] = applyDiff(base[k], v, depth + 1);
  return out;
}

/**
 * The config a diff is taken against: the defaults, with the task's own defaults when the task differs
 * (otherwise a changed task would carry the default task's settings as "changes").
 */
function baseFor(task: unknown): RunConfig {
  if (typeof task !== 'string' || task === DEFAULT_RUN_CONFIG.data.task) return DEFAULT_RUN_CONFIG;
  try {
    return validateRunConfig({ ...DEFAULT_RUN_CONFIG, data: { ...DEFAULT_RUN_CONFIG.data, task, taskConfig: {} } });
  } catch {
    return DEFAULT_RUN_CONFIG; // an unknown task: validation of the merged config will name it
  }
}

/** The non-default part of a valid config (empty object for the defaults). */
export function configChanges(config: RunConfig): JsonObject {
  const task = config.data.task;
  const diff = diffFrom(config, baseFor(task));
  const out = isObject(diff) ? diff : {};
  // The base already has the task (so its settings diff against its own defaults): say which task it was.
  if (task !== DEFAULT_RUN_CONFIG.data.task) out.data = { task, ...(isObject(out.data) ? out.data : {}) };
  return out;
}

/** A validated config from its changes; throws ConfigError naming the field. */
export function configFromChanges(changes: unknown): RunConfig {
  if (!isObject(changes)) throw new ConfigError('config', 'the config must be an object');
  const task = isObject(changes.data) ? changes.data.task : undefined;
  return validateRunConfig(applyDiff(baseFor(task), changes));
}

/** The hash (without '#') of a config link. */
export function encodeConfigLink(config: RunConfig): string {
  return packLink(CONFIG_LINK_KIND, CONFIG_LINK_VERSION, configChanges(config));
}

/** The config of a link's payload (envelope already parsed): never throws. */
export function decodeConfigPayload(version: number, payload: string): LinkResult<RunConfig> {
  if (version > CONFIG_LINK_VERSION)
    return {
      ok: false,
      error: `This config link was made by a newer RLVR Lab (link version ${version}); this lab reads version ${CONFIG_LINK_VERSION}. Reload to update the lab.`,
    };
  if (version !== CONFIG_LINK_VERSION)
    return { ok: false, error: `This config link has an unknown version (${version}).` };
  const raw = unpackPayload(payload, 'config link');
  if (!raw.ok) return raw;
  return configResult(raw.value, 'config link');
}

/** Validate link changes into a config, with the field named in the message. */
export function configResult(changes: unknown, what: string): LinkResult<RunConfig> {
  try {
    return { ok: true, value: configFromChanges(changes) };
  } catch (err) {
    if (err instanceof ConfigError)
      return { ok: false, error: `The ${what} holds an invalid setting: ${err.message}.` };
    return { ok: false, error: `The ${what} could not be read (${errorMessage(err)}).` };
  }
}

/** Decode a whole hash as a config link. */
export function decodeConfigLink(hash: string): LinkResult<RunConfig> {
  const env = parseEnvelope(hash);
  if (!env || env.kind !== CONFIG_LINK_KIND) return { ok: false, error: 'This is not a config link.' };
  return decodeConfigPayload(env.version, env.payload);
}
