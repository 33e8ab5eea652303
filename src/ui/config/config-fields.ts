// What the form's inputs show for a setting, derived from its table (src/experiment/settings.ts): the
// label, the reason as a one-line hint, the bounds and the input's step. The validators decide what is
// allowed; min/max/step here only shape the inputs.
import { settingAt } from '../../experiment/settings';
import type { Setting } from '../../util/settings';

export interface FieldMeta {
  label: string;
  hint: string;
  min?: number;
  max?: number;
  step?: number | 'any';
}

/** An input's label, hint, bounds and step from a setting's table entry. */
export function metaOf(s: Setting): FieldMeta {
  return { label: s.label, hint: s.reason, min: s.min, max: s.max, step: s.step };
}

/** The form's view of the setting at a dotted path ("sft.lr", "seed"); throws for a path no table holds. */
export function fieldMeta(path: string): FieldMeta {
  const s = settingAt(path);
  if (!s) throw new Error(`no setting at ${path}`);
  return metaOf(s);
}

/** Does a validator's field name point at this input? Nested validators may name only the tail ("trainSize"). */
export function fieldMatches(errorField: string, path: string): boolean {
  return errorField === path || path.endsWith(`.${errorField}`);
}
