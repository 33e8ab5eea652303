// How `multi_hop` facts are written and read back: the canonical "Zel's boss is Kam.", the varied
// phrasings of many annotators, and path lines "Zel -friend-> Kam -boss-> Ann" (several facts).
// Text only: truth and entailment are decided in multi-hop.ts.
import { ALL_RELATIONS, type Fact } from './multi-hop-world';

/** Phrasings of one fact; index 0 is the canonical (world and pattern) form. */
export const PHRASINGS: readonly ((f: Fact) => string)[] = [
  ([s, r, o]) => `${s}'s ${r} is ${o}.`,
  ([s, r, o]) => `The ${r} of ${s} is ${o}.`,
  ([s, r, o]) => `${o} is ${s}'s ${r}.`,
  ([s, r, o]) => `${s} has ${r} ${o}.`,
];

/** The longest phrasing is this many characters longer than the canonical one (budgeting). */
export const PHRASING_SLACK = 5;

/** A path of facts that chain (each object is the next subject): "Zel -friend-> Kam -boss-> Ann". */
export function pathLine(facts: readonly Fact[]): string {
  return facts[0]![0] + facts.map(([, r, o]) => ` -${r}-> ${o}`).join('');
}

const WORD = '([A-Za-z]{1,20})';
const READERS: readonly [RegExp, (m: RegExpExecArray) => Fact][] = [
  [new RegExp(`^${WORD}'s ${WORD} is ${WORD}$`, 'i'), (m) => [m[1]!, m[2]!, m[3]!]],
  [new RegExp(`^the ${WORD} of ${WORD} is ${WORD}$`, 'i'), (m) => [m[2]!, m[1]!, m[3]!]],
  [new RegExp(`^${WORD} is ${WORD}'s ${WORD}$`, 'i'), (m) => [m[2]!, m[3]!, m[1]!]],
  [new RegExp(`^${WORD} has ${WORD} ${WORD}$`, 'i'), (m) => [m[1]!, m[2]!, m[3]!]],
];
const PATH = new RegExp(`^${WORD}((?:\\s*-\\s*${WORD}\\s*->\\s*${WORD})+)$`, 'i');
const PATH_HOP = new RegExp(`-\\s*${WORD}\\s*->\\s*${WORD}`, 'gi');

/** Lower-case a fact so comparisons ignore case; the relation must be a known one. */
function canon(f: Fact): Fact | null {
  const fact: Fact = [f[0].toLowerCase(), f[1].toLowerCase(), f[2].toLowerCase()];
  return ALL_RELATIONS.includes(fact[1]) ? fact : null;
}

/** The facts a step line states (lower-cased), or null when it is not a fact line. Never throws. */
export function readFacts(line: string): Fact[] | null {
  const text = line.trim().replace(/\.$/, '').trim();
  if (text.length > 400) return null;
  const path = PATH.exec(text);
  if (path) {
    const facts: Fact[] = [];
    let subject = path[1]!;
    for (const m of path[2]!.matchAll(PATH_HOP)) {
      facts.push([subject, m[1]!, m[2]!]);
      subject = m[2]!;
    }
    const out = facts.map(canon);
    return out.every((f) => f !== null) ? (out as Fact[]) : null;
  }
  for (const [re, take] of READERS) {
    const m = re.exec(text);
    if (m) {
      const f = canon(take(m));
      return f ? [f] : null;
    }
  }
  return null;
}

/**
 * What the stated facts entail, whatever their truth: they must form one tree from a single root
 * (the only subject that is never an object); the answer is its leaves (objects never used as a
 * subject), in order of appearance. Null when the facts are empty, cyclic or disconnected.
 */
export function entailedLeaves(facts: readonly Fact[]): string[] | null {
  if (facts.length === 0) return null;
  const subjects = new Set(facts.map((f) => f[0]));
  const objects = new Set(facts.map((f) => f[2]));
  const roots = [...subjects].filter((s) => !objects.has(s));
  if (roots.length !== 1) return null;
  const reached = new Set([roots[0]!]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [s, , o] of facts) {
      if (reached.has(s) && !reached.has(o)) {
        reached.add(o);
        grew = true;
      }
    }
  }
  if (![...subjects].every((s) => reached.has(s))) return null;
  return [...new Set(facts.map((f) => f[2]).filter((o) => !subjects.has(o)))];
}
