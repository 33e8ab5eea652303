import { describe, expect, it } from 'vitest';
import { makeBatch, LENGTH_BUCKET } from '../../src/train/batch';
import { BOS_ID, EOS_ID, PAD_ID, SEP_ID, encode } from '../../src/model/tokenizer';

describe('makeBatch', () => {
  it('lays out [BOS prompt SEP completion EOS], shifted by one, with only the completion trained on', () => {
    const b = makeBatch(
      [
        { prompt: '1+2', completion: '=3' },
        { prompt: '9', completion: 'x' },
      ],
      64,
    );
    expect(b.B).toBe(2);
    expect(b.L).toBe(LENGTH_BUCKET); // longest input is 6 tokens, bucketed to 16
    const seq0 = [BOS_ID, ...encode('1+2'), SEP_ID, ...encode('=3'), EOS_ID]; // 8 tokens
    expect(Array.from(b.inputs.slice(0, 7))).toEqual(seq0.slice(0, 7));
    expect(Array.from(b.targets.slice(0, 7))).toEqual(seq0.slice(1));
    // targets at t=4,5,6 are '=', '3', EOS: the completion; t=0..3 predict prompt and SEP: masked
    expect(Array.from(b.mask.slice(0, 8))).toEqual([0, 0, 0, 0, 1, 1, 1, 0]);
    expect(b.inputs[7]).toBe(PAD_ID);
    expect(Array.from(b.mask.slice(16, 16 + 5))).toEqual([0, 0, 1, 1, 0]); // BOS 9 SEP x EOS
    expect(b.numTokens).toBe(8 + 5);
  });
  it('trains on the prompt too when asked (continual pre-training)', () => {
    const b = makeBatch([{ prompt: 'ab', completion: 'c' }], 64, true);
    expect(Array.from(b.mask.slice(0, 6))).toEqual([1, 1, 1, 1, 1, 0]); // targets a b SEP c EOS, then pad
  });
  it('refuses an example longer than the context', () => {
    expect(() => makeBatch([{ prompt: 'x'.repeat(30), completion: 'y' }], 16)).toThrow(/more than the context of 16/);
  });
});
