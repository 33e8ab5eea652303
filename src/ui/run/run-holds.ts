// What a stored run holds, in words, and what its empty panels say: a run that is not training will never
// get completions or rollouts it lacks (runs kept with the findings hold their metric curves only), so its
// panels say so instead of "appear at each evaluation". Also the settings of a shown run, read-only. Pure.
import { configDiff } from '../../analysis/compare';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../experiment/run-config';
import { settingLabel, valueText } from '../config/config-text';

/** What IndexedDB holds of the shown run. */
export interface Holdings {
  rows: number;
  firstStep: number | null;
  lastStep: number | null;
  /** Evaluations with sampled completions. */
  samples: number;
  /** RL evaluations with rollouts. */
  rollouts: number;
  checkpoints: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Holds metric curves for steps 0–390 (79 rows); no sampled completions, rollouts or checkpoints." */
export function holdsText(h: Holdings): string {
  const curves =
    h.rows === 0 ? 'no metric rows' : `metric curves for steps ${h.firstStep}–${h.lastStep} (${plural(h.rows, 'row')})`;
  const have = [
    h.samples > 0 && plural(h.samples, 'evaluation') + ' with completions',
    h.rollouts > 0 && plural(h.rollouts, 'rollout step'),
    h.checkpoints > 0 && plural(h.checkpoints, 'checkpoint'),
  ].filter((x) => x);
  const lack = [
    h.samples === 0 && 'sampled completions',
    h.rollouts === 0 && 'rollouts',
    h.checkpoints === 0 && 'checkpoints',
  ].filter((x): x is string => typeof x === 'string');
  const lackText =
    lack.length === 0
      ? ''
      : `; no ${lack.length === 1 ? lack[0] : `${lack.slice(0, -1).join(', ')} or ${lack.at(-1)}`}`;
  return `Holds ${[curves, ...have].join(', ')}${lackText}.`;
}

/** Stored rows of a run left out because they failed their check, by kind (rollouts: groups). */
export interface Damaged {
  metrics: number;
  samples: number;
  rollouts: number;
}

/** "Part of this run's stored data is damaged and was left out: 1 metric row. The rest is shown." */
export function damagedText(d: Damaged): string {
  const parts = [
    d.metrics > 0 && plural(d.metrics, 'metric row'),
    d.samples > 0 && plural(d.samples, 'sample row'),
    d.rollouts > 0 && plural(d.rollouts, 'rollout group'),
  ].filter((x) => x);
  return `Part of this run's stored data is damaged and was left out: ${parts.join(', ')}. The rest is shown.`;
}

/** The completions panel with none to show: waiting for the next evaluation, or a stored run that has none. */
export function emptySamplesText(training: boolean): string {
  return training
    ? 'Completions appear at each evaluation.'
    : 'This run holds no sampled completions (runs kept with the findings hold their curves only).';
}

/** The rollout inspector with none to show. */
export function emptyRolloutsText(training: boolean): string {
  return training
    ? 'No rollouts yet: they are stored at each RL evaluation (rl.rolloutsKept prompts with all their completions).'
    : 'This run holds no rollouts (runs kept with the findings hold their curves only).';
}

export interface SettingLine {
  path: string;
  label: string;
  value: string;
}

/** The settings that say what a run is, always shown; stages that are off show only their step count. */
const KEY_PATHS = [
  'data.task',
  'data.style',
  'data.trainSize',
  'data.labelNoise',
  'model.layers',
  'model.dModel',
  'cpt.steps',
  'sft.steps',
  'rl.steps',
  'rl.rewards',
  'seed',
  'backend',
];

const valueAt = (config: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined),
      config,
    );

/** A run's settings in words: the key ones (`key`), and every other one that differs from the defaults (`more`). */
export function settingLines(config: RunConfig): { key: SettingLine[]; more: SettingLine[] } {
  const off = (path: string) =>
    (path.startsWith('rl.') && path !== 'rl.steps' && config.rl.steps === 0) ||
    (path.startsWith('cpt.') && path !== 'cpt.steps' && config.cpt.steps === 0);
  const line = (path: string): SettingLine => ({
    path,
    label: settingLabel(path),
    value: valueText(path, valueAt(config, path)),
  });
  const shown = (paths: string[]) => paths.filter((p) => !off(p) && valueAt(config, p) !== undefined).map(line);
  const changed = configDiff([DEFAULT_RUN_CONFIG, config]).fields.filter((p) => !KEY_PATHS.includes(p));
  return { key: shown(KEY_PATHS), more: shown(changed) };
}
