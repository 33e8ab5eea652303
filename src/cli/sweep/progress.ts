// The sweep's progress on stderr, redrawn every second: the run's stage and step, the run's step of its
// total, its time left from its own measured step and evaluation times (src/analysis/eta.ts), and the
// sweep's, which prices the later runs' work at the rates measured so far. On a terminal the line is
// redrawn in place (\r); in a log file it is printed once a second while training.
import {
  duration,
  etaText,
  progressWhere,
  secondsFor,
  type RunProgress,
  type StageRates,
  type StageWork,
} from '../../analysis/eta';
import { STAGES } from '../../experiment/run-config';

export interface ProgressState {
  runIndex: number;
  runCount: number;
  runName: string;
  runSeconds: number;
  progress: RunProgress;
  /** The work of the runs after this one (their opening evaluations included). */
  later: StageWork;
  /** Rates measured in earlier runs of this sweep; this run's own rates win where it has them. */
  known: StageRates;
}

/** Later runs' work, summed by stage. */
export function addWork(a: StageWork, b: StageWork): StageWork {
  const out: StageWork = { ...a };
  for (const s of STAGES) {
    const x = b[s];
    if (!x) continue;
    const y = out[s] ?? { steps: 0, evaluations: 0 };
    out[s] = { steps: y.steps + x.steps, evaluations: y.evaluations + x.evaluations };
  }
  return out;
}

/** `known` with `fresh` laid over it, stage by stage and kind by kind. */
export function mergeRates(known: StageRates, fresh: StageRates): StageRates {
  const out: StageRates = { ...known };
  for (const s of STAGES) if (fresh[s]) out[s] = { ...known[s], ...fresh[s] };
  return out;
}

export function bar(fraction: number, width = 20): string {
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

/**
 * "run 2/6 [#####...] SFT 60/240 · step 60/390, 12s, about 3m10s left; sweep: at least 20m00s left (RL steps
 * not timed yet) · Scarce data · N = 8 · seed 2", with the time left counted down to `now` (ms).
 */
export function progressLine(p: ProgressState, now = p.progress.at): string {
  const g = p.progress;
  const rates = mergeRates(p.known, g.rates);
  const later = secondsFor(p.later, rates);
  const sweep = {
    secondsLeft: g.secondsLeft + later.seconds,
    untimed: [...new Set([...g.untimed, ...later.untimed])],
    at: g.at,
  };
  const elapsed = p.runSeconds + Math.max(0, now - g.at) / 1000;
  return `run ${p.runIndex + 1}/${p.runCount} ${bar(g.step / Math.max(1, g.total))} ${progressWhere(g, now)}, ${duration(elapsed)}, ${etaText(g, now)}; sweep: ${etaText(sweep, now)} · ${p.runName}`;
}

export interface ProgressSink {
  update(p: ProgressState): void;
  /** A message on its own line (a finished run, a skipped one); the progress line waits for the next update. */
  note(text: string): void;
}

/** Progress on `stream`: at most one line per `everyMs`, and one every `everyMs` while a run trains (counting down). */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr, everyMs = 1000): ProgressSink {
  let latest: ProgressState | null = null;
  let printed = 0;
  let open = false;
  const draw = (now: number) => {
    if (!latest) return;
    const line = progressLine(latest, now);
    if (stream.isTTY) {
      const width = Math.max(20, (stream.columns || 100) - 1);
      stream.write(`\r${line.slice(0, width).padEnd(width)}`);
      open = true;
    } else stream.write(`${line}\n`);
    printed = now;
  };
  // Between steps the event loop is free: the countdown moves even when a step takes longer than a second.
  setInterval(() => Date.now() - printed >= everyMs && draw(Date.now()), everyMs).unref();
  return {
    update(p) {
      latest = p;
      if (Date.now() - printed >= everyMs) draw(Date.now());
    },
    note(text) {
      latest = null;
      stream.write(`${open ? '\n' : ''}${text}\n`);
      open = false;
    },
  };
}
