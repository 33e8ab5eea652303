// Task `arith_chain`: a chain of sums and products ("3*4+5*6+7=?") solved on a scratchpad of
// partial results, one equation per line. Usual precedence: products first, then the running sum.
// Not column arithmetic (addition.ts) and no parentheses or subtraction.
//
// Example (seed 1, index 0, defaults), pattern style; the model sees BOS prompt SEP completion EOS:
//   prompt:
//     54*26+73*1+15=?
//   completion:
//     54*26=1404
//     73*1=73
//     1404+73=1477
//     1477+15=1492
//     A: 1492
import type { Rng } from '../util/rng';
import { holds, readEquation, sameMultiset } from './arith-steps';
import { checkOrder, defaultsOf, validateSection, type Schema } from '../util/settings';
import { joinCompletion, parseCompletion, sameAnswer, scoreAnswer } from './format';
import type { Example, Parsed, RationaleStyle, TaskDef } from './types';

export interface ArithChainConfig {
  minTerms: number;
  maxTerms: number;
  minDigits: number;
  maxDigits: number;
  mulRate: number;
  oodMinTerms: number;
  oodMaxTerms: number;
}

const FIELDS: Schema<ArithChainConfig> = {
  minTerms: {
    default: 3, // two running-sum steps at least, so a truncated scratchpad is visible
    label: 'Min terms',
    min: 3,
    max: 10,
    reason: 'Fewest summands; each may be a product. Difficulty = terms + digits - 1.',
  },
  maxTerms: {
    default: 4, // up to 7 scratchpad lines: fits 256 characters in every style
    label: 'Max terms',
    min: 3,
    max: 10,
    reason: 'Most summands in training.',
  },
  minDigits: {
    default: 1, // one-digit operands first
    label: 'Min digits',
    min: 1,
    max: 3,
    reason: 'Smallest operand size (per example, all operands up to this many digits).',
  },
  maxDigits: {
    default: 2, // two-digit products reach 4 digits: still short lines
    label: 'Max digits',
    min: 1,
    max: 3,
    reason: 'Largest operand size; 3 digits make 6-digit products.',
  },
  mulRate: {
    default: 0.4, // a mix: most chains hold a product, few are all products
    label: 'Product rate',
    min: 0,
    max: 1,
    integer: false,
    reason: 'Chance that a term is a product of two factors.',
  },
  oodMinTerms: {
    default: 5, // OOD: longer chains than any seen in training
    label: 'OOD min terms',
    min: 3,
    max: 10,
    reason: 'Fewest summands of the out-of-distribution split.',
  },
  oodMaxTerms: {
    default: 6, // up to 11 lines: needs a context of about 320
    label: 'OOD max terms',
    min: 3,
    max: 10,
    reason: 'Most summands of the out-of-distribution split.',
  },
};

const DEFAULTS: Readonly<ArithChainConfig> = defaultsOf(FIELDS);

/** A term: one operand, or a product of two. */
type Term = number[];

const valueOf = (t: Term) => t.reduce((p, x) => p * x, 1);
const show = (t: Term) => t.join('*');

function generate(config: ArithChainConfig, rng: Rng, index: number): Example {
  const terms = rng.int(config.minTerms, config.maxTerms);
  const digits = rng.int(config.minDigits, config.maxDigits);
  const operand = () => rng.int(1, 10 ** digits - 1);
  const chain: Term[] = Array.from({ length: terms }, () =>
    rng.next() < config.mulRate ? [operand(), operand()] : [operand()],
  );
  const prompt = `${chain.map(show).join('+')}=?`;
  const lines = canonicalLines(chain);
  return {
    key: prompt,
    prompt,
    steps: lines.map((text) => ({ text, value: String(readEquation(text)!.result) })),
    answer: String(chain.reduce((s, t) => s + valueOf(t), 0)),
    difficulty: terms + digits - 1,
    meta: { chain, terms, digits, index },
  };
}

/** Term by term, left to right: a product line where the term is a product, then the running sum. */
function canonicalLines(chain: Term[], times = '*'): string[] {
  const lines: string[] = [];
  let total = 0;
  chain.forEach((t, i) => {
    if (t.length > 1) lines.push(`${t.join(times)}=${valueOf(t)}`);
    if (i > 0) lines.push(`${total}+${valueOf(t)}=${total + valueOf(t)}`);
    total += valueOf(t);
  });
  return lines;
}

const productLines = (chain: Term[]) => chain.filter((t) => t.length > 1).map((t) => `${show(t)}=${valueOf(t)}`);

/** Products first, then all terms in one sum line. */
function oneSumLines(chain: Term[]): string[] {
  const values = chain.map(valueOf);
  return [...productLines(chain), `${values.join('+')}=${values.reduce((s, v) => s + v, 0)}`];
}

/** Products first, then the running sum from the right. */
function rightToLeftLines(chain: Term[]): string[] {
  const values = chain.map(valueOf).reverse();
  const lines = productLines(chain);
  let total = values[0]!;
  for (const v of values.slice(1)) {
    lines.push(`${total}+${v}=${total + v}`);
    total += v;
  }
  return lines;
}

/** Varied phrasings of the same equations (as different annotators write them). */
const PHRASINGS: readonly ((line: string, i: number) => string)[] = [
  (l) => l,
  (l) => l.replace(/([+*=])/g, ' $1 '),
  (l, i) => `s${i + 1}: ${l}`,
  (l) => l.replace(/\*/g, 'x'),
];

/** One product line with a wrong factor but its right value: one false step, the chain still follows. */
function corruptLines(chain: Term[], rng: Rng): string[] {
  const lines = canonicalLines(chain);
  const products = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes('*'));
  const [line, i] = products.length > 0 ? rng.pick(products) : [lines[0]!, 0];
  const eq = readEquation(line)!;
  const terms = [...eq.terms];
  terms[0] = terms[0]! + rng.pick([1, 2]);
  lines[i] = `${terms.join(eq.op)}=${eq.result}`;
  return lines;
}

function render(ex: Example, style: RationaleStyle, rng: Rng): string {
  const chain = (ex.meta as { chain: Term[] }).chain;
  const a = ex.answer as string;
  switch (style) {
    case 'pattern':
      return joinCompletion(canonicalLines(chain), a);
    case 'varied': {
      const phrase = rng.pick(PHRASINGS);
      const lines =
        rng.next() < 0.5
          ? canonicalLines(chain)
          : [...productLines(chain), ...canonicalLines(chain.map((t) => [valueOf(t)]))];
      return joinCompletion(lines.map(phrase), a);
    }
    case 'inconsistent':
      return joinCompletion(rng.pick([canonicalLines, oneSumLines, rightToLeftLines])(chain), a);
    case 'corrupted':
      return joinCompletion(corruptLines(chain, rng), a);
    case 'unfaithful':
      return joinCompletion(canonicalLines(chain).slice(0, -1), a); // true steps, stops short
    case 'answer_only':
      return joinCompletion([], a);
  }
}

/** Sums of every non-empty subset of the term values: the partial results a correct procedure can reach. */
function partialSums(chain: Term[]): Set<number> {
  let sums = new Set<number>([0]);
  for (const v of chain.map(valueOf)) sums = new Set([...sums, ...[...sums].map((s) => s + v)]);
  sums.delete(0);
  return sums;
}

/**
 * A product line is true when it holds and multiplies one product term's own factors; a sum line
 * when it holds and adds partial results of the chain into another partial result.
 */
function checkSteps(ex: Example, parsed: Parsed): boolean[] {
  const chain = (ex.meta as { chain: Term[] }).chain;
  const partial = partialSums(chain);
  return parsed.steps.map((line) => {
    const eq = readEquation(line);
    if (!eq || !holds(eq)) return false;
    if (eq.op === '*') return chain.some((t) => t.length > 1 && sameMultiset(t, eq.terms));
    return partial.has(eq.result) && eq.terms.every((x) => partial.has(x));
  });
}

/** The scratchpad's conclusion: the result of its last equation. */
function derive(steps: readonly string[]): string | null {
  for (let i = steps.length - 1; i >= 0; i--) {
    const eq = readEquation(steps[i]!);
    if (eq) return String(eq.result);
  }
  return null;
}

function validate(raw: unknown, at = ''): ArithChainConfig {
  const cfg = validateSection(at, FIELDS, raw);
  const rec = cfg as unknown as Record<string, unknown>;
  checkOrder(at, rec, 'minTerms', 'maxTerms');
  checkOrder(at, rec, 'minDigits', 'maxDigits');
  checkOrder(at, rec, 'oodMinTerms', 'oodMaxTerms');
  return cfg;
}

/** A near miss: off by one, by ten, or by one term (a dropped or doubled summand). */
function noisyLabel(ex: Example, rng: Rng): string {
  const answer = Number(ex.answer);
  const chain = (ex.meta as { chain: Term[] }).chain;
  const term = valueOf(rng.pick(chain));
  const deltas = [1, -1, 10, -10, term, -term].filter((d) => answer + d > 0);
  return String(answer + rng.pick(deltas));
}

export const arithChain: TaskDef<ArithChainConfig> = {
  id: 'arith_chain',
  title: 'Arithmetic chain',
  description:
    'Evaluate a chain of sums and products on a scratchpad of partial results; difficulty = terms + digits - 1.',
  setAnswers: false,
  defaults: DEFAULTS,
  fields: FIELDS,
  validate,
  generate,
  oodConfig: (c) => ({ ...c, minTerms: c.oodMinTerms, maxTerms: c.oodMaxTerms }),
  render,
  parse: parseCompletion,
  score: (ex, parsed, label) => scoreAnswer(label ?? ex.answer, parsed.answer),
  checkSteps,
  faithful: (parsed) => sameAnswer(derive(parsed.steps), parsed.answer),
  domainText: (ex) => {
    const chain = (ex.meta as { chain: Term[] }).chain;
    return [
      ...productLines(chain),
      ...chain.slice(1).map((t, i) => `${valueOf(chain[i]!)}+${valueOf(t)}=${valueOf(chain[i]!) + valueOf(t)}`),
    ].join('\n');
  },
  noisyLabel,
};
