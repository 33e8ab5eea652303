// Task `multi_hop`: fictional knowledge composition (after PhantomWiki). Each prompt states a fresh
// tiny world as facts, then asks a question composing relations; the rationale resolves one hop per
// line. Not real-world knowledge: nothing can be memorized across examples. World code: multi-hop-world.ts.
//
// Example (seed 1, index 0, defaults), pattern style; the model sees BOS prompt SEP completion EOS:
//   prompt:
//     Dig's boss is Let.
//     Dig's job is clerk.
//     Kob's sibling is Fav.
//     Kob's parent is Fer.
//     Tat's parent is Fer.
//     Rav's boss is Let.
//     Kob's boss is Let.
//     Rim's sibling is Tat.
//     What is the job of Dig?
//   completion:
//     Dig's job is clerk.
//     A: clerk
import type { Rng } from '../util/rng';
import { ConfigError } from '../util/errors';
import { checkOrder, defaultsOf, validateSection, type Schema } from '../util/settings';
import { joinCompletion, parseCompletion, sameAnswer, scoreAnswer } from './format';
import { entailedLeaves, pathLine, PHRASING_SLACK, PHRASINGS, readFacts } from './multi-hop-text';
import {
  addAlternative,
  ATTRIBUTES,
  baseHops,
  buildChain,
  makeNames,
  PERSON_RELATIONS,
  questionText,
  randomFact,
  resolve,
  sampleRelations,
  World,
  type Fact,
} from './multi-hop-world';
import type { Example, Parsed, RationaleStyle, TaskDef } from './types';

export interface MultiHopConfig {
  people: number;
  minDifficulty: number;
  maxDifficulty: number;
  oodMinDifficulty: number;
  oodMaxDifficulty: number;
  maxFacts: number;
  branchRate: number;
  maxChars: number;
  oodMaxChars: number;
}

const FIELDS: Schema<MultiHopConfig> = {
  people: {
    default: 8, // enough for a 4-hop path that branches once (9 would be needed only then; it retries)
    label: 'People',
    min: 3,
    max: 12,
    reason: 'Invented people per world; at most 12 keeps names and facts short.',
  },
  minDifficulty: {
    default: 1, // one-hop lookups teach the fact format first
    label: 'Min difficulty',
    min: 1,
    max: 10,
    reason: 'Sum of relation weights (direct 1, grandparent 2) in training.',
  },
  maxDifficulty: {
    default: 2, // training stays at 1-2 hops; composition is then tested out of distribution
    label: 'Max difficulty',
    min: 1,
    max: 10,
    reason: 'Hardest training question; the paper trains up to 9 with big models.',
  },
  oodMinDifficulty: {
    default: 3, // OOD starts one hop past training
    label: 'OOD min difficulty',
    min: 1,
    max: 10,
    reason: 'Easiest question of the out-of-distribution split.',
  },
  oodMaxDifficulty: {
    default: 4, // 4 hops still fit a 320-character context
    label: 'OOD max difficulty',
    min: 1,
    max: 10,
    reason: 'Hardest question of the out-of-distribution split.',
  },
  maxFacts: {
    default: 10, // about 190 characters of facts: distractors without crowding out the rationale
    label: 'Max facts',
    min: 1,
    max: 24,
    reason: 'Facts per world, question path included; the rest are distractors.',
  },
  branchRate: {
    default: 0.2, // a friend/sibling hop sometimes has two answers (set-F1 scoring)
    label: 'Branch rate',
    min: 0,
    max: 1,
    integer: false,
    reason: 'Chance a friend/sibling hop has two people: several answers.',
  },
  maxChars: {
    default: 253, // default context 256 minus BOS/SEP/EOS: distractor facts stop at this budget
    label: 'Character budget',
    min: 64,
    max: 4096,
    reason: 'Prompt + completion budget; distractors are added only within it.',
  },
  oodMaxChars: {
    default: 381, // a 384 context: 4-hop questions with as many distractors as in training
    label: 'OOD character budget',
    min: 64,
    max: 4096,
    reason: 'The same budget for the OOD split (longer paths need more room).',
  },
};

const DEFAULTS: Readonly<MultiHopConfig> = defaultsOf(FIELDS);

/** Gold facts in breadth-first order, tagged with their hop (0-based). */
interface Solved {
  layers: Fact[][];
  answer: string[];
}

function solve(ex: Example): Solved {
  const m = ex.meta as { facts: Fact[]; start: string; hops: string[]; people: string[] };
  const world = new World(m.people);
  for (const f of m.facts) world.add(f);
  const r = resolve(world, m.start, m.hops);
  return { layers: r.facts, answer: r.answer };
}

/** The shortest fact line ("Zel's job is cook." and a newline): below this, no distractor fits. */
const MIN_FACT = 19;

/** Characters the longest rendering may take beyond its lines: answer line and an unfaithful swap. */
const ANSWER_SLACK = 32;

/** The longest completion any style may write for these gold facts (phrasing 1 is the longest). */
function completionBudget(steps: readonly Fact[]): number {
  return steps.reduce((n, f) => n + PHRASINGS[0]!(f).length + 1 + PHRASING_SLACK, 0) + ANSWER_SLACK;
}

function promptLength(world: World, question: string): number {
  return world.facts.reduce((n, f) => n + PHRASINGS[0]!(f).length + 1, 0) + question.length;
}

/**
 * Lay out a world for these relations: the question's path, one alternative fact for each last-hop
 * subject, then distractors while the budget allows. Null when the people run out, or when a
 * branching path overflows the budget (the caller then retries without branching).
 */
function tryWorld(config: MultiHopConfig, rng: Rng, relations: string[], branchRate: number) {
  const people = makeNames(rng, config.people);
  const world = new World(people);
  const start = people[0]!;
  const hops = baseHops(relations);
  if (!buildChain(world, rng, start, hops, branchRate)) return null;
  const solved = resolve(world, start, hops);
  for (const s of new Set(solved.facts.at(-1)!.map((f) => f[0]))) addAlternative(world, rng, s);
  const question = questionText(start, relations);
  const budget = config.maxChars - completionBudget(solved.facts.flat());
  let length = promptLength(world, question);
  if (solved.answer.length > 1 && length > budget) return null;
  for (let tries = 0; tries < 200 && world.facts.length < config.maxFacts && budget - length >= MIN_FACT; tries++) {
    const f = randomFact(rng, world);
    const cost = PHRASINGS[0]!(f).length + 1;
    if (length + cost <= budget && world.add(f, true)) length += cost;
  }
  return { world, start, hops, question };
}

function generate(config: MultiHopConfig, rng: Rng, index: number): Example {
  const difficulty = rng.int(config.minDifficulty, config.maxDifficulty);
  const relations = sampleRelations(rng, difficulty);
  let built = null;
  for (let attempt = 0; !built; attempt++) {
    if (attempt === 32) throw new Error(`multi_hop: no world fits ${difficulty} hops among ${config.people} people.`);
    built = tryWorld(config, rng, relations, attempt < 8 ? config.branchRate : 0);
  }
  const { world, start, hops, question } = built;
  const facts = rng.shuffle(world.facts);
  const prompt = [...facts.map(PHRASINGS[0]!), question].join('\n');
  const meta = { facts, start, relations, hops, people: world.people, index };
  const { layers, answer } = solve({ meta } as unknown as Example);
  return {
    key: prompt,
    prompt,
    steps: layers.flat().map((f) => ({ text: PHRASINGS[0]!(f), value: f[2] })),
    answer: answer.length === 1 ? answer[0]! : answer,
    difficulty,
    meta,
  };
}

/** Root-to-leaf paths of the gold tree (one per answer branch). */
function paths(layers: Fact[][]): Fact[][] {
  let out: Fact[][] = [[]];
  for (const layer of layers) {
    out = out.flatMap((p) => {
      const from = p.length === 0 ? null : p[p.length - 1]![2];
      return layer.filter((f) => from === null || f[0] === from).map((f) => [...p, f]);
    });
  }
  return out;
}

/** Depth-first order: each path's facts not yet listed. */
function depthFirst(layers: Fact[][]): Fact[] {
  const seen = new Set<Fact>();
  return paths(layers)
    .flat()
    .filter((f) => !seen.has(f) && seen.add(f));
}

/** One fact's relation swapped for another of its kind: false in the world (one relation per pair). */
function corrupt(layers: Fact[][], rng: Rng): string[] {
  const facts = layers.flat();
  const i = rng.int(0, facts.length - 1);
  return facts.map((f, j) => {
    if (j !== i) return PHRASINGS[0]!(f);
    const kind: readonly string[] = f[1] in ATTRIBUTES ? Object.keys(ATTRIBUTES) : PERSON_RELATIONS;
    return PHRASINGS[0]!([f[0], rng.pick(kind.filter((r) => r !== f[1])), f[2]]);
  });
}

/** True facts whose tree ends elsewhere: one last hop replaced by another fact of the same subject. */
function unfaithful(ex: Example, layers: Fact[][], rng: Rng): string[] {
  const facts = (ex.meta as { facts: Fact[] }).facts;
  const last = layers.at(-1)!;
  const target = rng.pick(last);
  const answers = new Set(last.map((f) => f[2]));
  const others = facts.filter((f) => f[0] === target[0] && f !== target && !answers.has(f[2]) && f[1] !== target[1]);
  const swap = others.length > 0 ? rng.pick(others) : rng.pick(facts.filter((f) => !layers.flat().includes(f)));
  const lines = layers.flat().map((f) => PHRASINGS[0]!(f === target ? swap : f));
  const sound = sameAnswer(
    entailedLeaves(lines.flatMap((l) => readFacts(l) ?? [])),
    Array.isArray(ex.answer) ? ex.answer.join(', ') : ex.answer,
  );
  return sound ? lines.slice(0, -1) : lines;
}

function render(ex: Example, style: RationaleStyle, rng: Rng): string {
  const { layers } = solve(ex);
  const forward = layers.flat();
  const lines = (facts: Fact[], phrase = PHRASINGS[0]!) => facts.map(phrase);
  switch (style) {
    case 'pattern':
      return joinCompletion(lines(forward), ex.answer);
    case 'varied': {
      const order = rng.pick([forward, depthFirst(layers), [...forward].reverse()]);
      return joinCompletion(lines(order, rng.pick(PHRASINGS)), ex.answer);
    }
    case 'inconsistent': {
      const procedure = rng.int(0, 2);
      if (procedure === 1) return joinCompletion(lines([...forward].reverse(), PHRASINGS[2]), ex.answer);
      if (procedure === 2) return joinCompletion(paths(layers).map(pathLine), ex.answer);
      return joinCompletion(lines(forward), ex.answer);
    }
    case 'corrupted':
      return joinCompletion(corrupt(layers, rng), ex.answer);
    case 'unfaithful':
      return joinCompletion(unfaithful(ex, layers, rng), ex.answer);
    case 'answer_only':
      return joinCompletion([], ex.answer);
  }
}

function factKeys(ex: Example): Set<string> {
  return new Set((ex.meta as { facts: Fact[] }).facts.map((f) => f.join('|').toLowerCase()));
}

function checkSteps(ex: Example, parsed: Parsed): boolean[] {
  const world = factKeys(ex);
  return parsed.steps.map((line) => {
    const facts = readFacts(line);
    return facts !== null && facts.every((f) => world.has(f.join('|')));
  });
}

/** Junk lines state no fact and are skipped; the stated facts must entail exactly the stated answer. */
function faithful(parsed: Parsed): boolean {
  const facts = parsed.steps.flatMap((l) => readFacts(l) ?? []);
  return sameAnswer(entailedLeaves(facts), parsed.answer);
}

/** A wrong but existing entity: another person of the world, or another value of the same attribute. */
function noisyLabel(ex: Example, rng: Rng): string | string[] {
  const m = ex.meta as { people: string[]; hops: string[] };
  const gold = typeof ex.answer === 'string' ? [ex.answer] : ex.answer;
  const rel = m.hops.at(-1)!;
  const pool = (rel in ATTRIBUTES ? ATTRIBUTES[rel]! : m.people).filter((x) => !gold.includes(x));
  const wrong = rng.pick(pool);
  return gold.length === 1 ? wrong : [...gold.slice(0, -1), wrong];
}

/**
 * Intermediate-answer recall (PhantomWiki's progress measure): the share of gold intermediate
 * entities (every hop but the last) named in the completion. Null for one-hop questions.
 */
export function intermediateRecall(ex: Example, completion: string): number | null {
  const { layers } = solve(ex);
  const wanted = [
    ...new Set(
      layers
        .slice(0, -1)
        .flat()
        .map((f) => f[2].toLowerCase()),
    ),
  ];
  if (wanted.length === 0) return null;
  const words = new Set(completion.toLowerCase().match(/[a-z]+/g) ?? []);
  return wanted.filter((w) => words.has(w)).length / wanted.length;
}

function validate(raw: unknown, at = ''): MultiHopConfig {
  const cfg = validateSection(at, FIELDS, raw);
  const rec = cfg as unknown as Record<string, unknown>;
  checkOrder(at, rec, 'minDifficulty', 'maxDifficulty');
  checkOrder(at, rec, 'oodMinDifficulty', 'oodMaxDifficulty');
  const hops = Math.max(cfg.maxDifficulty, cfg.oodMaxDifficulty);
  if (cfg.people < hops + 1)
    throw new ConfigError(
      'people',
      `people (${cfg.people}) must be at least ${hops + 1}: a ${hops}-hop path needs that many.`,
    );
  return cfg;
}

export const multiHop: TaskDef<MultiHopConfig> = {
  id: 'multi_hop',
  title: 'Multi-hop',
  description: 'Answer a question composing relations in a fresh invented world; difficulty = sum of relation weights.',
  setAnswers: true,
  defaults: DEFAULTS,
  fields: FIELDS,
  validate,
  generate,
  oodConfig: (c) => ({
    ...c,
    minDifficulty: c.oodMinDifficulty,
    maxDifficulty: c.oodMaxDifficulty,
    maxChars: c.oodMaxChars,
  }),
  render,
  parse: parseCompletion,
  score: (ex, parsed, label) => scoreAnswer(label ?? ex.answer, parsed.answer),
  checkSteps,
  faithful,
  domainText: (ex) => (ex.meta as { facts: Fact[] }).facts.map(PHRASINGS[0]!).join('\n'),
  noisyLabel,
};
