// The findings' run data, kept in the repo: per preset one gzip'd JSON file (public/findings/runs/
// <preset>.json.gz) with each finding run's identity, end state and metric rows: everything the report
// reads, nothing it does not (no samples, rollouts or checkpoints). `npm run lab` writes run
// directories that are not committed; `npm run report` merges them into these files, so the report
// can be rebuilt from a clean checkout and a later sweep adds to it instead of replacing it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync, strFromU8, strToU8 } from 'fflate';
import * as v from 'valibot';
import type { MetricRow } from '../store/types';
import { runDirsIn } from './bundle';
import { mergeMetricRows, type RunInfo, type RunState } from './run-dir';

export const KEPT_FORMAT = 'rlvr-lab-findings-runs';
export const KEPT_VERSION = 1;

/** One run as the report reads it, from a run directory or from a kept file. */
export interface KeptRun {
  info: RunInfo;
  state: RunState | null;
  metrics: MetricRow[];
}

const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const Info = v.looseObject({
  id: text(200),
  name: text(500),
  presetId: text(64),
  armId: text(64),
  seed: v.pipe(v.number(), v.integer()),
  config: v.looseObject({ rl: v.looseObject({}), sft: v.looseObject({}), cpt: v.looseObject({}), data: v.looseObject({}), model: v.looseObject({}) }),
  adjusted: v.nullable(v.looseObject({})),
  backend: v.looseObject({ name: text(16), adapter: text(2000), features: v.array(text(200)) }),
  machine: v.looseObject({ cpu: text(500) }),
  createdAt: v.number(),
});
const State = v.looseObject({ status: text(32), step: v.number(), totalSteps: v.number(), wallSeconds: v.number(), updatedAt: v.number() });
const Row = v.object({ step: v.pipe(v.number(), v.integer(), v.minValue(0)), stage: text(32), time: v.number(), values: v.record(text(200), v.nullable(v.number())) });
const KeptFile = v.object({
  format: v.literal(KEPT_FORMAT),
  version: v.literal(KEPT_VERSION),
  presetId: text(64),
  runs: v.array(v.object({ info: Info, state: v.nullable(State), metrics: v.array(Row) })),
});

export const keptFile = (dir: string, presetId: string) => join(dir, `${presetId}.json.gz`);

/** A smoke run (changed settings) is never kept: it is not a finding. */
const isFinding = (r: KeptRun) => r.info.adjusted === null;
const runKey = (r: KeptRun) => `${r.info.armId}\u0000${r.info.seed}`;

/** The kept runs of a preset; none when there is no file. A file that is not one names what is wrong. */
export function readKept(dir: string, presetId: string): KeptRun[] {
  const path = keptFile(dir, presetId);
  if (!existsSync(path)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(strFromU8(gunzipSync(readFileSync(path))));
  } catch (err) {
    throw new Error(`${path} is not gzip'd JSON (${err instanceof Error ? err.message : String(err)}); restore it from git`);
  }
  const r = v.safeParse(KeptFile, raw);
  if (!r.success) {
    const issue = r.issues[0];
    throw new Error(`${path} is not a findings run file: ${issue ? `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}` : 'unknown'}; restore it from git`);
  }
  if (r.output.presetId !== presetId) throw new Error(`${path} holds runs of preset ${r.output.presetId}, not ${presetId}`);
  // The checked input itself, not the parser's output: that would reorder the config's keys, and the
  // report compares configs as JSON.
  return (raw as v.InferOutput<typeof KeptFile>).runs.map((x) => ({
    info: x.info as unknown as RunInfo,
    state: x.state as RunState | null,
    // JSON has no NaN: a NaN metric was written as null.
    metrics: x.metrics.map((m) => ({ runId: x.info.id, step: m.step, stage: m.stage, time: m.time, values: Object.fromEntries(Object.entries(m.values).map(([k, val]) => [k, val ?? NaN])) })),
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
  const toJson = (value: unknown) => JSON.stringify(value, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x));
  const body = {
    format: KEPT_FORMAT,
    version: KEPT_VERSION,
    presetId,
    runs: runs.filter(isFinding).map((r) => ({ info: r.info, state: r.state, metrics: mergeMetricRows(r.metrics).map(({ step, stage, time, values }) => ({ step, stage, time, values })) })),
  };
  // mtime 0: the same runs give the same bytes, so an unchanged preset leaves git clean.
  return gzipSync(strToU8(toJson(body)), { level: 9, mtime: 0 });
}
