// Where a config field sits in the form: its section, the collapsed group inside it (RL's "Optimizer"...)
// and its label (from the settings' tables), so an error can open what holds it and Start's message can
// name it. Labels only; the validators decide what is allowed.
import { allSettings, taskSettings } from '../../experiment/settings';
import { TASK_IDS } from '../../tasks/registry';
import { fieldMatches } from './config-fields';
import { RL_GROUPS } from './rl-layout';

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
/** Every setting's label by dotted path, from the settings' tables; a task setting's from the first task that has it. */
const LABELS: Record<string, string> = Object.fromEntries(
  [...TASK_IDS.flatMap((id) => taskSettings(id)).reverse(), ...allSettings()].map(({ path, setting }) => [
    path,
    setting.label,
  ]),
);

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
