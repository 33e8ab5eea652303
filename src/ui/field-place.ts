// Where a config field sits in the form: its section, the collapsed group inside it (RL's "Optimizer"...)
// and its label, so an error can open what holds it and Start's message can name it. Labels only; the
// validators decide what is allowed.
import { FIELD_META, fieldMatches } from './config-fields';
import { CPT_FIELDS, RL_FIELDS, RL_GROUPS } from './rl-fields';

export interface FieldPlace {
  section: string;
  /** The collapsible group inside the section that holds the field (RL's less-used settings). */
  group?: string;
  label: string;
}

const SECTIONS: Record<string, string> = {
  data: 'Task and data',
  model: 'Model',
  cpt: 'Continual pre-training',
  sft: 'Training (SFT)',
  rl: 'RL (GRPO)',
};
/** Fields of the form whose label is not in a FieldMeta table. */
const OTHER_LABELS: Record<string, string> = {
  'data.task': 'Task',
  'data.style': 'Rationale style',
  'data.sftSource': 'SFT data',
  'rl.scaleRewards': 'scale_rewards',
  'rl.lossType': 'loss_type',
  'rl.processFilter': 'process filter',
  'rl.rewards': 'rewards',
  'rl.maskTruncatedCompletions': 'mask_truncated_completions',
  backend: 'Backend',
  kernels: 'Kernels',
};

const LABELS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(FIELD_META).map(([path, m]) => [path, m.label])),
  ...Object.fromEntries(Object.entries(RL_FIELDS).map(([key, m]) => [`rl.${key}`, m.label])),
  ...Object.fromEntries(Object.entries(CPT_FIELDS).map(([key, m]) => [`cpt.${key}`, m.label])),
  ...OTHER_LABELS,
};

/** The RL group (RL_GROUPS title) holding `field`, if it is one of their settings. */
export function rlGroupOf(field: string | undefined): string | undefined {
  if (!field) return undefined;
  return RL_GROUPS.find((g) => g.keys.some((k) => fieldMatches(field, `rl.${k}`)))?.title;
}

/** The place of a validator's field name (a full path like "rl.warmupSteps", or a nested validator's tail). */
export function fieldPlace(field: string): FieldPlace {
  const path = Object.keys(LABELS).find((p) => fieldMatches(field, p)) ?? field;
  const root = path.includes('.') ? path.slice(0, path.indexOf('.')) : '';
  const section = SECTIONS[root] ?? 'Run';
  const label = LABELS[path] ?? path.slice(path.lastIndexOf('.') + 1);
  const group = root === 'rl' ? rlGroupOf(path) : undefined;
  return group ? { section, group, label } : { section, label };
}

/** "RL (GRPO) › Optimizer › warmup_steps". */
export const placeText = (p: FieldPlace): string => [p.section, p.group, p.label].filter((s) => s).join(' › ');
