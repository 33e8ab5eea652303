// The sweep queue's transitions: order, what halts it, what lets it go on, resume after a reload, and
// that a stored queue is validated before use.
import { describe, expect, it } from 'vitest';
import { getPreset } from '../../src/experiment/presets';
import {
  continueSweep,
  itemRun,
  markRefused,
  markStarted,
  newSweep,
  nextStep,
  onRunStatus,
  parseStoredSweep,
  sweepDone,
  sweepRunIds,
  type Sweep,
} from '../../src/experiment/sweep';

const scarce = getPreset('scarce_data')!;

/** Start the next item as run `id`, as the page does. */
function startNext(s: Sweep, id: string): Sweep {
  const step = nextStep(s);
  if (step.kind !== 'start') throw new Error(`expected a start, got ${step.kind}`);
  return markStarted(s, step.index, id);
}

describe('sweep queue', () => {
  it('queues every arm x seed in order, each with its validated config', () => {
    const s = newSweep(scarce, [1, 2]);
    expect(s.items.map((i) => `${i.armId}/${i.seed}`)).toEqual(['n8/1', 'n8/2', 'n512/1', 'n512/2']);
    expect(s.items.every((i) => i.status === 'waiting' && i.runId === null)).toBe(true);
    const run = itemRun(s, 2)!;
    expect(run.config.data.trainSize).toBe(512);
    expect(run.config.seed).toBe(1);
    expect(() => newSweep(scarce, [])).toThrow(/at least one arm and one seed/);
  });

  it('runs one at a time: the next starts only when the current one completes or fails', () => {
    let s = newSweep(scarce, [1], ['n8', 'n512']);
    s = startNext(s, 'a');
    expect(nextStep(s)).toEqual({ kind: 'none' }); // one is running
    s = onRunStatus(s, 'a', 'paused');
    expect(nextStep(s)).toEqual({ kind: 'none' });
    s = onRunStatus(s, 'a', 'failed', 'the GPU device was lost');
    expect(s.items[0]).toMatchObject({ status: 'failed', reason: 'the GPU device was lost' });
    s = startNext(s, 'b');
    expect(sweepDone(s)).toBe(false);
    s = onRunStatus(s, 'b', 'completed');
    expect(sweepDone(s)).toBe(true);
    expect(nextStep(s)).toEqual({ kind: 'none' });
    expect(sweepRunIds(s)).toEqual(['a', 'b']);
  });

  it('halts when the user stops a run, and goes on with the next one when continued', () => {
    let s = startNext(newSweep(scarce, [1]), 'a');
    s = onRunStatus(s, 'a', 'stopped');
    expect(s.halted).toBe(true);
    expect(nextStep(s)).toEqual({ kind: 'none' });
    s = continueSweep(s);
    expect(nextStep(s)).toEqual({ kind: 'start', index: 1 });
  });

  it('ignores runs that are not in the queue', () => {
    const s = startNext(newSweep(scarce, [1]), 'a');
    expect(onRunStatus(s, 'other', 'completed')).toBe(s);
  });

  it('halts with the reason when the trainer refuses a run, and retries it when continued', () => {
    let s = markRefused(newSweep(scarce, [1]), 0, 'a run is already training in this tab');
    expect(s.halted).toBe(true);
    expect(s.items[0]).toMatchObject({ status: 'waiting', reason: 'a run is already training in this tab' });
    s = continueSweep(s);
    expect(nextStep(s)).toEqual({ kind: 'start', index: 0 });
    expect(markStarted(s, 0, 'a').items[0]!.reason).toBeUndefined();
  });

  it('round-trips through storage; a run that was training comes back interrupted and resumes first', () => {
    let s = startNext(newSweep(scarce, [1]), 'a');
    const back = parseStoredSweep(JSON.stringify(s));
    if (!back.ok) throw new Error(back.error);
    expect(back.sweep.items[0]!.status).toBe('interrupted');
    expect(back.sweep.halted).toBe(true);
    s = continueSweep(back.sweep);
    expect(nextStep(s)).toEqual({ kind: 'resume', index: 0, runId: 'a' });
  });

  it('refuses a stored queue that is not JSON, malformed, or of a preset that no longer exists', () => {
    expect(parseStoredSweep('{')).toMatchObject({ ok: false, error: expect.stringMatching(/not JSON/) });
    expect(parseStoredSweep(JSON.stringify({ presetId: 'scarce_data' }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/malformed/),
    });
    const s = newSweep(scarce, [1]);
    expect(parseStoredSweep(JSON.stringify({ ...s, items: [{ ...s.items[0], status: 'bogus' }] }))).toMatchObject({
      ok: false,
    });
    expect(parseStoredSweep(JSON.stringify({ ...s, presetId: 'gone' }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no longer exists/),
    });
  });
});
