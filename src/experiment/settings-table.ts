// The README's settings table, written from the settings' tables (src/experiment/settings.ts): one
// Markdown table per config section and per task, every row a setting's path, label, default, allowed
// values and reason. `npm run settings-table` rewrites the README's copy; a test checks they agree.
import type { Setting } from '../util/settings';
import { rangeText } from '../util/settings';
import { getTask, TASK_IDS } from '../tasks/registry';
import { allSettings, taskSettings } from './settings';

export const TABLE_START = '<!-- settings-table:start (written by npm run settings-table) -->';
export const TABLE_END = '<!-- settings-table:end -->';

const SECTION_TITLES: Record<string, string> = {
  '': 'Run',
  data: 'Data (`data`)',
  model: 'Model (`model`)',
  cpt: 'Continual pre-training (`cpt`)',
  sft: 'Supervised fine-tuning (`sft`)',
  rl: 'RL, GRPO (`rl`)',
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function valueText(v: unknown): string {
  if (typeof v === 'string') return v === '' ? '(empty)' : v;
  if (Array.isArray(v))
    return v.map((x) => (typeof x === 'object' && x && 'name' in x ? String(x.name) : JSON.stringify(x))).join(', ');
  return String(v);
}

function allowedText(s: Setting): string {
  if (s.options) return s.options.join(', ');
  if (typeof s.default === 'boolean') return 'true, false';
  if (typeof s.default === 'number' && s.min !== undefined && s.min === s.max) return `${s.min} only`;
  if (typeof s.default === 'number' && !s.check) {
    const integer = s.integer ?? Number.isInteger(s.default);
    return rangeText(s, integer).replace(/^an? /, '') + (s.unit ? ` (${s.unit})` : '');
  }
  return 'see why';
}

function table(rows: { path: string; setting: Setting }[]): string[] {
  return [
    '| setting | label | default | allowed | why |',
    '|---|---|---|---|---|',
    ...rows.map(
      ({ path, setting: s }) =>
        `| \`${path}\` | ${cell(s.label)} | ${cell(valueText(s.default))} | ${cell(allowedText(s))} | ${cell(s.reason)} |`,
    ),
  ];
}

/** The Markdown between the README's markers. */
export function settingsTableMarkdown(): string {
  const all = allSettings();
  const sections = [...new Set(all.map((r) => (r.path.includes('.') ? r.path.split('.')[0]! : '')))];
  const out: string[] = [];
  for (const section of sections) {
    const rows = all.filter((r) => (r.path.includes('.') ? r.path.split('.')[0] : '') === section);
    out.push(`#### ${SECTION_TITLES[section] ?? section}`, '', ...table(rows), '');
  }
  for (const id of TASK_IDS)
    out.push(
      `#### Task ${getTask(id).title} (\`data.taskConfig\`, task \`${id}\`)`,
      '',
      ...table(taskSettings(id)),
      '',
    );
  return out.join('\n').trimEnd();
}

/** `readme` with the text between the markers replaced by the table; null when the markers are missing. */
export function withSettingsTable(readme: string): string | null {
  const a = readme.indexOf(TABLE_START);
  const b = readme.indexOf(TABLE_END);
  if (a < 0 || b < a) return null;
  return `${readme.slice(0, a + TABLE_START.length)}\n\n${settingsTableMarkdown()}\n\n${readme.slice(b)}`;
}
