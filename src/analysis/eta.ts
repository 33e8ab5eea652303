// How long a run has left: the steps and evaluations still to do in each stage (from the run's plan) times
// the seconds a step and an evaluation of that stage have taken so far (an RL step costs many SFT steps,
// and an evaluation many steps, so each is timed on its own). Work of a kind not timed yet makes the
// estimate a lower bound that names it. Pure arithmetic: the trainer measures, the page and the CLI print.
import { STAGES, type RunConfig, type StageName } from '../experiment/run-config';

export const STAGE_LABELS: Record<StageName, string> = { cpt: 'CPT', sft: 'SFT', rl: 'RL' };

/** A stage as the run loop runs it (src/train/run.ts runStage): its span, how often it evaluates, and whether it evaluates at its end. */
export interface EtaStage {
  name: StageName;
  start: number;
  steps: number;
  /** Infinity: never evaluates (CPT). */
  evalEvery: number;
  /** False when the next stage opens with an evaluation at the same step (then this stage skips its closing one). */
  evalAtEnd: boolean;
}

/** Seconds per optimizer step and per evaluation, by stage, where measured. */
export type StageRates = Partial<Record<StageName, { step?: number; evaluation?: number }>>;

/** Steps and evaluations still to do, by stage. */
export type StageWork = Partial<Record<StageName, { steps: number; evaluations: number }>>;

/** The trainer's progress: where it is, what it is doing, and the measured estimate of what is left. */
export interface RunProgress {
  stage: StageName;
  activity: 'training' | 'evaluating';
  /** Optimizer steps done, on the run's global counter. */
  step: number;
  total: number;
  stageStart: number;
  stageSteps: number;
  /** Seconds left at `at`, from measured times; a lower bound while `untimed` names any work. */
  secondsLeft: number;
  /** Work left that has not been timed yet ("RL steps", "SFT evaluations"). */
  untimed: string[];
  rates: StageRates;
  /** Date.now() of the estimate: a reader counts down from it. */
  at: number;
}

/** The stages with steps, as the run loop runs them: SFT and RL open with an evaluation, CPT never evaluates. */
export function etaPlan(config: Pick<RunConfig, 'cpt' | 'sft' | 'rl'>): EtaStage[] {
  const evalEvery: Record<StageName, number> = { cpt: Infinity, sft: config.sft.evalEvery, rl: config.rl.evalEvery };
  const on = STAGES.filter((s) => config[s].steps > 0);
  let start = 0;
  return on.map((name, i) => {
    const stage = {
      name,
      start,
      steps: config[name].steps,
      evalEvery: evalEvery[name],
      evalAtEnd: i === on.length - 1,
    };
    start += stage.steps;
    return stage;
  });
}

/** Evaluations of `s` at local positions after `local` (the opening one at 0 is not after any position). */
function evaluationsAfter(s: EtaStage, local: number): number {
  if (!Number.isFinite(s.evalEvery)) return 0;
  const regular = Math.floor(s.steps / s.evalEvery) - Math.floor(local / s.evalEvery);
  const closing = s.evalAtEnd && s.steps % s.evalEvery !== 0 && local < s.steps ? 1 : 0;
  return Math.max(0, regular) + closing;
}

/**
 * The work left at global step `step` (steps done) while stage `current` trains or evaluates. While it
 * evaluates, that evaluation is still to do; otherwise its evaluations at this step are done. Later
 * stages have all their work left, their opening evaluation included; earlier ones none.
 */
export function workLeft(plan: readonly EtaStage[], step: number, current: StageName, evaluating: boolean): StageWork {
  const out: StageWork = {};
  const at = plan.findIndex((s) => s.name === current);
  plan.forEach((s, i) => {
    if (i < at) return;
    const evaluates = Number.isFinite(s.evalEvery);
    const local = i === at ? Math.min(s.steps, Math.max(0, step - s.start)) : 0;
    const pending = evaluates && (i > at || evaluating) ? 1 : 0; // a later stage's opening evaluation, or the one running now
    const w = { steps: s.steps - local, evaluations: pending + evaluationsAfter(s, local) };
    if (w.steps > 0 || w.evaluations > 0) out[s.name] = w;
  });
  return out;
}

/** The measured seconds of `work`, and the kinds of work with no measured rate yet. */
export function secondsFor(work: StageWork, rates: StageRates): { seconds: number; untimed: string[] } {
  let seconds = 0;
  const untimed: string[] = [];
  for (const s of STAGES) {
    const w = work[s];
    if (!w) continue;
    const r = rates[s] ?? {};
    for (const [n, rate, what] of [
      [w.steps, r.step, 'steps'],
      [w.evaluations, r.evaluation, 'evaluations'],
    ] as const) {
      if (n <= 0) continue;
      if (rate === undefined) untimed.push(`${STAGE_LABELS[s]} ${what}`);
      else seconds += n * rate;
    }
  }
  return { seconds, untimed };
}

/** Adds up step and evaluation times by stage; rates() are the means so far. */
export class StageClock {
  private readonly totals = new Map<string, { seconds: number; count: number }>();

  private add(key: string, count: number, seconds: number): void {
    const t = this.totals.get(key) ?? { seconds: 0, count: 0 };
    this.totals.set(key, { seconds: t.seconds + Math.max(0, seconds), count: t.count + count });
  }

  steps(stage: StageName, count: number, seconds: number): void {
    if (count > 0) this.add(`${stage}/step`, count, seconds);
  }

  evaluation(stage: StageName, seconds: number): void {
    this.add(`${stage}/evaluation`, 1, seconds);
  }

  rates(): StageRates {
    const out: StageRates = {};
    for (const [key, t] of this.totals) {
      const [stage, kind] = key.split('/') as [StageName, 'step' | 'evaluation'];
      (out[stage] ??= {})[kind] = t.seconds / t.count;
    }
    return out;
  }
}

/** "45s", "3m10s", "1h05m"; "?" for a negative or non-finite time. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * The time left `now` (ms) as words, counted down from the estimate: "about 3m10s left",
 * "at least 1m20s left (RL steps not timed yet)", or "time left: after the first step" when nothing is timed.
 */
export function etaText(p: Pick<RunProgress, 'secondsLeft' | 'untimed' | 'at'>, now: number): string {
  const left = Math.max(0, p.secondsLeft - Math.max(0, now - p.at) / 1000);
  if (p.untimed.length === 0) return `about ${duration(left)} left`;
  if (p.secondsLeft <= 0) return 'time left: after the first step';
  return `at least ${duration(left)} left (${p.untimed.join(', ')} not timed yet)`;
}

/**
 * "SFT 12/300 · step 12/400" or "RL evaluating for 12s · step 300/400": the stage, what it does (an
 * evaluation with how long it has run at `now`, ms, when given), and the run's step.
 */
export function progressWhere(
  p: Pick<RunProgress, 'stage' | 'activity' | 'step' | 'total' | 'stageStart' | 'stageSteps' | 'at'>,
  now?: number,
): string {
  const stage = STAGE_LABELS[p.stage];
  const since = now === undefined ? '' : ` for ${duration(Math.max(0, now - p.at) / 1000)}`;
  const what =
    p.activity === 'evaluating'
      ? `${stage} evaluating${since}`
      : `${stage} ${Math.max(0, p.step - p.stageStart)}/${p.stageSteps}`;
  return `${what} · step ${p.step}/${p.total}`;
}
