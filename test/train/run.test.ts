// The run loop end to end on the CPU backend with a tiny model: cadence of logs, evaluations and
// checkpoints, determinism, exact resume from a checkpoint, pause/step/stop, NaN handling, no leaks.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../../src/model/tf';
import { NonFiniteLoss, RunController, type RunHooks } from '../../src/train/run';
import type { RunProgress } from '../../src/analysis/eta';
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../../src/experiment/run-config';
import type { CheckpointRow, MetricRow, RolloutRow, RunStatus, SampleRow } from '../../src/store/types';

const sftModule = vi.hoisted(() => ({ nanFrom: Infinity, calls: 0 }));
vi.mock('../../src/train/sft', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/train/sft')>();
  return {
    ...real,
    sftStep: (...args: Parameters<typeof real.sftStep>) => {
      const out = real.sftStep(...args);
      if (++sftModule.calls >= sftModule.nanFrom) {
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
  sft: {
    ...DEFAULT_RUN_CONFIG.sft,
    steps: 12,
    batchSize: 4,
    logEvery: 4,
    evalEvery: 6,
    evalSize: 2,
    maxNewTokens: 6,
    checkpointEvery: 6,
    warmupSteps: 2,
  },
  rl: { ...DEFAULT_RUN_CONFIG.rl, steps: 0 },
});

/** All three stages, tiny: CPT 2 steps, SFT 4, RL 3 (2 prompts x 2 completions). */
const STAGED: RunConfig = validateRunConfig({
  ...TINY,
  cpt: { ...TINY.cpt, steps: 2, batchSize: 2, logEvery: 1 },
  sft: { ...TINY.sft, steps: 4, logEvery: 2, evalEvery: 2, checkpointEvery: 2 },
  rl: {
    ...TINY.rl,
    steps: 3,
    promptsPerStep: 2,
    numGenerations: 2,
    maxCompletionLength: 8,
    logEvery: 1,
    evalEvery: 3,
    evalSize: 2,
    passK: 2,
    rolloutsKept: 1,
    checkpointEvery: 1,
    lr: 1e-3,
    warmupSteps: 0,
  },
});

function recorder() {
  const log = {
    metrics: [] as MetricRow[],
    samples: [] as SampleRow[],
    checkpoints: [] as CheckpointRow[],
    rollouts: [] as RolloutRow[],
    statuses: [] as [RunStatus, number][],
  };
  const hooks: RunHooks = {
    // rows are upserted by step, as the store does: a later write of a step replaces the earlier one
    metrics: async (row) => void (log.metrics = [...log.metrics.filter((m) => m.step !== row.step), row]),
    rollouts: async (row) => void log.rollouts.push(row),
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
    for (const key of ['loss', 'mean_token_accuracy', 'grad_norm', 'learning_rate', 'num_tokens', 'step_time'])
      expect(Number.isFinite(row[key])).toBe(true);
    expect(log.checkpoints.map((c) => c.step)).toEqual([6, 12]);
    expect(log.samples.map((s) => s.step)).toEqual([0, 6, 12]);
    expect(log.statuses.at(-1)).toEqual(['completed', 12]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('logs every step when logEvery is 1 (a single step per read)', async () => {
    const { log, hooks } = recorder();
    await new RunController(
      'one',
      { ...TINY, sft: { ...TINY.sft, steps: 3, logEvery: 1, evalEvery: 100 } },
      hooks,
    ).run();
    expect(log.metrics.map((m) => m.step)).toEqual([0, 1, 2, 3]);
    expect(log.metrics.slice(1).every((m) => Number.isFinite(m.values.loss))).toBe(true);
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
    const interrupted = new RunController('part', TINY, {
      ...first.hooks,
      checkpoint: async (row) => {
        first.log.checkpoints.push(row);
        interrupted.stop();
      },
    });
    expect(await interrupted.run()).toBe('stopped');
    const ckpt = first.log.checkpoints[0]!;
    expect(ckpt.step).toBe(6);
    const second = recorder();
    await new RunController('part', TINY, second.hooks).run(ckpt);
    const tail = (rows: MetricRow[]) =>
      rows.filter((m) => m.step > 6).map((m) => ({ step: m.step, ...m.values, step_time: 0 }));
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
    const err = await new RunController('nan', TINY, hooks).run().catch((e: unknown) => e);
    sftModule.nanFrom = Infinity;
    expect(err).toBeInstanceOf(NonFiniteLoss);
    expect(err).toMatchObject({ step: 4, checkpoint: null });
    expect((err as Error).message).toMatch(
      /loss became NaN at step 4; the run is paused and there is no checkpoint yet/,
    );
    expect(log.metrics.map((m) => m.step)).toEqual([0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the last good checkpoint when the loss becomes NaN after one, and the poisoned step is never written', async () => {
    sftModule.nanFrom = sftModule.calls + 9; // this run's SFT steps 9..12 give NaN: the log at step 12 is the first to see it
    const { log, hooks } = recorder();
    const err = await new RunController('nan2', TINY, hooks).run().catch((e: unknown) => e);
    sftModule.nanFrom = Infinity;
    expect(err).toMatchObject({ step: 12, checkpoint: 6 });
    expect((err as Error).message).toMatch(/Resume continues from the last good checkpoint, at step 6/);
    expect(log.checkpoints.map((c) => c.step)).toEqual([6]);
    expect(log.metrics.every((m) => Object.values(m.values).every(Number.isFinite))).toBe(true);
  });
  it('never saves a checkpoint whose loss it has not read: a NaN at a checkpoint step between logs stops the run first', async () => {
    // Checkpoints every 2 steps, logs and evaluations at 4, 6, 8, 12: step 2 is a checkpoint step and nothing else.
    const config = validateRunConfig({ ...TINY, sft: { ...TINY.sft, checkpointEvery: 2 } });
    sftModule.nanFrom = sftModule.calls + 1; // every SFT step of this run gives NaN
    const { log, hooks } = recorder();
    const err = await new RunController('nan3', config, hooks).run().catch((e: unknown) => e);
    sftModule.nanFrom = Infinity;
    expect(err).toMatchObject({ step: 2, checkpoint: null });
    expect(log.checkpoints).toEqual([]);
    expect(log.metrics.every((m) => Object.values(m.values).every(Number.isFinite))).toBe(true);
  });
});

describe('RunController stages on the CPU backend', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('runs CPT, SFT and RL on one step counter; RL opens with the evaluation at the SFT boundary', async () => {
    const before = tf.memory().numTensors;
    const { log, hooks } = recorder();
    expect(await new RunController('s', STAGED, hooks).run()).toBe('completed');
    const rows = log.metrics.sort((a, b) => a.step - b.step);
    expect(rows.map((m) => [m.step, m.stage])).toEqual([
      [1, 'cpt'],
      [2, 'cpt'],
      [4, 'sft'],
      [6, 'sft'],
      [7, 'rl'],
      [8, 'rl'],
      [9, 'rl'],
    ]);
    const at = (step: number) => rows.find((m) => m.step === step)!.values;
    expect(at(2)).toHaveProperty('eval_heldout/accuracy'); // SFT's opening evaluation, merged with CPT's last log
    expect(at(2)).toHaveProperty('loss');
    expect(at(6)).toHaveProperty('eval_faith/entailed'); // the RL evaluation replaces SFT's final one: pre-RL faithfulness
    expect(at(6)).toHaveProperty('mean_token_accuracy'); // and SFT's last training values stay in the same row
    for (const key of [
      'reward',
      'reward_std',
      'frac_reward_zero_std',
      'train/acc_true',
      'completions/mean_length',
      'clip_ratio/region_mean',
      'entropy',
    ])
      expect(at(7)).toHaveProperty(key);
    expect(at(9)).toHaveProperty('eval_heldout/pass@k');
    expect(log.rollouts.map((r) => r.step)).toEqual([9]); // RL's opening evaluation has no rollouts yet
    expect(log.checkpoints.map((c) => [c.step, c.stage])).toEqual([
      [2, 'cpt'],
      [4, 'sft'],
      [6, 'sft'],
      [7, 'rl'],
      [8, 'rl'],
      [9, 'rl'],
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports its stage, step and measured time left before each evaluation and after each step', async () => {
    const { hooks } = recorder();
    const seen: RunProgress[] = [];
    await new RunController('p', STAGED, { ...hooks, progress: (p) => void seen.push(p) }).run();
    expect(seen.map((p) => `${p.stage} ${p.activity} ${p.step}`)).toEqual([
      'cpt training 1',
      'cpt training 2',
      'sft evaluating 2',
      'sft training 3',
      'sft evaluating 4',
      'sft training 4',
      'sft training 5',
      'sft evaluating 6',
      'sft training 6',
      'rl evaluating 6',
      'rl training 7',
      'rl training 8',
      'rl evaluating 9',
      'rl training 9',
    ]);
    expect(seen.every((p) => p.total === 9)).toBe(true);
    expect(seen.map((p) => p.untimed.join(', '))).toEqual([
      'SFT steps, SFT evaluations, RL steps, RL evaluations',
      'SFT steps, SFT evaluations, RL steps, RL evaluations',
      'SFT steps, SFT evaluations, RL steps, RL evaluations',
      'RL steps, RL evaluations',
      'RL steps, RL evaluations',
      'RL steps, RL evaluations',
      'RL steps, RL evaluations',
      'RL steps, RL evaluations',
      'RL steps, RL evaluations',
      'RL steps, RL evaluations',
      '',
      '',
      '',
      '',
    ]);
    const cpt = seen[0]!;
    expect(cpt.secondsLeft).toBeCloseTo(cpt.rates.cpt!.step!, 9); // one CPT step left, at the one measured
    expect(seen.at(-1)!.secondsLeft).toBe(0);
    expect(seen.find((p) => p.step === 7)!.secondsLeft).toBeCloseTo(
      2 * seen.at(-1)!.rates.rl!.step! + seen.at(-1)!.rates.rl!.evaluation!,
      0,
    ); // rates settle as steps are added
  });

  it('resumed inside RL from a checkpoint, continues with metrics identical to a run that never stopped', async () => {
    const full = recorder();
    await new RunController('full', STAGED, full.hooks).run();
    const first = recorder();
    const c = new RunController('part', STAGED, {
      ...first.hooks,
      checkpoint: async (row) => {
        first.log.checkpoints.push(row);
        if (row.step === 7) c.stop();
      },
    });
    expect(await c.run()).toBe('stopped');
    const second = recorder();
    await new RunController('part', STAGED, second.hooks).run(first.log.checkpoints.at(-1)!);
    const tail = (rows: MetricRow[]) =>
      rows
        .filter((m) => m.step > 7)
        .sort((a, b) => a.step - b.step)
        .map((m) => ({ step: m.step, ...m.values, step_time: 0 }));
    expect(tail(second.log.metrics)).toEqual(tail(full.log.metrics));
  });
});
