// Conversion between the model's in-memory arrays ({shape, Float32Array}) and stored TensorData
// ({shape, ArrayBuffer}), so checkpoints are plain data for IndexedDB and export files.
import { tf } from '../model/tf';
import type { Params } from '../model/params';
import type { TensorData } from '../store/types';

export type ArrayRecord = Record<string, { shape: number[]; data: Float32Array }>;

export function recordToArrays(rec: ArrayRecord): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const [k, { shape, data }] of Object.entries(rec)) {
    out[k] = {
      shape: [...shape],
      data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
    };
  }
  return out;
}

export function arraysToRecord(stored: Record<string, TensorData>): ArrayRecord {
  const out: ArrayRecord = {};
  for (const [k, { shape, data }] of Object.entries(stored)) {
    const values = new Float32Array(data);
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size)
      throw new Error(`checkpoint tensor ${k} has ${values.length} values for shape [${shape.join(', ')}]`);
    out[k] = { shape, data: values };
  }
  return out;
}

export function prefixed<T>(prefix: string, rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(rec).map(([k, v]) => [prefix + k, v]));
}

export function unprefixed<T>(prefix: string, rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(rec)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}

/** Overwrite variables in place from stored arrays (names must match; shapes are checked by assign). */
export function assignArrays(target: Params, arrays: ArrayRecord): void {
  for (const [name, { shape, data }] of Object.entries(arrays)) {
    const v = target[name];
    if (!v) throw new Error(`checkpoint has a tensor "${name}" this model does not`);
    const t = tf.tensor(data, shape);
    v.assign(t);
    t.dispose();
  }
}
