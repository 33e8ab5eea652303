// Labels and one-line hints for the run-config fields the panel shows outside the task's own FieldSpecs.
// The validators in experiment/, model/ and tasks/ decide what is allowed; `min`/`step` here only shape the inputs.
import { DATA_FIELDS } from '../tasks/dataset';

export interface FieldMeta {
  label: string;
  hint: string;
  min?: number;
  max?: number;
  step?: number | 'any';
}

export const FIELD_META: Record<string, FieldMeta> = {
  'data.trainSize': { label: DATA_FIELDS.trainSize.label, hint: DATA_FIELDS.trainSize.reason, min: 0, step: 1 },
  'data.sftSize': { label: DATA_FIELDS.sftSize.label, hint: DATA_FIELDS.sftSize.reason, min: 0, step: 1 },
  'data.labelNoise': {
    label: DATA_FIELDS.labelNoise.label,
    hint: DATA_FIELDS.labelNoise.reason,
    min: 0,
    max: 0.99,
    step: 0.05,
  },
  'model.layers': { label: 'Layers', hint: 'Transformer blocks; each adds about 12·width² weights.', min: 1, step: 1 },
  'model.dModel': { label: 'Width (d_model)', hint: 'Embedding size; heads must divide it.', min: 32, step: 32 },
  'model.heads': { label: 'Heads', hint: 'Attention heads per layer.', min: 1, step: 1 },
  'model.position': {
    label: 'Positions',
    hint: 'Learned: a table added to the embeddings. Rotary: queries and keys turned by position, so attention sees offsets (copying from the prompt is easier to learn).',
  },
  'model.context': {
    label: 'Context',
    hint: 'Longest sequence in tokens (characters), prompt + completion + 3.',
    min: 16,
    step: 16,
  },
  'sft.steps': {
    label: 'SFT steps',
    hint: 'Optimizer steps of supervised fine-tuning; 0 = no SFT stage.',
    min: 0,
    step: 50,
  },
  'sft.lr': {
    label: 'Learning rate',
    hint: 'Peak AdamW rate, after warmup; cosine decay to 10%.',
    min: 0,
    step: 'any',
  },
  'sft.batchSize': { label: 'Batch size', hint: 'Sequences per step; larger is smoother and slower.', min: 1, step: 1 },
  'sft.evalEvery': { label: 'Evaluate every', hint: 'Steps between greedy held-out evaluations.', min: 1, step: 10 },
  'sft.targetAccuracy': {
    label: 'Target accuracy',
    hint: 'End SFT at the first evaluation with this greedy held-out accuracy (SFT steps stay the limit); 0 = off.',
    min: 0,
    max: 1,
    step: 0.05,
  },
  'sft.targetFaithfulness': {
    label: 'Target faithfulness',
    hint: 'End SFT once this share of greedy held-out completions have steps that entail their answer (with a target accuracy: both at once); 0 = off.',
    min: 0,
    max: 1,
    step: 0.05,
  },
  seed: { label: 'Seed', hint: 'Every run is (config, seed): same seed, same data and weights.', min: 0, step: 1 },
};

/** Does a validator's field name point at this input? Nested validators may name only the tail ("trainSize"). */
export function fieldMatches(errorField: string, path: string): boolean {
  return errorField === path || path.endsWith(`.${errorField}`);
}
