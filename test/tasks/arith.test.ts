// addition and arith_chain specifics: difficulty ranges, the carry columns, step truth rules
// (a step must be about this problem, not just true arithmetic), and what the steps entail.
import { describe, expect, it } from 'vitest';
import { addition } from '../../src/tasks/addition';
import { arithChain } from '../../src/tasks/arith-chain';
import { readEquation } from '../../src/tasks/arith-steps';
import type { Example } from '../../src/tasks/types';
import { example } from './contract';

function handAddition(a: string, b: string): Example {
  return {
    key: `${a}+${b}`,
    prompt: `${a}+${b}=?`,
    steps: [],
    answer: String(Number(a) + Number(b)),
    difficulty: a.length,
    meta: { a, b },
  };
}

describe('addition', () => {
  it('draws operand lengths over the configured range; OOD is longer', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const ex = example(addition, i);
      const { a, b } = ex.meta as { a: string; b: string };
      expect(a.length).toBe(ex.difficulty);
      expect(b.length).toBe(ex.difficulty);
      expect(ex.answer).toBe(String(Number(a) + Number(b)));
      seen.add(ex.difficulty);
    }
    expect([...seen].sort()).toEqual([2, 3]);
    for (let i = 0; i < 50; i++)
      expect([4, 5]).toContain(example(addition, i, 7, addition.oodConfig(addition.defaults)).difficulty);
  });

  it('writes one column per line with its carry, and checks columns against the operands', () => {
    const ex = handAddition('347', '285');
    const gold = 'd1: 7+5+0=12\nd2: 4+8+1=13\nd3: 3+2+1=6\nA: 632';
    expect(addition.render(ex, 'pattern', null as never)).toBe(gold);
    const check = (text: string) => addition.checkSteps(ex, addition.parse(text));
    expect(check('d1: 5+7=12\ncol 2: 1+4+8=13\ndigit 3: 3 + 2 + carry 1 = 6')).toEqual([true, true, true]);
    expect(check('d2: 4+8+0=12\nd2: 4+8=12\nd9: 0+0+0=0\nd1: 7+5+0=13')).toEqual([false, false, false, false]);
    expect(check('347+200=547\n547+85=632\n300+200=500\n1+1=2\n547+80=628')).toEqual([true, true, true, false, false]);
  });

  it('derives the answer the columns write, whatever their truth', () => {
    const f = (text: string) => addition.faithful(addition.parse(text));
    expect(f('d1: 7+5+0=12\nd2: 4+8+1=13\nd3: 3+2+1=6\nA: 632')).toBe(true);
    expect(f('d1: 7+5+0=12\nd2: 4+8+1=13\nd3: 3+2+1=7\nA: 632')).toBe(false);
    expect(f('d1: 9+9+0=18\nd2: 9+9+1=19\nA: 198')).toBe(true); // 9+9 wrong operands, still entailed
    expect(f('d1: 7+5+0=12\nd3: 3+2+1=6\nA: 632')).toBe(false); // a column missing
    expect(f('347+285=632\nA: 632')).toBe(true);
    expect(f('A: 632')).toBe(false);
  });
});

describe('arith_chain', () => {
  it('draws terms and digits over the configured ranges; difficulty = terms + digits - 1', () => {
    const terms = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const ex = example(arithChain, i);
      const m = ex.meta as { chain: number[][]; terms: number; digits: number };
      expect(m.chain.length).toBe(m.terms);
      expect(ex.difficulty).toBe(m.terms + m.digits - 1);
      for (const x of m.chain.flat()) expect(x).toBeLessThan(10 ** m.digits);
      terms.add(m.terms);
    }
    expect([...terms].sort()).toEqual([3, 4]);
    for (let i = 0; i < 50; i++)
      expect([5, 6]).toContain(
        (example(arithChain, i, 7, arithChain.oodConfig(arithChain.defaults)).meta as { terms: number }).terms,
      );
  });

  it('respects precedence: products first, answer = sum of term values', () => {
    for (let i = 0; i < 100; i++) {
      const ex = example(arithChain, i);
      // A second implementation: JavaScript's own operator precedence.
      expect(ex.answer).toBe(String(Function(`return ${ex.prompt.replace('=?', '')}`)()));
    }
  });

  it('calls a step true only when it computes a product term or a partial sum of this chain', () => {
    const ex: Example = {
      key: 'k',
      prompt: '3*4+5*6+7=?',
      steps: [],
      answer: '49',
      difficulty: 3,
      meta: { chain: [[3, 4], [5, 6], [7]] },
    };
    const check = (text: string) => arithChain.checkSteps(ex, arithChain.parse(text));
    expect(check('4*3=12\n5 x 6 = 30\n12+30=42\n42+7=49\n7+30=37\n12+30+7=49')).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(check('3*5=15\n3+4=7\n12+30=43\n2*6=12\nhello')).toEqual([false, false, false, false, false]);
    expect(readEquation('s3: 12 * 3 = 36')).toEqual({ op: '*', terms: [12, 3], result: 36 });
    expect(readEquation('1+2*3=7')).toBeNull(); // one operator per line
  });
});
