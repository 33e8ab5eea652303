import { describe, expect, it } from 'vitest';
import { overlayColumns, type CompareRun } from '../../src/analysis/compare';
import { DEFAULT_RUN_CONFIG } from '../../src/experiment/config';
import { overlaySpecs } from '../../src/ui/overlay-series';
import { styleOf } from '../../src/ui/rl-charts';

const cfg = (seed: number, trainSize = 64) => ({ ...DEFAULT_RUN_CONFIG, seed, data: { ...DEFAULT_RUN_CONFIG.data, trainSize } });
const run = (id: string, config: unknown): CompareRun => ({ id, name: `run ${id}`, config, rows: [10, 20].map((step) => ({ step, values: { reward: step / 100 } })) });

describe('overlaySpecs', () => {
  // a and c differ only in seed: one group (mean, min, max columns), then b on its own.
  const o = overlayColumns([run('a', cfg(1)), run('b', cfg(1, 8)), run('c', cfg(2))], 'reward');
  const { series, fills } = overlaySpecs(o);
  const group = 'run a (mean of 2, seeds 1, 2)';

  it('lists one legend entry per group or run: the mean under the group name, the band edges left out', () => {
    expect(series.map((s) => s.label)).toEqual([group, `${group} min`, `${group} max`, 'run b']);
    expect(series.filter((s) => s.legend !== false).map((s) => s.label)).toEqual([group, 'run b']);
  });

  it('draws as before: one series per column, the group in its style, its band filled between min and max', () => {
    expect(series).toHaveLength(o.cols.length);
    expect(series[0]).toEqual({ label: group, ...styleOf(0), points: false });
    expect(series[1]).toEqual({ label: `${group} min`, color: styleOf(0).color, width: 0.5, points: false, legend: false });
    expect(series[3]).toEqual({ label: 'run b', ...styleOf(1), points: false });
    expect(fills).toEqual([{ upper: 2, lower: 1, color: `${styleOf(0).color}33` }]);
  });
});
