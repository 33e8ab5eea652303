// `npm run trl-export -- ...`: one lab run as the zip the run view's "Export for TRL" downloads (data,
// train_trl.py, verifiers.py, evaluate.py, README; src/export/trl/bundle.ts). Nothing is trained.
// Flags: shared/args.ts (TRL_EXPORT_USAGE). Exit code 2 for bad flags, 1 for a config the lab refuses.
import { readFileSync, writeFileSync } from 'node:fs';
import { buildTrlExport } from '../export/trl/bundle';
import { ConfigError, errorMessage } from '../util/errors';
import { ArgError, parseTrlExportArgs } from './shared/args';
import { resolveTrlSource } from './trl-source';

function main(): number {
  let source;
  let out;
  try {
    const args = parseTrlExportArgs(process.argv.slice(2));
    source = resolveTrlSource(args, (path) => readFileSync(path, 'utf8'));
    out = args.out;
  } catch (err) {
    if (!(err instanceof ArgError) && !(err instanceof ConfigError)) throw err;
    process.stderr.write(`trl-export: ${err.message}\n`);
    return err instanceof ArgError ? 2 : 1;
  }
  const t0 = Date.now();
  const zip = buildTrlExport(source.config, source.name);
  const path = out ?? zip.fileName;
  writeFileSync(path, zip.bytes);
  const rows = zip.counts.map((c) => `${c.file} ${c.rows}${c.capped ? ' (capped)' : ''}`).join(', ');
  process.stderr.write(
    `trl-export: ${source.name}: wrote ${path} (${(zip.bytes.length / 1e6).toFixed(2)} MB, ${Date.now() - t0} ms; ${rows || 'evaluation data only'}; ${zip.unmapped.length} settings without a TRL counterpart, listed in its README)\n`,
  );
  return 0;
}

try {
  process.exit(main());
} catch (err) {
  process.stderr.write(`trl-export: ${errorMessage(err)}\n`);
  process.exit(1);
}
