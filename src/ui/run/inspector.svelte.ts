// Which rollout step the inspector shows: null follows the latest evaluation (live runs keep moving);
// a chart click or the step picker pins one. Not the rollouts themselves (ViewState holds them).
import type { RolloutRow } from '../../store/types';
import { pickStep } from './rollouts';

export class InspectorState {
  /** The pinned step; null = the latest step with rollouts. */
  selected: number | null = $state(null);

  /** A chart click at step `x`: pin the nearest step with rollouts. */
  pick(rows: readonly RolloutRow[], x: number): void {
    const s = pickStep(rows, x);
    if (s !== null) this.selected = s;
  }

  follow(): void {
    this.selected = null;
  }
}
