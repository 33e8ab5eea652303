// Conversion between the model's in-memory arrays ({shape, Float32Array}) and stored TensorData
// ({shape, ArrayBuffer}), so checkpoints are plain data for IndexedDB and export files.
import type { TensorData } from '../store/types';

export type ArrayRecord = Record<string, { shape: number[]; data: Float32Array }>;

export function recordToArrays(rec: ArrayRecord): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const [k, { shape, data }] of Object.entries(rec)) {
    out[k] = { shape: [...shape], data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer };
  }
  return out;
}

export function arraysToRecord(stored: Record<string, TensorData>): ArrayRecord {
  const out: ArrayRecord = {};
  for (const [k, { shape, data }] of Object.entries(stored)) {
    const values = new Float32Array(data);
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`checkpoint tensor ${k} has ${values.length} values for shape [${shape.join(', ')}]`);
    out[k] = { shape, data: values };
  }
  return out;
}
