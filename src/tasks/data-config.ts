// The data regime of one experiment: which task, which rationale style, how many distinct training
// prompts, how large the held-out splits are, and how much persistent label noise.
// Plain record with a frozen default, a reason per field and a validator naming the field.
import { ConfigError } from '../util/errors';
import { defaultsOf, isRecord, validateSection, type Schema } from '../util/settings';
import { getTask, TASK_IDS, type TaskId } from './registry';
import { RATIONALE_STYLES, type RationaleStyle } from './types';

export interface DataConfig {
  task: TaskId;
  /** The task's own settings, validated by the task (missing fields take its defaults). */
  taskConfig: Record<string, unknown>;
  style: RationaleStyle;
  /** Distinct training prompts; 0 = unlimited fresh examples. */
  trainSize: number;
  heldoutSize: number;
  oodSize: number;
  /** gamma in [0, 1): the exact fraction of training items that carry a plausible wrong label. */
  labelNoise: number;
  /** With style 'corrupted': the exact fraction of training rationales with one wrong step. */
  corruptFraction: number;
  /**
   * What SFT trains on: 'train', the N training prompts RL uses (with their noise); 'fresh', unlimited
   * fresh clean examples, so arms that differ in N or gamma start RL from the same SFT model.
   */
  sftSource: SftSource;
  /**
   * Distinct SFT rationales (PARO's quantity): with 'train', SFT cycles through the first sftSize of the N
   * training prompts while RL still uses all N; with 'fresh', through sftSize distinct fresh prompts.
   * Absent (or 0 in a raw config): every prompt the source has. Left out when 0, so every config saved
   * before the field existed reads, and serializes, the same.
   */
  sftSize?: number;
}

export const SFT_SOURCES = ['train', 'fresh'] as const;
export type SftSource = (typeof SFT_SOURCES)[number];

export const DATA_FIELDS: Schema<Omit<DataConfig, 'taskConfig'>> = {
  task: {
    default: 'addition', // the smallest task: learnable by a tiny model in minutes
    label: 'Task',
    options: TASK_IDS,
    reason: 'Which rule-generated task supplies prompts and verifiers.',
  },
  style: {
    default: 'pattern', // PARO: the one canonical procedure is what SFT+RLVR needs
    label: 'Rationale style',
    options: RATIONALE_STYLES,
    reason: 'How SFT rationales are written (PARO compares these).',
  },
  trainSize: {
    default: 512, // a scarce-data setting of the weak-supervision paper (N in 8..2048)
    label: 'Training prompts (N)',
    step: 1,
    min: 0,
    max: 65536,
    reason: 'Scarce data: N distinct prompts repeated; 0 = fresh examples forever.',
  },
  heldoutSize: {
    default: 256, // enough for accuracy to +-3 points, cheap to evaluate greedily in a browser
    label: 'Held-out size',
    min: 1,
    max: 4096,
    reason: 'In-distribution evaluation prompts, disjoint from training.',
  },
  oodSize: {
    default: 256, // same size as held-out so the two curves are equally noisy
    label: 'OOD size',
    min: 0,
    max: 4096,
    reason: 'Harder out-of-distribution prompts, disjoint from training and held-out.',
  },
  labelNoise: {
    default: 0, // clean labels unless the experiment is about noise (paper: 0.1..0.9)
    label: 'Label noise (gamma)',
    step: 0.05,
    min: 0,
    max: 0.99,
    integer: false,
    reason: 'Persistent noise: this fraction of training labels is wrong.',
  },
  corruptFraction: {
    default: 0.25, // PARO corrupted 25% of rationales
    label: 'Corrupted fraction',
    min: 0,
    max: 1,
    integer: false,
    reason: "With style 'corrupted': share of rationales with one wrong step.",
  },
  sftSize: {
    default: 0, // every prompt the source has
    omitAtDefault: true,
    label: 'SFT rationales',
    step: 1,
    min: 0,
    max: 65536,
    reason:
      "Distinct SFT rationales: 0 = all the SFT data has; with 'train', the first of the N prompts (RL still uses all N), as PARO's few vs many.",
  },
  sftSource: {
    default: 'train', // SFT on the same prompts RL uses; the weak-supervision presets use 'fresh'
    label: 'SFT data',
    options: SFT_SOURCES,
    reason:
      "'train': the N RL prompts (with their noise); 'fresh': unlimited clean examples, the same SFT whatever N or gamma.",
  },
};

export const DEFAULT_DATA_CONFIG: Readonly<DataConfig> = Object.freeze({
  ...defaultsOf(DATA_FIELDS),
  taskConfig: Object.freeze({}) as Record<string, unknown>, // the task's own defaults
});

/** Validate a raw (possibly partial) data config; the task's settings are checked by the task. */
export function validateDataConfig(raw: unknown): DataConfig {
  const rec = raw === undefined || raw === null ? {} : raw;
  if (!isRecord(rec)) throw new ConfigError('data', 'The data config must be an object of settings.');
  const { taskConfig, ...rest } = rec;
  const { sftSize = 0, ...base } = validateSection('data', DATA_FIELDS, rest);
  if (base.sftSource === 'train' && base.trainSize > 0 && sftSize > base.trainSize) {
    throw new ConfigError(
      'data.sftSize',
      `data.sftSize (${sftSize}) cannot exceed the ${base.trainSize} training prompts SFT draws its rationales from (data.trainSize); lower it, or use sftSource 'fresh'.`,
    );
  }
  const task = getTask(base.task);
  try {
    return {
      ...base,
      taskConfig: task.validate(taskConfig ?? {}, 'data.taskConfig') as Record<string, unknown>,
      ...(sftSize > 0 ? { sftSize } : {}),
    };
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.field, `${task.title}: ${e.message}`);
    throw e;
  }
}
