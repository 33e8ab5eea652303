// A config setting as a reader reads it: the field's label from the form (field-place.ts) and its value in
// words (a reward list as "verifiable + 0.5 × format", a switch as yes/no), for the compare table and the
// stored run's settings. Text only; the stored JSON stays as it is.
import { fieldPlace } from './field-place';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One weighted reward: "format", "0.5 × format", "flip (p = 0.2)". */
function rewardText(r: unknown): string {
  if (!isRecord(r)) return JSON.stringify(r);
  const name = r.name === 'flip' && typeof r.p === 'number' ? `flip (p = ${r.p})` : String(r.name);
  return r.weight === 1 || r.weight === undefined ? name : `${String(r.weight)} × ${name}`;
}

/** A value in words: strings as they are, yes/no, a reward list as a weighted sum, other lists and records item by item. */
export function valueText(path: string, v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (Array.isArray(v))
    return v.length === 0
      ? 'none'
      : path.endsWith('rewards')
        ? v.map(rewardText).join(' + ')
        : v.map((x) => valueText('', x)).join(', ');
  if (isRecord(v))
    return Object.entries(v)
      .map(([k, x]) => `${k} ${valueText(k, x)}`)
      .join(', ');
  return String(v);
}

/** A flattened config value's JSON text (src/analysis/compare.ts configDiff) in words; a field the run lacks is a dash. */
export function settingText(path: string, json: string | null): string {
  return json === null ? '—' : valueText(path, JSON.parse(json) as unknown);
}

/** The form's label of a dotted config path ("data.trainSize" -> "Training prompts (N)"). */
export const settingLabel = (path: string): string => fieldPlace(path).label;
