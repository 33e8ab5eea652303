// Command-line flags of `npm run lab`, `npm run report` and `npm run trl-export`, parsed into plain
// settings records with a message that names the bad flag. No file system, no training here.
import type { JsonObject } from '../../experiment/config-link';
import { PRESET_IDS } from '../../experiment/presets';
import { errorMessage } from '../../util/errors';

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
  /** Merged into every run's config last (settings being tried out): such runs are smoke runs, never findings. */
  patch: JsonObject | undefined;
}

export interface ReportArgs {
  in: string;
  out: string;
}

/** Which run `npm run trl-export` exports: a preset's arm at a seed, or a config file. */
export type TrlExportArgs = {
  /** The zip to write; default: the export's own name in the current directory. */
  out: string | undefined;
  /** Merged into the config last, as `npm run lab --patch` does. */
  patch: JsonObject | undefined;
} & (
  { source: 'preset'; preset: string; arm: string; seed: number | undefined } | { source: 'config'; config: string }
);

export class ArgError extends Error {}

export const LAB_USAGE =
  'usage: npm run lab -- --preset NAME [--seeds N] [--backend wasm|webgpu|cpu] [--out DIR] [--arms a,b] [--steps-scale X] [--checkpoint-every N] [--patch JSON]\n' +
  `presets: ${PRESET_IDS.join(', ')}`;
export const REPORT_USAGE = 'usage: npm run report -- [--in DIR] [--out public/findings]';
export const TRL_EXPORT_USAGE =
  'usage: npm run trl-export -- (--preset NAME --arm ID [--seed S] | --config FILE.json) [--out FILE.zip] [--patch JSON]\n' +
  "FILE.json: a run config, or a headless run's config.json (lab-results/<preset>/<run>/config.json)";

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
  if (!Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x)))
    throw new ArgError(`--${name} must be a positive ${integer ? 'integer' : 'number'}; got "${raw}"`);
  return x;
}

function patchOf(raw: string | undefined): JsonObject | undefined {
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new ArgError(
      `--patch must be a JSON object such as '{"rl":{"lr":1e-4}}'; got ${JSON.stringify(raw.slice(0, 80))} (${errorMessage(err)})`,
    );
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new ArgError(
      `--patch must be a JSON object such as '{"rl":{"lr":1e-4}}'; got ${JSON.stringify(raw.slice(0, 80))}`,
    );
  return v as JsonObject;
}

export function parseLabArgs(argv: readonly string[]): LabArgs {
  const f = flags(
    argv,
    ['preset', 'seeds', 'backend', 'out', 'arms', 'steps-scale', 'checkpoint-every', 'patch'],
    LAB_USAGE,
  );
  const preset = f.get('preset');
  if (!preset) throw new ArgError(`--preset is required\n${LAB_USAGE}`);
  if (!PRESET_IDS.includes(preset)) throw new ArgError(`unknown preset "${preset}"; presets: ${PRESET_IDS.join(', ')}`);
  const backend = f.get('backend') ?? 'wasm';
  if (backend !== 'webgpu' && backend !== 'wasm' && backend !== 'cpu')
    throw new ArgError(`--backend must be webgpu, wasm or cpu; got "${backend}"`);
  const arms = f
    .get('arms')
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
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

export function parseTrlExportArgs(argv: readonly string[]): TrlExportArgs {
  const f = flags(argv, ['preset', 'arm', 'seed', 'config', 'out', 'patch'], TRL_EXPORT_USAGE);
  const common = { out: f.get('out'), patch: patchOf(f.get('patch')) };
  const preset = f.get('preset');
  const config = f.get('config');
  if ((preset === undefined) === (config === undefined))
    throw new ArgError(`give either --preset (with --arm) or --config\n${TRL_EXPORT_USAGE}`);
  if (config !== undefined) {
    if (f.has('arm') || f.has('seed'))
      throw new ArgError(`--arm and --seed go with --preset, not --config\n${TRL_EXPORT_USAGE}`);
    return { ...common, source: 'config', config };
  }
  if (!PRESET_IDS.includes(preset!))
    throw new ArgError(`unknown preset "${preset}"; presets: ${PRESET_IDS.join(', ')}`);
  const arm = f.get('arm');
  if (!arm) throw new ArgError(`--arm is required with --preset\n${TRL_EXPORT_USAGE}`);
  const seed = f.get('seed');
  if (seed !== undefined && !/^\d+$/.test(seed)) throw new ArgError(`--seed must be a whole number; got "${seed}"`);
  return { ...common, source: 'preset', preset: preset!, arm, seed: seed === undefined ? undefined : Number(seed) };
}
