// The export file's manifest (manifest.json inside the zip) as a schema: what an untrusted file must
// look like before any of it reaches IndexedDB. Sizes are capped so a hostile file cannot make the page
// allocate without bound. Rows carry no runId here (the run they sit under gives it). The same schemas
// check every record read back from IndexedDB (records.ts). No I/O here.
import * as v from 'valibot';

export const EXPORT_FORMAT = 'rlvr-lab-library';
export const EXPORT_VERSION = 1;

const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const finite = v.pipe(v.number(), v.finite());
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const list = <T extends v.GenericSchema>(item: T, max: number) => v.pipe(v.array(item), v.maxLength(max));
const STEP = int(0, 1e9);
const STAGE = text(32);

/** A measured number: JSON has no NaN, so a NaN was written as null and comes back as NaN (IndexedDB keeps NaN). */
const Measured = v.pipe(
  v.union([v.number(), v.nan(), v.null()]),
  v.transform((x) => x ?? NaN),
);
const Values = v.pipe(v.record(text(200), Measured), v.maxEntries(1000));
export const MetricEntry = v.object({ step: STEP, stage: STAGE, time: finite, values: Values });

const SampleItem = v.object({
  split: v.picklist(['train', 'heldout', 'ood']),
  prompt: text(20_000),
  completion: text(20_000),
  answer: text(20_000),
  correct: v.boolean(),
});
export const SampleEntry = v.object({ step: STEP, items: list(SampleItem, 1000) });

/** One prompt's G completions as the inspector shows them: types.ts RolloutRecord (train/rollout-record.ts writes them). */
const RolloutCompletion = v.object({
  text: text(20_000),
  finished: v.boolean(),
  answer: v.nullable(text(20_000)),
  reward: Measured,
  rewards: v.pipe(v.record(text(64), Measured), v.maxEntries(100)),
  trueReward: Measured,
  advantage: Measured,
  steps: list(v.object({ text: text(20_000), ok: v.boolean() }), 1000),
  faithful: v.boolean(),
});
export const RolloutGroup = v.object({
  step: STEP,
  prompt: text(20_000),
  label: text(20_000),
  cleanLabel: text(20_000),
  noisy: v.boolean(),
  pseudoLabel: v.nullable(text(20_000)),
  completions: list(RolloutCompletion, 1024),
});
export const RolloutEntry = v.object({ step: STEP, groups: list(RolloutGroup, 10_000) });

/** A tensor stored in tensors.bin: float32 values at byte `offset`. */
export const TensorRef = v.object({
  shape: list(int(0, 1e8), 8),
  offset: int(0, Number.MAX_SAFE_INTEGER),
  bytes: int(0, 2 ** 31),
});
const Tensors = v.pipe(v.record(text(200), TensorRef), v.maxEntries(10_000));
/** A checkpoint without its tensors (the file refers to tensors.bin, IndexedDB holds ArrayBuffers). */
export const CheckpointHead = v.object({ step: STEP, stage: STAGE, time: finite, state: v.record(text(200), finite) });
const CheckpointEntry = v.object({ ...CheckpointHead.entries, weights: Tensors, optimizer: Tensors });

const Backend = v.object({
  name: v.picklist(['webgpu', 'webgl', 'wasm', 'cpu']),
  adapter: text(2000),
  features: list(text(200), 100),
  skipped: list(v.object({ name: text(200), reason: text(5000) }), 100),
  software: v.optional(v.boolean()),
});

/** A run record; unknown extra fields are kept (a newer lab may add some), the known ones checked. */
export const RunEntry = v.looseObject({
  id: v.pipe(text(200), v.regex(/^[\w.:-]+$/, 'a run id is letters, digits, "-", "_", "." or ":"')),
  name: text(1000),
  config: v.unknown(),
  status: v.picklist(['queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'interrupted']),
  reason: v.optional(text(10_000)),
  backend: v.optional(Backend),
  createdAt: finite,
  updatedAt: finite,
  step: STEP,
  totalSteps: STEP,
  stage: STAGE,
  parent: v.optional(v.object({ runId: text(200), step: STEP, name: text(1000) })),
});

export const RunSection = v.object({
  run: RunEntry,
  metrics: list(MetricEntry, 2_000_000),
  samples: list(SampleEntry, 100_000),
  rollouts: list(RolloutEntry, 100_000),
  checkpoints: list(CheckpointEntry, 1000),
});

/** Checked first, alone, so a file from another program or a newer lab gets its own message. */
export const ManifestHead = v.looseObject({ format: v.string(), version: v.number() });

export const Manifest = v.object({
  format: v.literal(EXPORT_FORMAT),
  version: v.literal(EXPORT_VERSION),
  exportedAt: finite,
  runs: list(RunSection, 10_000),
});

export type ManifestData = v.InferOutput<typeof Manifest>;
export type RunSectionData = v.InferOutput<typeof RunSection>;
export type TensorRefData = v.InferOutput<typeof TensorRef>;

/** Checksums of the other entries (CRC-32, hex), by entry name. */
export const Checksums = v.record(text(100), v.pipe(v.string(), v.regex(/^[0-9a-f]{8}$/)));
