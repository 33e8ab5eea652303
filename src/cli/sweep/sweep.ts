// A preset's sweep, headless: every (arm, seed) run in turn through the worker's own RunController,
// with hooks that write to a run directory instead of IndexedDB. Rerunning skips completed runs and
// resumes the others from their last checkpoint; a NaN loss pauses that run and the sweep goes on. A run
// whose exact config (seed included) already completed on the same backend anywhere under --out (an
// arm two presets share) is copied, not trained again: the same (config, seed, backend) is the same run.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { totalSteps, validateRunConfig, STAGES, type RunConfig } from '../../experiment/run-config';
import { applyDiff, type JsonObject } from '../../experiment/config-link';
import { getPreset, presetRuns, type Preset, type PresetRun } from '../../experiment/presets';
import { buildDataset } from '../../tasks/dataset';
import { NonFiniteLoss, RunController, type RunHooks } from '../../train/run';
import type { BackendReport, CheckpointRow, RunStatus } from '../../store/types';
import { runDirsIn, writeSweepArchive } from '../shared/bundle';
import type { Machine } from '../shared/machine';
import { addWork, mergeRates, type ProgressSink } from './progress';
import { etaPlan, workLeft, type RunProgress, type StageRates, type StageWork } from '../../analysis/eta';
import { RunDir, runDirName, writeAtomic, type RunInfo, type RunState, type Session } from '../shared/run-dir';
import { errorMessage } from '../../util/errors';

export interface ConfigAdjust {
  /** Multiplies each stage's steps, warmup and evaluation interval (1: the preset's settings). */
  stepsScale: number;
  checkpointEvery?: number;
  /** Merged into every run's config last (tests shrink a preset with it). */
  patch?: JsonObject;
}

export interface SweepOptions {
  presetId: string;
  /** The first `seeds` seeds (the preset's, continued upwards past its last). */
  seeds?: number;
  arms?: string[];
  out: string;
  adjust: ConfigAdjust;
  backend: BackendReport;
  machine: Machine;
  /** Aborting stops the current run cleanly (status 'stopped', resumable) and ends the sweep. */
  signal?: AbortSignal;
  progress?: ProgressSink;
}

export interface RunOutcome {
  name: string;
  dir: string;
  status: RunStatus;
  step: number;
  /** 'skipped': completed or NaN-paused before this invocation; 'resumed': continued from a checkpoint; 'reused': copied from a twin run (findTwin). */
  action: 'skipped' | 'resumed' | 'started' | 'reused';
  fromStep: number;
  reason?: string;
}

export interface SweepOutcome {
  presetDir: string;
  archive: string;
  runs: RunOutcome[];
}

/** Seeds 1..n of a preset: its own list first, then counting on from its largest. */
export function seedList(preset: Preset, n?: number): number[] {
  if (n === undefined) return [...preset.seeds];
  const out = preset.seeds.slice(0, n);
  let next = Math.max(0, ...preset.seeds) + 1;
  while (out.length < n) out.push(next++);
  return out;
}

const scaled = (x: number, k: number, min: number) => Math.max(min, Math.round(x * k));

/** The preset's config with the sweep's adjustments, validated again (a bad patch names its field). */
export function adjustConfig(config: RunConfig, a: ConfigAdjust): RunConfig {
  const out = structuredClone(config) as RunConfig;
  for (const name of STAGES) {
    const s = out[name] as { steps: number; warmupSteps?: number; evalEvery?: number; checkpointEvery?: number }; // CPT has no evaluation or checkpoint interval
    if (a.stepsScale !== 1 && s.steps > 0) {
      s.steps = scaled(s.steps, a.stepsScale, 1);
      if (s.warmupSteps !== undefined) s.warmupSteps = Math.min(s.steps, scaled(s.warmupSteps, a.stepsScale, 0));
      if (s.evalEvery !== undefined) s.evalEvery = scaled(s.evalEvery, a.stepsScale, 1);
    }
    if (a.checkpointEvery !== undefined && s.checkpointEvery !== undefined) s.checkpointEvery = a.checkpointEvery;
  }
  const patched = a.patch ? applyDiff(out, a.patch) : out;
  return validateRunConfig(patched, (data, seed) => buildDataset(data, seed).maxLength());
}

const isAdjusted = (a: ConfigAdjust) => a.stepsScale !== 1 || a.checkpointEvery !== undefined || a.patch !== undefined;
const newRunId = (r: PresetRun) => `lab-${r.presetId}-${r.armId}-s${r.seed}-${Date.now().toString(36)}`;

/** Run (or resume, or skip) every run of the sweep, then write sweep.json and the export file. */
export async function runSweep(o: SweepOptions): Promise<SweepOutcome> {
  const preset = getPreset(o.presetId);
  if (!preset) throw new Error(`unknown preset "${o.presetId}"`);
  const unknown = o.arms?.filter((id) => !preset.arms.some((a) => a.id === id)) ?? [];
  if (unknown.length > 0)
    throw new Error(
      `preset ${preset.id} has no arm ${unknown.join(', ')}; its arms: ${preset.arms.map((a) => a.id).join(', ')}`,
    );
  const runs = presetRuns(preset, seedList(preset, o.seeds), o.arms).map((r) => ({
    ...r,
    config: adjustConfig(r.config, o.adjust),
  }));
  const presetDir = join(o.out, preset.id);
  const outcomes: RunOutcome[] = [];
  let known: StageRates = {}; // seconds per step and per evaluation measured by the runs so far
  for (const [i, run] of runs.entries()) {
    if (o.signal?.aborted) break;
    // The later runs' work (completed ones are skipped, so this over-counts a resumed sweep a little).
    const later = runs.slice(i + 1).reduce<StageWork>((n, r) => addWork(n, allWork(r.config)), {});
    let rates: StageRates = {};
    outcomes.push(
      await runOne(run, new RunDir(join(presetDir, runDirName(run.armId, run.seed))), o, (p) => {
        rates = p.progress.rates;
        o.progress?.update({ ...p, runIndex: i, runCount: runs.length, later, known });
      }),
    );
    known = mergeRates(known, rates);
  }
  const archive = writeSweepArchive(presetDir, preset.id);
  writeAtomic(join(presetDir, 'sweep.json'), JSON.stringify(sweepSummary(preset, o, presetDir), null, 2));
  return { presetDir, archive: archive.path, runs: outcomes };
}

function sweepSummary(preset: Preset, o: SweepOptions, presetDir: string) {
  const runs = presetRuns(preset, seedList(preset, o.seeds), o.arms).map((r) => {
    const dir = runDirName(r.armId, r.seed);
    const state = new RunDir(join(presetDir, dir)).readState();
    return {
      name: r.name,
      armId: r.armId,
      seed: r.seed,
      dir,
      status: state?.status ?? 'queued',
      step: state?.step ?? 0,
      totalSteps: state?.totalSteps ?? null,
      wallSeconds: state?.wallSeconds ?? null,
      reason: state?.reason,
    };
  });
  return {
    presetId: preset.id,
    title: preset.title,
    updatedAt: new Date().toISOString(),
    backend: o.backend,
    machine: o.machine,
    adjust: isAdjusted(o.adjust) ? o.adjust : null,
    runs,
  };
}

/** A whole run's work, from step 0 with its first stage's opening evaluation still to do. */
function allWork(config: RunConfig): StageWork {
  const plan = etaPlan(config);
  return plan.length === 0 ? {} : workLeft(plan, 0, plan[0]!.name, true);
}

type Report = (p: { runName: string; progress: RunProgress; runSeconds: number }) => void;

async function runOne(run: PresetRun, dir: RunDir, o: SweepOptions, report: Report): Promise<RunOutcome> {
  const info = dir.readInfo();
  const state = dir.readState();
  const base = { name: run.name, dir: dir.path };
  if (info && JSON.stringify(info.config) !== JSON.stringify(run.config)) {
    throw new Error(
      `${dir.path} holds a run with other settings than this command's (another --steps-scale, a changed preset?); use another --out or delete that directory`,
    );
  }
  if (state && (state.status === 'completed' || state.status === 'paused')) {
    const why = state.status === 'paused' ? ` (paused: ${state.reason ?? 'no reason recorded'})` : '';
    o.progress?.note(`skip ${run.name}: ${state.status} at step ${state.step}${why}`);
    return {
      ...base,
      status: state.status,
      step: state.step,
      action: 'skipped',
      fromStep: state.step,
      ...(state.reason ? { reason: state.reason } : {}),
    };
  }
  const adjusted = isAdjusted(o.adjust)
    ? {
        stepsScale: o.adjust.stepsScale,
        checkpointEvery: o.adjust.checkpointEvery ?? null,
        ...(o.adjust.patch ? { patch: o.adjust.patch } : {}),
      }
    : null;
  const twin = info ? null : findTwin(o.out, run.config, adjusted, o.backend.name);
  if (twin) {
    // Same config (seed included) on the same backend reproduces the same run: copy it, train nothing.
    const twinInfo = twin.readInfo()!;
    const reusedFrom = relative(o.out, twin.path).split(/[\\/]/).join('/');
    dir.copyFrom(twin);
    dir.writeInfo({
      ...twinInfo,
      id: newRunId(run),
      name: run.name,
      presetId: run.presetId,
      armId: run.armId,
      seed: run.seed,
      createdAt: Date.now(),
      reusedFrom,
    });
    const done = dir.readState()!;
    o.progress?.note(
      `reused ${run.name}: ${reusedFrom} is a completed run with the same config and seed on ${o.backend.name}; copied, not trained`,
    );
    return { ...base, status: done.status, step: done.step, action: 'reused', fromStep: 0 };
  }
  dir.create();
  const record: RunInfo = info ?? {
    id: newRunId(run),
    name: run.name,
    presetId: run.presetId,
    armId: run.armId,
    seed: run.seed,
    config: run.config,
    adjusted,
    backend: o.backend,
    machine: o.machine,
    createdAt: Date.now(),
  };
  dir.writeInfo({ ...record, backend: o.backend, machine: o.machine });
  const from = dir.readCheckpoint(record.id);
  if (from) dir.truncateAfter(from.step);
  else dir.clearSeries();
  const prior = from ? (state?.sessions ?? []) : []; // restarting from step 0 discards the earlier sessions' work
  const result = await train(run, record.id, dir, o, from, prior, report);
  o.progress?.note(
    `${result.status} ${run.name}: step ${result.step}/${totalSteps(run.config)}${result.reason ? ` (${result.reason})` : ''}`,
  );
  return { ...base, ...result, action: from ? 'resumed' : 'started', fromStep: from?.step ?? 0 };
}

/** A completed run anywhere under `out` (every preset's sweep) with exactly this config, adjustment and backend. */
function findTwin(out: string, config: RunConfig, adjusted: RunInfo['adjusted'], backend: string): RunDir | null {
  if (!existsSync(out)) return null;
  const want = JSON.stringify(config);
  for (const e of readdirSync(out, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    for (const d of runDirsIn(join(out, e.name))) {
      const info = d.readInfo();
      if (
        !info ||
        info.backend.name !== backend ||
        JSON.stringify(info.adjusted) !== JSON.stringify(adjusted) ||
        JSON.stringify(info.config) !== want
      )
        continue;
      if (d.readState()?.status === 'completed') return d;
    }
  }
  return null;
}

async function train(
  run: PresetRun,
  runId: string,
  dir: RunDir,
  o: SweepOptions,
  from: CheckpointRow | null,
  prior: Session[],
  report: Report,
) {
  const t0 = performance.now();
  const session: Session = {
    backend: o.backend.name,
    startedAt: Date.now(),
    fromStep: from?.step ?? 0,
    wallSeconds: 0,
  };
  const total = totalSteps(run.config);
  let last: RunState = {
    status: 'running',
    step: session.fromStep,
    totalSteps: total,
    wallSeconds: 0,
    sessions: [],
    updatedAt: Date.now(),
  };
  const save = (status: RunStatus, step: number, reason?: string) => {
    session.wallSeconds = (performance.now() - t0) / 1000;
    const sessions = [...prior, session];
    last = {
      status,
      step,
      totalSteps: total,
      wallSeconds: sessions.reduce((s, x) => s + x.wallSeconds, 0),
      ...(reason ? { reason } : {}),
      sessions,
      updatedAt: Date.now(),
    };
    dir.writeState(last);
  };
  const hooks: RunHooks = {
    async metrics(row) {
      dir.append('metrics', row);
    },
    progress(progress) {
      report({ runName: run.name, progress, runSeconds: (performance.now() - t0) / 1000 });
    },
    async samples(row) {
      dir.append('samples', row);
    },
    async rollouts(row) {
      dir.append('rollouts', row);
    },
    async checkpoint(row) {
      dir.writeCheckpoint(row);
      save('running', row.step);
    },
    async status(status, step, reason) {
      save(status, step, reason);
    },
  };
  const c = new RunController(runId, run.config, hooks);
  const stop = () => c.stop();
  o.signal?.addEventListener('abort', stop);
  try {
    await c.run(from ?? undefined);
  } catch (err) {
    // A NaN loss pauses the run (its metrics stay; the browser can resume it from the last good checkpoint).
    if (err instanceof NonFiniteLoss) save('paused', err.step, err.message);
    else save('failed', c.step, errorMessage(err));
  } finally {
    o.signal?.removeEventListener('abort', stop);
  }
  return { status: last.status, step: last.step, ...(last.reason ? { reason: last.reason } : {}) };
}
