// `npm run report -- [--in DIR] [--out public/findings]`: the findings report from the sweep
// directories `npm run lab` wrote. No training, no tfjs: reads files, writes markdown, SVG and JSON.
import { existsSync } from 'node:fs';
import { ArgError, parseReportArgs } from './shared/args';
import { writeReport } from './report/report-build';
import { errorMessage } from '../util/errors';

try {
  const args = parseReportArgs(process.argv.slice(2));
  if (!existsSync(args.in))
    process.stderr.write(`report: ${args.in} does not exist, so every preset is reported as not run yet\n`);
  const files = writeReport(args.in, args.out);
  process.stdout.write(`report: wrote ${files.length} files to ${args.out} (${files.join(', ')})\n`);
} catch (err) {
  process.stderr.write(`report: ${errorMessage(err)}\n`);
  process.exit(err instanceof ArgError ? 2 : 1);
}
