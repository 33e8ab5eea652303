import { describe, expect, it } from 'vitest';
import { overlayColumns, type CompareRun } from '../../src/analysis/compare';
import { DEFAULT_RUN_CONFIG } from '../../src/experiment/run-config';
import { boundaryMarks, overlaySpecs } from '../../src/ui/compare/overlay-series';
import { styleOf } from '../../src/ui/run/rl-charts';

const cfg = (seed: number, trainSize = 64) => ({
  ...DEFAULT_RUN_CONFIG,
  seed,
  data: { ...DEFAULT_RUN_CONFIG.data, trainSize },
});
const run = (id: string, config: unknown): CompareRun => ({
  id,
  name: `run ${id}`,
  config,
  rows: [10, 20].map((step) => ({ step, values: { reward: step / 100 } })),
});

describe('overlaySpecs', () => {
  // a and c differ only in seed: one group (mean, min, max columns), then b on its own.
  const o = overlayColumns([run('a', cfg(1)), run('b', cfg(1, 8)), run('c', cfg(2))], 'reward');
  const { series, fills } = overlaySpecs(o, 'reward');
  const group = 'run a (mean of 2 seeds)';

  it('lists one legend entry per group or run: the mean under the group name, the band edges left out', () => {
    expect(series.map((s) => s.label)).toEqual([group, `${group} min`, `${group} max`, 'run b']);
    expect(series.filter((s) => s.legend !== false).map((s) => s.label)).toEqual([group, 'run b']);
  });

  it('draws as before: one series per column, the group in its style, its band filled between min and max', () => {
    expect(series).toHaveLength(o.cols.length);
    expect(series[0]).toEqual({ label: group, key: 'reward', ...styleOf(0), points: false }); // its legend row's tooltip and value format
    expect(series[1]).toEqual({
      label: `${group} min`,
      color: styleOf(0).color,
      width: 0.5,
      points: false,
      legend: false,
    });
    expect(series[3]).toEqual({ label: 'run b', key: 'reward', ...styleOf(1), points: false });
    expect(fills).toEqual([{ upper: 2, lower: 1, color: `${styleOf(0).color}33` }]);
  });
});

describe('overlay axes', () => {
  const valued = (id: string, v: number): CompareRun => ({
    id,
    name: `run ${id}`,
    config: cfg(1, id.length),
    rows: [{ step: 10, values: { reward: v } }],
  });

  it('puts runs whose values leave 0–1 on a right-hand axis when others stay in it (self-certainty ~11 beside accuracy rewards)', () => {
    const o = overlayColumns([valued('a', 0.5), valued('bb', 11.2)], 'reward');
    const specs = overlaySpecs(o, 'reward');
    expect(specs.series.map((s) => [s.label, s.scale])).toEqual([
      ['run a', undefined],
      ['run bb (right axis)', 'y2'],
    ]);
    expect(specs.axes).toEqual([
      { scale: 'y', label: 'reward (mean)', side: 'left', range: [0, 1] },
      { scale: 'y2', label: 'reward (mean) (right)', side: 'right' },
    ]);
  });

  it('keeps one axis otherwise: 0–1 for a fraction, automatic for other numbers', () => {
    expect(
      overlaySpecs(
        overlayColumns([valued('a', 0.5), valued('bb', 0.75)], 'eval_heldout/accuracy'),
        'eval_heldout/accuracy',
      ).axes,
    ).toEqual([{ scale: 'y', label: 'share (0–1)', side: 'left', range: [0, 1] }]);
    expect(overlaySpecs(overlayColumns([valued('a', 11), valued('bb', 12)], 'reward'), 'reward').axes).toEqual([
      { scale: 'y', label: 'reward (mean)', side: 'left' },
    ]);
  });
});

describe('boundaryMarks', () => {
  it('marks each stage boundary once, with its step when runs put it at different steps', () => {
    const c = (cpt: number, sft: number, rl: number) => ({
      cpt: { steps: cpt },
      sft: { steps: sft },
      rl: { steps: rl },
    });
    expect(boundaryMarks([c(0, 240, 150), c(0, 240, 150)])).toEqual([{ step: 240, label: 'SFT → RL' }]);
    expect(boundaryMarks([c(0, 60, 150), c(0, 240, 150), c(20, 240, 0)])).toEqual([
      { step: 20, label: 'CPT → SFT' },
      { step: 60, label: 'SFT → RL @60' },
      { step: 240, label: 'SFT → RL @240' },
    ]);
  });
});
