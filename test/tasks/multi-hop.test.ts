// multi_hop specifics: difficulty by relation weights, fresh worlds, set answers, phrasings read
// back, entailment of stated facts, intermediate-answer recall.
import { describe, expect, it } from 'vitest';
import { rngFor } from '../../src/util/rng';
import { intermediateRecall, multiHop } from '../../src/tasks/multi-hop';
import { entailedLeaves, readFacts } from '../../src/tasks/multi-hop-text';
import type { Fact } from '../../src/tasks/multi-hop-world';
import type { Example } from '../../src/tasks/types';
import { checkStyles, example } from './contract';

/** A hand-made world: Zel's boss is Kam, Kam's friends are Ann and Bo, Kam's job is cook. */
function handMade(): Example {
  const facts: Fact[] = [
    ['Zel', 'boss', 'Kam'],
    ['Kam', 'friend', 'Ann'],
    ['Kam', 'friend', 'Bo'],
    ['Kam', 'job', 'cook'],
    ['Bo', 'boss', 'Zel'],
  ];
  return {
    key: 'hand',
    prompt: 'hand',
    steps: [],
    answer: ['Ann', 'Bo'],
    difficulty: 2,
    meta: {
      facts,
      start: 'Zel',
      relations: ['boss', 'friend'],
      hops: ['boss', 'friend'],
      people: ['Zel', 'Kam', 'Ann', 'Bo'],
    },
  };
}

describe('multi_hop', () => {
  it('draws difficulties uniformly over the configured range, with weights summing to them', () => {
    const counts = new Map<number, number>();
    for (let i = 0; i < 600; i++) {
      const ex = example(multiHop, i);
      counts.set(ex.difficulty, (counts.get(ex.difficulty) ?? 0) + 1);
      const rel = ex.meta.relations as string[];
      expect(rel.reduce((n, r) => n + (r === 'grandparent' ? 2 : 1), 0)).toBe(ex.difficulty);
      expect((ex.meta.hops as string[]).length).toBe(ex.difficulty);
      expect(ex.steps.length).toBeGreaterThanOrEqual(ex.difficulty);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2]);
    for (const c of counts.values()) expect(c).toBeGreaterThan(240);
    const ood = multiHop.oodConfig(multiHop.defaults);
    for (let i = 0; i < 100; i++) expect([3, 4]).toContain(example(multiHop, i, 7, ood).difficulty);
  });

  it('builds a fresh world of at most `people` invented names per example', () => {
    const worlds = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const ex = example(multiHop, i);
      const people = ex.meta.people as string[];
      expect(people.length).toBe(8);
      for (const p of people) expect(p).toMatch(/^[A-Z][a-z]{2}$/);
      worlds.add(people.join());
    }
    expect(worlds.size).toBe(200);
  });

  it('asks questions with several answers at the configured branch rate, scored by set-F1', () => {
    let multi = 0;
    for (let i = 0; i < 400; i++) {
      const ex = example(multiHop, i, 3, { ...multiHop.defaults, branchRate: 1 });
      if (!Array.isArray(ex.answer)) continue;
      multi++;
      const [a, b] = ex.answer;
      expect(multiHop.score(ex, multiHop.parse(`A: ${b}, ${a}`))).toBe(1);
      expect(multiHop.score(ex, multiHop.parse(`A: ${a}`))).toBeCloseTo(2 / 3);
      expect(multiHop.score(ex, multiHop.parse(`A: ${a}, ${b}, Xyz`))).toBeCloseTo(0.8);
    }
    expect(multi).toBeGreaterThan(50);
    checkStyles(multiHop, 60, { ...multiHop.defaults, branchRate: 1 });
  });

  it('reads every phrasing of a fact, and path lines as several facts', () => {
    const f: Fact = ['zel', 'boss', 'kam'];
    for (const line of [
      "Zel's boss is Kam.",
      'The boss of Zel is Kam.',
      "Kam is Zel's boss.",
      'Zel has boss Kam',
      '  zel -boss-> kam ',
    ]) {
      expect(readFacts(line), line).toEqual([f]);
    }
    expect(readFacts('Zel -boss-> Kam -job-> cook')).toEqual([f, ['kam', 'job', 'cook']]);
    expect(readFacts("Zel's cousin is Kam.")).toBeNull();
    expect(readFacts('Zel is nice')).toBeNull();
  });

  it('checks stated facts against the world, not against the question', () => {
    const ex = handMade();
    const parsed = multiHop.parse(
      "Zel's boss is Kam.\nKam's friend is Bo.\nKam's boss is Ann.\nBo -boss-> Zel\nblah\nA: Bo",
    );
    expect(multiHop.checkSteps(ex, parsed)).toEqual([true, true, false, true, false]);
    expect(multiHop.score(ex, parsed)).toBeCloseTo(2 / 3);
  });

  it('calls steps faithful exactly when their tree entails the stated answer, true or not', () => {
    const f = (text: string) => multiHop.faithful(multiHop.parse(text));
    expect(f("Zel's boss is Kam.\nKam's friend is Ann.\nKam's friend is Bo.\nA: Bo, Ann")).toBe(true);
    expect(f("Zel's boss is Kam.\nKam's friend is Ann.\nA: Bo")).toBe(false);
    expect(f("Zel's boss is Kam.\nKam's friend is Ann.\nKam's friend is Bo.\nA: Bo")).toBe(false);
    expect(f("Zel's parent is Rob.\nRob's parent is Ann.\nA: Ann")).toBe(true); // false facts, still entailed
    expect(f("Zel's boss is Kam.\nBo's friend is Ann.\nA: Ann")).toBe(false); // two roots
    expect(f('A: Ann')).toBe(false);
    expect(
      entailedLeaves([
        ['a', 'boss', 'b'],
        ['b', 'boss', 'a'],
      ]),
    ).toBeNull(); // a cycle has no root
  });

  it('measures intermediate-answer recall over every hop but the last', () => {
    const ex = handMade();
    expect(intermediateRecall(ex, "Zel's boss is Kam.\nA: Ann, Bo")).toBe(1);
    expect(intermediateRecall(ex, 'A: Ann, Bo')).toBe(0);
    expect(intermediateRecall(ex, "Zel's boss is Kamal.\nA: Ann")).toBe(0); // whole words only
    const oneHop = Array.from({ length: 50 }, (_, i) => example(multiHop, i)).find((e) => e.difficulty === 1)!;
    expect(intermediateRecall(oneHop, 'anything')).toBeNull();
  });

  it('gives wrong labels that exist in the world (a person) or in the attribute', () => {
    for (let i = 0; i < 100; i++) {
      const ex = example(multiHop, i);
      const wrong = multiHop.noisyLabel(ex, rngFor(5, i));
      const last = (ex.meta.hops as string[]).at(-1)!;
      const pool = last === 'job' || last === 'hobby' ? null : (ex.meta.people as string[]);
      for (const w of [wrong].flat()) if (pool) expect(pool).toContain(w);
    }
  });

  it('refuses too few people for the longest path, naming the field', () => {
    expect(() => multiHop.validate({ people: 4 })).toThrow(expect.objectContaining({ field: 'people' }));
    expect(() => multiHop.validate({ maxDifficulty: 3, minDifficulty: 4 })).toThrow(
      expect.objectContaining({ field: 'maxDifficulty' }),
    );
  });
});
