// The phase lab's view settings: the phase rules being edited (held per page, not per run, starting
// from DEFAULT_PHASE_RULES), the chart smoothing weight and the step
// axis kind. One per page (App creates it): the run view's phase lab edits it and the predictor reads the
// same rules. The analysis itself is analyzePhases (src/analysis), recomputed by each view from rows.
import { DEFAULT_PHASE_RULES, validatePhaseRules, type PhaseRules } from '../../analysis/phases';
import { TENSORBOARD_DEFAULT_WEIGHT } from '../../analysis/smoothing';
import { ConfigError } from '../../util/errors';

export const REGIME_LABELS: Record<string, string> = {
  insufficient_data: 'Not enough data yet',
  stalled: 'Stalled',
  pre_saturation: 'Pre-saturation',
  saturated_generalizing: 'Saturated, generalizing',
  memorizing: 'Memorizing',
  post_saturation_generalization: 'Post-saturation generalization',
};

export class PhaseState {
  /** What the rules form edits (may be invalid while typing). */
  draft: PhaseRules = $state({ ...DEFAULT_PHASE_RULES });
  /** EMA weight for the training series on the charts (display only; the rules carry their own). */
  smoothing = $state(TENSORBOARD_DEFAULT_WEIGHT);
  logSteps = $state(false);

  /** The draft validated: the rules to apply, or the error naming the bad field (the last good rules apply meanwhile). */
  readonly checked = $derived.by((): { rules: PhaseRules | null; error: { field: string; message: string } | null } => {
    try {
      return { rules: validatePhaseRules($state.snapshot(this.draft)), error: null };
    } catch (err) {
      return {
        rules: null,
        error:
          err instanceof ConfigError ? { field: err.field, message: err.message } : { field: '', message: String(err) },
      };
    }
  });
  private lastGood: PhaseRules = { ...DEFAULT_PHASE_RULES };

  get rules(): PhaseRules {
    const r = this.checked.rules;
    if (r) this.lastGood = r;
    return r ?? this.lastGood;
  }

  errorAt(field: string): string | null {
    const e = this.checked.error;
    return e && e.field === field ? e.message : null;
  }

  reset(): void {
    this.draft = { ...DEFAULT_PHASE_RULES };
  }
}
