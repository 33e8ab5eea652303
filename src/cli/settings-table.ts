// npm run settings-table: rewrite the README's settings table from the settings' tables.
import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from '../experiment/settings-table';

const path = new URL('../../README.md', import.meta.url);
const next = withSettingsTable(readFileSync(path, 'utf8'));
if (next === null) {
  console.error('settings-table: README.md has no settings-table markers');
  process.exit(1);
}
writeFileSync(path, next);
console.log('settings-table: README.md updated');
