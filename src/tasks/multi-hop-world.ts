// The invented worlds of `multi_hop` (after PhantomWiki): people with generated names, directed
// relations and attributes stated as short facts, and questions that compose relations.
// World building and query evaluation only; rendering and verifying live in multi-hop.ts.
import type { Rng } from '../util/rng';

/** One stated fact "Zel's boss is Kam.": subject, relation, object (a person or an attribute value). */
export type Fact = [subject: string, relation: string, object: string];

/** Relations between people: each weighs 1 in difficulty. Read as stated (directed). */
export const PERSON_RELATIONS = ['parent', 'friend', 'boss', 'sibling'] as const;
/** Relations with several objects allowed (branching, several answers). */
const MULTI = new Set(['friend', 'sibling']);
/** Attribute values: words of 4+ letters, so they can never equal a 3-letter name. */
export const ATTRIBUTES: Record<string, readonly string[]> = {
  job: ['cook', 'baker', 'nurse', 'pilot', 'judge', 'miner', 'tailor', 'poet', 'smith', 'clerk'],
  hobby: ['chess', 'golf', 'darts', 'yoga', 'kites', 'opera', 'rowing', 'knitting', 'poker', 'fishing'],
};
/** Derived relations: a name for a composition of base relations; weight = number of base hops. */
export const DERIVED: Record<string, readonly string[]> = { grandparent: ['parent', 'parent'] };

export const ALL_RELATIONS: readonly string[] = [...PERSON_RELATIONS, ...Object.keys(ATTRIBUTES)];

const CONSONANTS = 'bdfgklmnprstvz';
const VOWELS = 'aeiou';

/** `n` distinct 3-letter names (consonant-vowel-consonant, capitalized). */
export function makeNames(rng: Rng, n: number): string[] {
  const names = new Set<string>();
  while (names.size < n) {
    const name = rng.pick([...CONSONANTS]).toUpperCase() + rng.pick([...VOWELS]) + rng.pick([...CONSONANTS]);
    names.add(name);
  }
  return [...names];
}

/** Facts indexed by "subject|relation" -> objects, with the invariants the generator relies on. */
export class World {
  readonly facts: Fact[] = [];
  private readonly index = new Map<string, string[]>();
  private readonly pairs = new Set<string>();

  constructor(readonly people: readonly string[]) {}

  objects(subject: string, relation: string): readonly string[] {
    return this.index.get(`${subject}|${relation}`) ?? [];
  }

  has(fact: Fact): boolean {
    return this.objects(fact[0], fact[1]).includes(fact[2]);
  }

  /**
   * Add a fact unless it breaks an invariant: no self-relations; at most one object per
   * single-valued relation; at most one relation per (subject, object) pair, so swapping a
   * relation always yields a false fact. `fresh` also refuses any existing (subject, relation) key,
   * which keeps distractors off the question's path.
   */
  add(fact: Fact, fresh = false): boolean {
    const [s, r, o] = fact;
    const key = `${s}|${r}`;
    const objs = this.index.get(key) ?? [];
    if (s === o || this.pairs.has(`${s}|${o}`)) return false;
    if (objs.length > 0 && (fresh || !MULTI.has(r))) return false;
    objs.push(o);
    this.index.set(key, objs);
    this.pairs.add(`${s}|${o}`);
    this.facts.push(fact);
    return true;
  }
}

/** Expand a question's relations (outermost last) into base hops: grandparent -> parent, parent. */
export function baseHops(relations: readonly string[]): string[] {
  return relations.flatMap((r) => DERIVED[r] ?? [r]);
}

/** Difficulty: base relations and attributes weigh 1, derived ones the number of their hops. */
export function weight(relation: string): number {
  return DERIVED[relation]?.length ?? 1;
}

/** Evaluate hops from a start; per hop, the facts used, in breadth-first order. */
export function resolve(world: World, start: string, hops: readonly string[]): { facts: Fact[][]; answer: string[] } {
  let current = [start];
  const used: Fact[][] = [];
  for (const rel of hops) {
    const layer: Fact[] = [];
    for (const s of current) for (const o of world.objects(s, rel)) layer.push([s, rel, o]);
    used.push(layer);
    current = [...new Set(layer.map((f) => f[2]))];
  }
  return { facts: used, answer: current };
}

/** Relations (in question order, innermost first) with weights summing to `difficulty`. */
export function sampleRelations(rng: Rng, difficulty: number): string[] {
  const out: string[] = [];
  let left = difficulty;
  while (left > 0) {
    const options: string[] = [...PERSON_RELATIONS];
    if (left >= 2) options.push('grandparent');
    if (left === 1 && out.length > 0) options.push('job', 'hobby', 'job', 'hobby');
    if (left === 1 && out.length === 0) options.push('job', 'hobby');
    const rel = rng.pick(options);
    out.push(rel);
    left -= weight(rel);
  }
  return out;
}

/** The question sentence: "Who is the boss of the friend of Zel?" */
export function questionText(start: string, relations: readonly string[]): string {
  const last = relations[relations.length - 1]!;
  const wh = last in ATTRIBUTES ? 'What' : 'Who';
  const chain = [...relations]
    .reverse()
    .map((r) => `the ${r} of `)
    .join('');
  return `${wh} is ${chain}${start}?`;
}

/** A person not yet on the chain, or null when none is left. */
function freshPerson(rng: Rng, world: World, used: Set<string>): string | null {
  const free = world.people.filter((p) => !used.has(p));
  return free.length > 0 ? rng.pick(free) : null;
}

/**
 * Lay the question's path into the world: every hop reaches new people (or an attribute value), so
 * the path is a tree whose leaves are the answer. A last friend or sibling hop may branch into two
 * (several answers); branching earlier would double every later line and overflow small contexts.
 * Returns false when the world has too few people for the path.
 */
export function buildChain(
  world: World,
  rng: Rng,
  start: string,
  hops: readonly string[],
  branchRate: number,
): boolean {
  const used = new Set([start]);
  let current = [start];
  for (const [h, rel] of hops.entries()) {
    const next: string[] = [];
    for (const s of current) {
      const count = MULTI.has(rel) && h === hops.length - 1 && rng.next() < branchRate ? 2 : 1;
      for (let k = 0; k < count; k++) {
        const o = rel in ATTRIBUTES ? rng.pick(ATTRIBUTES[rel]!) : freshPerson(rng, world, used);
        if (o === null || !world.add([s, rel, o])) return false;
        used.add(o);
        next.push(o);
      }
    }
    current = [...new Set(next)];
  }
  return true;
}

/** A random fact over the world's people (a distractor candidate). */
export function randomFact(rng: Rng, world: World): Fact {
  const rel = rng.pick(ALL_RELATIONS);
  const object = rel in ATTRIBUTES ? rng.pick(ATTRIBUTES[rel]!) : rng.pick(world.people);
  return [rng.pick(world.people), rel, object];
}

/** Give a subject one more fact under another relation, so reading the relation matters. */
export function addAlternative(world: World, rng: Rng, subject: string): void {
  for (let tries = 0; tries < 20; tries++) {
    const f = randomFact(rng, world);
    if (world.add([subject, f[1], f[2]], true)) return;
  }
}
