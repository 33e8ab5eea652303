// CompareState against a fake IndexedDB (the page's own connection, pageDb): what open() reads, and how
// the comparison follows a run that is still training (rows streamed by the trainer, fed to append).
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG } from '../../src/experiment/run-config';
import { putRun } from '../../src/store/runs';
import { putMetrics } from '../../src/store/step-rows';
import type { MetricRow, RunRecord } from '../../src/store/types';
import { chooseMetrics, CompareState } from '../../src/ui/compare/compare.svelte';
import { pageDb } from '../../src/ui/shared/page-db';

const record = (id: string, status: RunRecord['status']): RunRecord => ({
  id,
  name: `run ${id}`,
  config: { ...DEFAULT_RUN_CONFIG, seed: id.charCodeAt(0) },
  status,
  createdAt: 1,
  updatedAt: 1,
  step: 20,
  totalSteps: 300,
  stage: 'sft',
});
const row = (runId: string, step: number, values: Record<string, number>): MetricRow => ({
  runId,
  step,
  stage: 'sft',
  time: step,
  values,
});
const stepsOf = (c: CompareState, id: string) => c.runs.find((r) => r.id === id)?.rows.map((r) => r.step);

beforeAll(async () => {
  const db = await pageDb();
  for (const [id, status] of [
    ['live', 'running'],
    ['done', 'completed'],
    ['other', 'running'],
  ] as const) {
    await putRun(db, record(id, status));
    await putMetrics(db, [row(id, 10, { loss: 2 }), row(id, 20, { loss: 1 })]);
  }
});

describe('CompareState', () => {
  it('reads the ticked runs and their stored rows when it opens', async () => {
    const c = new CompareState();
    await c.open(['live', 'done']);
    expect(c.runs.map((r) => r.id)).toEqual(['live', 'done']);
    expect(stepsOf(c, 'live')).toEqual([10, 20]);
    expect(c.available).toEqual(['loss']);
  });

  it('follows a compared run that trains: a streamed row joins its curve and new keys join the picker; other runs stay as read', async () => {
    const c = new CompareState();
    await c.open(['live', 'done']);
    const done = c.runs[1];
    const before = c.runs;
    c.append(row('live', 30, { loss: 0.5, reward: 0.25 }));
    expect(c.runs).not.toBe(before); // replaced, not mutated: the views recompute
    expect(stepsOf(c, 'live')).toEqual([10, 20, 30]);
    expect(c.runs[0]!.rows.at(-1)!.values).toEqual({ loss: 0.5, reward: 0.25 });
    expect(c.available).toEqual(['loss', 'reward']);
    expect(c.runs[1]).toBe(done); // the finished run is untouched
    c.append(row('live', 30, { loss: 0.4 })); // a later copy of a step replaces it, as in the live view
    expect(stepsOf(c, 'live')).toEqual([10, 20, 30]);
    expect(c.runs[0]!.rows.at(-1)!.values).toEqual({ loss: 0.4 });
  });

  it('ignores rows of runs it does not compare', async () => {
    const c = new CompareState();
    await c.open(['live']);
    const before = c.runs;
    c.append(row('other', 30, { loss: 0.5, reward: 1 }));
    expect(c.runs).toBe(before);
    expect(c.available).toEqual(['loss']);
  });

  it('keeps the rows streamed while it reads, and merges them in when the read lands', async () => {
    const c = new CompareState();
    const opening = c.open(['live']);
    expect(c.loading).toBe(true);
    c.append(row('live', 40, { loss: 0.3 }));
    c.append(row('other', 40, { loss: 0.3 }));
    await opening;
    expect(stepsOf(c, 'live')).toEqual([10, 20, 40]);
    expect(c.runs.map((r) => r.id)).toEqual(['live']);
  });
});

describe('chooseMetrics', () => {
  it('starts on the reward and held-out pass@1, with greedy held-out accuracy where runs have no pass@1', () => {
    expect(
      chooseMetrics(['clip_ratio/high_mean', 'eval_heldout/accuracy', 'eval_heldout/pass@1', 'loss', 'reward']),
    ).toEqual(['reward', 'eval_heldout/pass@1']);
    expect(chooseMetrics(['clip_ratio/high_mean', 'eval_heldout/accuracy', 'loss', 'reward'])).toEqual([
      'reward',
      'eval_heldout/accuracy',
    ]);
    expect(chooseMetrics(['eval_heldout/accuracy', 'loss'])).toEqual(['eval_heldout/accuracy']); // SFT only
  });

  it("keeps the user's metrics while the runs have any, and otherwise picks in reading order, not alphabetically", () => {
    expect(chooseMetrics(['loss', 'reward'], ['loss', 'kl'])).toEqual(['loss', 'kl']);
    expect(chooseMetrics(['clip_ratio/high_mean', 'entropy', 'zzz'], ['loss'])).toEqual(['entropy']);
  });
});
