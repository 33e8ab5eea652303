// The CLI's pure parts: flag parsing with messages naming the flag, seed lists, config adjustment,
// and the run directory's JSONL merge and checkpoint round trip.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getPreset, presetRuns } from '../../../src/experiment/presets';
import { parseLabArgs, parseReportArgs } from '../../../src/cli/shared/args';
import { mergeMetricRows, readJsonl, RunDir } from '../../../src/cli/shared/run-dir';
import { adjustConfig, seedList } from '../../../src/cli/sweep/sweep';

describe('parseLabArgs', () => {
  it('takes the defaults and the flags', () => {
    expect(parseLabArgs(['--preset', 'scarce_data'])).toEqual({
      preset: 'scarce_data',
      seeds: undefined,
      backend: 'wasm',
      out: 'lab-results',
      arms: undefined,
      stepsScale: 1,
      checkpointEvery: undefined,
    });
    expect(
      parseLabArgs([
        '--preset=paro',
        '--seeds',
        '3',
        '--backend',
        'cpu',
        '--arms',
        'a, b',
        '--steps-scale',
        '0.5',
        '--checkpoint-every',
        '25',
        '--out',
        'x',
      ]),
    ).toMatchObject({ seeds: 3, backend: 'cpu', arms: ['a', 'b'], stepsScale: 0.5, checkpointEvery: 25, out: 'x' });
    expect(parseLabArgs(['--preset', 'paro', '--patch', '{"rl":{"lr":0.0001}}']).patch).toEqual({ rl: { lr: 0.0001 } });
    expect(() => parseLabArgs(['--preset', 'paro', '--patch', '{rl:1}'])).toThrow(
      /--patch must be a JSON object .*got "\{rl:1\}"/,
    );
    expect(() => parseLabArgs(['--preset', 'paro', '--patch', '[1]'])).toThrow(/--patch must be a JSON object/);
    expect(parseReportArgs([])).toEqual({ in: 'lab-results', out: 'public/findings' });
  });
  it('names the bad flag', () => {
    expect(() => parseLabArgs([])).toThrow(/--preset is required/);
    expect(() => parseLabArgs(['--preset', 'nope'])).toThrow(/unknown preset "nope"/);
    expect(() => parseLabArgs(['--preset', 'paro', '--seeds', '1.5'])).toThrow(/--seeds must be a positive integer/);
    expect(() => parseLabArgs(['--preset', 'paro', '--backend', 'webgl'])).toThrow(/--backend must be/);
    expect(() => parseLabArgs(['--preset', 'paro', '--sed', '3'])).toThrow(/unknown flag --sed/);
    expect(() => parseLabArgs(['--preset'])).toThrow(/--preset needs a value/);
  });
});

describe('seedList and adjustConfig', () => {
  const preset = getPreset('scarce_data')!;
  it('takes the first N seeds, continuing past the preset list', () => {
    expect(seedList(preset, 2)).toEqual([1, 2]);
    expect(seedList(preset, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(seedList(preset)).toEqual([1, 2, 3]);
  });
  it('scales steps, warmup and evaluation interval, and sets the checkpoint interval', () => {
    const base = presetRuns(preset, [1], ['n8'])[0]!.config; // SFT 60 steps eval 30, RL 150 eval 15
    const c = adjustConfig(base, { stepsScale: 0.1, checkpointEvery: 5 });
    expect([c.sft.steps, c.sft.evalEvery, c.rl.steps, c.rl.evalEvery, c.rl.checkpointEvery, c.cpt.steps]).toEqual([
      24, 4, 15, 2, 5, 0,
    ]);
    expect(adjustConfig(base, { stepsScale: 1 })).toEqual(base);
    expect(() => adjustConfig(base, { stepsScale: 1, patch: { rl: { lr: -1 } } })).toThrow(/rl\.lr/);
  });
});

describe('RunDir', () => {
  it('merges rows of one step (later values win, earlier keys stay) and sorts by step', () => {
    const row = (step: number, stage: string, values: Record<string, number>) => ({
      runId: 'r',
      step,
      stage,
      time: 0,
      values,
    });
    expect(
      mergeMetricRows([row(5, 'sft', { loss: 1, a: 1 }), row(0, 'sft', { e: 0 }), row(5, 'rl', { a: 2, b: 3 })]),
    ).toEqual([row(0, 'sft', { e: 0 }), row(5, 'sft', { loss: 1, a: 2, b: 3 })]);
  });
  it('skips a last JSONL line cut short by a kill, refuses a broken line before it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rlvr-lab-dir-'));
    try {
      writeFileSync(join(dir, 'a.jsonl'), '{"step":1}\n{"step":2}\n{"st');
      expect(readJsonl(join(dir, 'a.jsonl'))).toEqual([{ step: 1 }, { step: 2 }]);
      writeFileSync(join(dir, 'b.jsonl'), '{"st\n{"step":2}\n');
      expect(() => readJsonl(join(dir, 'b.jsonl'))).toThrow(/line 1 is not JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('round-trips a checkpoint and keeps only the newest tensor file; truncates series after a step', () => {
    const path = mkdtempSync(join(tmpdir(), 'rlvr-lab-dir-'));
    try {
      const dir = new RunDir(path);
      const t = (xs: number[]) => ({ shape: [xs.length], data: new Float32Array(xs).buffer });
      dir.writeCheckpoint({
        runId: 'r',
        step: 3,
        stage: 'sft',
        time: 1,
        weights: { w: t([1, 2]) },
        optimizer: {},
        state: { step: 3 },
      });
      dir.writeCheckpoint({
        runId: 'r',
        step: 6,
        stage: 'rl',
        time: 2,
        weights: { w: t([3, 4]), v: t([5]) },
        optimizer: { m: t([6]) },
        state: { step: 6, rlStep: 1 },
      });
      const back = dir.readCheckpoint('r')!;
      expect([
        back.step,
        back.stage,
        back.state,
        [...new Float32Array(back.weights.w!.data)],
        [...new Float32Array(back.weights.v!.data)],
        [...new Float32Array(back.optimizer.m!.data)],
      ]).toEqual([6, 'rl', { step: 6, rlStep: 1 }, [3, 4], [5], [6]]);
      for (const step of [0, 3, 6])
        dir.append('metrics', { runId: 'r', step, stage: 'sft', time: 0, values: { loss: step === 6 ? NaN : 1 } });
      expect(dir.metrics().map((m) => [m.step, m.values.loss])).toEqual([
        [0, 1],
        [3, 1],
        [6, NaN],
      ]);
      dir.truncateAfter(3);
      expect(dir.metrics().map((m) => m.step)).toEqual([0, 3]);
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });
});
