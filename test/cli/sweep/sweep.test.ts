// The headless runner end to end on the CPU backend: a real preset (scarce_data), shrunk to a few
// steps by a config patch, runs to completion; rerunning is a no-op; a run stopped part-way resumes
// from its checkpoint and ends with the metrics of a run that never stopped; a run another preset
// already made with the same config is copied; the export file imports.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../src/model/backend';
import { unpackArchive } from '../../../src/store/archive';
import { paramShapes } from '../../../src/model/model-config';
import type { BackendReport, MetricRow } from '../../../src/store/types';
import { describeMachine } from '../../../src/cli/shared/machine';
import { RunDir } from '../../../src/cli/shared/run-dir';
import { runSweep, type SweepOptions } from '../../../src/cli/sweep/sweep';
import type { ProgressSink } from '../../../src/cli/sweep/progress';

// A 1-layer width-32 model, 2 SFT + 4 RL steps on 4-prompt evaluations: seconds on the CPU backend,
// every stage and hook exercised.
const TINY = {
  model: { layers: 1, dModel: 32, heads: 2 },
  data: { heldoutSize: 4, oodSize: 4 },
  sft: { steps: 2, batchSize: 4, evalEvery: 2, evalSize: 4, maxNewTokens: 16, warmupSteps: 1, checkpointEvery: 1 },
  rl: {
    steps: 4,
    promptsPerStep: 2,
    numGenerations: 2,
    maxCompletionLength: 16,
    evalEvery: 2,
    evalSize: 4,
    passK: 2,
    warmupSteps: 0,
    checkpointEvery: 1,
  },
};

let out: string;
let backend: BackendReport;
const quiet: ProgressSink = { update: () => undefined, note: () => undefined };
const options = (over: Partial<SweepOptions> = {}): SweepOptions => ({
  presetId: 'scarce_data',
  seeds: 1,
  arms: ['n8'],
  out,
  adjust: { stepsScale: 1, patch: TINY },
  backend,
  machine: describeMachine(),
  progress: quiet,
  ...over,
});
const evals = (rows: MetricRow[]) =>
  rows.map((r) => [r.step, r.values['eval_heldout/accuracy'] ?? null, r.values.loss ?? null]);

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'rlvr-lab-sweep-'));
  backend = await chooseBackend('cpu');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('runSweep', () => {
  it('runs a shrunk preset to completion and writes config, status, metrics, samples, rollouts and a checkpoint', async () => {
    const r = await runSweep(options());
    expect(r.runs.map((x) => [x.status, x.action, x.step])).toEqual([['completed', 'started', 6]]);
    const dir = new RunDir(join(out, 'scarce_data', 'n8-seed1'));
    const info = dir.readInfo()!;
    expect([
      info.presetId,
      info.armId,
      info.seed,
      info.config.data.trainSize,
      info.config.rl.steps,
      info.backend.name,
    ]).toEqual(['scarce_data', 'n8', 1, 8, 4, 'cpu']);
    expect(info.adjusted).toEqual({ stepsScale: 1, checkpointEvery: null, patch: TINY }); // a patch makes a smoke run and is recorded
    expect(dir.readState()).toMatchObject({ status: 'completed', step: 6, totalSteps: 6 });
    // SFT evaluates at 0 and 2; RL opens with an evaluation at 2 (merged into that row), then 4 and 6.
    const rows = dir.metrics();
    expect(rows.filter((m) => 'eval_heldout/accuracy' in m.values).map((m) => m.step)).toEqual([0, 2, 4, 6]);
    expect(rows.find((m) => m.step === 2)!.values).toHaveProperty('eval_faith/entailed'); // the pre-RL evaluation
    expect(rows.find((m) => m.step === 2)!.values).toHaveProperty('mean_token_accuracy'); // SFT's last log, same step
    expect(dir.samples().map((s) => s.step)).toEqual([0, 2, 4, 6]);
    expect(dir.rollouts().map((s) => s.step)).toEqual([4, 6]);
    expect(dir.readCheckpoint(info.id)!.step).toBe(6);
    const sweep = JSON.parse(readFileSync(join(out, 'scarce_data', 'sweep.json'), 'utf8'));
    expect(sweep.runs.map((x: { dir: string; status: string }) => [x.dir, x.status])).toEqual([
      ['n8-seed1', 'completed'],
    ]);
  });

  it('skips a completed run when the same command runs again', async () => {
    const file = join(out, 'scarce_data', 'n8-seed1', 'metrics.jsonl');
    const before = [statSync(file).mtimeMs, readFileSync(file, 'utf8')];
    const r = await runSweep(options());
    expect(r.runs.map((x) => [x.status, x.action])).toEqual([['completed', 'skipped']]);
    expect([statSync(file).mtimeMs, readFileSync(file, 'utf8')]).toEqual(before);
  });

  it('refuses to mix settings in one directory', async () => {
    await expect(
      runSweep(options({ adjust: { stepsScale: 1, patch: { ...TINY, rl: { ...TINY.rl, steps: 3 } } } })),
    ).rejects.toThrow(/other settings/);
  });

  it('resumes a stopped run from its checkpoint and ends with the metrics of an uninterrupted run', async () => {
    const abort = new AbortController();
    const stopAt4: ProgressSink = { update: (p) => p.progress.step >= 4 && abort.abort(), note: () => undefined };
    const first = await runSweep(options({ arms: ['n512'], signal: abort.signal, progress: stopAt4 }));
    expect(first.runs[0]!.status).toBe('stopped');
    const dir = new RunDir(join(out, 'scarce_data', 'n512-seed1'));
    const saved = dir.readCheckpoint(dir.readInfo()!.id)!.step;
    expect(saved).toBeGreaterThanOrEqual(4);
    expect(saved).toBeLessThan(6);
    const second = await runSweep(options({ arms: ['n512'] }));
    expect(second.runs.map((x) => [x.status, x.action, x.fromStep])).toEqual([['completed', 'resumed', saved]]);
    expect(dir.readState()!.sessions.map((s) => s.fromStep)).toEqual([0, saved]);

    const fresh = mkdtempSync(join(tmpdir(), 'rlvr-lab-fresh-'));
    try {
      await runSweep(options({ arms: ['n512'], out: fresh }));
      expect(evals(dir.metrics())).toEqual(evals(new RunDir(join(fresh, 'scarce_data', 'n512-seed1')).metrics()));
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('copies a completed run of another preset with the same config and seed instead of training it again', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'rlvr-lab-twin-'));
    try {
      const twin = (presetId: string, progress: ProgressSink = quiet) =>
        runSweep(options({ presetId, arms: ['verifiable'], out: shared, progress }));
      expect((await twin('proxy_rewards')).runs.map((x) => x.action)).toEqual(['started']);
      let trained = 0;
      const notes: string[] = [];
      const r = await twin('random_reward', { update: () => trained++, note: (t) => notes.push(t) });
      expect(r.runs.map((x) => [x.status, x.action, x.step])).toEqual([['completed', 'reused', 6]]);
      expect(trained).toBe(0);
      expect(notes[0]).toMatch(
        /^reused The random-reward control · verifiable · seed 1: proxy_rewards\/verifiable-seed1 is a completed run with the same config/,
      );
      const a = new RunDir(join(shared, 'proxy_rewards', 'verifiable-seed1'));
      const b = new RunDir(join(shared, 'random_reward', 'verifiable-seed1'));
      expect(b.readInfo()).toMatchObject({
        presetId: 'random_reward',
        armId: 'verifiable',
        reusedFrom: 'proxy_rewards/verifiable-seed1',
        config: a.readInfo()!.config,
      });
      expect(b.readInfo()!.id).not.toBe(a.readInfo()!.id);
      expect(evals(b.metrics())).toEqual(evals(a.metrics()));
      expect(b.readCheckpoint(b.readInfo()!.id)!.step).toBe(6);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
    // (A run with other settings is never a twin: the resume test above trains n512 beside a completed n8.)
  }, 300_000);

  it("writes an export file that the browser's archive reader accepts, with every run, its metrics and checkpoint", () => {
    const bytes = new Uint8Array(readFileSync(join(out, 'scarce_data', 'rlvr-lab-scarce_data.zip')));
    const decoded = unpackArchive(bytes);
    if (!decoded.ok) throw new Error(decoded.error);
    const byArm = new Map(decoded.value.map((b) => [b.run.config.data.trainSize, b]));
    expect([...byArm.keys()].sort((a, b) => a - b)).toEqual([8, 512]);
    const n8 = byArm.get(8)!;
    const dir = new RunDir(join(out, 'scarce_data', 'n8-seed1'));
    expect(n8.run).toMatchObject({
      id: dir.readInfo()!.id,
      status: 'completed',
      step: 6,
      totalSteps: 6,
      stage: 'rl',
      backend: { name: 'cpu' },
    });
    expect(n8.metrics.map((m) => m.step)).toEqual(dir.metrics().map((m) => m.step));
    expect(n8.checkpoints.map((c) => c.step)).toEqual([6]);
    expect(Object.keys(n8.checkpoints[0]!.weights).sort()).toEqual(
      paramShapes(n8.run.config.model)
        .map(([name]) => name)
        .sort(),
    );
  });
});
