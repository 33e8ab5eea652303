// Tokenizer: exact ids, round trips and error messages.
import { describe, expect, it } from 'vitest';
import {
  BOS_ID,
  EOS_ID,
  PAD_ID,
  SEP_ID,
  VOCAB_SIZE,
  decode,
  encode,
  encodeExample,
  encodePrompt,
  isEncodable,
} from '../../src/model/tokenizer';

const ALL_CHARS = '\n' + Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

describe('tokenizer', () => {
  it('has 4 special ids, newline and printable ASCII: 100 ids', () => {
    expect([PAD_ID, BOS_ID, EOS_ID, SEP_ID]).toEqual([0, 1, 2, 3]);
    expect(VOCAB_SIZE).toBe(100);
    expect(encode('\n ~')).toEqual([4, 5, 99]);
  });

  it('round-trips every printable character and newline, with distinct ids', () => {
    const ids = encode(ALL_CHARS);
    expect(new Set(ids).size).toBe(96);
    expect(Math.min(...ids)).toBe(4);
    expect(Math.max(...ids)).toBe(VOCAB_SIZE - 1);
    expect(decode(ids)).toBe(ALL_CHARS);
    expect(isEncodable(ALL_CHARS)).toBe(true);
  });

  it('names the unknown character and its position', () => {
    expect(() => encode('ab\tc')).toThrow(/"\\t".*position 2/);
    expect(() => encode('x=é')).toThrow(/"é" \(U\+00E9\) at position 2/);
    expect(isEncodable('tab\t')).toBe(false);
    expect(isEncodable('héllo')).toBe(false);
  });

  it('decode skips PAD, BOS and SEP and stops at EOS', () => {
    expect(decode([BOS_ID, ...encode('ab'), SEP_ID, PAD_ID, ...encode('c'), EOS_ID, ...encode('zz')])).toBe('abc');
  });

  it('lays out prompt and example exactly', () => {
    // '1' = 49-32+5 = 22, '+' = 16, '2' = 23, '3' = 24 (char code - 32 + 5).
    expect(encodePrompt('1+2')).toEqual([1, 22, 16, 23, 3]);
    expect(encodeExample('1+2', '3')).toEqual({ tokens: [1, 22, 16, 23, 3, 24, 2], completionStart: 5 });
    expect(encodeExample('', '')).toEqual({ tokens: [BOS_ID, SEP_ID, EOS_ID], completionStart: 2 });
  });
});
