// The quota guard around a run's storage hooks: on a full disk the run keeps going, old checkpoints are
// freed, the user is told once, and metric rows that could not be written are written first, in
// order, as soon as there is room. Other errors still fail the run.
import { describe, expect, it } from 'vitest';
import { guardQuota } from '../../src/worker/storage-guard';
import type { RunHooks } from '../../src/train/run';
import type { MetricRow } from '../../src/store/types';

const quota = () => new DOMException('full', 'QuotaExceededError');
const row = (step: number): MetricRow => ({ runId: 'r', step, stage: 'sft', time: step, values: { loss: 1 } });

function fakeHooks(full: () => boolean) {
  const written: number[] = [];
  const hooks: RunHooks = {
    async metrics(r) {
      if (full()) throw quota();
      written.push(r.step);
    },
    async samples() {
      if (full()) throw quota();
    },
    async checkpoint() {},
    async status() {
      if (full()) throw quota();
    },
  };
  return { hooks, written };
}

describe('guardQuota', () => {
  it('keeps training on a full disk, tells the user once, and writes held-back rows first when room returns', async () => {
    let diskFull = true;
    const { hooks, written } = fakeHooks(() => diskFull);
    const warnings: string[] = [];
    const shown: number[] = [];
    let frees = 0;
    const g = guardQuota(hooks, {
      free: async () => (frees++, 0),
      warn: (m) => warnings.push(m),
      unsaved: (r) => shown.push(r.step),
    });
    await g.metrics(row(1));
    await g.metrics(row(2));
    await g.samples({ runId: 'r', step: 2, items: [] });
    await g.status('running', 2);
    expect(written).toEqual([]);
    expect(shown).toEqual([1, 2]); // the page still sees them
    expect(frees).toBe(4); // one attempt to make room per failed write
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Storage is full.*nothing already saved is lost/);
    diskFull = false;
    await g.metrics(row(3));
    expect(written).toEqual([1, 2, 3]);
  });

  it('says how many checkpoints were freed when freeing made room', async () => {
    let attempts = 0;
    const { hooks, written } = fakeHooks(() => attempts++ === 0);
    const warnings: string[] = [];
    const g = guardQuota(hooks, { free: async () => 3, warn: (m) => warnings.push(m), unsaved: () => undefined });
    await g.metrics(row(1));
    expect(written).toEqual([1]);
    expect(warnings).toEqual([expect.stringMatching(/3 older checkpoints were deleted/)]);
  });

  it('lets other errors through (the run fails with its reason)', async () => {
    const hooks: RunHooks = {
      metrics: async () => Promise.reject(new Error('disk on fire')),
      samples: async () => {},
      checkpoint: async () => {},
      status: async () => {},
    };
    const g = guardQuota(hooks, { free: async () => 0, warn: () => undefined, unsaved: () => undefined });
    await expect(g.metrics(row(1))).rejects.toThrow('disk on fire');
  });
});
