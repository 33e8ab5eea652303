// Command-line flags of `npm run lab` and `npm run report`, parsed into plain settings records with
// a message that names the bad flag. No file system, no training here.
import type { JsonObject } from '../experiment/config-link';
import { PRESET_IDS } from '../experiment/presets';
import { errorMessage } from '../util/errors';

export type LabBackend = 'webgpu' | 'wasm' | 'cpu';

export interface LabArgs {
  preset: string;
  /** The first `seeds` seeds of the preset (all of them when absent). */
  seeds: number | undefined;
  backend: LabBackend;
  out: string;
  /** Only these arms (all when absent). */
  arms: string[] | undefined;
  /** Multiplies every stage's steps, warmup and evaluation interval: for smoke runs, never for findings. */
  stepsScale: number;
  /** Overrides every stage's checkpoint interval (the presets checkpoint only at stage ends), so a long run resumes near where it stopped. */
  checkpointEvery: number | undefined;
  /** Merged into every run's config last (a pilot's settings): such runs are smoke runs, never findings. */
  patch: JsonObject | undefined;
}

export interface ReportArgs {
  in: string;
  out: string;
}

export class ArgError extends Error {}

export const LAB_USAGE =
  'usage: npm run lab -- --preset NAME [--seeds N] [--backend wasm|webgpu|cpu] [--out DIR] [--arms a,b] [--steps-scale X] [--checkpoint-every N] [--patch JSON]\n' +
  `presets: ${PRESET_IDS.join(', ')}`;
export const REPORT_USAGE = 'usage: npm run report -- [--in DIR] [--out public/findings]';

/** `--name value` pairs (and `--name=value`); a flag not in `known` is an error. */
function flags(argv: readonly string[], known: readonly string[], usage: string): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new ArgError(`unexpected argument "${a}"\n${usage}`);
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!known.includes(name)) throw new ArgError(`unknown flag --${name}\n${usage}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new ArgError(`--${name} needs a value\n${usage}`);
    out.set(name, value);
  }
  return out;
}

function positive(name: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (!Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x))) throw new ArgError(`--${name} must be a positive ${integer ? 'integer' : 'number'}; got "${raw}"`);
  return x;
}

function patchOf(raw: string | undefined): JsonObject | undefined {
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new ArgError(`--patch must be a JSON object such as '{"rl":{"lr":1e-4}}'; got ${JSON.stringify(raw.slice(0, 80))} (${errorMessage(err)})`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ArgError(`--patch must be a JSON object such as '{"rl":{"lr":1e-4}}'; got ${JSON.stringify(raw.slice(0, 80))}`);
  return v as JsonObject;
}

export function parseLabArgs(argv: readonly string[]): LabArgs {
  const f = flags(argv, ['preset', 'seeds', 'backend', 'out', 'arms', 'steps-scale', 'checkpoint-every', 'patch'], LAB_USAGE);
  const preset = f.get('preset');
  if (!preset) throw new ArgError(`--preset is required\n${LAB_USAGE}`);
  if (!PRESET_IDS.includes(preset)) throw new ArgError(`unknown preset "${preset}"; presets: ${PRESET_IDS.join(', ')}`);
  const backend = f.get('backend') ?? 'wasm';
  if (backend !== 'webgpu' && backend !== 'wasm' && backend !== 'cpu') throw new ArgError(`--backend must be webgpu, wasm or cpu; got "${backend}"`);
  const arms = f.get('arms')?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return {
    preset,
    seeds: positive('seeds', f.get('seeds'), true),
    backend,
    out: f.get('out') ?? 'lab-results',
    arms: arms && arms.length > 0 ? arms : undefined,
    stepsScale: positive('steps-scale', f.get('steps-scale'), false) ?? 1,
    checkpointEvery: positive('checkpoint-every', f.get('checkpoint-every'), true),
    patch: patchOf(f.get('patch')),
  };
}

export function parseReportArgs(argv: readonly string[]): ReportArgs {
  const f = flags(argv, ['in', 'out'], REPORT_USAGE);
  return { in: f.get('in') ?? 'lab-results', out: f.get('out') ?? 'public/findings' };
}
