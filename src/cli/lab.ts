// `npm run lab -- --preset NAME ...`: run a preset's sweep headless in Node with the worker's engine,
// writing each run under --out, resumable, with an export file the browser's library imports.
// Flags: see shared/args.ts. Exit code 1 when a run failed or paused, 2 for bad flags.
import { ArgError, parseLabArgs } from './shared/args';
import { describeMachine, machineText } from './shared/machine';
import { nodeBackend } from './sweep/node-backend';
import { stderrProgress } from './sweep/progress';
import { runSweep } from './sweep/sweep';
import { errorMessage } from '../util/errors';

async function main(): Promise<number> {
  let args;
  try {
    args = parseLabArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ArgError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
  const { report, why } = await nodeBackend(args.backend);
  const machine = describeMachine();
  const progress = stderrProgress();
  progress.note(
    `lab: backend ${report.name} (${report.adapter}${report.features.length ? `, ${report.features.join(', ')}` : ''}): ${why}${report.software ? '; software GPU: slower than WASM here' : ''}`,
  );
  progress.note(`lab: machine ${machineText(machine)}`);
  if (args.stepsScale !== 1)
    progress.note(
      `lab: --steps-scale ${args.stepsScale}: these are not the preset's settings; the report marks such runs as smoke runs`,
    );
  if (args.patch)
    progress.note(
      `lab: --patch ${JSON.stringify(args.patch)}: these are not the preset's settings; the report marks such runs as smoke runs`,
    );
  const abort = new AbortController();
  process.once('SIGINT', () => {
    progress.note('lab: stopping after the current step (Ctrl-C again to kill; rerun the same command to resume)');
    abort.abort();
  });
  const adjust = {
    stepsScale: args.stepsScale,
    ...(args.checkpointEvery !== undefined ? { checkpointEvery: args.checkpointEvery } : {}),
    ...(args.patch ? { patch: args.patch } : {}),
  };
  const out = await runSweep({
    presetId: args.preset,
    seeds: args.seeds,
    arms: args.arms,
    out: args.out,
    adjust,
    backend: report,
    machine,
    signal: abort.signal,
    progress,
  });
  const bad = out.runs.filter((r) => r.status !== 'completed');
  progress.note(
    `lab: ${out.runs.length - bad.length}/${out.runs.length} runs completed; wrote ${out.presetDir}/sweep.json and ${out.archive} (import it in the lab's runs library)`,
  );
  for (const r of bad)
    progress.note(`lab: ${r.name} is ${r.status} at step ${r.step}${r.reason ? `: ${r.reason}` : ''}`);
  return bad.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`lab: ${errorMessage(err)}\n`);
    process.exit(1);
  },
);
