import { describe, expect, it } from 'vitest';
import {
  alignOnSteps,
  bestAndLast,
  compareCsv,
  compareJson,
  compareTable,
  configDiff,
  csvCell,
  flattenConfig,
  groupBand,
  lowerIsBetter,
  metricKeys,
  overlayColumns,
  shortNames,
  stepRange,
  seedGroups,
  type CompareRun,
} from '../../src/analysis/compare';
import { DEFAULT_RUN_CONFIG } from '../../src/experiment/run-config';

const cfg = (seed: number, trainSize = 64) => ({
  ...DEFAULT_RUN_CONFIG,
  seed,
  data: { ...DEFAULT_RUN_CONFIG.data, trainSize },
});
const rowsOf = (points: [number, Record<string, number>][]) => points.map(([step, values]) => ({ step, values }));
const run = (
  id: string,
  config: unknown,
  points: [number, Record<string, number>][],
  name = `run ${id}`,
): CompareRun => ({ id, name, config, rows: rowsOf(points) });

describe('flattenConfig and configDiff', () => {
  it('flattens to dotted paths, arrays and nulls as leaves', () => {
    expect(flattenConfig({ a: 1, b: { c: 'x', d: [1, 2], e: null, f: { g: true } } })).toEqual({
      a: '1',
      'b.c': '"x"',
      'b.d': '[1,2]',
      'b.e': 'null',
      'b.f.g': 'true',
    });
  });

  it("lists exactly the fields that differ, with each run's value", () => {
    expect(configDiff([cfg(1, 64), cfg(1, 512)])).toEqual({ fields: ['data.trainSize'], values: [['64'], ['512']] });
    expect(configDiff([cfg(1), cfg(2, 8), cfg(1)])).toEqual({
      fields: ['seed', 'data.trainSize'],
      values: [
        ['1', '64'],
        ['2', '8'],
        ['1', '64'],
      ],
    });
    expect(configDiff([cfg(1), cfg(1)]).fields).toEqual([]);
  });

  it('counts a field one config lacks as differing (null for the run without it)', () => {
    expect(configDiff([{ a: 1 }, { a: 1, b: { c: 2 } }])).toEqual({ fields: ['b.c'], values: [[null], ['2']] });
    // An array is one setting: a changed element shows the whole list.
    expect(configDiff([{ r: [{ w: 1 }] }, { r: [{ w: 2 }] }])).toEqual({
      fields: ['r'],
      values: [['[{"w":1}]'], ['[{"w":2}]']],
    });
  });
});

describe('seedGroups', () => {
  it('groups runs whose configs are equal except seed, whatever their names', () => {
    const a = run('a', cfg(1), [], 'first');
    const b = run('b', cfg(2), [], 'something else');
    const c = run('c', cfg(1, 512), []);
    const d = run('d', cfg(3), []);
    expect(seedGroups([a, c, b, d]).map((g) => g.map((r) => r.id))).toEqual([['a', 'b', 'd'], ['c']]);
  });

  it('does not group on key order: the same config written in another order is the same config', () => {
    const a = run('a', { seed: 1, x: { p: 1, q: 2 } }, []);
    const b = run('b', { x: { q: 2, p: 1 }, seed: 2 }, []);
    expect(seedGroups([a, b])).toHaveLength(1);
  });
});

describe('alignOnSteps and groupBand', () => {
  it('aligns on the union of steps, null where a series has no point', () => {
    expect(
      alignOnSteps([
        { steps: [1, 3], values: [10, 30] },
        { steps: [2, 3, 5], values: [20, 31, 50] },
      ]),
    ).toEqual({
      steps: [1, 2, 3, 5],
      cols: [
        [10, null, 30, null],
        [null, 20, 31, 50],
      ],
    });
  });

  it('keeps only the steps every member has: a run that stopped early does not narrow the band', () => {
    // Step 3 only in the first run: dropped. Step 2: mean (2 + 4) / 2 = 3, min 2, max 4.
    const band = groupBand([
      { steps: [1, 2, 3], values: [1, 2, 3] },
      { steps: [1, 2], values: [3, 4] },
    ]);
    expect(band).toEqual({ steps: [1, 2], mean: [2, 3], min: [1, 2], max: [3, 4] });
  });
});

describe('overlayColumns', () => {
  it('draws a seed group as mean, min and max columns and a lone run as one column', () => {
    const a = run('a', cfg(1), [
      [0, { reward: 0.2 }],
      [5, { reward: 0.4 }],
      [10, { reward: 0.6 }],
    ]);
    const b = run('b', cfg(2), [
      [0, { reward: 0.4 }],
      [5, { reward: 0.8 }],
    ]);
    const c = run(
      'c',
      cfg(1, 8),
      [
        [0, { reward: 0.1 }],
        [10, { reward: 0.9 }],
      ],
      'scarce',
    );
    const o = overlayColumns([a, b, c], 'reward');
    expect(o.entries).toEqual([
      { kind: 'group', label: 'run a (mean of 2 seeds)', runIds: ['a', 'b'], col: 0 },
      { kind: 'run', label: 'scarce', runIds: ['c'], col: 3 },
    ]);
    expect(o.steps).toEqual([0, 5, 10]);
    expect(o.cols[0]![0]).toBeCloseTo(0.3, 12);
    expect(o.cols[0]![1]).toBeCloseTo(0.6, 12);
    expect(o.cols[0]![2]).toBeNull(); // only run a reached step 10
    expect(o.cols[1]).toEqual([0.2, 0.4, null]);
    expect(o.cols[2]).toEqual([0.4, 0.8, null]);
    expect(o.cols[3]).toEqual([0.1, null, 0.9]);
  });

  it('draws every run on its own when grouping is off', () => {
    const a = run('a', cfg(1), [[0, { reward: 0.2 }]]);
    const b = run('b', cfg(2), [[0, { reward: 0.4 }]]);
    expect(overlayColumns([a, b], 'reward', false).entries.map((e) => [e.kind, e.col])).toEqual([
      ['run', 0],
      ['run', 1],
    ]);
  });

  it('thins each series to maxPoints before merging steps (10 runs x 5,000 points -> at most 2,000 per line)', () => {
    const runs = Array.from({ length: 10 }, (_, k) =>
      run(
        `r${k}`,
        cfg(1, 8 + k),
        Array.from({ length: 5000 }, (_, i): [number, Record<string, number>] => [
          i,
          { reward: Math.sin(i / 100 + k) },
        ]),
      ),
    );
    const o = overlayColumns(runs, 'reward');
    expect(o.entries).toHaveLength(10);
    for (const col of o.cols) expect(col.filter((v) => v !== null).length).toBe(2000);
    expect(o.steps.length).toBeLessThanOrEqual(5000);
    expect(o.steps[0]).toBe(0);
    expect(o.steps.at(-1)).toBe(4999);
  });

  it('thins a group band on one set of steps for mean, min and max', () => {
    const pts = (k: number) =>
      Array.from({ length: 3000 }, (_, i): [number, Record<string, number>] => [i, { reward: Math.cos(i / 50) + k }]);
    const o = overlayColumns([run('a', cfg(1), pts(0)), run('b', cfg(2), pts(1))], 'reward', true, 500);
    expect(o.steps).toHaveLength(500);
    for (const col of o.cols) expect(col.every((v) => v !== null)).toBe(true);
    expect(o.cols[1]![7]! + 1).toBeCloseTo(o.cols[2]![7]!, 12); // min and max at the same step
  });
});

describe('best and last values, the diff table', () => {
  it('takes the max of a reward and the min of a loss, the earliest step on ties', () => {
    const rows = rowsOf([
      [1, { reward: 0.5, loss: 2 }],
      [2, { reward: 0.9, loss: 1 }],
      [3, { reward: 0.9, loss: 1.5 }],
      [4, { reward: 0.7, loss: NaN }],
    ]);
    expect(bestAndLast(rows, 'reward')).toEqual({ best: 0.9, bestStep: 2, last: 0.7, lastStep: 4 });
    expect(bestAndLast(rows, 'loss')).toEqual({ best: 1, bestStep: 2, last: 1.5, lastStep: 3 }); // NaN is no value
    expect(bestAndLast(rows, 'eval_heldout/accuracy')).toEqual({
      best: null,
      bestStep: null,
      last: null,
      lastStep: null,
    });
    expect([
      lowerIsBetter('loss'),
      lowerIsBetter('train/loss'),
      lowerIsBetter('eval_heldout/accuracy'),
      lowerIsBetter('lossy'),
    ]).toEqual([true, true, false, false]);
  });

  it('reports the differing fields and only the key metrics some run logged', () => {
    const a = run('a', cfg(1, 8), [
      [1, { reward: 0.5 }],
      [2, { reward: 1, 'eval_heldout/accuracy': 0.25 }],
    ]);
    const b = run('b', cfg(1, 512), [
      [1, { reward: 0.4 }],
      [2, { reward: 0.6 }],
    ]);
    const t = compareTable([a, b]);
    expect(t.diff.fields).toEqual(['data.trainSize']);
    expect(t.metrics.map((m) => m.key)).toEqual(['reward', 'eval_heldout/accuracy']);
    expect(t.cells[0]).toEqual([
      { best: 1, bestStep: 2, last: 1, lastStep: 2 },
      { best: 0.25, bestStep: 2, last: 0.25, lastStep: 2 },
    ]);
    expect(t.cells[1]![1]).toEqual({ best: null, bestStep: null, last: null, lastStep: null });
    // The loss is reported for SFT-only runs, not beside a reward (GRPO's loss sits near 0).
    const sft = (id: string, n: number) =>
      run(id, cfg(1, n), [
        [10, { loss: 2 }],
        [20, { loss: 1 }],
      ]);
    expect(compareTable([sft('c', 8), sft('d', 512)]).metrics.map((m) => m.key)).toEqual(['loss']);
    expect(
      compareTable([a, run('e', cfg(1, 512), [[1, { reward: 0.4, loss: 0.001 }]])]).metrics.map((m) => m.key),
    ).toEqual(['reward', 'eval_heldout/accuracy']);
  });

  it('names the learned position table a run used where its config leaves it out, against rotary positions', () => {
    const rope = { ...cfg(1), model: { ...DEFAULT_RUN_CONFIG.model, position: 'rope' } };
    const t = compareTable([run('a', cfg(1), [[1, { reward: 0.5 }]]), run('b', rope, [[1, { reward: 0.4 }]])]);
    expect(t.diff).toEqual({ fields: ['model.position'], values: [['"learned"'], ['"rope"']] });
    expect(compareTable([run('a', cfg(1), []), run('b', cfg(1, 8), [])]).diff.fields).toEqual(['data.trainSize']); // no column when all are learned
  });

  it('names the 0 (all) SFT rationales a run used where its config leaves sftSize out, against a PARO-style few', () => {
    const few = { ...cfg(1), data: { ...cfg(1).data, sftSize: 32 } };
    const t = compareTable([run('a', cfg(1), []), run('b', few, [])]);
    expect(t.diff).toEqual({ fields: ['data.sftSize'], values: [['0'], ['32']] });
  });

  it('names the 0 (off) SFT target a run used where its config leaves it out, against a run to 0.9 accuracy', () => {
    const toTarget = { ...cfg(1), sft: { ...cfg(1).sft, targetAccuracy: 0.9 } };
    const t = compareTable([run('a', cfg(1), []), run('b', toTarget, [])]);
    expect(t.diff).toEqual({ fields: ['sft.targetAccuracy'], values: [['0'], ['0.9']] });
  });

  it('lists the metric keys any run logged, sorted', () => {
    expect(metricKeys([run('a', {}, [[1, { reward: 1, kl: 0 }]]), run('b', {}, [[1, { loss: 1 }]])])).toEqual([
      'kl',
      'loss',
      'reward',
    ]);
  });
});

describe('export', () => {
  it('quotes CSV cells per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('-1,2')).toBe(`"'-1,2"`);
  });

  it('writes a step column and one column per run per metric on the union of steps', () => {
    const a = run(
      'a',
      cfg(1),
      [
        [0, { reward: 0.25, loss: 2 }],
        [2, { reward: 0.5 }],
      ],
      'N=8, "scarce"',
    );
    const b = run('b', cfg(2), [[1, { reward: 0.125 }]], 'dup');
    const c = run('c', cfg(3), [[2, { loss: 1e-7 }]], 'dup');
    expect(compareCsv([a, b, c], ['reward', 'loss'])).toBe(
      [
        'step,"N=8, ""scarce"" [reward]","N=8, ""scarce"" [loss]",dup (b) [reward],dup (b) [loss],dup (c) [reward],dup (c) [loss]',
        '0,0.25,2,,,,',
        '1,,,0.125,,,',
        '2,0.5,,,,,1e-7',
        '',
      ].join('\r\n'),
    );
  });

  it("writes JSON with each run's config and series, and the differing fields", () => {
    const a = run('a', cfg(1, 8), [
      [0, { reward: 0.25 }],
      [2, { reward: 0.5, kl: 1 }],
    ]);
    const b = run('b', cfg(1, 512), [[0, { reward: 0.125 }]]);
    const parsed = JSON.parse(compareJson([a, b], ['reward'], 123));
    expect(parsed).toMatchObject({
      format: 'rlvr-lab-compare',
      version: 1,
      exportedAt: 123,
      metrics: ['reward'],
      differingFields: ['data.trainSize'],
    });
    expect(parsed.runs[0].series).toEqual({ reward: { steps: [0, 2], values: [0.25, 0.5] } });
    expect(parsed.runs[1].config.data.trainSize).toBe(512);
  });
});

describe('short legends and one step axis', () => {
  it('leaves out the name parts every run shares, and labels a seed group with its arm and seed count', () => {
    const names = ['Scarce data · N = 8 · seed 1', 'Scarce data · N = 8 · seed 2', 'Scarce data · N = 512 · seed 1'];
    expect(shortNames(names)).toEqual(['N = 8 · seed 1', 'N = 8 · seed 2', 'N = 512 · seed 1']);
    expect(shortNames(['Scarce data · N = 8 · seed 1', 'Scarce data · N = 512 · seed 1'])).toEqual([
      'N = 8',
      'N = 512',
    ]);
    expect(shortNames(['same · name', 'same · name'])).toEqual(['same · name', 'same · name']); // nothing of its own: whole
    expect(shortNames(['Scarce data · N = 8 · seed 1'])).toEqual(['Scarce data · N = 8 · seed 1']);
    const runs = names.map((name, i) => ({
      id: `r${i}`,
      name,
      config: cfg(i === 1 ? 2 : 1, i === 2 ? 512 : 8),
      rows: rowsOf([[240, { reward: 0.5 }]]),
    }));
    expect(overlayColumns(runs, 'reward').entries.map((e) => e.label)).toEqual([
      'N = 8 (mean of 2 seeds)',
      'N = 512 · seed 1',
    ]);
  });

  it("spans every run's rows, so charts of metrics logged from different steps share one axis", () => {
    const sft = run('a', cfg(1), [
      [0, { 'eval_heldout/accuracy': 0.1 }],
      [240, { 'eval_heldout/accuracy': 0.5 }],
    ]);
    const rl = run('b', cfg(2), [
      [245, { reward: 0.2 }],
      [390, { reward: 0.9 }],
    ]);
    expect(stepRange([sft, rl])).toEqual([0, 390]);
    expect(stepRange([run('c', cfg(1), [[7, { reward: 1 }]])])).toEqual([7, 8]); // one step: a range uPlot can draw
    expect(stepRange([])).toBeNull();
  });
});
