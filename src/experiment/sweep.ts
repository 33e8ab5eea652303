// A preset's sweep as a queue: its runs (arm x seed) run one after another; each item remembers the
// run it became and how that ended. Pure data and transitions, so the page can keep the queue across
// a reload (the stored form is validated like any untrusted input) and tests need no browser.
import * as v from 'valibot';
import type { RunStatus } from '../store/types';
import { getPreset, presetRuns, type Preset, type PresetRun } from './presets';

export type SweepItemStatus = 'waiting' | 'running' | 'completed' | 'failed' | 'stopped' | 'interrupted';

export interface SweepItem {
  armId: string;
  seed: number;
  name: string;
  runId: string | null;
  status: SweepItemStatus;
  reason?: string;
}

export interface Sweep {
  presetId: string;
  seeds: number[];
  armIds: string[];
  items: SweepItem[];
  /** Set when a run of the queue was stopped (by the user) or interrupted: the queue waits to be continued. */
  halted: boolean;
}

/** A new queue: every arm x seed of `preset`, in presetRuns' order, all waiting. */
export function newSweep(
  preset: Preset,
  seeds: readonly number[] = preset.seeds,
  armIds: readonly string[] = preset.arms.map((a) => a.id),
): Sweep {
  const runs = presetRuns(preset, seeds, armIds);
  if (runs.length === 0) throw new Error('choose at least one arm and one seed');
  return {
    presetId: preset.id,
    seeds: [...seeds],
    armIds: [...armIds],
    items: runs.map((r) => ({ armId: r.armId, seed: r.seed, name: r.name, runId: null, status: 'waiting' })),
    halted: false,
  };
}

/** The run (with its validated config) an item stands for; null when the preset no longer has it. */
export function itemRun(sweep: Sweep, index: number): PresetRun | null {
  const item = sweep.items[index];
  const preset = getPreset(sweep.presetId);
  if (!item || !preset || !preset.arms.some((a) => a.id === item.armId)) return null;
  return presetRuns(preset, [item.seed], [item.armId])[0] ?? null;
}

/** What the queue does next: resume an interrupted run, start a waiting one, or nothing (done or halted). */
export type SweepStep =
  { kind: 'resume'; index: number; runId: string } | { kind: 'start'; index: number } | { kind: 'none' };

export function nextStep(sweep: Sweep): SweepStep {
  if (sweep.halted || sweep.items.some((i) => i.status === 'running')) return { kind: 'none' };
  const interrupted = sweep.items.findIndex((i) => i.status === 'interrupted' && i.runId !== null);
  if (interrupted >= 0) return { kind: 'resume', index: interrupted, runId: sweep.items[interrupted]!.runId! };
  const waiting = sweep.items.findIndex((i) => i.status === 'waiting');
  return waiting >= 0 ? { kind: 'start', index: waiting } : { kind: 'none' };
}

const patch = (sweep: Sweep, index: number, item: Partial<SweepItem>, halted = sweep.halted): Sweep => ({
  ...sweep,
  halted,
  items: sweep.items.map((it, i) => (i === index ? { ...it, ...item } : it)),
});

/** Item `index` became run `runId` and trains. */
export function markStarted(sweep: Sweep, index: number, runId: string): Sweep {
  const { reason: _, ...item } = { ...sweep.items[index]!, runId, status: 'running' as const };
  return { ...sweep, halted: false, items: sweep.items.map((it, i) => (i === index ? item : it)) };
}

/** Item `index` could not start (the trainer refused it): the queue halts with the reason. */
export function markRefused(sweep: Sweep, index: number, reason: string): Sweep {
  return patch(sweep, index, { status: 'waiting', reason }, true);
}

/**
 * A run's status changed. Completed and failed runs let the queue go on (a failure is one item's
 * outcome, with its reason); a stopped or interrupted run halts it until the user continues. Other
 * statuses, and runs not in the queue, change nothing.
 */
export function onRunStatus(sweep: Sweep, runId: string, status: RunStatus, reason?: string): Sweep {
  const index = sweep.items.findIndex((i) => i.runId === runId);
  if (index < 0) return sweep;
  const r = reason ? { reason } : {};
  switch (status) {
    case 'completed':
    case 'failed':
      return patch(sweep, index, { status, ...r });
    case 'stopped':
    case 'interrupted':
      return patch(sweep, index, { status, ...r }, true);
    case 'running':
      return patch(sweep, index, { status: 'running' });
    default:
      return sweep;
  }
}

/** Go on after a halt: a stopped run is left as it is (it counts as done) and the next one starts. */
export function continueSweep(sweep: Sweep): Sweep {
  return { ...sweep, halted: false };
}

export function sweepDone(sweep: Sweep): boolean {
  return sweep.items.every((i) => i.status === 'completed' || i.status === 'failed' || i.status === 'stopped');
}

/** The runs the queue made, for the compare view. */
export function sweepRunIds(sweep: Sweep): string[] {
  return sweep.items.flatMap((i) => (i.runId ? [i.runId] : []));
}

const STATUSES = ['waiting', 'running', 'completed', 'failed', 'stopped', 'interrupted'] as const;
const StoredSweep = v.object({
  presetId: v.pipe(v.string(), v.maxLength(64)),
  seeds: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(0))), v.maxLength(64)),
  armIds: v.pipe(v.array(v.pipe(v.string(), v.maxLength(64))), v.maxLength(64)),
  items: v.pipe(
    v.array(
      v.object({
        armId: v.pipe(v.string(), v.maxLength(64)),
        seed: v.pipe(v.number(), v.integer(), v.minValue(0)),
        name: v.pipe(v.string(), v.maxLength(200)),
        runId: v.nullable(v.pipe(v.string(), v.maxLength(100))),
        status: v.picklist(STATUSES),
        reason: v.optional(v.pipe(v.string(), v.maxLength(2000))),
      }),
    ),
    v.minLength(1),
    v.maxLength(512),
  ),
  halted: v.boolean(),
});

/**
 * A queue read back from storage; null (with why) when it is not one, or its preset is gone. A run the
 * page was training when it closed is `interrupted` now (the library marks it so): resuming continues it.
 */
export function parseStoredSweep(text: string): { ok: true; sweep: Sweep } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'the saved sweep is not JSON' };
  }
  const r = v.safeParse(StoredSweep, raw);
  if (!r.success) return { ok: false, error: `the saved sweep is malformed (${r.issues[0]?.message ?? 'unknown'})` };
  if (!getPreset(r.output.presetId))
    return { ok: false, error: `the saved sweep's preset "${r.output.presetId}" no longer exists` };
  const sweep = r.output as Sweep;
  const items = sweep.items.map((i) => (i.status === 'running' ? { ...i, status: 'interrupted' as const } : i));
  return {
    ok: true,
    sweep: { ...sweep, items, halted: sweep.halted || items.some((i) => i.status === 'interrupted') },
  };
}
