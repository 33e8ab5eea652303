// The SFT model "Run it yourself" starts from: our run of the one-click arm stopped at the SFT -> RL
// boundary, shipped as a runs-library export (findings/runs/<preset>-base.zip, `npm run story-base`).
// Imported into the library once (checked by the import's own schema, written all or nothing); a fork
// of it at the boundary then trains only the arm's RL stage, so the page's one-click run takes minutes
// on a laptop CPU instead of the SFT stage's many. Not the fork itself (the worker's forkRun).
import { storyBaseFile, storyBaseId } from '../../experiment/story-base';
import { unpackArchive } from '../../store/archive';
import type { LabDb } from '../../store/db';
import { writeRuns } from '../../store/library';
import { getRun } from '../../store/runs';
import { getCheckpoint } from '../../store/step-rows';
import { errorMessage } from '../../util/errors';
import { rlStart } from './story-data';

/** The file is one small run (about 1.5 MB); anything much larger is not ours, so it is not unpacked on the page. */
export const STORY_BASE_MAX_BYTES = 8 * 2 ** 20;

/** The refusal of a file larger than our SFT model can be (declared by the server, or as read). */
const tooLarge = (file: string, bytes: number): StoryBase => ({
  ok: false,
  why: `${file} is ${bytes} bytes, more than the ${STORY_BASE_MAX_BYTES} an SFT model of this size takes`,
});

export type StoryBase = { ok: true; runId: string; step: number; imported: boolean } | { ok: false; why: string };

/** The SFT model of `presetId` for `seed` in the library (imported from the site when absent), with the step to fork at. */
export async function loadStoryBase(
  db: LabDb,
  presetId: string,
  seed: number,
  fetchFile: (path: string) => Promise<Response> = (p) => fetch(p),
): Promise<StoryBase> {
  const id = storyBaseId(presetId, seed);
  const file = storyBaseFile(presetId);
  const have = await getRun(db, id);
  if (have) {
    const boundary = rlStart(have.config);
    return (await getCheckpoint(db, id, boundary))
      ? { ok: true, runId: id, step: boundary, imported: false }
      : { ok: false, why: `"${have.name}" in your library no longer has its checkpoint at step ${boundary}` };
  }
  let bytes: Uint8Array;
  try {
    const res = await fetchFile(file);
    if (!res.ok) return { ok: false, why: `${file} is missing (HTTP ${res.status})` };
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > STORY_BASE_MAX_BYTES) return tooLarge(file, declared);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    return { ok: false, why: `${file} could not be fetched (${errorMessage(err)})` };
  }
  if (bytes.length > STORY_BASE_MAX_BYTES) return tooLarge(file, bytes.length);
  const decoded = unpackArchive(bytes);
  if (!decoded.ok) return { ok: false, why: `${file} could not be read: ${decoded.error}` };
  const bundle = decoded.value.find((b) => b.run.id === id);
  if (!bundle) return { ok: false, why: `${file} holds no SFT model for seed ${seed}` };
  const step = bundle.run.step;
  if (!bundle.checkpoints.some((c) => c.step === step))
    return { ok: false, why: `${file} has no checkpoint at step ${step}` };
  try {
    await writeRuns(db, [bundle]);
  } catch (err) {
    return { ok: false, why: `our SFT model could not be stored in your library (${errorMessage(err)})` };
  }
  return { ok: true, runId: id, step, imported: true };
}
