// `npm run story-base -- --from DIR [--out FILE]`: the SFT model the page's "Run it yourself" starts
// from, as a runs-library export file (store/archive.ts). DIR is a headless run of the flagship's
// one-click arm trained to the end of SFT only (`npm run lab -- --preset phases --arms quick --seeds 1
// --patch '{"rl":{"steps":0}}'`). The file holds that run as the arm's own run stopped at the SFT -> RL
// boundary: its config is the arm's (RL included), its history and checkpoint are SFT's, so a fork or
// resume of it trains exactly the arm's RL stage. SFT does not read the RL settings, so this is the
// run the arm itself would have been at that step on the same backend.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { totalSteps, type RunConfig } from '../experiment/run-config';
import { getPreset, presetRuns } from '../experiment/presets';
import { storyBaseFile, storyBaseId } from '../experiment/story-base';
import { packArchive } from '../store/archive';
import type { RunBundle } from '../store/library';
import { errorMessage } from '../util/errors';
import { readBundle } from './shared/bundle';
import { RunDir } from './shared/run-dir';

export const STORY_BASE_USAGE =
  'usage: npm run story-base -- --from DIR [--out FILE]\nDIR: a headless run of the arm trained with --patch \'{"rl":{"steps":0}}\'';

/** The arm's run at its SFT -> RL boundary, from a bundle trained with the arm's config but no RL steps; throws saying what does not match. */
export function storyBaseBundle(
  bundle: RunBundle,
  arm: { presetId: string; name: string; seed: number; config: RunConfig },
): RunBundle {
  const sftOnly = { ...arm.config, rl: { ...arm.config.rl, steps: 0 } };
  if (JSON.stringify(bundle.run.config) !== JSON.stringify(sftOnly))
    throw new Error(`the run's config is not ${arm.name}'s with rl.steps 0`);
  if (bundle.run.status !== 'completed') throw new Error(`the run is ${bundle.run.status}, not completed`);
  const boundary = arm.config.cpt.steps + arm.config.sft.steps;
  const checkpoint = bundle.checkpoints.find((c) => c.step === boundary);
  if (!checkpoint) throw new Error(`the run has no checkpoint at the end of SFT (step ${boundary})`);
  if (arm.config.rl.steps <= 0) throw new Error(`${arm.name} has no RL stage to start`);
  const id = storyBaseId(arm.presetId, arm.seed);
  const own = <T extends { runId: string }>(rows: T[]) => rows.map((r) => ({ ...r, runId: id }));
  return {
    run: {
      ...bundle.run,
      id,
      name: `${arm.name.replace(/ · seed \d+$/, '')} · SFT model · seed ${arm.seed}`,
      config: arm.config,
      status: 'stopped',
      step: boundary,
      totalSteps: totalSteps(arm.config),
      stage: 'sft',
    },
    metrics: own(bundle.metrics.filter((m) => m.step <= boundary)),
    samples: own(bundle.samples.filter((s) => s.step <= boundary)),
    rollouts: own(bundle.rollouts.filter((r) => r.step <= boundary)),
    checkpoints: [{ ...checkpoint, runId: id }],
  };
}

function main(argv: readonly string[]): number {
  const at = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const from = at('from');
  if (!from || !existsSync(join(from, 'config.json'))) {
    process.stderr.write(`story-base: --from must be a headless run's directory\n${STORY_BASE_USAGE}\n`);
    return 2;
  }
  const dir = new RunDir(from);
  const info = dir.readInfo()!;
  const preset = getPreset(info.presetId);
  const arm = preset && presetRuns(preset, [info.seed], [info.armId])[0];
  if (!arm) {
    process.stderr.write(`story-base: ${from} is not a run of a preset's arm (${info.presetId}/${info.armId})\n`);
    return 1;
  }
  const bundle = storyBaseBundle(readBundle(dir)!, arm);
  const out = at('out') ?? join('public', storyBaseFile(arm.presetId));
  const bytes = packArchive([bundle], info.createdAt);
  writeFileSync(out, bytes);
  process.stderr.write(
    `story-base: ${bundle.run.name}: wrote ${out} (${(bytes.length / 1e6).toFixed(2)} MB, step ${bundle.run.step} of ${bundle.run.totalSteps})\n`,
  );
  return 0;
}

if (process.argv[1]?.endsWith('story-base.ts')) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`story-base: ${errorMessage(err)}\n`);
    process.exit(1);
  }
}
