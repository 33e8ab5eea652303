// Rise and saturation detection on an already smoothed training reward: the two "first step at
// which a condition holds and keeps holding for W steps" searches of the phase rules. Pure; the
// regime labels are regime.ts's, the wiring from metric rows is phases.ts's.
import { valueAt, type Series } from './metric-series';
import type { PhaseRules } from './phase-rules';

/** Slack on every threshold comparison: 0.1 + 0.05 is 0.15000000000000002 in floating point. */
export const SLACK = 1e-9;

/**
 * The first index i in [fromIndex, toIndex] with `startOk(i)` whose window [steps[i], steps[i] + W]
 * has been logged to its end (the last step is at least steps[i] + W) and whose every point is
 * `holdOk`. Null when none is confirmed yet. O(n): one backward pass finds each point's next failure.
 */
export function firstHeld(
  steps: readonly number[],
  startOk: (i: number) => boolean,
  holdOk: readonly boolean[],
  windowSteps: number,
  fromIndex = 0,
  toIndex = steps.length - 1,
): number | null {
  const n = steps.length;
  if (n === 0) return null;
  const lastStep = steps[n - 1]!;
  const nextBad = new Array<number>(n + 1); // nextBad[i]: first index >= i that breaks the hold, n if none
  nextBad[n] = n;
  for (let i = n - 1; i >= 0; i--) nextBad[i] = holdOk[i] ? nextBad[i + 1]! : i;
  for (let i = Math.max(fromIndex, 0); i <= Math.min(toIndex, n - 1); i++) {
    const end = steps[i]! + windowSteps;
    if (end > lastStep) return null; // every later start has a later window: none is confirmed yet
    const bad = nextBad[i]!;
    if (startOk(i) && (bad === n || steps[bad]! > end)) return i;
  }
  return null;
}

/**
 * The first sustained rise: the first index at which the smoothed reward is at least `riseDelta`
 * above its first value and stays so for `windowSteps`. "Its start" is the first smoothed value
 * (the debiased EMA's first value is the first raw value), so a lucky first sample can shift it by
 * one sample's noise; the same rule applies to every run. Searched only up to `toIndex`.
 */
export function findRise(
  reward: Series,
  riseDelta: number,
  windowSteps: number,
  toIndex = reward.steps.length - 1,
): number | null {
  if (reward.values.length === 0) return null;
  const level = reward.values[0]! + riseDelta - SLACK;
  const ok = reward.values.map((v) => v >= level);
  return firstHeld(reward.steps, (i) => ok[i]!, ok, windowSteps, 0, toIndex);
}

/** The ceiling the reach condition uses: the configured one, or the highest smoothed reward so far. */
export function effectiveCeiling(reward: Series, ceiling: PhaseRules['ceiling']): number {
  if (ceiling !== 'observed') return ceiling;
  let max = -Infinity;
  for (const v of reward.values) max = Math.max(max, v); // a loop: spreading 100k values overflows the stack
  return max;
}

/**
 * The saturation index: the first index from `fromIndex` at which
 *   1. the smoothed reward is >= reachFraction * ceiling,
 *   2. every smoothed point in [step, step + W] is within `tolerance` of the running maximum (the
 *      highest smoothed value since the run began, so a plateau below an earlier peak does not count),
 *   3. the smoothed all-correct share (`frac`, carried from its last log at or before the step) is
 *      >= minAllCorrectFrac; skipped when `frac` is empty (the run does not log it, e.g. SFT).
 * Null when no index qualifies yet, or when the ceiling is not positive (an 'observed' ceiling of a
 * reward that never went above 0 gives no meaningful "90% of it").
 */
export function findSaturation(reward: Series, frac: Series, rules: PhaseRules, fromIndex = 0): number | null {
  const ceiling = effectiveCeiling(reward, rules.ceiling);
  if (!(ceiling > 0)) return null;
  const reach = rules.reachFraction * ceiling - SLACK;
  let runMax = -Infinity;
  const holdOk = reward.values.map((v) => {
    runMax = Math.max(runMax, v);
    return v >= runMax - rules.tolerance - SLACK;
  });
  const fracOk = (step: number): boolean =>
    frac.steps.length === 0 || (valueAt(frac, step) ?? -Infinity) >= rules.minAllCorrectFrac - SLACK;
  const startOk = (i: number): boolean => reward.values[i]! >= reach && fracOk(reward.steps[i]!);
  return firstHeld(reward.steps, startOk, holdOk, rules.windowSteps, fromIndex);
}
