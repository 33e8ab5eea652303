// Small tensor helpers shared by model/ and train/ that work around backend limits. No model logic.
import { tf } from './tf';

/** Most inputs one AddN may take: WebGPU binds one storage buffer per input, and devices guarantee only 8 per stage. */
const ADDN_MAX_INPUTS = 4;

/**
 * Sum of same-shape tensors as a tree of small AddNs. Plain tf.addN over ~50 gradients builds an
 * invalid WebGPU pipeline (too many storage buffers). Call inside tf.tidy: intermediates are not disposed here.
 */
export function sumMany<T extends tf.Tensor>(tensors: T[]): T {
  if (tensors.length === 0) throw new Error('sumMany needs at least one tensor');
  let level: tf.Tensor[] = tensors;
  while (level.length > 1) {
    const next: tf.Tensor[] = [];
    for (let i = 0; i < level.length; i += ADDN_MAX_INPUTS) {
      const chunk = level.slice(i, i + ADDN_MAX_INPUTS);
      next.push(chunk.length === 1 ? chunk[0]! : tf.addN(chunk));
    }
    level = next;
  }
  return level[0] as T;
}

/**
 * One-hot rows as float32: ids [...] int32 -> [..., depth]. Built as int32 then cast, because
 * tfjs-backend-wasm 4.22's OneHot ignores dtype 'float32' and writes int32 bits (1 reads as 1.4e-45).
 */
export function oneHotFloat(ids: tf.Tensor, depth: number): tf.Tensor {
  return tf.tidy(() => tf.oneHot(ids as tf.Tensor1D, depth).toFloat());
}
