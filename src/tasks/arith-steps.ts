// Reading and checking arithmetic step lines shared by `addition` and `arith_chain`:
// equations "a+b=c" / "a*b=c" (with spaces, x or * for times) and their grounding.
// Not a general expression parser: one operator per line, whole non-negative numbers only.

/** A stated equation: its operator, terms and result. */
export interface Equation {
  op: '+' | '*';
  terms: number[];
  result: number;
}

const NUM = String.raw`\d{1,15}`;
const EQUATION = new RegExp(
  String.raw`^(?:[a-z]+\s*\d*\s*:\s*)?(${NUM}(?:\s*[+*x]\s*${NUM})+)\s*(?:=|is)\s*(${NUM})\.?$`,
  'i',
);

/** Read "347+200=547", "3 x 4 = 12", "s2: 12*3=36" (an optional "label:" prefix). Null if not one. */
export function readEquation(line: string): Equation | null {
  const m = EQUATION.exec(line.trim());
  if (!m) return null;
  const lhs = m[1]!;
  const hasPlus = lhs.includes('+');
  const hasTimes = /[*x]/i.test(lhs);
  if (hasPlus === hasTimes) return null; // one operator per line
  const terms = lhs.split(/[+*x]/i).map((t) => Number(t.trim()));
  return { op: hasPlus ? '+' : '*', terms, result: Number(m[2]) };
}

/** The value the terms make under the operator (exact while it stays below 2^53). */
export function evaluate(eq: Equation): number {
  return eq.op === '+' ? eq.terms.reduce((s, t) => s + t, 0) : eq.terms.reduce((p, t) => p * t, 1);
}

/** Is the equation arithmetically true? */
export function holds(eq: Equation): boolean {
  return Number.isSafeInteger(evaluate(eq)) && evaluate(eq) === eq.result;
}

/** Heads and tails of a number: 347 -> [300, 340, 47, 7] (what a chunking procedure adds). */
export function headsAndTails(n: number): number[] {
  const out: number[] = [];
  for (let p = 10; p <= n; p *= 10) out.push(n - (n % p), n % p);
  return out;
}

/** The place-value parts of a number: 347 -> [300, 40, 7] (zeros included). */
export function placeParts(n: number): number[] {
  const s = String(n);
  return [...s].map((d, i) => Number(d) * 10 ** (s.length - 1 - i));
}

/**
 * Check equations in order: a line is true when it holds and each term is grounded (a given number,
 * or the result of an earlier true line). The grounded set grows with each true line.
 */
export function checkEquations(lines: readonly string[], given: Iterable<number>): boolean[] {
  const grounded = new Set<number>(given);
  return lines.map((line) => {
    const eq = readEquation(line);
    if (!eq || !holds(eq) || !eq.terms.every((t) => grounded.has(t))) return false;
    grounded.add(eq.result);
    return true;
  });
}

/** Multisets of small numbers equal? */
export function sameMultiset(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.every((v, i) => v === y[i]);
}
