// The flagship's kept file as the story reads it, built from real kept runs: scarce_data's N = 512 and
// N = 8 runs (public/findings/runs/scarce_data.json.gz) relabelled as the phases preset's "many" and
// "few" arms, keeping their own configs and metric rows. For the story's unit and end-to-end tests while
// phases.json.gz itself is not kept yet.
import { readFileSync } from 'node:fs';
import { keptBytes, type KeptRun } from '../../src/cli/report/kept-runs';
import { FLAGSHIP_ID } from '../../src/ui/story/story-data';
import { parseKeptRuns } from '../../src/store/findings-runs';

const SOURCE = 'public/findings/runs/scarce_data.json.gz';
const ARM_OF: Record<string, string> = { n512: 'many', n8: 'few' };

/** The kept runs of the scarce_data file at `seeds`, as flagship runs (arm ids many / few). */
export function flagshipRuns(seeds: readonly number[] = [1, 2]): KeptRun[] {
  const parsed = parseKeptRuns(readFileSync(SOURCE), { presetId: 'scarce_data', file: SOURCE });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.runs
    .filter((r) => seeds.includes(r.info.seed) && ARM_OF[r.info.armId])
    .map((r) => {
      const armId = ARM_OF[r.info.armId]!;
      const info = {
        ...r.info,
        id: `lab-${FLAGSHIP_ID}-${armId}-s${r.info.seed}-fixture`,
        presetId: FLAGSHIP_ID,
        armId,
        name: `phases · ${armId} · seed ${r.info.seed}`,
      };
      return { info, state: r.state, metrics: r.metrics } as unknown as KeptRun;
    });
}

/** Those runs as the flagship's kept file's bytes (gzip'd JSON, as `npm run report` writes it). */
export const flagshipFile = (seeds?: readonly number[]): Uint8Array => keptBytes(FLAGSHIP_ID, flagshipRuns(seeds));
