// One headless run on disk: DIR/<preset>/<arm>-seed<s>/ with config.json, status.json, metrics.jsonl,
// samples.jsonl, rollouts.jsonl and the latest checkpoint (checkpoint.json + checkpoint-<step>.bin).
// Whole files are replaced by rename, so a killed process leaves the previous version, never half of one.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../../experiment/run-config';
import type { JsonObject } from '../../experiment/config-link';
import type {
  BackendReport,
  CheckpointRow,
  MetricRow,
  RolloutRow,
  RunStatus,
  SampleRow,
  TensorData,
} from '../../store/types';
import type { Machine } from './machine';
import { errorMessage } from '../../util/errors';

/** What config.json holds: the run's identity and settings, written once when the run first starts. */
export interface RunInfo {
  id: string;
  name: string;
  presetId: string;
  armId: string;
  seed: number;
  config: RunConfig;
  /** How the config was changed from the preset's (null: exactly the preset's settings). */
  adjusted: { stepsScale: number; checkpointEvery: number | null; patch?: JsonObject } | null;
  backend: BackendReport;
  machine: Machine;
  createdAt: number;
  /** Set when the run was not trained but copied from a completed run with the same config and seed on the same backend ("<preset>/<dir>"). */
  reusedFrom?: string;
}

/** One process's stretch of training on this run. */
export interface Session {
  backend: string;
  startedAt: number;
  fromStep: number;
  wallSeconds: number;
}

/** What status.json holds: updated on every status change and checkpoint. */
export interface RunState {
  status: RunStatus;
  step: number;
  totalSteps: number;
  /** Training wall time over all sessions, in seconds. */
  wallSeconds: number;
  reason?: string;
  sessions: Session[];
  updatedAt: number;
}

export const SERIES_FILES = { metrics: 'metrics.jsonl', samples: 'samples.jsonl', rollouts: 'rollouts.jsonl' } as const;
type SeriesName = keyof typeof SERIES_FILES;

interface TensorRef {
  shape: number[];
  offset: number;
  bytes: number;
}
interface CheckpointFile {
  file: string;
  step: number;
  stage: string;
  time: number;
  state: Record<string, number>;
  weights: Record<string, TensorRef>;
  optimizer: Record<string, TensorRef>;
}

export function runDirName(armId: string, seed: number): string {
  return `${armId}-seed${seed}`;
}

/** Replace `path` with `text` by writing a sibling file and renaming it over. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function readJson<T>(path: string): T | null {
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The rows of a JSONL file; a last line cut short by a kill is skipped. */
export function readJsonl<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0);
  const rows: T[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      rows.push(JSON.parse(line) as T);
    } catch (err) {
      if (i < lines.length - 1) throw new Error(`${path} line ${i + 1} is not JSON (${errorMessage(err)})`);
    }
  }
  return rows;
}

/** NaN and infinities are not JSON: they are written as null (the archive format reads null back as NaN). */
const toJson = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));

/**
 * Metric rows by step, in step order. The trainer emits a step twice when a stage's last log and the
 * next stage's first evaluation share it, and a resumed run logs steps again: later values win, keys
 * only an earlier row had are kept (upsert, as the browser's store does by key).
 */
export function mergeMetricRows(rows: readonly MetricRow[]): MetricRow[] {
  const byStep = new Map<number, MetricRow>();
  for (const r of rows) {
    const prev = byStep.get(r.step);
    const values = Object.fromEntries(Object.entries({ ...prev?.values, ...r.values }).map(([k, v]) => [k, v ?? NaN]));
    byStep.set(r.step, { ...r, stage: prev?.stage ?? r.stage, values });
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Rows keyed by step: the last one of each step wins. */
function lastPerStep<T extends { step: number }>(rows: readonly T[]): T[] {
  return [...new Map(rows.map((r) => [r.step, r])).values()].sort((a, b) => a.step - b.step);
}

export class RunDir {
  constructor(readonly path: string) {}

  private file(name: string): string {
    return join(this.path, name);
  }

  create(): void {
    mkdirSync(this.path, { recursive: true });
  }

  readInfo(): RunInfo | null {
    return readJson<RunInfo>(this.file('config.json'));
  }
  writeInfo(info: RunInfo): void {
    writeAtomic(this.file('config.json'), JSON.stringify(info, null, 2));
  }
  readState(): RunState | null {
    return readJson<RunState>(this.file('status.json'));
  }
  writeState(state: RunState): void {
    writeAtomic(this.file('status.json'), JSON.stringify(state, null, 2));
  }

  append(name: SeriesName, row: MetricRow | SampleRow | RolloutRow): void {
    appendFileSync(this.file(SERIES_FILES[name]), `${toJson(row)}\n`);
  }

  metrics(): MetricRow[] {
    return mergeMetricRows(readJsonl<MetricRow>(this.file(SERIES_FILES.metrics)));
  }
  samples(): SampleRow[] {
    return lastPerStep(readJsonl<SampleRow>(this.file(SERIES_FILES.samples)));
  }
  rollouts(): RolloutRow[] {
    return lastPerStep(readJsonl<RolloutRow>(this.file(SERIES_FILES.rollouts)));
  }

  /** Drop every series row after `step` (all of them for -1): a resumed run logs those steps again. */
  truncateAfter(step: number): void {
    for (const name of Object.keys(SERIES_FILES) as SeriesName[]) {
      const path = this.file(SERIES_FILES[name]);
      if (!existsSync(path)) continue;
      const keep = readJsonl<{ step: number }>(path).filter((r) => r.step <= step);
      writeAtomic(path, keep.map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
  }

  /** Replace the checkpoint: tensors to a new .bin first, then the JSON that points at it, then the old .bin goes. */
  writeCheckpoint(row: CheckpointRow): void {
    const parts: Uint8Array[] = [];
    let offset = 0;
    const refs = (rec: Record<string, TensorData>) =>
      Object.fromEntries(
        Object.entries(rec).map(([k, t]) => {
          parts.push(new Uint8Array(t.data));
          const ref = { shape: [...t.shape], offset, bytes: t.data.byteLength };
          offset += t.data.byteLength;
          return [k, ref];
        }),
      );
    const file = `checkpoint-${row.step}.bin`;
    const meta: CheckpointFile = {
      file,
      step: row.step,
      stage: row.stage,
      time: row.time,
      state: row.state,
      weights: refs(row.weights),
      optimizer: refs(row.optimizer),
    };
    const bin = new Uint8Array(offset);
    parts.reduce((at, p) => (bin.set(p, at), at + p.length), 0);
    writeAtomic(this.file(file), bin);
    writeAtomic(this.file('checkpoint.json'), JSON.stringify(meta));
    for (const f of readdirSync(this.path)) if (/^checkpoint-\d+\.bin$/.test(f) && f !== file) rmSync(this.file(f));
  }

  readCheckpoint(runId: string): CheckpointRow | null {
    const meta = readJson<CheckpointFile>(this.file('checkpoint.json'));
    if (!meta || !existsSync(this.file(meta.file))) return null;
    const bin = readFileSync(this.file(meta.file));
    const cut = (rec: Record<string, TensorRef>): Record<string, TensorData> =>
      Object.fromEntries(
        Object.entries(rec).map(([k, r]) => {
          if (r.offset + r.bytes > bin.length)
            throw new Error(`${this.file(meta.file)} is shorter than checkpoint.json says (tensor ${k})`);
          const data = bin.buffer.slice(bin.byteOffset + r.offset, bin.byteOffset + r.offset + r.bytes) as ArrayBuffer;
          return [k, { shape: r.shape, data }];
        }),
      );
    return {
      runId,
      step: meta.step,
      stage: meta.stage,
      time: meta.time,
      state: meta.state,
      weights: cut(meta.weights),
      optimizer: cut(meta.optimizer),
    };
  }

  /** Copy another run's series, checkpoint and end state into this (new, empty) directory. */
  copyFrom(other: RunDir): void {
    this.create();
    for (const f of readdirSync(other.path))
      if (
        f !== 'config.json' &&
        (f.endsWith('.jsonl') || f === 'status.json' || f === 'checkpoint.json' || /^checkpoint-\d+\.bin$/.test(f))
      )
        writeAtomic(this.file(f), readFileSync(join(other.path, f)));
  }

  /** Forget all progress (a run restarted without a checkpoint). */
  clearSeries(): void {
    this.truncateAfter(-1);
  }
}
