// Surface forms of quantities for `num_match`: how a value is written ("1.5k", "1,500", "a dozen",
// "1.5 km", "1/4", "about 1.5k") and how a written value normalizes back to its base number.
// Values only: mentions, labels and rationales live in num-match.ts.
import type { Rng } from '../util/rng';

/** What a quantity measures; fixes its base unit and the forms it may take. */
export type Kind = 'count' | 'distance' | 'share';

/** Base unit suffix of a normalized value: "1500", "1500 m", "25%". */
export const UNIT: Record<Kind, string> = { count: '', distance: ' m', share: '%' };

/** The metric word of a mention, by kind (same in both mentions of a prompt). */
export const METRIC: Record<Kind, string> = { count: 'staff', distance: 'route', share: 'share' };

/** Rounded forms ("about 1.5k") are rounded to this many base units. */
export const ROUNDING = 100;

export interface Form {
  name: string;
  kind: Kind;
  /** Difficulty it adds: 0 for the base form, 1 for a conversion, 2 for a rounded value. */
  cost: number;
  fits(v: number): boolean;
  show(v: number): string;
  /** A random value this form can show. */
  draw(rng: Rng): number;
}

const NICE_SHARES: Record<number, string> = {
  10: '1/10',
  20: '1/5',
  25: '1/4',
  30: '3/10',
  40: '2/5',
  50: '1/2',
  60: '3/5',
  70: '7/10',
  75: '3/4',
  80: '4/5',
  90: '9/10',
};

const withCommas = (v: number) => String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const kilo = (v: number) => String(v / 1000);
const rounded = (v: number) => Math.round(v / ROUNDING) * ROUNDING;
const between = (rng: Rng, lo: number, hi: number) => rng.int(lo, hi);
const dozens = (v: number) => (v === 12 ? 'a dozen' : `${v / 12} dozen`);

export const FORMS: readonly Form[] = [
  { name: 'plain', kind: 'count', cost: 0, fits: (v) => v >= 1, show: String, draw: (r) => between(r, 100, 9999) },
  {
    name: 'comma',
    kind: 'count',
    cost: 1,
    fits: (v) => v >= 1000,
    show: withCommas,
    draw: (r) => between(r, 1000, 9999),
  },
  {
    name: 'kilo',
    kind: 'count',
    cost: 1,
    fits: (v) => v >= 1000 && v % 100 === 0,
    show: (v) => `${kilo(v)}k`,
    draw: (r) => 100 * between(r, 10, 99),
  },
  {
    name: 'dozen',
    kind: 'count',
    cost: 1,
    fits: (v) => v % 12 === 0 && v >= 12 && v <= 144,
    show: dozens,
    draw: (r) => 12 * between(r, 1, 12),
  },
  {
    name: 'about',
    kind: 'count',
    cost: 2,
    fits: (v) => v >= 1000,
    show: (v) => `about ${kilo(rounded(v))}k`,
    draw: (r) => between(r, 1000, 9999),
  },
  {
    name: 'plain',
    kind: 'distance',
    cost: 0,
    fits: (v) => v >= 1,
    show: (v) => `${v} m`,
    draw: (r) => between(r, 100, 9999),
  },
  {
    name: 'comma',
    kind: 'distance',
    cost: 1,
    fits: (v) => v >= 1000,
    show: (v) => `${withCommas(v)} m`,
    draw: (r) => between(r, 1000, 9999),
  },
  {
    name: 'km',
    kind: 'distance',
    cost: 1,
    fits: (v) => v >= 100 && v % 100 === 0,
    show: (v) => `${kilo(v)} km`,
    draw: (r) => 100 * between(r, 1, 99),
  },
  {
    name: 'about',
    kind: 'distance',
    cost: 2,
    fits: (v) => v >= 1000,
    show: (v) => `about ${kilo(rounded(v))} km`,
    draw: (r) => between(r, 1000, 9999),
  },
  {
    name: 'plain',
    kind: 'share',
    cost: 0,
    fits: (v) => v >= 1 && v <= 99,
    show: (v) => `${v}%`,
    draw: (r) => between(r, 5, 95),
  },
  {
    name: 'fraction',
    kind: 'share',
    cost: 1,
    fits: (v) => v in NICE_SHARES,
    show: (v) => NICE_SHARES[v]!,
    draw: (r) => Number(r.pick(Object.keys(NICE_SHARES))),
  },
  {
    name: 'decimal',
    kind: 'share',
    cost: 1,
    fits: (v) => v >= 1 && v <= 99,
    show: (v) => String(v / 100),
    draw: (r) => between(r, 5, 95),
  },
];

export function isRounded(form: Form): boolean {
  return form.name === 'about';
}

/** The value a form shows (rounded forms show the rounded value). */
export function shownValue(form: Form, v: number): number {
  return isRounded(form) ? rounded(v) : v;
}

/** Do the base values of two mentions match? With one rounded mention: the exact one rounds to it. */
export function valuesMatch(a: number, aRounded: boolean, b: number, bRounded: boolean): boolean {
  if (aRounded && !bRounded) return rounded(b) === a;
  if (bRounded && !aRounded) return rounded(a) === b;
  return a === b;
}

/** A written value -> its base number (m for distances, % for shares), or null. Never throws. */
export function readSurface(text: string, kind: Kind): number | null {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/^about\s+/, '');
  let m: RegExpExecArray | null;
  if ((m = /^(a|\d{1,3}) dozen$/.exec(t))) return 12 * (m[1] === 'a' ? 1 : Number(m[1]));
  if ((m = /^(\d{1,3})\/(\d{1,3})$/.exec(t)))
    return Number(m[2]) === 0 ? null : Math.round((100 * Number(m[1])) / Number(m[2]));
  if ((m = /^(\d+(?:\.\d+)?)\s*(k|km)$/.exec(t))) return Math.round(Number(m[1]) * 1000);
  if ((m = /^(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(m|%)?$/.exec(t))) {
    const v = Number(m[1]!.replace(/,/g, ''));
    return kind === 'share' && m[2] !== '%' && v < 1 ? Math.round(v * 100) : v;
  }
  return null;
}

/** CPT facts for a form: the conversion rule it relies on (none for base forms). */
export const CONVERSIONS: Record<string, string> = {
  kilo: '1k = 1000',
  dozen: 'a dozen = 12',
  km: '1 km = 1000 m',
  fraction: '1/4 = 25%',
  decimal: '0.25 = 25%',
  about: 'about 1.5k = 1500, to the nearest 100',
};
