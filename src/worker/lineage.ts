// Resume and fork, as records: what a resumed run continues from (its newest checkpoint) and what a fork
// starts as (a new run with its parent's history up to the checkpoint, and a model that fits it).
// Storage and validation only: the worker trains what these return. No tfjs here.
import { validateRunConfig, type RunConfig } from '../experiment/run-config';
import { withMissingStagesOff } from '../experiment/stored-config';
import { describeModel } from '../model/model-config';
import type { DataConfig } from '../tasks/dataset';
import type { LabDb } from '../store/db';
import { createFork } from '../store/library';
import { getRun, RESUMABLE } from '../store/runs';
import { getCheckpoint, latestCheckpoint } from '../store/step-rows';
import type { BackendReport, CheckpointRow, RunRecord } from '../store/types';
import { ConfigError } from '../util/errors';

export type Prepared =
  { ok: true; record: RunRecord; from: CheckpointRow | undefined } | { ok: false; field: string; message: string };

const refuse = (message: string, field = 'run'): Prepared => ({ ok: false, field, message });

/** Optimizer steps of a whole run: every stage section's `steps` added up (generic over the stages a config has). */
export function stepsOf(config: RunConfig): number {
  return Object.values(config).reduce<number>(
    (n, s) =>
      n +
      (typeof s === 'object' && s !== null && typeof (s as { steps?: unknown }).steps === 'number'
        ? (s as { steps: number }).steps
        : 0),
    0,
  );
}

/**
 * A stored run, ready to train again from its newest checkpoint (from step 0 when it has none).
 * `paused`: also a paused run, for the caller that knows no loop holds it (one paused by a NaN loss).
 */
export async function prepareResume(db: LabDb, runId: string, opts: { paused?: boolean } = {}): Promise<Prepared> {
  const run = await getRun(db, runId);
  if (!run) return refuse('This run is no longer in the library.');
  if (!RESUMABLE.includes(run.status) && !(opts.paused && run.status === 'paused'))
    return refuse(
      `This run is ${run.status}; only interrupted, failed or stopped runs can be resumed${run.status === 'completed' ? ' (fork it to train further)' : ''}.`,
    );
  let config: RunConfig;
  try {
    config = validateRunConfig(withMissingStagesOff(run.config));
  } catch (err) {
    if (err instanceof ConfigError)
      return refuse(`This run's stored config is no longer valid (${err.message}); fork it with new settings instead.`);
    throw err;
  }
  return { ok: true, record: { ...run, config }, from: await latestCheckpoint(db, runId) };
}

/**
 * A new run forked from `parentId`'s checkpoint at `step`, with `raw` settings (validated, with the
 * dataset's longest example when `maxLength` is given). The model must be the parent's: the weights
 * are. Writes the child (queued) with its copied history, in one transaction.
 */
export async function prepareFork(
  db: LabDb,
  parentId: string,
  step: number,
  raw: unknown,
  name: string,
  backend: BackendReport | undefined,
  maxLength?: (data: DataConfig, seed: number) => number,
): Promise<Prepared> {
  const parent = await getRun(db, parentId);
  if (!parent) return refuse('The run to fork is no longer in the library.');
  const from = await getCheckpoint(db, parentId, step);
  if (!from) return refuse(`The run has no checkpoint at step ${step} (it may have been pruned); pick another.`);
  let config: RunConfig;
  try {
    config = validateRunConfig(raw, maxLength);
  } catch (err) {
    if (err instanceof ConfigError) return refuse(err.message, err.field);
    throw err;
  }
  if (JSON.stringify(config.model) !== JSON.stringify(parent.config.model)) {
    return refuse(
      `A fork keeps its parent's model (${describeModel(parent.config.model)}): set the model back, or start a new run.`,
      'model',
    );
  }
  const total = stepsOf(config);
  if (total <= step)
    return refuse(
      `The fork starts after step ${step}: give the run more than ${step} steps in all (it has ${total}).`,
      'sft.steps',
    );
  const now = Date.now();
  const child: RunRecord = {
    id: newRunId(),
    name,
    config,
    status: 'queued',
    createdAt: now,
    updatedAt: now,
    step,
    totalSteps: total,
    stage: from.stage,
    parent: { runId: parentId, step, name: parent.name },
    ...(backend ? { backend } : {}),
  };
  const checkpoint = await createFork(db, child, parentId, step);
  return { ok: true, record: child, from: checkpoint };
}

export function newRunId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
