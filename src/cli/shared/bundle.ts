// A headless run's directory as the runs library's RunBundle, and a sweep's runs as one export file
// in the browser's own format (store/archive.ts), so "Import" in the lab's library opens them.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES, totalSteps } from '../../experiment/run-config';
import { packArchive } from '../../store/archive';
import type { RunBundle } from '../../store/library';
import type { RunRecord } from '../../store/types';
import { RunDir, writeAtomic } from './run-dir';

/** The run as the library stores it, or null when the directory holds no run yet. */
export function readBundle(dir: RunDir): RunBundle | null {
  const info = dir.readInfo();
  if (!info) return null;
  const state = dir.readState();
  const metrics = dir.metrics().map((m) => ({ ...m, runId: info.id }));
  const checkpoint = dir.readCheckpoint(info.id);
  const firstStage = STAGES.find((s) => info.config[s].steps > 0) ?? 'sft';
  const run: RunRecord = {
    id: info.id,
    name: info.name,
    config: info.config,
    status: state?.status ?? 'queued',
    ...(state?.reason ? { reason: state.reason } : {}),
    backend: info.backend,
    createdAt: info.createdAt,
    updatedAt: state?.updatedAt ?? info.createdAt,
    step: state?.step ?? 0,
    totalSteps: totalSteps(info.config),
    stage: metrics.at(-1)?.stage ?? firstStage,
  };
  return {
    run,
    metrics,
    samples: dir.samples().map((s) => ({ ...s, runId: info.id })),
    rollouts: dir.rollouts().map((r) => ({ ...r, runId: info.id })),
    checkpoints: checkpoint ? [checkpoint] : [],
  };
}

/** Every run directory directly under a preset's sweep directory. */
export function runDirsIn(presetDir: string): RunDir[] {
  if (!existsSync(presetDir)) return [];
  return readdirSync(presetDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(presetDir, e.name, 'config.json')))
    .map((e) => new RunDir(join(presetDir, e.name)))
    .sort((a, b) => a.path.localeCompare(b.path));
}

export const archiveName = (presetId: string) => `rlvr-lab-${presetId}.zip`;

/** Write the sweep's export file; returns its path and how many runs it holds. */
export function writeSweepArchive(
  presetDir: string,
  presetId: string,
  exportedAt = Date.now(),
): { path: string; runs: number } {
  const bundles = runDirsIn(presetDir).flatMap((d) => readBundle(d) ?? []);
  const path = join(presetDir, archiveName(presetId));
  writeAtomic(path, packArchive(bundles, exportedAt));
  return { path, runs: bundles.length };
}
