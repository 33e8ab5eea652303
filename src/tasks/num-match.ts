// Task `num_match`: toy numerical semantic matching, the patterned task of PARO. Two mentions of a
// quantity (entity, period, value in some surface form) -> SAME or DIFF, always by one procedure:
// normalize M1, normalize M2, align entity, align period, compare values. Forms: num-match-forms.ts.
//
// Example (seed 1, index 0, defaults), pattern style; the model sees BOS prompt SEP completion EOS:
//   prompt:
//     M1: Tate route 2015: 2671 m
//     M2: Tatu route 2015: 2671 m
//     Same fact?
//   completion:
//     M1: 2671 m = 2671 m
//     M2: 2671 m = 2671 m
//     entity: Tate != Tatu
//     period: 2015 = 2015
//     value: 2671 = 2671
//     A: DIFF
import type { Rng } from '../util/rng';
import { checkOrder, defaultsOf, validateSection, type Schema } from '../util/settings';
import { joinCompletion, parseCompletion, sameAnswer, scoreAnswer } from './format';
import {
  CONVERSIONS,
  FORMS,
  isRounded,
  METRIC,
  shownValue,
  UNIT,
  valuesMatch,
  type Form,
  type Kind,
} from './num-match-forms';
import { checkNumMatchSteps, deriveLabel, type Mentions } from './num-match-steps';
import type { Example, RationaleStyle, TaskDef } from './types';

export interface NumMatchConfig {
  minDifficulty: number;
  maxDifficulty: number;
  oodMinDifficulty: number;
  oodMaxDifficulty: number;
  sameRate: number;
}

const FIELDS: Schema<NumMatchConfig> = {
  minDifficulty: {
    default: 1, // both values in base form: the procedure is learned before conversions
    label: 'Min difficulty',
    min: 1,
    max: 4,
    reason: '1 + conversion cost of both values (1 per conversion, 2 for rounded).',
  },
  maxDifficulty: {
    default: 3, // up to two conversions (km, k, dozen, fraction, commas) in training
    label: 'Max difficulty',
    min: 1,
    max: 4,
    reason: 'Hardest training pair; 4 needs a rounded value.',
  },
  oodMinDifficulty: {
    default: 4, // OOD: a rounded value ("about 1.5k") against a converted one
    label: 'OOD min difficulty',
    min: 1,
    max: 4,
    reason: 'Easiest pair of the out-of-distribution split.',
  },
  oodMaxDifficulty: {
    default: 4, // the hardest pair the forms allow
    label: 'OOD max difficulty',
    min: 1,
    max: 4,
    reason: 'Hardest pair of the out-of-distribution split.',
  },
  sameRate: {
    default: 0.5, // balanced classes (PARO scores F1 on balanced pairs)
    label: 'SAME rate',
    min: 0,
    max: 1,
    integer: false,
    reason: 'Share of SAME pairs; below 0.5 makes DIFF the majority class.',
  },
};

const DEFAULTS: Readonly<NumMatchConfig> = defaultsOf(FIELDS);

export const SAME = 'SAME';
export const DIFF = 'DIFF';

const CONSONANTS = 'bdfgklmnprstvz';
const VOWELS = 'aeiou';

function entityName(rng: Rng): string {
  const c = () => rng.pick([...CONSONANTS]);
  const v = () => rng.pick([...VOWELS]);
  return c().toUpperCase() + v() + c() + v();
}

/** Form pairs of one kind whose costs sum to `cost` (never two rounded values). */
function formPairs(cost: number): [Form, Form][] {
  const pairs: [Form, Form][] = [];
  for (const a of FORMS) {
    for (const b of FORMS) {
      if (a.kind === b.kind && a.cost + b.cost === cost && !(isRounded(a) && isRounded(b))) pairs.push([a, b]);
    }
  }
  return pairs;
}

/** A value both forms can show, or null when they have none in common within a few draws. */
function commonValue(rng: Rng, a: Form, b: Form): number | null {
  for (let t = 0; t < 40; t++) {
    const v = rng.pick([a, b]).draw(rng);
    if (a.fits(v) && b.fits(v)) return v;
  }
  return null;
}

/** How far apart near-miss values of a form are: one unit of what the form can show. */
function granularity(rng: Rng, f: Form, v: number): number {
  if (f.name === 'dozen') return 12;
  if (f.name === 'kilo' || f.name === 'km' || f.name === 'about') return 100;
  if (f.kind === 'share') return rng.int(1, 5);
  return rng.int(1, Math.max(1, Math.round(v * 0.05)));
}

/** A near-miss value for M2 in its form (within a third of M1's) that does not match M1's value. */
function nearMiss(rng: Rng, f1: Form, v1: number, f2: Form): number | null {
  for (let t = 0; t < 60; t++) {
    const v2 =
      f2.name === 'fraction' ? f2.draw(rng) : v1 + rng.pick([-1, 1]) * rng.int(1, 3) * granularity(rng, f2, v1);
    if (!f2.fits(v2) || Math.abs(v2 - v1) > Math.max(1, v1 / 3)) continue;
    if (!valuesMatch(shownValue(f1, v1), isRounded(f1), shownValue(f2, v2), isRounded(f2))) return v2;
  }
  return null;
}

/** Forms and values for a difficulty: [f1, f2, v] with v shown by both. */
function pickForms(rng: Rng, difficulty: number): { f1: Form; f2: Form; v: number } {
  for (const [a, b] of rng.shuffle(formPairs(difficulty - 1))) {
    const v = commonValue(rng, a, b);
    if (v !== null) return rng.next() < 0.5 ? { f1: a, f2: b, v } : { f1: b, f2: a, v };
  }
  throw new Error(`num_match: no form pair of difficulty ${difficulty}.`);
}

function generate(config: NumMatchConfig, rng: Rng, index: number): Example {
  const difficulty = rng.int(config.minDifficulty, config.maxDifficulty);
  const { f1, f2, v } = pickForms(rng, difficulty);
  const same = rng.next() < config.sameRate;
  let diff: 'none' | 'entity' | 'period' | 'value' = same ? 'none' : rng.pick(['entity', 'period', 'value'] as const);
  const e1 = entityName(rng);
  const p1 = rng.int(2015, 2024);
  let v2 = v;
  if (diff === 'value') {
    const miss = nearMiss(rng, f1, v, f2);
    if (miss === null) diff = 'entity';
    else v2 = miss;
  }
  const e2 = diff === 'entity' ? e1.slice(0, 3) + rng.pick([...VOWELS].filter((x) => x !== e1[3])) : e1;
  const p2 = diff === 'period' ? p1 + rng.pick([-1, 1]) : p1;
  const kind: Kind = f1.kind;
  const m: Mentions = {
    kind,
    entities: [e1, e2],
    periods: [String(p1), String(p2)],
    surfaces: [f1.show(v), f2.show(v2)],
    shown: [shownValue(f1, v), shownValue(f2, v2)],
    rounded: [isRounded(f1), isRounded(f2)],
    forms: [f1.name, f2.name],
  };
  const mention = (i: 0 | 1) => `M${i + 1}: ${m.entities[i]} ${METRIC[kind]} ${m.periods[i]}: ${m.surfaces[i]}`;
  const prompt = `${mention(0)}\n${mention(1)}\nSame fact?`;
  const lines = stepLines(m, PATTERN_ORDER, 0);
  return {
    key: prompt,
    prompt,
    steps: lines.map((text, i) => ({ text, value: stepValue(m, PATTERN_ORDER[i]!) })),
    answer: same ? SAME : DIFF,
    difficulty,
    meta: { ...m, diff, index },
  };
}

type StepId = 'n1' | 'n2' | 'entity' | 'period' | 'value';
const PATTERN_ORDER: readonly StepId[] = ['n1', 'n2', 'entity', 'period', 'value'];
const ALIGN_FIRST: readonly StepId[] = ['entity', 'period', 'n1', 'n2', 'value'];
const VALUE_FIRST: readonly StepId[] = ['n1', 'n2', 'value', 'entity', 'period'];

function matches(m: Mentions, id: 'entity' | 'period' | 'value'): boolean {
  if (id === 'entity') return m.entities[0] === m.entities[1];
  if (id === 'period') return m.periods[0] === m.periods[1];
  return valuesMatch(m.shown[0], m.rounded[0], m.shown[1], m.rounded[1]);
}

function stepValue(m: Mentions, id: StepId): string {
  if (id === 'n1' || id === 'n2') return String(m.shown[id === 'n1' ? 0 : 1]);
  return matches(m, id) ? 'match' : 'mismatch';
}

/** Phrasings: [normalization, comparison] per annotator; index 0 is the pattern. */
const NORMS: readonly ((i: number, surface: string, value: string) => string)[] = [
  (i, s, v) => `M${i}: ${s} = ${v}`,
  (i, s, v) => `M${i} ${s} is ${v}`,
  (i, s, v) => `${i === 1 ? 'first' : 'second'}: ${s} means ${v}`,
];
const CMPS: readonly ((field: string, a: string, b: string, rel: '=' | '~' | '!=') => string)[] = [
  (f, a, b, rel) => `${f}: ${a} ${rel} ${b}`,
  (f, a, b, rel) => `${f} ${a} vs ${b}: ${rel === '!=' ? 'differ' : 'same'}`,
  (f, a, b, rel) => `${a} and ${b}: ${rel === '!=' ? 'different' : 'same'} ${f}`,
];

/** The lines of a rationale in a step order and phrasing; `wrong` replaces one normalized value. */
function stepLines(
  m: Mentions,
  order: readonly StepId[],
  phrasing: number,
  wrong?: { i: 0 | 1; value: number },
): string[] {
  const norm = NORMS[phrasing]!;
  const cmp = CMPS[phrasing]!;
  return order.map((id) => {
    if (id === 'n1' || id === 'n2') {
      const i = id === 'n1' ? 0 : 1;
      const value = wrong && wrong.i === i ? wrong.value : m.shown[i];
      return norm(i + 1, m.surfaces[i], `${value}${UNIT[m.kind]}`);
    }
    const [a, b] = id === 'entity' ? m.entities : id === 'period' ? m.periods : m.shown.map(String);
    const rel = !matches(m, id) ? '!=' : a === b ? '=' : '~';
    return cmp(id, a!, b!, rel);
  });
}

/** Inconsistent procedures: the order of the checks changes, and one stops at the first mismatch. */
function procedure(m: Mentions, rng: Rng): readonly StepId[] {
  const which = rng.int(0, 3);
  if (which === 1) return ALIGN_FIRST;
  if (which === 2) return VALUE_FIRST;
  if (which === 3) {
    const stop = ALIGN_FIRST.findIndex(
      (id) => (id === 'entity' || id === 'period' || id === 'value') && !matches(m, id),
    );
    return stop < 0 ? ALIGN_FIRST : ALIGN_FIRST.slice(0, stop + 1);
  }
  return PATTERN_ORDER;
}

function render(ex: Example, style: RationaleStyle, rng: Rng): string {
  const m = ex.meta as unknown as Mentions;
  const a = ex.answer;
  switch (style) {
    case 'pattern':
      return joinCompletion(stepLines(m, PATTERN_ORDER, 0), a);
    case 'varied':
      return joinCompletion(stepLines(m, rng.pick([PATTERN_ORDER, ALIGN_FIRST, VALUE_FIRST]), rng.int(0, 2)), a);
    case 'inconsistent':
      return joinCompletion(stepLines(m, procedure(m, rng), 0), a);
    case 'corrupted': {
      const i = rng.pick([0, 1] as const);
      const delta = (m.kind === 'share' ? rng.int(1, 5) : 100) * rng.pick([-1, 1]);
      const value = m.shown[i] + delta > 0 ? m.shown[i] + delta : m.shown[i] + Math.abs(delta);
      return joinCompletion(stepLines(m, PATTERN_ORDER, 0, { i, value }), a);
    }
    case 'unfaithful': {
      const decisive = (['entity', 'period', 'value'] as const).find((id) => !matches(m, id)) ?? 'value';
      return joinCompletion(
        stepLines(
          m,
          PATTERN_ORDER.filter((id) => id !== decisive),
          0,
        ),
        a,
      );
    }
    case 'answer_only':
      return joinCompletion([], a);
  }
}

function validate(raw: unknown, at = ''): NumMatchConfig {
  const cfg = validateSection(at, FIELDS, raw);
  checkOrder(at, cfg, 'minDifficulty', 'maxDifficulty');
  checkOrder(at, cfg, 'oodMinDifficulty', 'oodMaxDifficulty');
  return cfg;
}

/** CPT text: both statements as plain sentences, and the conversion rules their forms rely on. */
function domainText(ex: Example): string {
  const m = ex.meta as unknown as Mentions;
  const said = [0, 1].map((i) => `${m.entities[i]} ${METRIC[m.kind]} ${m.periods[i]} was ${m.surfaces[i]}.`);
  const rules = [...new Set(m.forms.map((f) => CONVERSIONS[f]).filter((r): r is string => r !== undefined))];
  return [...said, ...rules].join('\n');
}

export const numMatch: TaskDef<NumMatchConfig> = {
  id: 'num_match',
  title: 'Number matching',
  description:
    'Do two mentions state the same quantity (entity, period, value in any form)? SAME or DIFF, by one fixed procedure.',
  setAnswers: false,
  defaults: DEFAULTS,
  fields: FIELDS,
  validate,
  generate,
  oodConfig: (c) => ({ ...c, minDifficulty: c.oodMinDifficulty, maxDifficulty: c.oodMaxDifficulty }),
  render,
  parse: parseCompletion,
  score: (ex, parsed, label) => scoreAnswer(label ?? ex.answer, parsed.answer),
  checkSteps: (ex, parsed) => checkNumMatchSteps(ex.meta as unknown as Mentions, parsed.steps),
  faithful: (parsed) => sameAnswer(deriveLabel(parsed.steps), parsed.answer),
  domainText,
  noisyLabel: (ex) => (ex.answer === SAME ? DIFF : SAME),
};
