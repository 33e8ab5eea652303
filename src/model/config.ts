// The model's shape: a plain record, its frozen default, its validator and the parameter count.
// Pure TS (no tfjs), so the UI can show sizes and refuse bad settings without loading the model realm.
import { ConfigError } from '../util/errors';
import { VOCAB_SIZE } from './tokenizer';

/** How the model knows where a token is: a learned table added to the embeddings, or rotary embeddings. */
export type PositionKind = 'learned' | 'rope';
export const POSITION_KINDS: readonly PositionKind[] = Object.freeze(['learned', 'rope']);

export interface ModelConfig {
  layers: number;
  dModel: number;
  heads: number;
  context: number;
  vocabSize: number;
  /**
   * Rotary position embeddings (RoPE, Su et al. 2021) on queries and keys instead of the learned table wpe:
   * attention then sees relative offsets, which makes copying from the prompt easier to learn. Absent means
   * 'learned', so every config saved before the option existed still reads (and serializes) the same.
   */
  position?: 'rope';
}

/** The config's position scheme (absent: learned). */
export const positionOf = (cfg: Pick<ModelConfig, 'position'>): PositionKind => cfg.position ?? 'learned';

export const DEFAULT_MODEL_CONFIG: Readonly<ModelConfig> = Object.freeze({
  layers: 4, // enough depth for multi-step algorithms; each layer adds ~0.2M params
  dModel: 128, // ~0.84M params in all: trains in minutes on a laptop GPU, yet can learn the tasks
  heads: 4, // head width 32: wide enough per head, several heads to route digits and carries
  context: 256, // fits prompt + rationale + answer of the longest tasks, keeps attention cheap
  vocabSize: VOCAB_SIZE, // fixed by the character tokenizer (100)
});

const RANGES = {
  layers: [1, 8],
  dModel: [32, 384],
  heads: [1, 16],
  context: [16, 1024],
} as const;

function intInRange(o: Record<string, unknown>, field: keyof typeof RANGES): number {
  const [lo, hi] = RANGES[field];
  const v = o[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ConfigError(`model.${field}`, `model.${field} must be an integer in ${lo}..${hi}; got ${String(v)}`);
  }
  return v;
}

/** Checks an untrusted value (URL, file, UI) and returns a fresh ModelConfig; a missing vocabSize means VOCAB_SIZE. */
export function validateModelConfig(c: unknown): ModelConfig {
  if (typeof c !== 'object' || c === null) throw new ConfigError('model', `model must be an object; got ${String(c)}`);
  const o = c as Record<string, unknown>;
  const layers = intInRange(o, 'layers');
  const dModel = intInRange(o, 'dModel');
  const heads = intInRange(o, 'heads');
  const context = intInRange(o, 'context');
  if (dModel % heads !== 0) {
    throw new ConfigError('model.heads', `model.heads must divide model.dModel (${dModel}); got ${heads}`);
  }
  const vocabSize = o.vocabSize ?? VOCAB_SIZE;
  if (vocabSize !== VOCAB_SIZE) {
    throw new ConfigError(
      'model.vocabSize',
      `model.vocabSize must be ${VOCAB_SIZE} (the tokenizer's size); got ${String(vocabSize)}`,
    );
  }
  const position = o.position ?? 'learned';
  if (typeof position !== 'string' || !(POSITION_KINDS as readonly string[]).includes(position)) {
    throw new ConfigError(
      'model.position',
      `model.position must be one of ${POSITION_KINDS.join(', ')}; got ${String(position)}`,
    );
  }
  if (position === 'rope' && (dModel / heads) % 2 !== 0) {
    throw new ConfigError(
      'model.heads',
      `rotary positions rotate pairs of channels: the head width (dModel / heads = ${dModel / heads}) must be even`,
    );
  }
  return { layers, dModel, heads, context, vocabSize, ...(position === 'rope' ? { position } : {}) };
}

/** The model in words, for notes and messages: "2 layers, width 64, 2 heads, context 256" (", rotary positions" with RoPE). */
export function describeModel(cfg: ModelConfig): string {
  const rope = positionOf(cfg) === 'rope' ? ', rotary positions' : '';
  return `${cfg.layers} layers, width ${cfg.dModel}, ${cfg.heads} heads, context ${cfg.context}${rope}`;
}

/** Every parameter's name and shape, in a stable order (the checkpoint and init order). */
export function paramShapes(cfg: ModelConfig): [string, number[]][] {
  const C = cfg.dModel;
  const shapes: [string, number[]][] = [['wte', [cfg.vocabSize, C]]];
  if (positionOf(cfg) === 'learned') shapes.push(['wpe', [cfg.context, C]]); // RoPE has no position table
  for (let i = 0; i < cfg.layers; i++) {
    const h = `h${i}`;
    shapes.push(
      [`${h}.ln1.g`, [C]],
      [`${h}.ln1.b`, [C]],
      [`${h}.attn.wqkv`, [C, 3 * C]],
      [`${h}.attn.bqkv`, [3 * C]],
      [`${h}.attn.wo`, [C, C]],
      [`${h}.attn.bo`, [C]],
      [`${h}.ln2.g`, [C]],
      [`${h}.ln2.b`, [C]],
      [`${h}.mlp.w1`, [C, 4 * C]],
      [`${h}.mlp.b1`, [4 * C]],
      [`${h}.mlp.w2`, [4 * C, C]],
      [`${h}.mlp.b2`, [C]],
    );
  }
  shapes.push(['lnf.g', [C]], ['lnf.b', [C]]);
  return shapes;
}

/** Number of trainable scalars: V*C + context*C (learned positions only) + layers*(12*C^2 + 13*C) + 2*C (output head tied to wte). */
export function countParams(cfg: ModelConfig): number {
  return paramShapes(cfg).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
}
