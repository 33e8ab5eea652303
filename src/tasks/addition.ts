// Task `addition`: multi-digit addition with a digit-by-digit (carry) worked solution.
// One column per line, right to left; generator, renderer and verifiers side by side.
// Not arithmetic chains (arith_chain.ts) and not a number parser: digits only.
//
// Example (seed 1, index 0, defaults), pattern style; the model sees BOS prompt SEP completion EOS:
//   prompt:
//     81+52=?
//   completion:
//     d1: 1+2+0=3
//     d2: 8+5+0=13
//     A: 133
import type { Rng } from '../util/rng';
import { checkEquations, headsAndTails, placeParts, readEquation, sameMultiset } from './arith-steps';
import { checkOrder, defaultsOf, validateSection, type Schema } from '../util/settings';
import { joinCompletion, parseCompletion, sameAnswer, scoreAnswer } from './format';
import type { Example, Parsed, RationaleStyle, TaskDef } from './types';

export interface AdditionConfig {
  minDigits: number;
  maxDigits: number;
  oodMinDigits: number;
  oodMaxDigits: number;
}

const FIELDS: Schema<AdditionConfig> = {
  minDigits: {
    default: 2, // 1-digit sums have only 100 prompts: too few for a held-out split
    label: 'Min digits',
    min: 1,
    max: 12,
    reason: 'Shortest operand length in training; difficulty = digits.',
  },
  maxDigits: {
    default: 3, // 3 columns fit a 256-char context in every style with room to spare
    label: 'Max digits',
    min: 1,
    max: 12,
    reason: 'Longest operand length in training; 12 keeps sums exact in doubles.',
  },
  oodMinDigits: {
    default: 4, // OOD starts one column past training: length generalization
    label: 'OOD min digits',
    min: 1,
    max: 12,
    reason: 'Shortest operand length of the out-of-distribution split.',
  },
  oodMaxDigits: {
    default: 5, // still fits 256 characters in the pattern style
    label: 'OOD max digits',
    min: 1,
    max: 12,
    reason: 'Longest operand length of the out-of-distribution split.',
  },
};

const DEFAULTS: Readonly<AdditionConfig> = defaultsOf(FIELDS);

/** A column step: "d1: 4+8+0=12" and its phrasings; the column number labels it, so order is free. */
interface Column {
  col: number;
  addends: number[];
  sum: number;
}

const COLUMN = /^(?:d|col|column|digit)\s*(\d{1,2})\s*:\s*(.+?)\s*(?:=|\bis\b)\s*(\d{1,3})\.?$/i;

function readColumn(line: string): Column | null {
  const m = COLUMN.exec(line.trim());
  if (!m) return null;
  const addends = (m[2]!.match(/\d+/g) ?? []).map(Number);
  if (addends.length < 2 || addends.length > 3 || addends.some((x) => x > 9)) return null;
  return { col: Number(m[1]), addends, sum: Number(m[3]) };
}

/** Digit of `n` (a decimal string) in column `col` (1 = ones); 0 past its length. */
function digitAt(n: string, col: number): number {
  const i = n.length - col;
  return i >= 0 ? Number(n[i]) : 0;
}

/** The gold columns of a + b: each with its digits, incoming carry and column sum. */
function columns(a: string, b: string): { x: number; y: number; c: number; s: number }[] {
  const out = [];
  let c = 0;
  for (let col = 1; col <= Math.max(a.length, b.length); col++) {
    const x = digitAt(a, col);
    const y = digitAt(b, col);
    out.push({ x, y, c, s: x + y + c });
    c = x + y + c >= 10 ? 1 : 0;
  }
  return out;
}

function addStrings(a: string, b: string): string {
  return String(Number(a) + Number(b));
}

function randomNumber(rng: Rng, digits: number): string {
  let s = digits === 1 ? String(rng.int(0, 9)) : String(rng.int(1, 9));
  for (let i = 1; i < digits; i++) s += String(rng.int(0, 9));
  return s;
}

function generate(config: AdditionConfig, rng: Rng, index: number): Example {
  const digits = rng.int(config.minDigits, config.maxDigits);
  const a = randomNumber(rng, digits);
  const b = randomNumber(rng, digits);
  const steps = columns(a, b).map(({ x, y, c, s }, i) => ({
    text: `d${i + 1}: ${x}+${y}+${c}=${s}`,
    value: String(s),
  }));
  return {
    key: `${a}+${b}`,
    prompt: `${a}+${b}=?`,
    steps,
    answer: addStrings(a, b),
    difficulty: digits,
    meta: { a, b, index },
  };
}

const PHRASINGS: ((col: number, x: number, y: number, c: number, s: number) => string)[] = [
  (i, x, y, c, s) => `d${i}: ${x}+${y}+${c}=${s}`,
  (i, x, y, c, s) => `col ${i}: ${y}+${x}+${c}=${s}`,
  (i, x, y, c, s) => `digit ${i}: ${x} + ${y} + carry ${c} = ${s}`,
  (i, x, y, c, s) => `d${i}: ${c}+${x}+${y} is ${s}`,
  (i, x, y, c, s) => (c === 0 ? `column ${i}: ${x}+${y}=${s}` : `column ${i}: ${x}+${y}+${c}=${s}`),
];

function columnLines(a: string, b: string, phrase = PHRASINGS[0]!): string[] {
  return columns(a, b).map(({ x, y, c, s }, i) => phrase(i + 1, x, y, c, s));
}

/** Place-value procedure: add the hundreds, the tens, the ones, then the partial sums. */
function placeValueLines(a: string, b: string): string[] {
  const pa = placeParts(Number(a));
  const pb = placeParts(Number(b));
  const partial = pa.map((p, i) => p + pb[i]!);
  const lines = pa.map((p, i) => `${p}+${pb[i]}=${partial[i]}`);
  if (partial.length > 1) lines.push(`${partial.join('+')}=${addStrings(a, b)}`);
  return lines;
}

/** Chunking procedure: add b to a one place-value part at a time. */
function chunkLines(a: string, b: string): string[] {
  const lines: string[] = [];
  let acc = Number(a);
  for (const part of placeParts(Number(b))) {
    if (part === 0) continue;
    lines.push(`${acc}+${part}=${acc + part}`);
    acc += part;
  }
  return lines.length > 0 ? lines : [`${a}+0=${a}`];
}

/** One addend of one column, off by one: a false step whose column sum (so the answer) is unchanged. */
function corruptLines(a: string, b: string, rng: Rng): string[] {
  const cols = columns(a, b);
  const i = rng.int(0, cols.length - 1);
  return cols.map(({ x, y, c, s }, j) => `d${j + 1}: ${j === i ? (x + 1) % 10 : x}+${y}+${c}=${s}`);
}

/**
 * Steps that do not entail the answer: the true columns without the last one (they assemble a shorter
 * number); for a single column, the worked solution of a sibling problem (one digit of b changed).
 */
function unfaithfulLines(a: string, b: string, rng: Rng): string[] {
  const lines = columnLines(a, b);
  if (lines.length > 1) return lines.slice(0, -1);
  const choices = Array.from({ length: 10 }, (_, k) => k).filter((d) => d !== Number(b));
  return columnLines(a, String(rng.pick(choices)));
}

function render(ex: Example, style: RationaleStyle, rng: Rng): string {
  const { a, b } = ex.meta as { a: string; b: string };
  const answer = ex.answer as string;
  switch (style) {
    case 'pattern':
      return joinCompletion(columnLines(a, b), answer);
    case 'varied':
      return joinCompletion(columnLines(a, b, rng.pick(PHRASINGS)), answer);
    case 'inconsistent': {
      const procedure = rng.pick([columnLines, placeValueLines, chunkLines]);
      return joinCompletion(procedure(a, b), answer);
    }
    case 'corrupted':
      return joinCompletion(corruptLines(a, b, rng), answer);
    case 'unfaithful':
      return joinCompletion(unfaithfulLines(a, b, rng), answer);
    case 'answer_only':
      return joinCompletion([], answer);
  }
}

/** True column step: its addends are this column's digits and carry-in (a 0 carry may be left out). */
function columnTrue(col: Column, a: string, b: string): boolean {
  const gold = columns(a, b)[col.col - 1];
  if (!gold || col.sum !== gold.s) return false;
  if (col.addends.reduce((t, v) => t + v, 0) !== col.sum) return false;
  return (
    sameMultiset(col.addends, [gold.x, gold.y, gold.c]) || (gold.c === 0 && sameMultiset(col.addends, [gold.x, gold.y]))
  );
}

function checkSteps(ex: Example, parsed: Parsed): boolean[] {
  const { a, b } = ex.meta as { a: string; b: string };
  const given = [a, b].flatMap((n) => [Number(n), ...placeParts(Number(n)), ...headsAndTails(Number(n))]);
  const eqTruth = checkEquations(parsed.steps, given);
  return parsed.steps.map((line, i) => {
    const col = readColumn(line);
    return col ? columnTrue(col, a, b) : eqTruth[i]!;
  });
}

/** The answer the steps themselves derive: the last equation's result, or the digits the columns write. */
function derive(steps: readonly string[]): string | null {
  for (let i = steps.length - 1; i >= 0; i--) {
    const col = readColumn(steps[i]!);
    if (col) return assembleColumns(steps);
    const eq = readEquation(steps[i]!);
    if (eq) return String(eq.result);
  }
  return null;
}

/** Columns 1..k must all be stated (the last statement of a column wins); the top carry leads. */
function assembleColumns(steps: readonly string[]): string | null {
  const sums = new Map<number, number>();
  for (const line of steps) {
    const col = readColumn(line);
    if (col) sums.set(col.col, col.sum);
  }
  const k = Math.max(...sums.keys());
  let out = '';
  for (let c = 1; c <= k; c++) {
    const s = sums.get(c);
    if (s === undefined) return null;
    out = String(s % 10) + out;
  }
  const top = Math.floor(sums.get(k)! / 10);
  return String(Number((top > 0 ? String(top) : '') + out));
}

function validate(raw: unknown, at = ''): AdditionConfig {
  const cfg = validateSection(at, FIELDS, raw);
  checkOrder(at, cfg, 'minDigits', 'maxDigits');
  checkOrder(at, cfg, 'oodMinDigits', 'oodMaxDigits');
  return cfg;
}

/** CPT text: the one-digit sums this example uses, with no carries, question or answer. */
function domainText(ex: Example): string {
  const { a, b } = ex.meta as { a: string; b: string };
  return columns(a, b)
    .map(({ x, y }) => `${x}+${y}=${x + y}`)
    .join('\n');
}

function noisyLabel(ex: Example, rng: Rng): string {
  const sum = Number(ex.answer);
  const deltas = [-10, -1, 1, 10, 100].filter((d) => sum + d >= 0);
  return String(sum + rng.pick(deltas));
}

export const addition: TaskDef<AdditionConfig> = {
  id: 'addition',
  title: 'Addition',
  description: 'Add two multi-digit numbers, column by column with carries; difficulty = digits per operand.',
  setAnswers: false,
  defaults: DEFAULTS,
  fields: FIELDS,
  validate,
  generate,
  oodConfig: (c) => ({ ...c, minDigits: c.oodMinDigits, maxDigits: c.oodMaxDigits }),
  render,
  parse: parseCompletion,
  score: (ex, parsed, label) => scoreAnswer(label ?? ex.answer, parsed.answer),
  checkSteps,
  faithful: (parsed) => sameAnswer(derive(parsed.steps), parsed.answer),
  domainText,
  noisyLabel,
};
