// A lost WebGPU device (driver reset, GPU removed) must not wedge the lab: after resetBackend the
// next chooseBackend gets a fresh device that computes correctly. Dawn in Node; device.destroy()
// stands in for the loss, as it does in the app's test hook.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/tf';
import { chooseBackend, resetBackend } from '../../src/model/backend';
import { useWebGPU } from '../../src/cli/shared/dawn';

beforeAll(async () => {
  await useWebGPU();
});

const device = () => (tf.backend() as unknown as { device: GPUDevice }).device;

describe('WebGPU device loss', () => {
  it('reports the loss, and a reset backend starts on a fresh device', async () => {
    const first = await chooseBackend('webgpu');
    expect(first.name).toBe('webgpu');
    const lost = device();
    const info = lost.lost;
    lost.destroy();
    expect((await info).reason).toBe('destroyed');
    resetBackend('webgpu');
    const again = await chooseBackend('webgpu');
    expect(again.name).toBe('webgpu');
    expect(device()).not.toBe(lost);
    const y = tf.matMul(
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor2d([[5], [6]]),
    );
    expect(Array.from(await y.data())).toEqual([17, 39]);
  });
});
