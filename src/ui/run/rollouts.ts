// The rollout records the inspector shows (store/types.ts RolloutRecord, as the trainer writes them),
// and the few facts it derives from them. Every group is checked with the import's schema
// (store/archive-schema.ts): one that does not fit it (a field missing, a completion that is not a
// record) is skipped, never drawn.
import { checkGroup } from '../../store/records';
import type { RolloutRecord, RolloutRow } from '../../store/types';
import { nearestStep } from './rl-series';

/** The well-formed groups of a row (stored or streamed). */
export function groupsOf(row: RolloutRow | undefined): RolloutRecord[] {
  return (row?.groups ?? []).map(checkGroup).filter((g): g is RolloutRecord => g !== null);
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
  return nearestStep(
    rows.map((r) => r.step),
    x,
  );
}
