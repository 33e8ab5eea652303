// Seeded, splittable randomness: every run is (config, seed) and example i of seed s is always the same.
// Not cryptographic; not for tensors (model/ turns these numbers into tensors where it needs them).

/** A stateful uniform generator in [0, 1): `next()` advances. `state` can be saved and restored (checkpoints). */
export interface Rng {
  next(): number;
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Fisher-Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[];
  /** The 32-bit state, for checkpoints. */
  readonly state: number;
}

/** 32-bit hash mix (murmur3 finalizer): spreads nearby integers to unrelated ones. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Hash any number of integers (or short strings) into one 32-bit seed. */
export function hashSeed(...parts: (number | string)[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    if (typeof p === 'number') h = mix32(h ^ mix32((p | 0) + 0x7f4a7c15) ^ mix32(Math.floor(p / 2 ** 32)));
    else for (let i = 0; i < p.length; i++) h = mix32(h ^ (p.charCodeAt(i) + 0x632be5ab));
  }
  return h >>> 0;
}

/** mulberry32 from a 32-bit state: small, fast, good enough for data generation and sampling. */
export function rngFromState(state: number): Rng {
  let s = state >>> 0;
  const rng: Rng = {
    next() {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    int(lo, hi) {
      return lo + Math.floor(rng.next() * (hi - lo + 1));
    },
    pick(items) {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(rng.next() * items.length)]!;
    },
    shuffle(items) {
      const a = items.slice();
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [a[i], a[j]] = [a[j]!, a[i]!];
      }
      return a;
    },
    get state() {
      return s;
    },
  };
  return rng;
}

/** Random access: the generator for item `index` of stream `seed` (optionally a named sub-stream). */
export function rngFor(seed: number, index: number, stream: string = ''): Rng {
  return rngFromState(hashSeed(seed, index, stream));
}
