// The trainer's API, run inside the lab's Web Worker (lab.worker.ts exposes it): owns tfjs and the GPU,
// runs one training run at a time, writes every metric, sample and checkpoint to IndexedDB itself.
// Thin glue over train/, model/ and store/.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { tf } from '../model/tf';
import { chooseBackend, resetBackend } from '../model/backend';
import { totalSteps, validateRunConfig, type RunConfig } from '../experiment/run-config';
import { ConfigError, errorMessage } from '../util/errors';
import { buildDataset } from '../tasks/dataset';
import { NonFiniteLoss, RunController, stagePlan, type RunHooks } from '../train/run';
import { openLabDb, isQuotaError, type LabDb } from '../store/db';
import { getRun, patchRun, putRun, markInterrupted } from '../store/runs';
import { putCheckpoint, putMetrics, putRollouts, putSamples, pruneCheckpoints } from '../store/step-rows';
import type { BackendReport, RunRecord, RunStatus } from '../store/types';
import type { LabEvent, StartResult } from './events';
import type { CheckpointRow } from '../store/types';
import { freeCheckpointSpace } from '../store/quota';
import { prepareFork, prepareResume, type Prepared } from './lineage';
import { guardQuota } from './storage-guard';

const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
};
const KEEP_CHECKPOINTS = 3;

let db: LabDb | null = null;
let backend: BackendReport | null = null;
let controller: RunController | null = null;
let deviceLost: string | null = null;
/** A run paused by a NaN or infinite loss: no controller holds it; Resume or Step trains it again from its last good checkpoint. */
let parked: { runId: string; emit: (e: LabEvent) => void } | null = null;
/** Resolves with the loss reason when the current WebGPU device is lost (never, on other backends). */
let deviceLostSignal: Promise<string> = new Promise(() => undefined);

async function database(): Promise<LabDb> {
  db ??= await openLabDb(undefined, () => {
    db?.close();
    db = null;
  });
  return db;
}

/** The backend request being served: the page's startup request, a forced choice and Start may overlap. */
let backendQueue: Promise<unknown> = Promise.resolve();

/**
 * Initialise the backend the config asks for (once; again only if a different one is forced). Requests
 * wait for the one before them, so each sees the backend the previous one left, and the last one wins.
 */
function ensureBackend(choice: RunConfig['backend']): Promise<BackendReport> {
  const next = backendQueue.then(() => switchBackend(choice));
  backendQueue = next.catch(() => undefined);
  return next;
}

async function switchBackend(choice: RunConfig['backend']): Promise<BackendReport> {
  if (backend && (choice === 'auto' || choice === backend.name) && !deviceLost) return backend;
  if (deviceLost && backend) resetBackend(backend.name);
  backend = await chooseBackend(choice, { wasmPaths: WASM_PATHS });
  deviceLost = null;
  if (backend.name === 'webgpu') {
    const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
    if (device) {
      deviceLostSignal = device.lost.then((info) => {
        deviceLost = `the GPU device was lost (${info.reason}: ${info.message || 'no details'})`;
        controller?.stop();
        return deviceLost;
      });
    }
  }
  return backend;
}

/** Progress events at most every PROGRESS_MS, except a change of stage or activity, which goes at once. */
const PROGRESS_MS = 250;

function progressHook(runId: string, emit: (e: LabEvent) => void): NonNullable<RunHooks['progress']> {
  let last: { at: number; what: string } | null = null;
  return (progress) => {
    const what = `${progress.stage} ${progress.activity}`;
    if (last && last.what === what && progress.at - last.at < PROGRESS_MS) return;
    last = { at: progress.at, what };
    emit({ type: 'progress', runId, progress });
  };
}

function hooksFor(runId: string, emit: (e: LabEvent) => void): RunHooks {
  return {
    progress: progressHook(runId, emit),
    async metrics(row) {
      await putMetrics(await database(), [row]);
      await patchRun(await database(), runId, { step: row.step, stage: row.stage });
      emit({ type: 'metrics', row });
    },
    async rollouts(row) {
      await putRollouts(await database(), row);
      emit({ type: 'rollouts', row });
    },
    async samples(row) {
      await putSamples(await database(), row);
      emit({ type: 'samples', row });
    },
    async checkpoint(row) {
      const d = await database();
      try {
        await putCheckpoint(d, row);
        await pruneCheckpoints(d, runId, KEEP_CHECKPOINTS);
      } catch (err) {
        if (!isQuotaError(err)) throw err;
        await pruneCheckpoints(d, runId, 1);
        emit({
          type: 'warning',
          runId,
          kind: 'storage',
          message: `Storage is full: the checkpoint at step ${row.step} was not saved; older checkpoints were pruned. Metrics are kept.`,
        });
      }
    },
    async status(status, step, reason) {
      // The page hears of the change even when recording it fails (a full disk): it must not stay "running".
      try {
        await patchRun(await database(), runId, { status, step, ...(reason ? { reason } : {}) });
      } finally {
        emit({ type: 'status', runId, status, step, ...(reason ? { reason } : {}) });
      }
    },
  };
}

function newRunId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** `hooksFor` behind the quota guard: a full disk prunes old checkpoints, and training goes on. */
function guardedHooks(runId: string, emit: (e: LabEvent) => void): RunHooks {
  const free = async () => freeCheckpointSpace(await database(), runId);
  const warn = (message: string) => emit({ type: 'warning', runId, kind: 'storage', message });
  return guardQuota(hooksFor(runId, emit), { free, warn, unsaved: (row) => emit({ type: 'metrics', row }) });
}

/**
 * Train in the background (from `from` when given), holding the run's Web Lock so other tabs know it
 * is alive. Resolves false at once, training nothing, when another tab holds that lock.
 */
function train(
  record: RunRecord,
  emit: (e: LabEvent) => void,
  from?: CheckpointRow,
  budget?: number,
): Promise<boolean> {
  const c = new RunController(record.id, record.config, guardedHooks(record.id, emit));
  if (budget !== undefined) c.stepN(budget);
  const body = async () => {
    controller = c;
    try {
      await c.run(from);
      // A device lost while paused stops the loop cleanly; it is still a failure, with its reason.
      if (deviceLost) await hooksFor(record.id, emit).status('failed', c.step, deviceLost);
    } catch (err) {
      if (err instanceof NonFiniteLoss && !deviceLost) {
        // Paused, not failed: the metrics stay and Resume goes on from the last good checkpoint.
        parked = { runId: record.id, emit };
        await hooksFor(record.id, emit)
          .status('paused', err.step, err.message)
          .catch(() => undefined);
        return;
      }
      // A lost device usually surfaces first as an op error; give the loss report a moment to arrive.
      const lost = await Promise.race([deviceLostSignal, new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
      const reason = lost ?? errorMessage(err);
      await hooksFor(record.id, emit)
        .status('failed', c.step, reason)
        .catch(() => undefined);
    } finally {
      if (controller === c) controller = null;
    }
  };
  if (!navigator.locks) return body().then(() => true);
  return new Promise((resolve) => {
    void navigator.locks.request(`rlvr-run:${record.id}`, { ifAvailable: true }, async (lock) => {
      resolve(lock !== null);
      if (lock) await body();
    });
  });
}

/** Train the parked (NaN-paused) run again from its last good checkpoint; `budget` steps, then pause. */
async function unpark(budget?: number): Promise<void> {
  const p = parked;
  if (!p || controller) return;
  parked = null;
  const result = await trainPrepared(await prepareResume(await database(), p.runId, { paused: true }), p.emit, budget);
  if (!result.ok) {
    parked = p;
    p.emit({ type: 'warning', runId: p.runId, kind: 'resume', message: `The run could not resume: ${result.message}` });
  }
}

/** Leave the parked run as stopped (its metrics and checkpoints stay; it can be resumed from the library). */
async function dropParked(): Promise<void> {
  const p = parked;
  parked = null;
  if (p) await hooksFor(p.runId, p.emit).status('stopped', (await getRun(await database(), p.runId))?.step ?? 0);
}

const BUSY = { ok: false, field: 'run', message: 'a run is already training in this tab; stop it first' } as const;

/** Train a prepared run (resumed or forked) from its checkpoint; refused when another tab trains it. */
async function trainPrepared(p: Prepared, emit: (e: LabEvent) => void, budget?: number): Promise<StartResult> {
  if (!p.ok) return p;
  const report = await ensureBackend(p.record.config.backend);
  emit({ type: 'backend', report });
  if (!(await train(p.record, emit, p.from, budget)))
    return {
      ok: false,
      field: 'run',
      message: 'This run is training in another tab. Stop it there (or close that tab), then resume it here.',
    };
  await patchRun(await database(), p.record.id, { backend: report, reason: undefined });
  return { ok: true, runId: p.record.id };
}

export const api = {
  /** Backend in use (initialising the automatic choice if none yet). */
  async backend(choice: RunConfig['backend'] = 'auto'): Promise<BackendReport> {
    return ensureBackend(choice);
  },

  /** Validate and start a run; progress arrives through `onEvent`. */
  async start(raw: unknown, name: string, onEvent: (e: LabEvent) => void): Promise<StartResult> {
    if (controller) return { ok: false, field: 'run', message: 'a run is already training in this tab; stop it first' };
    let config: RunConfig;
    await dropParked();
    try {
      config = validateRunConfig(raw, (data, seed) => buildDataset(data, seed).maxLength());
    } catch (err) {
      if (err instanceof ConfigError) return { ok: false, field: err.field, message: err.message };
      throw err;
    }
    const report = await ensureBackend(config.backend);
    onEvent({ type: 'backend', report });
    const now = Date.now();
    const record: RunRecord = {
      id: newRunId(),
      name,
      config,
      status: 'queued',
      backend: report,
      createdAt: now,
      updatedAt: now,
      step: 0,
      totalSteps: totalSteps(config),
      stage: stagePlan(config)[0]!.name,
    };
    await putRun(await database(), record);
    void train(record, onEvent);
    return { ok: true, runId: record.id };
  },

  pause(): void {
    controller?.pause();
  },
  async resume(): Promise<void> {
    if (controller) controller.resume();
    else await unpark();
  },
  async stepN(n: number): Promise<void> {
    if (controller) controller.stepN(n);
    else await unpark(n);
  },
  async stop(): Promise<void> {
    if (controller) controller.stop();
    else await dropParked();
  },
  /** The page's heartbeat: answered whenever the event loop turns (between two steps at the latest). */
  ping(): true {
    return true;
  },
  /** Hold the lock `name` for the worker's life: the browser releases it when the worker is gone, which tells the page. */
  async holdLife(name: string): Promise<boolean> {
    if (!navigator.locks) return false;
    return new Promise((resolve) => {
      void navigator.locks.request(name, () => {
        resolve(true);
        return new Promise<never>(() => undefined);
      });
    });
  },
  current(): { runId: string; step: number } | null {
    return controller ? { runId: controller.runId, step: controller.step } : null;
  },

  /** Mark runs that were training when their tab closed (no live lock) as interrupted. */
  async sweepInterrupted(): Promise<string[]> {
    const held = new Set((await navigator.locks?.query())?.held?.map((l) => l.name) ?? []);
    const d = await database();
    const stale = await markInterrupted(d, (id) => held.has(`rlvr-run:${id}`));
    return stale;
  },

  /** Resume a stored run from its newest checkpoint, with its own config (its curves continue). */
  async resumeRun(runId: string, onEvent: (e: LabEvent) => void): Promise<StartResult> {
    if (controller) return BUSY;
    if (parked?.runId === runId) parked = null;
    return trainPrepared(await prepareResume(await database(), runId, { paused: true }), onEvent);
  },

  /** Fork a run's checkpoint at `step` into a new run with `raw` settings (the model must stay the same). */
  async forkRun(
    runId: string,
    step: number,
    raw: unknown,
    name: string,
    onEvent: (e: LabEvent) => void,
  ): Promise<StartResult> {
    if (controller) return BUSY;
    await dropParked();
    const maxLength = (data: Parameters<typeof buildDataset>[0], seed: number) => buildDataset(data, seed).maxLength();
    return trainPrepared(
      await prepareFork(await database(), runId, step, raw, name, backend ?? undefined, maxLength),
      onEvent,
    );
  },
};

export type LabApi = typeof api;
export type { RunStatus };
