// Which run `npm run trl-export` exports, as a validated config and a name: a preset's arm at a seed (the
// config `npm run lab` trains), or a JSON file holding a run config or a headless run's config.json.
// Reads through the given function only, so tests need no files.
import { validateRunConfig, type RunConfig } from '../experiment/run-config';
import { applyDiff } from '../experiment/config-link';
import { getPreset, presetRuns } from '../experiment/presets';
import { withMissingStagesOff } from '../experiment/stored-config';
import { experimentName } from '../export/trl/names';
import { errorMessage } from '../util/errors';
import { ArgError, type TrlExportArgs } from './shared/args';

export interface TrlSource {
  config: RunConfig;
  name: string;
}

function fromFile(path: string, read: (path: string) => string): { raw: unknown; name: string | null } {
  let json: unknown;
  try {
    json = JSON.parse(read(path));
  } catch (err) {
    throw new ArgError(`--config ${path}: could not read it as JSON (${errorMessage(err)})`);
  }
  const rec =
    json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  if (!rec)
    throw new ArgError(`--config ${path}: expected a JSON object (a run config, or a headless run's config.json)`);
  // A headless run's config.json (RunInfo) carries the run's name beside its config.
  if (rec.config && typeof rec.config === 'object' && typeof rec.name === 'string')
    return { raw: withMissingStagesOff(rec.config), name: rec.name };
  return { raw: rec, name: null };
}

export function resolveTrlSource(args: TrlExportArgs, read: (path: string) => string): TrlSource {
  let raw: unknown;
  let name: string | null;
  if (args.source === 'preset') {
    const preset = getPreset(args.preset)!;
    if (!preset.arms.some((a) => a.id === args.arm))
      throw new ArgError(
        `preset ${preset.id} has no arm "${args.arm}"; arms: ${preset.arms.map((a) => a.id).join(', ')}`,
      );
    const run = presetRuns(preset, [args.seed ?? preset.seeds[0]!], [args.arm])[0]!;
    ({ config: raw, name } = run);
  } else {
    ({ raw, name } = fromFile(args.config, read));
  }
  const config = validateRunConfig(args.patch ? applyDiff(raw, args.patch) : raw);
  return { config, name: (name ?? experimentName(config)) + (args.patch ? ' · patched' : '') };
}
