// The run loop end to end on the CPU backend with a tiny model: cadence of logs, evaluations and
// checkpoints, determinism, exact resume from a checkpoint, pause/step/stop, NaN handling, no leaks.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../../src/model/tf';
import { RunController, type RunHooks } from '../../src/train/run';
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../../src/experiment/config';
import type { CheckpointRow, MetricRow, RunStatus, SampleRow } from '../../src/store/types';

const sftModule = vi.hoisted(() => ({ nanFrom: Infinity }));
vi.mock('../../src/train/sft', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/train/sft')>();
  let calls = 0;
  return {
    ...real,
    sftStep: (...args: Parameters<typeof real.sftStep>) => {
      const out = real.sftStep(...args);
      if (++calls >= sftModule.nanFrom) {
        out.loss.dispose();
        out.loss = tf.scalar(NaN);
      }
      return out;
    },
  };
});

const TINY: RunConfig = validateRunConfig({
  ...DEFAULT_RUN_CONFIG,
  model: { layers: 1, dModel: 32, heads: 2, context: 96, vocabSize: DEFAULT_RUN_CONFIG.model.vocabSize },
  data: { ...DEFAULT_RUN_CONFIG.data, heldoutSize: 4, oodSize: 4 },
  sft: { ...DEFAULT_RUN_CONFIG.sft, steps: 12, batchSize: 4, logEvery: 4, evalEvery: 6, evalSize: 2, maxNewTokens: 6, checkpointEvery: 6, warmupSteps: 2 },
});

function recorder() {
  const log = { metrics: [] as MetricRow[], samples: [] as SampleRow[], checkpoints: [] as CheckpointRow[], statuses: [] as [RunStatus, number][] };
  const hooks: RunHooks = {
    metrics: async (row) => void log.metrics.push(row),
    samples: async (row) => void log.samples.push(row),
    checkpoint: async (row) => void log.checkpoints.push(row),
    status: async (status, step) => void log.statuses.push([status, step]),
  };
  return { log, hooks };
}

describe('RunController on the CPU backend', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('logs every logEvery steps, evaluates every evalEvery steps, checkpoints, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const { log, hooks } = recorder();
    const status = await new RunController('r1', TINY, hooks).run();
    expect(status).toBe('completed');
    expect(log.metrics.map((m) => m.step)).toEqual([0, 4, 6, 8, 12]);
    const evals = log.metrics.filter((m) => 'eval_heldout/accuracy' in m.values).map((m) => m.step);
    expect(evals).toEqual([0, 6, 12]);
    const row = log.metrics.find((m) => m.step === 4)!.values;
    for (const key of ['loss', 'mean_token_accuracy', 'grad_norm', 'learning_rate', 'num_tokens', 'step_time']) expect(Number.isFinite(row[key])).toBe(true);
    expect(log.checkpoints.map((c) => c.step)).toEqual([6, 12]);
    expect(log.samples.map((s) => s.step)).toEqual([0, 6, 12]);
    expect(log.statuses.at(-1)).toEqual(['completed', 12]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reproduces the same metrics from the same config and seed, and different ones from another seed', async () => {
    const a = recorder();
    const b = recorder();
    const c = recorder();
    await new RunController('a', TINY, a.hooks).run();
    await new RunController('b', TINY, b.hooks).run();
    await new RunController('c', { ...TINY, seed: 2 }, c.hooks).run();
    const losses = (r: typeof a) => r.log.metrics.filter((m) => m.step > 0).map((m) => m.values.loss);
    expect(losses(b)).toEqual(losses(a));
    expect(losses(c)).not.toEqual(losses(a));
  });

  it('resumed from a checkpoint, continues with metrics identical to a run that never stopped', async () => {
    const full = recorder();
    await new RunController('full', TINY, full.hooks).run();
    const first = recorder();
    const interrupted = new RunController('part', TINY, { ...first.hooks, checkpoint: async (row) => { first.log.checkpoints.push(row); interrupted.stop(); } });
    expect(await interrupted.run()).toBe('stopped');
    const ckpt = first.log.checkpoints[0]!;
    expect(ckpt.step).toBe(6);
    const second = recorder();
    await new RunController('part', TINY, second.hooks).run(ckpt);
    const tail = (rows: MetricRow[]) => rows.filter((m) => m.step > 6).map((m) => ({ step: m.step, ...m.values, step_time: 0 }));
    expect(tail(second.log.metrics)).toEqual(tail(full.log.metrics));
  });

  it('pauses between steps, takes exactly one step on request, resumes and stops', async () => {
    const { log, hooks } = recorder();
    const c = new RunController('p', { ...TINY, sft: { ...TINY.sft, steps: 40 } }, hooks);
    const done = c.run();
    c.pause();
    await vi.waitFor(() => expect(log.statuses.at(-1)?.[0]).toBe('paused'));
    const at = c.step;
    await new Promise((r) => setTimeout(r, 50));
    expect(c.step).toBe(at);
    c.stepN(1);
    await vi.waitFor(() => expect(c.step).toBe(at + 1));
    await vi.waitFor(() => expect(log.statuses.at(-1)).toEqual(['paused', at + 1]));
    c.resume();
    await vi.waitFor(() => expect(c.step).toBeGreaterThan(at + 2));
    c.stop();
    expect(await done).toBe('stopped');
    expect(c.step).toBeLessThan(40);
  });

  it('refuses to go on when the loss becomes NaN, naming the step, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    sftModule.nanFrom = 0;
    const { log, hooks } = recorder();
    await expect(new RunController('nan', TINY, hooks).run()).rejects.toThrow(/loss became NaN at step 4/);
    sftModule.nanFrom = Infinity;
    expect(log.metrics.map((m) => m.step)).toEqual([0]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
