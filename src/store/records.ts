// Records read back from IndexedDB, checked with the schemas an import uses (archive-schema.ts), so a
// damaged record (a bad disk, an old bug, a hand edit) is skipped and counted, never a crash that hides
// the rest of the library. Pure checks over plain values; the store modules do the reading.
import * as v from 'valibot';
import { validateRunConfig } from '../experiment/run-config';
import { withMissingStagesOff } from '../experiment/stored-config';
import { ConfigError, errorMessage } from '../util/errors';
import { issueText } from '../util/issues';
import { CheckpointHead, MetricEntry, RolloutGroup, RunEntry, SampleEntry } from './archive-schema';
import type { CheckpointRow, MetricRow, RolloutRow, RunRecord, SampleRow } from './types';

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Rows of one run that passed their check, and how many did not (skipped). */
export interface Read<T> {
  rows: T[];
  damaged: number;
}

/** A run record that failed its check: listed by its key so it can be deleted, with what is wrong. */
export interface DamagedRun {
  key: IDBValidKey;
  /** Its name where it has one, else its key as text. */
  label: string;
  problem: string;
}

const RunId = v.object({ runId: v.pipe(v.string(), v.maxLength(200)) });
const StoredTensor = v.pipe(
  v.object({ shape: v.array(v.pipe(v.number(), v.integer(), v.minValue(0))), data: v.instance(ArrayBuffer) }),
  v.check(
    (t) => t.data.byteLength === t.shape.reduce((a, b) => a * b, 1) * 4,
    'its bytes do not match its shape (float32)',
  ),
);
const StoredTensors = v.record(v.string(), StoredTensor);

const MetricRecord = v.object({ ...RunId.entries, ...MetricEntry.entries });
const SampleRecord = v.object({ ...RunId.entries, ...SampleEntry.entries });
const RolloutRecord = v.object({ ...RunId.entries, step: MetricEntry.entries.step, groups: v.array(v.unknown()) });
const CheckpointRecord = v.object({
  ...RunId.entries,
  ...CheckpointHead.entries,
  weights: StoredTensors,
  optimizer: StoredTensors,
});

function check<T>(schema: v.GenericSchema<unknown, T>, raw: unknown, what: string): Checked<T> {
  const out = v.safeParse(schema, raw);
  return out.success ? { ok: true, value: out.output } : { ok: false, problem: issueText(out.issues, what) };
}

/** A run record with its config validated as a stored config is (an older lab's missing stages are off). */
export function checkRun(raw: unknown): Checked<RunRecord> {
  const head = check(RunEntry, raw, 'the record');
  if (!head.ok) return head;
  try {
    const config = validateRunConfig(withMissingStagesOff(head.value.config));
    return { ok: true, value: { ...head.value, config } as RunRecord };
  } catch (err) {
    if (err instanceof ConfigError)
      return { ok: false, problem: `its config is not valid (${err.field}: ${err.message})` };
    return { ok: false, problem: `its config could not be read (${errorMessage(err)})` };
  }
}

export const checkMetric = (raw: unknown): Checked<MetricRow> => check(MetricRecord, raw, 'the metric row');
export const checkSample = (raw: unknown): Checked<SampleRow> => check(SampleRecord, raw, 'the sample row');
export const checkCheckpoint = (raw: unknown): Checked<CheckpointRow> => check(CheckpointRecord, raw, 'the checkpoint');

/** A rollout group as the inspector draws it; anything else is null. */
export function checkGroup(raw: unknown): v.InferOutput<typeof RolloutGroup> | null {
  const out = v.safeParse(RolloutGroup, raw);
  return out.success ? out.output : null;
}

/** A rollout row with its well-formed groups; `damaged` counts the groups left out. */
export function checkRollout(raw: unknown): Checked<RolloutRow> & { damaged: number } {
  const row = check(RolloutRecord, raw, 'the rollout row');
  if (!row.ok) return { ...row, damaged: 1 };
  const groups = row.value.groups.map(checkGroup);
  const kept = groups.filter((g) => g !== null);
  return { ok: true, value: { ...row.value, groups: kept }, damaged: groups.length - kept.length };
}

/** Keep the rows that pass `checker`; count the rest. */
export function checkRows<T>(
  raws: readonly unknown[],
  checker: (raw: unknown) => Checked<T> & { damaged?: number },
): Read<T> {
  const out: Read<T> = { rows: [], damaged: 0 };
  for (const raw of raws) {
    const c = checker(raw);
    out.damaged += c.damaged ?? (c.ok ? 0 : 1);
    if (c.ok) out.rows.push(c.value);
  }
  return out;
}
