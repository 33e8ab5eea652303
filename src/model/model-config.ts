// The model's shape: a plain record, its frozen default, its validator and the parameter count.
// Pure TS (no tfjs), so the UI can show sizes and refuse bad settings without loading the model realm.
import { ConfigError } from '../util/errors';
import { VOCAB_SIZE } from './tokenizer';
import { defaultsOf, isRecord, validateSection, type Schema } from '../util/settings';

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
  position?: PositionKind;
}

/** The config's position scheme (absent: learned). */
export const positionOf = (cfg: Pick<ModelConfig, 'position'>): PositionKind => cfg.position ?? 'learned';

export const MODEL_SETTINGS: Schema<ModelConfig> = {
  layers: {
    default: 4,
    label: 'Layers',
    unit: 'blocks',
    min: 1,
    max: 8,
    step: 1,
    reason: 'Transformer blocks; each adds about 12·width² weights (enough depth for multi-step algorithms).',
  },
  dModel: {
    default: 128,
    label: 'Width (d_model)',
    min: 32,
    max: 384,
    step: 32,
    reason: 'Embedding size; heads must divide it. 128 is ~0.84M weights in all: minutes on a laptop GPU.',
  },
  heads: {
    default: 4,
    label: 'Heads',
    min: 1,
    max: 16,
    step: 1,
    reason: 'Attention heads per layer; width 32 per head routes digits and carries.',
  },
  context: {
    default: 256,
    label: 'Context',
    unit: 'tokens',
    min: 16,
    max: 1024,
    step: 16,
    reason: 'Longest sequence in tokens (characters), prompt + completion + 3.',
  },
  vocabSize: {
    default: VOCAB_SIZE,
    label: 'Vocabulary',
    unit: 'tokens',
    min: VOCAB_SIZE,
    max: VOCAB_SIZE,
    reason: "Fixed by the character tokenizer: the tokenizer's size.",
  },
  position: {
    default: 'learned',
    omitAtDefault: true,
    label: 'Positions',
    options: POSITION_KINDS,
    reason:
      'Learned: a table added to the embeddings. Rotary: queries and keys turned by position, so attention sees offsets (copying from the prompt is easier to learn).',
  },
};

export const DEFAULT_MODEL_CONFIG: Readonly<ModelConfig> = defaultsOf(MODEL_SETTINGS);

/** Checks an untrusted value (URL, file, UI) and returns a fresh ModelConfig; a missing vocabSize means VOCAB_SIZE. */
export function validateModelConfig(c: unknown): ModelConfig {
  if (!isRecord(c)) throw new ConfigError('model', `model must be an object of settings; got ${String(c)}`);
  const cfg = validateSection('model', MODEL_SETTINGS, c);
  const { dModel, heads } = cfg;
  if (dModel % heads !== 0) {
    throw new ConfigError('model.heads', `model.heads must divide model.dModel (${dModel}); got ${heads}`);
  }
  if (positionOf(cfg) === 'rope' && (dModel / heads) % 2 !== 0) {
    throw new ConfigError(
      'model.heads',
      `rotary positions rotate pairs of channels: the head width (dModel / heads = ${dModel / heads}) must be even`,
    );
  }
  return cfg;
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
