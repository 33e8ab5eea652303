// Every setting of a run config, section by section, as one registry over the sections' tables: the form,
// the compare table, error messages and the README's settings table look a setting up here by its dotted
// path ("rl.lr", "seed", "data.taskConfig.maxDigits").
import type { Setting } from '../util/settings';
import { DATA_FIELDS } from '../tasks/data-config';
import { getTask, TASK_IDS } from '../tasks/registry';
import { MODEL_SETTINGS } from '../model/model-config';
import { RUN_SETTINGS, SFT_SETTINGS } from './run-config';
import { CPT_SETTINGS } from './cpt-config';
import { RL_SETTINGS } from './rl-config';

/** The config's sections and their tables; '' holds the run's own settings (seed, backend, kernels). */
export const SETTING_SECTIONS: Readonly<Record<string, Readonly<Record<string, Setting>>>> = Object.freeze({
  '': RUN_SETTINGS,
  data: DATA_FIELDS,
  model: MODEL_SETTINGS,
  cpt: CPT_SETTINGS,
  sft: SFT_SETTINGS,
  rl: RL_SETTINGS,
});

const join = (section: string, key: string) => (section ? `${section}.${key}` : key);

/** Every setting's dotted path with its table entry, in the config's order (tasks' own settings not included). */
export function allSettings(): { path: string; setting: Setting }[] {
  return Object.entries(SETTING_SECTIONS).flatMap(([section, table]) =>
    Object.entries(table).map(([key, setting]) => ({ path: join(section, key), setting })),
  );
}

/** A task's own settings ("data.taskConfig.<key>"), from the task's table. */
export function taskSettings(taskId: string): { path: string; setting: Setting }[] {
  if (!(TASK_IDS as readonly string[]).includes(taskId)) return [];
  return Object.entries(getTask(taskId).fields as Record<string, Setting>).map(([key, setting]) => ({
    path: `data.taskConfig.${key}`,
    setting,
  }));
}

/** The setting at a dotted path, or undefined; a task setting is looked up in `taskId`'s table (default: addition). */
export function settingAt(path: string, taskId = 'addition'): Setting | undefined {
  const task = /^data\.taskConfig\.(\w+)$/.exec(path);
  if (task) return taskSettings(taskId).find((s) => s.path === path)?.setting;
  const dot = path.indexOf('.');
  const [section, key] = dot < 0 ? ['', path] : [path.slice(0, dot), path.slice(dot + 1)];
  const table = SETTING_SECTIONS[section];
  return table && Object.hasOwn(table, key) ? table[key] : undefined;
}
