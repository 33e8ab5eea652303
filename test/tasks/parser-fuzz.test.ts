// Fuzz: every task's parser and verifiers take any string (random, or a real completion mutated)
// without throwing, and return well-formed results.
import { describe, expect, it } from 'vitest';
import { rngFor, type Rng } from '../../src/util/rng';
import { getTask, TASK_IDS } from '../../src/tasks/registry';
import { RATIONALE_STYLES } from '../../src/tasks/types';
import { example, renderOf } from './contract';

const ALPHABET = "\n\n  A:=+*x-~>!.,'%/0123456789abcdekmsvzKMZ dozen about entity period value M1 M2 A: d1: col ";

function randomString(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++)
    s += rng.next() < 0.8 ? ALPHABET[rng.int(0, ALPHABET.length - 1)] : String.fromCharCode(rng.int(0, 0xffff));
  return s;
}

/** Delete, duplicate, swap or insert a random span. */
function mutate(rng: Rng, s: string): string {
  const i = rng.int(0, s.length);
  const j = rng.int(i, Math.min(s.length, i + 8));
  switch (rng.int(0, 3)) {
    case 0:
      return s.slice(0, i) + s.slice(j);
    case 1:
      return s.slice(0, j) + s.slice(i, j) + s.slice(j);
    case 2:
      return s.slice(0, i) + randomString(rng, rng.int(1, 6)) + s.slice(j);
    default:
      return s.slice(j) + s.slice(0, i);
  }
}

describe.each(TASK_IDS)('parser fuzz: %s', (id) => {
  const task = getTask(id);

  it('never throws on random or mutated completions, and stays well-formed', () => {
    const rng = rngFor(2024, 0, id);
    for (let i = 0; i < 600; i++) {
      const ex = example(task, i % 50);
      let text = i % 3 === 0 ? randomString(rng, rng.int(0, 300)) : renderOf(task, ex, rng.pick(RATIONALE_STYLES), i);
      for (let k = rng.int(0, 4); k > 0; k--) text = mutate(rng, text);
      const parsed = task.parse(text);
      expect(Array.isArray(parsed.steps)).toBe(true);
      expect(parsed.answer === null || typeof parsed.answer === 'string').toBe(true);
      const score = task.score(ex, parsed);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
      expect(task.checkSteps(ex, parsed)).toHaveLength(parsed.steps.length);
      expect(typeof task.faithful(parsed)).toBe('boolean');
    }
  });

  it('survives degenerate inputs', () => {
    const ex = example(task, 0);
    const huge = '9'.repeat(5000) + '+' + '9'.repeat(5000) + '=' + '1'.repeat(5000);
    for (const text of [
      '',
      '\n\n\n',
      'A:',
      'A: ',
      'a: x\nA: y',
      huge,
      `${huge}\nA: 1`,
      '\u0000\uffff',
      'A:'.repeat(1000),
      null,
      undefined,
      42,
    ]) {
      const parsed = task.parse(text as string);
      expect(() => task.checkSteps(ex, parsed)).not.toThrow();
      expect(() => task.faithful(parsed)).not.toThrow();
      expect(() => task.score(ex, parsed)).not.toThrow();
    }
    expect(task.parse('step\nA: 12\nA: 13').answer).toBe('12'); // the first answer line wins
    expect(task.parse('A:').answer).toBeNull();
  });
});
