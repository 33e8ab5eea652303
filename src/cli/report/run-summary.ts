// One headless run as the findings report judges it: which run it is and how it ended, with the numbers
// its metric rows reduce to (src/analysis/run-summary.ts does the reducing). Pure: rows in, numbers out.
import type { PhaseRules } from '../../analysis/phases';
import { runNumbers, type RunNumbers } from '../../analysis/run-summary';
import type { RunConfig } from '../../experiment/run-config';
import type { MetricRow, RunStatus } from '../../store/types';

/** Which run it is and how it ended: shared by a run's input and its summary. */
interface RunIdentity {
  presetId: string;
  armId: string;
  seed: number;
  status: RunStatus;
  /** The config differs from the preset's (--steps-scale, a patch): a smoke run, not a finding. */
  smoke: boolean;
  wallSeconds: number | null;
}

export interface RunSummary extends RunIdentity, RunNumbers {}

export interface RunInput extends RunIdentity {
  config: RunConfig;
  rows: readonly MetricRow[];
}

export function summarizeRun(x: RunInput, rules?: Partial<PhaseRules>): RunSummary {
  const identity: RunIdentity = {
    presetId: x.presetId,
    armId: x.armId,
    seed: x.seed,
    status: x.status,
    smoke: x.smoke,
    wallSeconds: x.wallSeconds,
  };
  return { ...identity, ...runNumbers(x.config, x.rows, rules) };
}
