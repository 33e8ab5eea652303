// The model's trainable tensors by stable name, their seeded GPT-2 init, and plain-array (de)serialization.
// Init values are made in JS from the seeded RNG, so every backend starts from the very same numbers.
import { hashSeed, rngFor } from '../util/rng';
import { paramShapes, type ModelConfig } from './model-config';
import { tf } from './tf';

/** Names as in config.paramShapes: wte, wpe, h{i}.attn.wqkv, ..., lnf.g. The caller owns the variables. */
export type Params = Record<string, tf.Variable>;

/** A parameter as plain data (checkpoints, postMessage). */
export interface ParamArray {
  shape: number[];
  data: Float32Array;
}

const INIT_STD = 0.02; // GPT-2

/** Standard normal draws by Box-Muller from the stream (seed, name): adding a layer leaves the others unchanged. */
function normalArray(n: number, std: number, seed: number, name: string): Float32Array {
  const rng = rngFor(seed, 0, name);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - rng.next(); // (0, 1]: log(u1) is finite
    const u2 = rng.next();
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

function initValues(name: string, size: number, cfg: ModelConfig, seed: number): Float32Array {
  const leaf = name.slice(name.lastIndexOf('.') + 1);
  if (leaf === 'g') return new Float32Array(size).fill(1); // LayerNorm gains start at identity
  if (leaf.startsWith('b')) return new Float32Array(size); // biases (b, bqkv, bo, b1, b2) start at 0
  // Residual output projections are scaled so the residual stream's variance does not grow with depth.
  const residual = leaf === 'wo' || leaf === 'w2';
  const std = residual ? INIT_STD / Math.sqrt(2 * cfg.layers) : INIT_STD;
  return normalArray(size, std, seed, name);
}

/** Fresh parameters for `cfg`, identical for the same seed on every backend. */
export function initParams(cfg: ModelConfig, seed: number): Params {
  const params: Params = {};
  const s = hashSeed(seed, 'model-init');
  for (const [name, shape] of paramShapes(cfg)) {
    const size = shape.reduce((a, b) => a * b, 1);
    // No variable name: tfjs names must be unique engine-wide, and two models may coexist (policy, reference).
    const t = tf.tensor(initValues(name, size, cfg, s), shape, 'float32');
    params[name] = tf.variable(t, true);
    t.dispose(); // the variable keeps its own reference to the data
  }
  return params;
}

/** Copies every parameter to the CPU (async read, no dataSync), for checkpoints. */
export async function paramsToArrays(params: Params): Promise<Record<string, ParamArray>> {
  const out: Record<string, ParamArray> = {};
  for (const [name, v] of Object.entries(params)) {
    // A copy: some backends hand out their internal buffer.
    out[name] = { shape: v.shape.slice(), data: new Float32Array(await v.data()) };
  }
  return out;
}

/**
 * Variables from plain arrays. With `cfg`, names and shapes must match it exactly; the error names
 * the offending parameter (a checkpoint from another model shape).
 */
export function paramsFromArrays(arrays: Record<string, ParamArray>, cfg?: ModelConfig): Params {
  if (cfg) checkArrays(arrays, cfg);
  const params: Params = {};
  for (const [name, { shape, data }] of Object.entries(arrays)) {
    const t = tf.tensor(Float32Array.from(data), shape, 'float32');
    params[name] = tf.variable(t, true);
    t.dispose();
  }
  return params;
}

function checkArrays(arrays: Record<string, ParamArray>, cfg: ModelConfig): void {
  const expected = paramShapes(cfg);
  for (const [name, shape] of expected) {
    const a = arrays[name];
    if (!a) throw new Error(`checkpoint is missing parameter ${name}: it was saved from a different model shape`);
    const size = shape.reduce((x, y) => x * y, 1);
    if (a.shape.join(',') !== shape.join(',') || a.data.length !== size) {
      throw new Error(`checkpoint parameter ${name} has shape [${a.shape}] but the model needs [${shape}]`);
    }
  }
  const known = new Set(expected.map(([n]) => n));
  const extra = Object.keys(arrays).find((n) => !known.has(n));
  if (extra) throw new Error(`checkpoint has unknown parameter ${extra}: it was saved from a different model shape`);
}

export function disposeParams(params: Params): void {
  for (const v of Object.values(params)) v.dispose();
}
