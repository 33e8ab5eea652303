// num_match specifics: class balance and imbalance, difficulty, hard negatives, surface forms read
// back to base values, every phrasing of a step, entailment of comparisons, F1.
import { describe, expect, it } from 'vitest';
import { binaryF1, macroF1 } from '../../src/tasks/metrics';
import { numMatch, SAME, DIFF } from '../../src/tasks/num-match';
import { FORMS, readSurface, valuesMatch } from '../../src/tasks/num-match-forms';
import { checkNumMatchSteps, deriveLabel, type Mentions } from '../../src/tasks/num-match-steps';
import { rngFor } from '../../src/util/rng';
import { example } from './contract';

const N = 2000;

describe('num_match', () => {
  it('balances classes by default and follows a configured imbalance', () => {
    for (const sameRate of [0.5, 0.2]) {
      let same = 0;
      for (let i = 0; i < N; i++)
        same += example(numMatch, i, 3, { ...numMatch.defaults, sameRate }).answer === SAME ? 1 : 0;
      expect(Math.abs(same / N - sameRate)).toBeLessThan(0.04); // 4 sd of a binomial at n = 2000
    }
  });

  it('draws difficulties over the configured range; OOD pairs include a rounded value', () => {
    const counts = new Map<number, number>();
    for (let i = 0; i < 900; i++) {
      const d = example(numMatch, i).difficulty;
      counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2, 3]);
    for (const c of counts.values()) expect(c).toBeGreaterThan(250);
    for (let i = 0; i < 100; i++) {
      const ex = example(numMatch, i, 3, numMatch.oodConfig(numMatch.defaults));
      expect(ex.difficulty).toBe(4);
      expect((ex.meta.rounded as boolean[]).some(Boolean)).toBe(true);
    }
  });

  it('makes every DIFF a hard negative: exactly one of entity, period, value differs, values near', () => {
    const kinds = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const ex = example(numMatch, i);
      const m = ex.meta as unknown as Mentions & { diff: string };
      const differs = [
        m.entities[0] !== m.entities[1],
        m.periods[0] !== m.periods[1],
        !valuesMatch(m.shown[0], m.rounded[0], m.shown[1], m.rounded[1]),
      ];
      expect(differs.filter(Boolean).length).toBe(ex.answer === DIFF ? 1 : 0);
      kinds.set(m.diff, (kinds.get(m.diff) ?? 0) + 1);
      if (m.diff === 'value') expect(Math.abs(m.shown[0] - m.shown[1]) / Math.max(...m.shown)).toBeLessThan(0.5);
      if (m.diff === 'period') expect(Math.abs(Number(m.periods[0]) - Number(m.periods[1]))).toBe(1);
      if (m.diff === 'entity') expect(m.entities[0].slice(0, 3)).toBe(m.entities[1].slice(0, 3));
    }
    for (const k of ['entity', 'period', 'value']) expect(kinds.get(k)).toBeGreaterThan(N / 10);
  });

  it('reads every surface form back to the value it shows', () => {
    const rng = rngFor(1, 0);
    for (const form of FORMS) {
      for (let t = 0; t < 50; t++) {
        const v = form.draw(rng);
        expect(form.fits(v), form.name).toBe(true);
        const want = form.name === 'about' ? Math.round(v / 100) * 100 : v;
        expect(readSurface(form.show(v), form.kind), `${form.kind} ${form.name} ${form.show(v)}`).toBe(want);
      }
    }
    expect(readSurface('1.5k', 'count')).toBe(1500);
    expect(readSurface('1,500', 'count')).toBe(1500);
    expect(readSurface('a dozen', 'count')).toBe(12);
    expect(readSurface('3/4', 'share')).toBe(75);
    expect(readSurface('0.25', 'share')).toBe(25);
    expect(readSurface('about 2.3 km', 'distance')).toBe(2300);
    expect(readSurface('1/0', 'share')).toBeNull();
    expect(readSurface('lots', 'count')).toBeNull();
  });

  it('matches a rounded value to the exact values that round to it', () => {
    expect(valuesMatch(1500, true, 1512, false)).toBe(true);
    expect(valuesMatch(1512, false, 1500, true)).toBe(true);
    expect(valuesMatch(1500, true, 1550, false)).toBe(false); // rounds to 1600
    expect(valuesMatch(1500, false, 1512, false)).toBe(false);
  });

  const m: Mentions = {
    kind: 'count',
    entities: ['Kelo', 'Kela'],
    periods: ['2021', '2021'],
    surfaces: ['about 1.5k', '1,512'],
    shown: [1500, 1512],
    rounded: [true, false],
    forms: ['about', 'comma'],
  };

  it('checks each phrasing of a step against the mentions', () => {
    const cases: [string, boolean][] = [
      ['M1: about 1.5k = 1500', true],
      ['M2 1,512 is 1512', true],
      ['second: 1,512 means 1512', true],
      ['M1: about 1.5k = 1512', false],
      ['M2: 1,500 = 1512', false],
      ['M1: about 1.5k = 1500 m', false],
      ['entity: Kelo != Kela', true],
      ['entity: Kela != Kelo', true],
      ['entity: Kelo = Kela', false],
      ['entity Kelo vs Kela: differ', true],
      ['Kelo and Kela: different entity', true],
      ['Kelo and Kela: same entity', false],
      ['period: 2021 = 2021', true],
      ['period 2021 vs 2021: same', true],
      ['period: 2021 != 2021', false],
      ['value: 1500 ~ 1512', true],
      ['value: 1500 = 1512', false],
      ['value 1512 vs 1500: same', true],
      ['value: 1500 != 1512', false],
      ['value: 1400 ~ 1512', false],
      ['the values look close', false],
    ];
    for (const [line, want] of cases) expect(checkNumMatchSteps(m, [line])[0], line).toBe(want);
  });

  it('derives DIFF from any stated mismatch, SAME only from three stated matches', () => {
    expect(deriveLabel(['entity: A != B'])).toBe(DIFF);
    expect(deriveLabel(['entity: A = A', 'period: 1 = 1', 'value: 2 = 2'])).toBe(SAME);
    expect(deriveLabel(['entity: A = A', 'period: 1 = 1'])).toBeNull();
    expect(deriveLabel(['entity: A = A', 'period: 1 = 1', 'value: 2 = 3'])).toBe(SAME); // entailed, though false
    expect(numMatch.faithful(numMatch.parse('entity: A != B\nA: SAME'))).toBe(false);
    expect(numMatch.faithful(numMatch.parse('entity: A != B\nA: diff'))).toBe(true);
  });

  it('scores F1 over a set of predictions', () => {
    const gold = [SAME, SAME, DIFF, DIFF];
    expect(binaryF1(gold, [SAME, null, SAME, DIFF], SAME)).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(binaryF1(gold, [SAME, SAME, SAME, SAME], SAME).f1).toBeCloseTo(2 / 3);
    expect(macroF1(gold, [SAME, SAME, SAME, SAME], [SAME, DIFF])).toBeCloseTo(1 / 3);
    expect(binaryF1(gold, ['same', 'SAME ', 'DIFF', 'DIFF'], SAME).f1).toBe(1);
  });
});
