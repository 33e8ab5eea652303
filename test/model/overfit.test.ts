// A tiny model must be able to memorise a tiny batch: the forward pass, loss and gradients fit together.
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeParams, initParams } from '../../src/model/params';
import { tf } from '../../src/model/tf';
import { overfit, TINY } from './fixtures';

const FOUR_EXAMPLES: [string, string][] = [
  ['12+5', '17'],
  ['3*4', '12'],
  ['abc', 'cba'],
  ['hi', 'hello!'],
];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('overfitting a fixed batch', () => {
  it('drives the masked loss below 0.05 within 300 Adam steps', async () => {
    const params = initParams(TINY, 5);
    const before = tf.memory().numTensors;
    const losses = await overfit(params, TINY, FOUR_EXAMPLES, { maxSteps: 300, lr: 1e-2, target: 0.05 });
    expect(losses[0]).toBeGreaterThan(1); // it starts far from memorised (ln 100 = 4.6 at init)
    expect(losses[losses.length - 1]).toBeLessThan(0.05);
    expect(tf.memory().numTensors).toBe(before); // nothing leaked by the loop
    disposeParams(params);
  });
});
