// The rollout records the inspector shows, and the few facts it derives from them. The shapes copy
// src/train/rollout-record.ts (the page may not import from src/train, which pulls in tfjs; keep both
// in step). Stored rows are read defensively: a group without a prompt or completions is skipped.
import type { RewardName } from '../experiment/rl-config';
import type { RolloutRow } from '../store/types';
import { nearestStep } from './rl-series';

export interface RolloutCompletion {
  text: string;
  finished: boolean;
  answer: string | null;
  reward: number;
  rewards: Partial<Record<RewardName, number>>;
  trueReward: number;
  advantage: number;
  steps: { text: string; ok: boolean }[];
  faithful: boolean;
}

export interface RolloutRecord {
  step: number;
  prompt: string;
  label: string;
  cleanLabel: string;
  noisy: boolean;
  pseudoLabel: string | null;
  completions: RolloutCompletion[];
}

function isRecord(g: unknown): g is RolloutRecord {
  const r = g as Partial<RolloutRecord> | null;
  return typeof r === 'object' && r !== null && typeof r.prompt === 'string' && Array.isArray(r.completions);
}

/** The well-formed groups of a stored row. */
export function groupsOf(row: RolloutRow | undefined): RolloutRecord[] {
  return (row?.groups ?? []).filter(isRecord);
}

/** All completions of the group scored alike: every advantage is 0, so GRPO learns nothing from it. */
export function zeroVariance(g: RolloutRecord): boolean {
  const r = g.completions.map((c) => c.reward);
  return r.length > 0 && r.every((x) => Math.abs(x - r[0]!) < 1e-9);
}

/** The row to show: the selected step if it has rollouts, else the latest. */
export function rowAt(rows: readonly RolloutRow[], selected: number | null): RolloutRow | undefined {
  return (selected === null ? undefined : rows.find((r) => r.step === selected)) ?? rows.at(-1);
}

/** The step a chart click at `x` selects: the nearest step with rollouts. */
export function pickStep(rows: readonly RolloutRow[], x: number): number | null {
  return nearestStep(rows.map((r) => r.step), x);
}
