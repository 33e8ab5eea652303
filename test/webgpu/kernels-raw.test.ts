// raw.ts: a kernel whose WGSL does not compile must fail with WebGPU's message on its next use, never
// run silently as a no-op; a binding the shader never reads is fine (explicit layouts, not 'auto').
import { beforeAll, describe, expect, it } from 'vitest';
import { useWebGPU } from '../../src/cli/shared/dawn';
import { tf } from '../../src/model/tf';
import { asTensor, dispatch, outputTensor } from '../../src/model/kernels/raw';

beforeAll(async () => {
  await useWebGPU();
});

describe('raw dispatches', () => {
  it('run a kernel that leaves a binding unread', async () => {
    const x = tf.tensor1d([1, 2, 3, 4]);
    const unused = tf.tensor1d([9]);
    const y = outputTensor([4]);
    dispatch({
      key: 'test-unused-binding',
      workgroups: [1],
      bindings: [
        { name: 'x', tensor: x },
        { name: 'unused', tensor: unused },
        { name: 'y', tensor: y, write: true },
      ],
      code: '@compute @workgroup_size(4) fn main(@builtin(local_invocation_id) l: vec3<u32>) { y[l.x] = 2.0 * x[l.x]; }',
    });
    const out = asTensor(y);
    expect(Array.from(await out.data())).toEqual([2, 4, 6, 8]);
    tf.dispose([x, unused, out]);
  });

  it('name the kernel and the compile error on the next use of a broken one', async () => {
    const y = outputTensor([1]);
    const broken = () =>
      dispatch({
        key: 'test-broken',
        workgroups: [1],
        bindings: [{ name: 'y', tensor: y, write: true }],
        code: '@compute @workgroup_size(1) fn main() { y[0] = undefined_name; }',
      });
    broken(); // encoded; the error arrives asynchronously
    const settle = tf.scalar(0);
    await settle.data(); // the queue drains; the error scope has answered by then
    await new Promise((r) => setTimeout(r, 50));
    settle.dispose();
    expect(broken).toThrow(/test-broken failed to build[\s\S]*unresolved value 'undefined_name'[\s\S]*naive/);
    asTensor(y).dispose();
  });
});
