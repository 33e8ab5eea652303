// What the findings report knows about one preset: its runs read back from a sweep directory, each
// summarised (run-summary.ts) and the preset judged by its written rule (experiment/preset-claims.ts,
// applied by verdicts.ts). Reads files; writes nothing, formats nothing (findings-md.ts and svg.ts do).
import type { PhaseRules } from '../../analysis/phases';
import type { RunConfig } from '../../experiment/run-config';
import { CLAIMS, rulesFor, type Claim } from '../../experiment/preset-claims';
import type { Preset } from '../../experiment/presets';
import type { KeptRun } from './kept-runs';
import { machineText } from '../shared/machine';
import { summarizeRun, type RunSummary } from './run-summary';
import { judgePreset, type PresetVerdict } from './verdicts';

export interface RunRecordView {
  summary: RunSummary;
  name: string;
  steps: number;
  totalSteps: number;
  reason?: string;
  backend: string;
  machine: string;
  config: RunConfig;
  updatedAt: number;
}

export interface PresetResult {
  preset: Preset;
  claim: Claim;
  rules: Partial<PhaseRules>;
  /** Runs with the preset's own settings (smoke runs are not findings and are left out). */
  runs: RunRecordView[];
  smokeRuns: number;
  verdict: PresetVerdict;
  /** Mean training wall time of the completed runs, seconds. */
  wallSeconds: number | null;
  machines: string[];
  /** ISO date of the newest run update. */
  date: string | null;
}

function viewOf({ info, state, metrics }: KeptRun, rules: Partial<PhaseRules>): RunRecordView {
  const status = state?.status ?? 'queued';
  const summary = summarizeRun(
    {
      presetId: info.presetId,
      armId: info.armId,
      seed: info.seed,
      status,
      smoke: info.adjusted !== null,
      wallSeconds: state?.wallSeconds ?? null,
      config: info.config,
      rows: metrics,
    },
    rules,
  );
  const backend = `${info.backend.name} (${info.backend.adapter}${info.backend.features.length ? `, ${info.backend.features.join(', ')}` : ''})`;
  return {
    summary,
    name: info.name,
    steps: state?.step ?? 0,
    totalSteps: state?.totalSteps ?? 0,
    ...(state?.reason ? { reason: state.reason } : {}),
    backend,
    machine: machineText(info.machine),
    config: info.config,
    updatedAt: state?.updatedAt ?? info.createdAt,
  };
}

/** The preset judged over `runs` (a sweep directory's merged with the kept ones; smoke runs counted, not judged). */
export function presetResult(preset: Preset, runsIn: readonly KeptRun[]): PresetResult {
  const claim = CLAIMS[preset.id];
  if (!claim) throw new Error(`preset-claims.ts has no claim for preset ${preset.id}: add one before reporting it`);
  const rules = rulesFor(preset.id);
  const all = runsIn.map((r) => viewOf(r, rules));
  const runs = all.filter((r) => !r.summary.smoke);
  const done = runs.filter((r) => r.summary.status === 'completed' && r.summary.wallSeconds !== null);
  const newest = Math.max(...runs.map((r) => r.updatedAt));
  return {
    preset,
    claim,
    rules,
    runs,
    smokeRuns: all.length - runs.length,
    verdict: judgePreset(
      claim,
      runs.map((r) => r.summary),
    ),
    wallSeconds: done.length > 0 ? done.reduce((s, r) => s + r.summary.wallSeconds!, 0) / done.length : null,
    machines: [...new Set(done.map((r) => `${r.machine}; ${r.backend}`))],
    date: Number.isFinite(newest) ? new Date(newest).toISOString().slice(0, 10) : null,
  };
}
