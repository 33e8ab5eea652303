// Losses: hand-computed cross-entropy, accuracy counts and next-token log-probs vs a full forward.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskedCrossEntropy, tokenLogProbs, tokenLogProbsWithLogits } from '../../src/model/loss';
import { disposeParams, initParams, type Params } from '../../src/model/params';
import { tf } from '../../src/model/tf';
import { forward } from '../../src/model/transformer';
import { maxAbsDiff, roughen, TINY } from './fixtures';

let params: Params;
beforeAll(async () => {
  await tf.setBackend('cpu');
  params = initParams(TINY, 61);
  roughen(params, 61);
});
afterAll(() => disposeParams(params));

describe('maskedCrossEntropy', () => {
  it('averages -log p(target) over the mask and counts argmax hits', async () => {
    // V = 3, B = 1, T = 3. Row 0: logits [0, 0, ln 2] -> p = [1/4, 1/4, 1/2]; target 2 (the argmax).
    // Row 1: logits [ln 3, 0, 0] -> p = [3/5, 1/5, 1/5]; target 1 (a miss). Row 2 is masked out.
    const logits = tf.tensor3d([
      [
        [0, 0, Math.log(2)],
        [Math.log(3), 0, 0],
        [9, 0, 0],
      ],
    ]);
    const targets = tf.tensor2d([[2, 1, 1]], [1, 3], 'int32');
    const mask = tf.tensor2d([[1, 1, 0]]);
    const { loss, correct, count } = maskedCrossEntropy(logits, targets, mask);
    expect((await loss.data())[0]).toBeCloseTo((Math.log(2) + Math.log(5)) / 2, 6);
    expect((await correct.data())[0]).toBe(1);
    expect((await count.data())[0]).toBe(2);
    const empty = maskedCrossEntropy(logits, targets, tf.zeros([1, 3]));
    expect((await empty.loss.data())[0]).toBe(0); // no NaN from 0 / 0
    tf.dispose([logits, targets, mask, loss, correct, count, empty.loss, empty.correct, empty.count]);
  });
});

describe('tokenLogProbs', () => {
  it('is log_softmax(forward)[t, tokens[t + 1]], with the logits alongside', async () => {
    const seq = [1, 40, 41, 3, 60, 2];
    const tokens = tf.tensor2d([seq, seq.slice().reverse()], [2, 6], 'int32');
    const [lpT, fullT] = tf.tidy(() => [
      tokenLogProbs(params, TINY, tokens),
      tf.logSoftmax(forward(params, TINY, tokens)),
    ]);
    const [lp, full] = [(await lpT!.array()) as number[][], (await fullT!.array()) as number[][][]]; // [2, 5], [2, 6, V]
    tf.dispose([lpT!, fullT!]);
    const expected = [0, 1].map((b) =>
      [0, 1, 2, 3, 4].map((t) => full[b]![t]![[seq, seq.slice().reverse()][b]![t + 1]!]!),
    );
    expect(lp).toHaveLength(2);
    expect(maxAbsDiff(lp.flat(), expected.flat())).toBeLessThan(1e-5);
    expect(lp.flat().every((x) => x < 0)).toBe(true);
    const before = tf.memory().numTensors;
    const { logProbs, logits } = tokenLogProbsWithLogits(params, TINY, tokens);
    expect(logProbs.shape).toEqual([2, 5]);
    expect(logits.shape).toEqual([2, 6, TINY.vocabSize]);
    expect(tf.memory().numTensors).toBe(before + 2); // only the two results survive
    tf.dispose([logProbs, logits, tokens]);
  });
});
