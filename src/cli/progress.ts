// The sweep's progress on stderr: one line with a bar, the run's step and ETA and the sweep's ETA.
// On a terminal the line is redrawn in place (\r); in a log file a line is printed every 30 s.
// The ETA is plain arithmetic over the steps taken in this process: no prediction beyond that.

export interface ProgressState {
  runIndex: number;
  runCount: number;
  runName: string;
  step: number;
  totalSteps: number;
  /** Step the run started at in this process (a resumed run does not count earlier steps in its rate). */
  fromStep: number;
  runSeconds: number;
  /** Steps still to do in the runs after this one. */
  laterSteps: number;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function bar(fraction: number, width = 20): string {
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

/** "run 2/6 [#####...] 60/210 steps, 12s, ETA 30s; sweep ETA 4m10s · Scarce data · N = 8 · seed 2" */
export function progressLine(p: ProgressState): string {
  const done = p.step - p.fromStep;
  const rate = done > 0 && p.runSeconds > 0 ? done / p.runSeconds : NaN; // steps per second in this process
  const left = p.totalSteps - p.step;
  const eta = Number.isNaN(rate) ? '?' : duration(left / rate);
  const sweepEta = Number.isNaN(rate) ? '?' : duration((left + p.laterSteps) / rate);
  return `run ${p.runIndex + 1}/${p.runCount} ${bar(p.step / Math.max(1, p.totalSteps))} ${p.step}/${p.totalSteps} steps, ${duration(p.runSeconds)}, ETA ${eta}; sweep ETA ${sweepEta} · ${p.runName}`;
}

export interface ProgressSink {
  update(p: ProgressState): void;
  /** A message on its own line (a finished run, a skipped one). */
  note(text: string): void;
}

export function stderrProgress(stream: NodeJS.WriteStream = process.stderr, everyMs = 30_000): ProgressSink {
  let last = 0;
  let open = false;
  return {
    update(p) {
      if (stream.isTTY) {
        const width = Math.max(20, (stream.columns || 100) - 1);
        stream.write(`\r${progressLine(p).slice(0, width).padEnd(width)}`);
        open = true;
      } else if (Date.now() - last >= everyMs) {
        stream.write(`${progressLine(p)}\n`);
        last = Date.now();
      }
    },
    note(text) {
      stream.write(`${open ? '\n' : ''}${text}\n`);
      open = false;
    },
  };
}
