// The update batch built from rollouts: makeBatch's layout [BOS prompt SEP completion EOS], the
// completion mask (EOS only when the sample finished), mask_truncated_completions, TRL's length metrics.
import { describe, expect, it } from 'vitest';
import { BOS_ID, EOS_ID, PAD_ID, SEP_ID, encode } from '../../../src/model/tokenizer';
import { buildRlTokens, completionMetrics } from '../../../src/train/rollout';
import { additionItem, fakeRollouts } from './fixtures';

// Prompt "3+4=?" -> [BOS, 5 chars, SEP]: 7 tokens. Sample 0 "A: 7" finished (+ EOS): 12 tokens.
// Sample 1 "A: " truncated (no EOS): 10 tokens. Sample 2 is a vote only (G = 2).
const R = fakeRollouts([{ item: additionItem(3, 4), texts: ['A: 7', 'A: ', 'A: 1'] }], 2, [[0, 1]]);

describe('buildRlTokens', () => {
  it('lays out the first G samples right-padded, with targets shifted by one and the completion mask', () => {
    const b = buildRlTokens(R, 64, false);
    expect([b.rows, b.L]).toEqual([2, 16]); // 11 inputs rounded up to the length bucket
    const row0 = [BOS_ID, ...encode('3+4=?'), SEP_ID, ...encode('A: 7'), EOS_ID];
    expect(Array.from(b.inputs.subarray(0, 16))).toEqual([...row0.slice(0, -1), ...Array(5).fill(PAD_ID)]);
    expect(Array.from(b.targets.subarray(0, 16))).toEqual([...row0.slice(1), ...Array(5).fill(PAD_ID)]);
    // Targets 6..10 are the 4 completion characters and EOS.
    expect(Array.from(b.mask.subarray(0, 16))).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    // The truncated sample: 3 completion targets, no EOS.
    expect(Array.from(b.mask.subarray(16, 32))).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(b.activeTokens).toBe(8);
    expect(b.numTokens).toBe(12 + 10);
  });

  it('masks whole truncated completions with mask_truncated_completions', () => {
    const b = buildRlTokens(R, 64, true);
    expect(Array.from(b.mask.subarray(16, 32)).every((m) => m === 0)).toBe(true);
    expect(b.activeTokens).toBe(5);
    expect(b.numTokens).toBe(22); // still seen: counted in num_tokens
  });

  it('never pads past context - 1', () => {
    expect(buildRlTokens(R, 13, false).L).toBe(12);
    expect(() => buildRlTokens(R, 11, false)).toThrow(/more than the context/);
  });
});

describe('completionMetrics', () => {
  it("gives TRL's completion lengths (EOS counted) and the share without EOS, over trained samples", () => {
    expect(completionMetrics(R)).toEqual({
      'completions/mean_length': 4,
      'completions/min_length': 3,
      'completions/max_length': 5,
      'completions/clipped_ratio': 0.5,
    });
  });
});
