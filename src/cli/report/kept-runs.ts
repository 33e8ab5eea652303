// The findings' run data, kept in the repo: per preset one gzip'd JSON file (public/findings/runs/
// <preset>.json.gz) with each finding run's identity, end state and metric rows: everything the report
// reads, nothing it does not (no samples, rollouts or checkpoints). `npm run lab` writes run
// directories that are not committed; `npm run report` merges them into these files, so the report
// can be rebuilt from a clean checkout and a later sweep adds to it instead of replacing it. The file is
// read (schema, checks) by store/findings-runs.ts, which the page's "Open our runs" shares.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, strToU8 } from 'fflate';
import { KEPT_FORMAT, KEPT_VERSION, parseKeptRuns } from '../../store/findings-runs';
import type { MetricRow } from '../../store/types';
import { runDirsIn } from '../shared/bundle';
import { mergeMetricRows, type RunInfo, type RunState } from '../shared/run-dir';

/** One run as the report reads it, from a run directory or from a kept file. */
export interface KeptRun {
  info: RunInfo;
  state: RunState | null;
  metrics: MetricRow[];
}

export const keptFile = (dir: string, presetId: string) => join(dir, `${presetId}.json.gz`);

/** A smoke run (changed settings) is never kept: it is not a finding. */
const isFinding = (r: KeptRun) => r.info.adjusted === null;
const runKey = (r: KeptRun) => `${r.info.armId}\u0000${r.info.seed}`;

/** The kept runs of a preset; none when there is no file. A file that is not one names what is wrong. */
export function readKept(dir: string, presetId: string): KeptRun[] {
  const path = keptFile(dir, presetId);
  if (!existsSync(path)) return [];
  const r = parseKeptRuns(readFileSync(path), { presetId, file: path });
  if (!r.ok) throw new Error(`${r.error}; restore it from git`);
  // The schema checked what the report reads; the rest is as the runner wrote it (shared/run-dir.ts's types).
  return r.runs.map((x) => ({
    info: x.info as unknown as RunInfo,
    state: x.state as RunState | null,
    metrics: x.metrics,
  }));
}

/** The finding runs of a sweep directory (smoke runs left out). */
export function readRunDirs(presetDir: string): KeptRun[] {
  return runDirsIn(presetDir).flatMap((dir) => {
    const info = dir.readInfo();
    return info ? [{ info, state: dir.readState(), metrics: dir.metrics() }] : [];
  });
}

/** Kept runs, with any run of the same arm and seed replaced by its fresher copy from a sweep directory. */
export function mergeRuns(kept: readonly KeptRun[], fresh: readonly KeptRun[]): KeptRun[] {
  const byKey = new Map(kept.filter(isFinding).map((r) => [runKey(r), r]));
  for (const r of fresh.filter(isFinding)) byKey.set(runKey(r), r);
  return [...byKey.values()].sort((a, b) => a.info.armId.localeCompare(b.info.armId) || a.info.seed - b.info.seed);
}

/** The file's bytes: finding runs only, metric rows merged per step. */
export function keptBytes(presetId: string, runs: readonly KeptRun[]): Uint8Array {
  const toJson = (value: unknown) =>
    JSON.stringify(value, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x));
  const body = {
    format: KEPT_FORMAT,
    version: KEPT_VERSION,
    presetId,
    runs: runs.filter(isFinding).map((r) => ({
      info: r.info,
      state: r.state,
      metrics: mergeMetricRows(r.metrics).map(({ step, stage, time, values }) => ({ step, stage, time, values })),
    })),
  };
  // mtime 0: the same runs give the same bytes, so an unchanged preset leaves git clean.
  return gzipSync(strToU8(toJson(body)), { level: 9, mtime: 0 });
}
