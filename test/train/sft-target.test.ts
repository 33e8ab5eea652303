// SFT run to a target: the stage ends at the first evaluation meeting sft.targetAccuracy (and
// sft.targetFaithfulness when set), the step counter jumps to SFT's planned end so RL starts where the
// plan puts it, and a resume from the checkpoint written there goes straight on to RL. The greedy
// evaluation's scores are scripted (a tiny model reaches no accuracy in a few steps); training is real.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { tf } from '../../src/model/tf';
import { RunController, type RunHooks } from '../../src/train/run';
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../../src/experiment/run-config';
import type { CheckpointRow, MetricRow } from '../../src/store/types';

/** Held-out accuracy and faithfulness of the k-th SFT evaluation (0-based); other splits score 0. */
const script = vi.hoisted(() => ({ accuracy: [] as number[], faithful: [] as number[], calls: 0 }));
vi.mock('../../src/train/evaluate', () => ({
  evaluateSplit: async (_p: unknown, _c: unknown, _t: unknown, _e: unknown, split: string) => {
    if (split !== 'heldout') return { accuracy: 0, faithful: 0, meanLength: 0, samples: [] };
    const k = script.calls++;
    return { accuracy: script.accuracy[k] ?? 0, faithful: script.faithful[k] ?? 0, meanLength: 0, samples: [] };
  },
}));

/** CPT 2 steps, SFT 8 (evaluations at SFT steps 0, 2, 4, 6, 8: global 2 to 10), RL 2 (opening with its own evaluation at 10). */
function staged(sft: { targetAccuracy?: number; targetFaithfulness?: number }): RunConfig {
  return validateRunConfig({
    ...DEFAULT_RUN_CONFIG,
    model: { layers: 1, dModel: 32, heads: 2, context: 96, vocabSize: DEFAULT_RUN_CONFIG.model.vocabSize },
    data: { ...DEFAULT_RUN_CONFIG.data, heldoutSize: 4, oodSize: 4 },
    cpt: { ...DEFAULT_RUN_CONFIG.cpt, steps: 2, batchSize: 2, logEvery: 1 },
    sft: {
      ...DEFAULT_RUN_CONFIG.sft,
      steps: 8,
      batchSize: 2,
      logEvery: 2,
      evalEvery: 2,
      evalSize: 2,
      maxNewTokens: 6,
      checkpointEvery: 4,
      warmupSteps: 0,
      ...sft,
    },
    rl: {
      ...DEFAULT_RUN_CONFIG.rl,
      steps: 2,
      promptsPerStep: 2,
      numGenerations: 2,
      maxCompletionLength: 8,
      logEvery: 1,
      evalEvery: 2,
      evalSize: 2,
      passK: 2,
      rolloutsKept: 1,
      checkpointEvery: 1,
      lr: 1e-3,
      warmupSteps: 0,
    },
  });
}

function recorder() {
  const log = { metrics: [] as MetricRow[], checkpoints: [] as CheckpointRow[] };
  const hooks: RunHooks = {
    metrics: async (row) =>
      void (log.metrics = [...log.metrics.filter((m) => m.step !== row.step), row].sort((a, b) => a.step - b.step)),
    samples: async () => {},
    rollouts: async () => {},
    checkpoint: async (row) => void log.checkpoints.push(row),
    status: async () => {},
  };
  return { log, hooks };
}

const stepsOf = (rows: MetricRow[], stage: string) => rows.filter((m) => m.stage === stage).map((m) => m.step);
const reachedAt = (rows: MetricRow[]) =>
  rows.filter((m) => 'sft/target_reached' in m.values).map((m) => [m.step, m.values['sft/target_reached']]);

describe('SFT to a target, on the CPU backend', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  beforeEach(() => {
    Object.assign(script, { accuracy: [0, 0.25, 0.5, 0.75, 0.75], faithful: [0, 0, 0.5, 1, 1], calls: 0 });
  });

  it('ends SFT at the first evaluation that accurate; RL still starts at cpt.steps + sft.steps', async () => {
    const { log, hooks } = recorder();
    const c = new RunController('t', staged({ targetAccuracy: 0.5 }), hooks);
    expect(await c.run()).toBe('completed');
    expect(stepsOf(log.metrics, 'sft')).toEqual([4, 6]); // CPT's last row (2) carries SFT's opening evaluation
    expect(stepsOf(log.metrics, 'rl')).toEqual([10, 11, 12]);
    expect(reachedAt(log.metrics)).toEqual([[6, 1]]); // the third evaluation (SFT step 4, global 6)
    expect(log.metrics.find((m) => m.step === 6)!.values['eval_heldout/accuracy']).toBe(0.5);
    // SFT's final checkpoint (its weights at step 6) is written at its planned end, in place of the periodic one at 6
    expect(log.checkpoints.map((k) => [k.step, k.stage, k.state.step])).toEqual([
      [2, 'cpt', 2],
      [10, 'sft', 10],
      [11, 'rl', 11],
      [12, 'rl', 12],
    ]);
    expect(script.calls).toBe(3);
    expect(c.step).toBe(12);
  });

  it('with both targets, ends SFT only where both hold at the same evaluation', async () => {
    const { log, hooks } = recorder();
    await new RunController('t2', staged({ targetAccuracy: 0.5, targetFaithfulness: 1 }), hooks).run();
    expect(stepsOf(log.metrics, 'sft')).toEqual([4, 6, 8]);
    expect(reachedAt(log.metrics)).toEqual([[8, 1]]); // accuracy 0.5 held at step 6, faithfulness 1 only at 8
    expect(stepsOf(log.metrics, 'rl')).toEqual([10, 11, 12]);
    expect(log.checkpoints.filter((k) => k.stage === 'sft').map((k) => k.step)).toEqual([6, 10]);
  });

  it('runs every SFT step when the target is never reached, and logs no target_reached', async () => {
    const { log, hooks } = recorder();
    await new RunController('t3', staged({ targetAccuracy: 0.9, targetFaithfulness: 0.5 }), hooks).run();
    expect(stepsOf(log.metrics, 'sft')).toEqual([4, 6, 8, 10]); // SFT's last log at 10 carries RL's opening evaluation
    expect(stepsOf(log.metrics, 'rl')).toEqual([11, 12]);
    expect(log.metrics.find((m) => m.step === 10)!.values).toHaveProperty('eval_heldout/pass@k');
    expect(reachedAt(log.metrics)).toEqual([]);
    expect(script.calls).toBe(5);
  });

  it("met at SFT's opening evaluation, trains no SFT step: the weights go to RL as CPT left them", async () => {
    script.accuracy = [0.5];
    const { log, hooks } = recorder();
    await new RunController('t0', staged({ targetAccuracy: 0.5 }), hooks).run();
    expect(log.metrics.map((m) => [m.step, m.stage])).toEqual([
      [1, 'cpt'],
      [2, 'cpt'],
      [10, 'rl'],
      [11, 'rl'],
      [12, 'rl'],
    ]);
    expect(reachedAt(log.metrics)).toEqual([[2, 1]]);
    expect(log.checkpoints.map((k) => [k.step, k.stage])).toEqual([
      [2, 'cpt'],
      [10, 'sft'],
      [11, 'rl'],
      [12, 'rl'],
    ]);
    expect(log.checkpoints[1]!.state.adamStep).toBe(0);
  });

  it('logs the greedy faithfulness with every SFT evaluation', async () => {
    const { log, hooks } = recorder();
    await new RunController('t4', staged({ targetAccuracy: 0.5 }), hooks).run();
    expect(
      log.metrics
        .filter((m) => 'eval_faith/entailed_greedy' in m.values)
        .map((m) => [m.step, m.values['eval_faith/entailed_greedy']]),
    ).toEqual([
      [2, 0],
      [4, 0],
      [6, 0.5],
    ]);
  });

  it('resumed from the checkpoint written at the target, does not redo SFT and continues as the run that never stopped', async () => {
    const full = recorder();
    await new RunController('full', staged({ targetAccuracy: 0.5 }), full.hooks).run();
    script.calls = 0;
    const first = recorder();
    const c = new RunController('part', staged({ targetAccuracy: 0.5 }), {
      ...first.hooks,
      checkpoint: async (row) => {
        first.log.checkpoints.push(row);
        if (row.step === 10) c.stop();
      },
    });
    expect(await c.run()).toBe('stopped');
    expect(reachedAt(first.log.metrics)).toEqual([[6, 1]]);
    const at = first.log.checkpoints.at(-1)!;
    expect([at.step, at.stage]).toEqual([10, 'sft']);
    script.calls = 0;
    const second = recorder();
    await new RunController('part', staged({ targetAccuracy: 0.5 }), second.hooks).run(at);
    expect(script.calls).toBe(0); // no SFT evaluation, so no SFT
    expect(second.log.metrics.map((m) => [m.step, m.stage])).toEqual([
      [10, 'rl'],
      [11, 'rl'],
      [12, 'rl'],
    ]);
    const tail = (rows: MetricRow[]) =>
      rows.filter((m) => m.step > 10).map((m) => ({ step: m.step, ...m.values, step_time: 0 }));
    expect(tail(second.log.metrics)).toEqual(tail(full.log.metrics));
  });
});
