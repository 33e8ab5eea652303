// Rotary position embeddings (RoPE, Su et al. 2021), the model's alternative to the learned table wpe:
// each head's query and key channels are rotated in pairs by an angle proportional to the token's
// position, so q.k depends on the offset between the two tokens, not on where they sit. Half-split
// layout (GPT-NeoX): channel i pairs with channel i + D/2 and turns at frequency ROPE_BASE^(-2i/D).
// The angle tables are computed once per shape in double precision in JS and uploaded, never with a
// GPU's sin/cos (WGSL does not bound their error outside [-pi, pi]), so every backend rotates by the
// very same float32 numbers. Explicit positions pick rows by a one-hot matmul, exact and gradient-free.
import type { ModelConfig } from './model-config';
import { lookup } from './layers';
import { tf } from './tf';

export const ROPE_BASE = 10000;

/** cos and sin [B or 1, T, D] of every query/key row's angles. A type alias so tf.tidy can return it. */
export type RopeTables = { cos: tf.Tensor3D; sin: tf.Tensor3D };

const tableCache = new Map<string, { cos: Float32Array; sin: Float32Array }>();

/** cos and sin of position p's angles, row-major [P, D], each frequency twice (channels i and i + D/2). */
export function angleTable(P: number, D: number): { cos: Float32Array; sin: Float32Array } {
  const key = `${P}x${D}`;
  const hit = tableCache.get(key);
  if (hit) return hit;
  const half = D / 2;
  const cos = new Float32Array(P * D);
  const sin = new Float32Array(P * D);
  for (let p = 0; p < P; p++) {
    for (let i = 0; i < half; i++) {
      const a = p * Math.pow(ROPE_BASE, (-2 * i) / D);
      cos[p * D + i] = cos[p * D + half + i] = Math.cos(a);
      sin[p * D + i] = sin[p * D + half + i] = Math.sin(a);
    }
  }
  const out = { cos, sin };
  tableCache.set(key, out);
  return out;
}

/**
 * The rotation tables for T rows at positions 0..T-1 ([1, T, D]) or at the given int32 positions [B, T]
 * ([B, T, D]). Positions at or past the context have no row: their tables are 0 (the learned table adds
 * nothing there either); callers refuse such sequences before.
 */
export function ropeTables(cfg: ModelConfig, T: number, positions?: tf.Tensor2D): RopeTables {
  const D = cfg.dModel / cfg.heads;
  const P = cfg.context;
  if (!positions && T > P) throw new Error(`sequence of ${T} tokens is longer than the model's context (${P} tokens)`);
  const table = angleTable(P, D);
  return tf.tidy(() => {
    if (!positions) {
      return {
        cos: tf.tensor3d(table.cos.subarray(0, T * D), [1, T, D]),
        sin: tf.tensor3d(table.sin.subarray(0, T * D), [1, T, D]),
      };
    }
    const ids = positions.dtype === 'int32' ? positions : positions.toInt();
    return { cos: lookup(ids, tf.tensor2d(table.cos, [P, D])), sin: lookup(ids, tf.tensor2d(table.sin, [P, D])) };
  });
}

/**
 * The tables at positions known on the CPU (one new token per sequence while decoding, or a prefill's
 * left-padded rows): `positions` holds B rows of T, and the [B, T, D] rows are copied from the angle
 * table and uploaded, no dispatch.
 */
export function ropeTablesAt(cfg: ModelConfig, positions: ArrayLike<number>, T = 1): RopeTables {
  const D = cfg.dModel / cfg.heads;
  const n = positions.length;
  if (n % T !== 0) throw new Error(`${n} positions are not rows of ${T}`);
  const table = angleTable(cfg.context, D);
  const pick = (src: Float32Array) => {
    const out = new Float32Array(n * D);
    for (let j = 0; j < n; j++) {
      const p = positions[j]!;
      if (!Number.isInteger(p) || p < 0 || p >= cfg.context)
        throw new Error(`position ${p} is outside the model's context (${cfg.context} tokens)`);
      out.set(src.subarray(p * D, (p + 1) * D), j * D);
    }
    return tf.tensor3d(out, [n / T, T, D]);
  };
  return { cos: pick(table.cos), sin: pick(table.sin) };
}

/** x [..., D] rotated pairwise: x * cos + rotateHalf(x) * sin, rotateHalf([a, b]) = [-b, a]; tables broadcast. */
export function rotate<R extends tf.Rank>(x: tf.Tensor<R>, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor<R> {
  return tf.tidy(() => {
    const [a, b] = tf.split(x, 2, -1);
    return x.mul(cos).add(tf.concat([b!.neg(), a!], -1).mul(sin)) as tf.Tensor<R>;
  });
}

/** Heads [B, H, T, D] rotated by tables [B or 1, T, D]. */
export function rotateHeads(x: tf.Tensor4D, rope: RopeTables): tf.Tensor4D {
  const [Bt, T, D] = rope.cos.shape;
  return rotate(x, rope.cos.reshape([Bt, 1, T, D]), rope.sin.reshape([Bt, 1, T, D]));
}

/** The packed projections qkv [B, T, 3C] with the query and key thirds rotated by tables [B or 1, T, D]; values untouched. */
export function rotatePacked(qkv: tf.Tensor3D, heads: number, rope: RopeTables): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, T, C3] = qkv.shape;
    const C = C3 / 3;
    const D = C / heads;
    const Bt = rope.cos.shape[0];
    const qk = qkv.slice([0, 0, 0], [B, T, 2 * C]).reshape([B, T, 2 * heads, D]);
    const turned = rotate(qk, rope.cos.reshape([Bt, T, 1, D]), rope.sin.reshape([Bt, T, 1, D])).reshape([B, T, 2 * C]);
    return tf.concat([turned, qkv.slice([0, 0, 2 * C], [B, T, C])], 2) as tf.Tensor3D;
  });
}
