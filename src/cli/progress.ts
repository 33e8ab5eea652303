// The sweep's progress on stderr: one line with a bar, the run's step and ETA and the sweep's ETA.
// On a terminal the line is redrawn in place (\r); in a log file a line is printed every 30 s.
// The ETA is plain arithmetic: steps left in each stage times the seconds per step that stage has
// taken so far in this process (an RL step costs several SFT steps, so one rate for all would be far
// too low during SFT). A stage not timed yet makes the ETA a lower bound, and the line says which.
import { STAGES, type StageName } from '../experiment/config';

/** Steps (or seconds per step) by stage. */
export type StageSteps = Partial<Record<StageName, number>>;

export interface ProgressState {
  runIndex: number;
  runCount: number;
  runName: string;
  step: number;
  totalSteps: number;
  runSeconds: number;
  /** Steps still to do in this run, by stage. */
  left: StageSteps;
  /** Steps still to do in the runs after this one, by stage. */
  later: StageSteps;
  /** Seconds per step of each stage measured in this process so far (StageClock). */
  rates: StageSteps;
}

/**
 * Seconds per step of each stage, from the metric rows' wall times. The time between two rows counts
 * for the later row's stage (an evaluation at a stage's start is part of that stage's cost); rows of
 * different runs are never paired.
 */
export class StageClock {
  private readonly totals = new Map<StageName, { seconds: number; steps: number }>();
  private last: { step: number; seconds: number } | null = null;

  /** A new run starts (or resumes): its first row has nothing to pair with. */
  startRun(): void {
    this.last = null;
  }

  observe(stage: string, step: number, seconds: number): void {
    const prev = this.last;
    this.last = { step, seconds };
    if (!prev || !(STAGES as readonly string[]).includes(stage) || step < prev.step) return;
    const t = this.totals.get(stage as StageName) ?? { seconds: 0, steps: 0 };
    t.seconds += Math.max(0, seconds - prev.seconds);
    t.steps += step - prev.step;
    this.totals.set(stage as StageName, t);
  }

  rates(): StageSteps {
    return Object.fromEntries([...this.totals].filter(([, t]) => t.steps > 0).map(([s, t]) => [s, t.seconds / t.steps]));
  }
}

/** Steps left in each stage of a run whose stages have these lengths, at global step `step`. */
export function stepsLeft(stages: Record<StageName, { steps: number }>, step: number): StageSteps {
  const out: StageSteps = {};
  let start = 0;
  for (const s of STAGES) {
    const end = start + stages[s].steps;
    if (end > start) out[s] = Math.max(0, end - Math.max(step, start));
    start = end;
  }
  return out;
}

export function addSteps(a: StageSteps, b: StageSteps): StageSteps {
  const out: StageSteps = { ...a };
  for (const s of STAGES) if (b[s] !== undefined) out[s] = (out[s] ?? 0) + b[s];
  return out;
}

/** "3m10s", ">1m20s (rl not timed yet)", or "?" when no stage with steps left has been timed. */
export function stageEta(left: StageSteps, rates: StageSteps): string {
  let seconds = 0;
  let timed = false;
  const untimed: string[] = [];
  for (const s of STAGES) {
    const n = left[s] ?? 0;
    if (n <= 0) continue;
    const r = rates[s];
    if (r === undefined) untimed.push(s);
    else {
      seconds += n * r;
      timed = true;
    }
  }
  if (untimed.length === 0) return duration(seconds);
  return timed ? `>${duration(seconds)} (${untimed.join(', ')} not timed yet)` : '?';
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
  const eta = stageEta(p.left, p.rates);
  const sweepEta = stageEta(addSteps(p.left, p.later), p.rates);
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
