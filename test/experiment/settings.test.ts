// The settings' tables are the only place a setting is defined: for every setting, the defaults, the
// validator, the form's inputs, the compare table's names, the link codec and the README's table agree
// with its table entry.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../../src/experiment/run-config';
import { configChanges, decodeConfigLink, encodeConfigLink } from '../../src/experiment/config-link';
import { allSettings, settingAt, SETTING_SECTIONS, taskSettings } from '../../src/experiment/settings';
import { settingsTableMarkdown, withSettingsTable } from '../../src/experiment/settings-table';
import { TASK_IDS } from '../../src/tasks/registry';
import { fieldMeta } from '../../src/ui/config/config-fields';
import { fieldPlace } from '../../src/ui/config/field-place';
import { RL_GROUPS, RL_MAIN } from '../../src/ui/config/rl-layout';
import { ConfigError } from '../../src/util/errors';
import type { Setting } from '../../src/util/settings';

type Rec = Record<string, unknown>;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** A raw config (the defaults, with `task` when given) with `value` at `path`. */
function withValue(path: string, value: unknown, task?: string): Rec {
  const raw = clone(DEFAULT_RUN_CONFIG) as unknown as Rec;
  if (task) (raw.data as Rec).task = task;
  // Another task brings its own settings (and longer examples): the default task's do not fit it.
  if (task || path === 'data.task') (raw.data as Rec).taskConfig = {};
  if ((task && task !== 'addition') || path === 'data.task') (raw.model as Rec).context = 512;
  return setAt(raw, path, value);
}

/** `raw` with `value` at the dotted `path` (written in place). */
function setAt(raw: Rec, path: string, value: unknown): Rec {
  const keys = path.split('.');
  let at = raw;
  for (const k of keys.slice(0, -1)) at = at[k] as Rec;
  at[keys.at(-1)!] = value;
  return raw;
}

function valueAt(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Rec | undefined)?.[k], config);
}

function refusal(raw: Rec): ConfigError {
  try {
    validateRunConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

/** Values outside a setting's table: each must be refused naming the setting. */
function outside(s: Setting): unknown[] {
  if (s.options) return ['no-such-choice', 3];
  if (typeof s.default === 'boolean') return ['yes', 1];
  if (typeof s.default !== 'number') return [];
  const out: unknown[] = ['7', Number.NaN];
  if (s.max !== undefined) out.push(s.max + (s.integer === false ? s.max || 1 : 1));
  if (s.min !== undefined) out.push(s.above ? s.min : s.min - 1);
  if ((s.integer ?? Number.isInteger(s.default)) && s.max !== undefined && s.max - (s.min ?? 0) >= 1)
    out.push((s.min ?? 0) + 0.5);
  return out;
}

/** Valid values other than the default, most likely first (the first one the cross-field rules allow is used). */
function others(s: Setting): unknown[] {
  if (s.options) return s.options.filter((o) => o !== s.default);
  if (typeof s.default === 'boolean') return [!s.default];
  if (typeof s.default !== 'number') return [];
  const step = typeof s.step === 'number' ? s.step : s.integer === false ? s.default / 2 || 0.1 : 1;
  const lo = s.min ?? -Infinity;
  const hi = s.max ?? Infinity;
  const within = (v: number) => (s.above ? v > lo : v >= lo) && v <= hi && v !== s.default;
  return [s.default + step, s.default - step, s.default * 2, s.default / 2, hi, (lo + hi) / 2].filter(within);
}

/** Settings whose every other value breaks a cross-field rule at the defaults: the partner moved too. */
const PARTNERS: Record<string, [string, unknown]> = {
  'num_match:data.taskConfig.oodMaxDifficulty': ['data.taskConfig.oodMinDifficulty', 3], // both default to the top
};

const everySetting = [
  ...allSettings().map((r) => ({ ...r, task: undefined as string | undefined })),
  ...TASK_IDS.flatMap((task) => taskSettings(task).map((r) => ({ ...r, task }))),
];

describe('the settings tables', () => {
  it('hold every field of the default config, and the defaults are derived from them', () => {
    const paths = allSettings().map((r) => r.path);
    const leaves = (o: Rec, prefix: string): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        k === 'taskConfig' || k === 'version'
          ? []
          : v && typeof v === 'object' && !Array.isArray(v) && !prefix
            ? leaves(v as Rec, k)
            : [prefix ? `${prefix}.${k}` : k],
      );
    expect(leaves(DEFAULT_RUN_CONFIG as unknown as Rec, '').sort()).toEqual(
      paths.filter((p) => !allSettings().find((r) => r.path === p)!.setting.omitAtDefault).sort(),
    );
    for (const { path, setting } of allSettings()) {
      if (setting.omitAtDefault) expect(valueAt(DEFAULT_RUN_CONFIG, path), path).toBeUndefined();
      else expect(valueAt(DEFAULT_RUN_CONFIG, path), path).toEqual(setting.default);
    }
  });

  it.each(everySetting.map((r) => [r.path + (r.task ? ` (${r.task})` : ''), r] as const))(
    '%s: the validator, the form, the compare table and the link codec agree with its table entry',
    (_name, { path, setting, task }) => {
      expect(settingAt(path, task)).toBe(setting);
      // Validator: the default is accepted and kept (or left out when it is a left-out default).
      const atDefault = validateRunConfig(withValue(path, setting.default, task));
      expect(valueAt(atDefault, path)).toEqual(setting.omitAtDefault ? undefined : setting.default);
      // Validator: every value outside the table is refused, naming the setting.
      for (const bad of outside(setting)) {
        const err = refusal(withValue(path, bad, task));
        expect(err.field, `${path} = ${String(bad)}`).toBe(path);
        expect(err.message).toContain(path);
      }
      // The form and the compare table: the table's label; number inputs take its bounds, step and reason.
      expect(fieldPlace(path).label).toBe(setting.label);
      if (!task) {
        const meta = fieldMeta(path);
        expect(meta).toEqual({
          label: setting.label,
          hint: setting.reason,
          min: setting.min,
          max: setting.max,
          step: setting.step,
        });
      }
      // Link codec: a valid non-default value travels alone and comes back as it was.
      const fixed = setting.min !== undefined && setting.min === setting.max;
      if (fixed || setting.check) return;
      const config = others(setting)
        .map((v) => {
          try {
            const raw = withValue(path, v, task);
            const partner = PARTNERS[`${task}:${path}`];
            if (partner) setAt(raw, ...partner);
            return validateRunConfig(raw);
          } catch {
            return null;
          }
        })
        .find((c): c is RunConfig => c !== null);
      expect(config, `no valid non-default value for ${path}`).toBeDefined();
      const changes = configChanges(config!);
      const changed = JSON.stringify(changes);
      expect(changed).toContain(`"${path.split('.').at(-1)}"`);
      const back = decodeConfigLink(`#${encodeConfigLink(config!)}`);
      expect(back).toEqual({ ok: true, value: config });
    },
  );

  it('refuse an unknown key in every section, naming it', () => {
    for (const section of Object.keys(SETTING_SECTIONS)) {
      const path = section ? `${section}.noSuchSetting` : 'noSuchSetting';
      const err = refusal(withValue(path, 1));
      expect(err.field).toBe(path);
      expect(err.message).toMatch(new RegExp(`^Unknown setting ${path.replace('.', '\\.')}; known: `));
    }
    const err = refusal(withValue('data.taskConfig.noSuchSetting', 1));
    expect(err.field).toBe('data.taskConfig.noSuchSetting');
  });

  it('give every RL number an input in the form, each once', () => {
    const rlNumbers = Object.entries(SETTING_SECTIONS.rl!)
      .filter(([, s]) => typeof s.default === 'number')
      .map(([k]) => k);
    const placed = [...RL_MAIN, ...RL_GROUPS.flatMap((g) => g.keys), 'majorityVotes']; // majorityVotes: in the rewards editor
    expect([...placed].sort()).toEqual([...rlNumbers].sort());
  });

  it("are what the README's settings table says", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(settingsTableMarkdown());
    expect(withSettingsTable(readme), 'run npm run settings-table').toBe(readme);
  });
});
