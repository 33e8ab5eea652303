// Reading `num_match` step lines back: normalizations ("M1: 1.5k = 1500") and comparisons in every
// phrasing ("entity: Kelo = Kelo", "period 2021 vs 2022: differ", "1500 and 1550: different value"),
// checking them against the two mentions, and deriving the label they entail. Never throws.
import { normalize } from './format';
import { readSurface, UNIT, valuesMatch, type Kind } from './num-match-forms';

/** The two mentions of a prompt, as the generator stores them in `meta`. */
export interface Mentions {
  kind: Kind;
  entities: [string, string];
  periods: [string, string];
  surfaces: [string, string];
  /** Base values as shown (rounded forms show the rounded value). */
  shown: [number, number];
  rounded: [boolean, boolean];
  forms: [string, string];
}

type Field = 'entity' | 'period' | 'value';

interface Norm {
  type: 'norm';
  mention: 0 | 1;
  surface: string;
  value: number;
  unit: string;
}

interface Cmp {
  type: 'cmp';
  field: Field;
  a: string;
  b: string;
  /** '=' equal, '~' matches by rounding, 'same' matches (either), '!=' does not match. */
  rel: '=' | '~' | 'same' | '!=';
}

const NORM = /^(?:m([12])|(first|second))\s*:?\s*(.+?)\s*(?:=|\bis\b|\bmeans\b)\s*(\d{1,9}(?:\.\d+)?)\s*(m|%)?$/i;
const CMP0 = /^(entity|period|value)\s*:\s*(.+?)\s*(!=|=|~)\s*(.+?)$/i;
const CMP1 = /^(entity|period|value)\s+(.+?)\s+vs\s+(.+?)\s*:\s*(same|differ)$/i;
const CMP2 = /^(.+?)\s+and\s+(.+?)\s*:\s*(same|different)\s+(entity|period|value)$/i;

function readStep(line: string): Norm | Cmp | null {
  const t = line.trim().replace(/\.$/, '');
  if (t.length > 200) return null;
  let m: RegExpExecArray | null;
  if ((m = CMP0.exec(t)))
    return { type: 'cmp', field: m[1]!.toLowerCase() as Field, a: m[2]!, b: m[4]!, rel: m[3] as Cmp['rel'] };
  if ((m = CMP1.exec(t)))
    return {
      type: 'cmp',
      field: m[1]!.toLowerCase() as Field,
      a: m[2]!,
      b: m[3]!,
      rel: m[4]!.toLowerCase() === 'same' ? 'same' : '!=',
    };
  if ((m = CMP2.exec(t)))
    return {
      type: 'cmp',
      field: m[4]!.toLowerCase() as Field,
      a: m[1]!,
      b: m[2]!,
      rel: m[3]!.toLowerCase() === 'same' ? 'same' : '!=',
    };
  if ((m = NORM.exec(t))) {
    const mention = m[1] === '1' || m[2]?.toLowerCase() === 'first' ? 0 : 1;
    return { type: 'norm', mention, surface: m[3]!, value: Number(m[4]), unit: (m[5] ?? '').toLowerCase() };
  }
  return null;
}

/** A normalization is true when it names the mention's own surface and its base value (and unit). */
function normTrue(s: Norm, m: Mentions): boolean {
  const unit = UNIT[m.kind].trim();
  if (s.unit !== '' && s.unit !== unit) return false;
  if (normalize(s.surface) !== normalize(m.surfaces[s.mention])) return false;
  return readSurface(s.surface, m.kind) !== null && s.value === m.shown[s.mention];
}

/** A comparison is true when it names the two mentions' own items (either order) and the right relation. */
function cmpTrue(s: Cmp, m: Mentions): boolean {
  const gold = s.field === 'entity' ? m.entities : s.field === 'period' ? m.periods : m.shown.map(String);
  const [a, b] = [normalize(s.a), normalize(s.b)];
  const [g0, g1] = [normalize(gold[0]!), normalize(gold[1]!)];
  if (!((a === g0 && b === g1) || (a === g1 && b === g0))) return false;
  const match = s.field === 'value' ? valuesMatch(m.shown[0], m.rounded[0], m.shown[1], m.rounded[1]) : g0 === g1;
  if (s.rel === '!=') return !match;
  if (s.rel === '=') return a === b;
  return match;
}

/** Per step line: true in the world of these two mentions? Lines that are not steps are false. */
export function checkNumMatchSteps(m: Mentions, steps: readonly string[]): boolean[] {
  return steps.map((line) => {
    const s = readStep(line);
    if (!s) return false;
    return s.type === 'norm' ? normTrue(s, m) : cmpTrue(s, m);
  });
}

/**
 * The label the stated comparisons entail, true or not: DIFF as soon as one comparison says they
 * differ; SAME only when entity, period and value are all stated to match; otherwise none.
 */
export function deriveLabel(steps: readonly string[]): string | null {
  const stated = new Map<Field, boolean>();
  for (const line of steps) {
    const s = readStep(line);
    if (s?.type === 'cmp') stated.set(s.field, s.rel !== '!=');
  }
  if ([...stated.values()].includes(false)) return 'DIFF';
  return stated.size === 3 ? 'SAME' : null;
}
