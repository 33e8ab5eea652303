// Where a preset's SFT model for "Run it yourself" lives and the id its run has: the page fetches and
// imports it, `npm run story-base` writes it (src/cli/story-base.ts).

/** The file, relative to the site's base: a runs-library export holding one stopped run per seed. */
export const storyBaseFile = (presetId: string) => `findings/runs/${presetId}-base.zip`;

/** The run id the SFT model has in every library it is imported into (importing it twice adds nothing). */
export const storyBaseId = (presetId: string, seed: number) => `lab-${presetId}-base-s${seed}`;
