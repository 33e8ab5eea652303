// How the compare page draws an overlay (src/analysis/compare.ts's OverlayColumns): one line per run,
// and per seed group a mean line with its min and max edges filled between; the chart's y axes (a 0–1
// axis for fractions, and a second axis for runs whose values leave 0–1 while others stay in it, as a
// self-certainty reward of ~11 beside accuracy rewards would); and the stage boundaries of the compared
// runs as markers on the shared step axis. Specs only; no uPlot.
import type { OverlayColumns } from '../../analysis/compare';
import { metricName } from '../../analysis/metric-names';
import type { StageName } from '../../experiment/run-config';
import { styleOf } from '../run/rl-charts';
import { stageBoundaries } from '../run/rl-series';
import type { AxisSpec, SeriesFill, SeriesSpec } from '../shared/chart-columns';

const RIGHT = 'y2';

/** Whether every value of entry `e`'s columns lies in [0, 1] (an entry with no value does). */
function inUnit(o: OverlayColumns, first: number, count: number): boolean {
  for (let c = first; c < first + count; c++)
    for (const v of o.cols[c]!) if (v !== null && (v < 0 || v > 1)) return false;
  return true;
}

/**
 * Series specs and axes for an overlay of `metric`: entry i keeps its colour and dash on every chart. A
 * group's mean line carries the group's name in the legend; its min and max edges stay out of the legend
 * (the fill between them says what they are). Fractions share one 0–1 axis; otherwise, when some entries
 * stay in 0–1 and others leave it, those others go on a right-hand axis and their legend names say so.
 */
export function overlaySpecs(
  o: OverlayColumns,
  metric = '',
): { series: SeriesSpec[]; fills: SeriesFill[]; axes: AxisSpec[] } {
  const name = metricName(metric);
  const width = (kind: 'run' | 'group') => (kind === 'run' ? 1 : 3);
  const unitOk = o.entries.map((e) => inUnit(o, e.col, width(e.kind)));
  const split = !name.fraction && unitOk.some((ok) => ok) && unitOk.some((ok) => !ok);
  const series: SeriesSpec[] = [];
  const fills: SeriesFill[] = [];
  o.entries.forEach((e, i) => {
    const style = styleOf(i);
    const right = split && !unitOk[i];
    const scale = right ? { scale: RIGHT } : {};
    series.push({
      label: right ? `${e.label} (right axis)` : e.label,
      ...(metric ? { key: metric } : {}),
      ...style,
      points: false,
      ...scale,
    });
    if (e.kind === 'run') return;
    const edge = { color: style.color, width: 0.5, points: false, legend: false, ...scale };
    series.push({ label: `${e.label} min`, ...edge }, { label: `${e.label} max`, ...edge });
    fills.push({ upper: e.col + 2, lower: e.col + 1, color: `${style.color}33` });
  });
  const label = name.fraction ? 'share (0–1)' : name.unit || metric;
  const axes: AxisSpec[] =
    name.fraction || split
      ? [{ scale: 'y', label, side: 'left', range: [0, 1] }]
      : [{ scale: 'y', label, side: 'left' }];
  if (split) axes.push({ scale: RIGHT, label: `${label} (right)`, side: 'right' });
  return { series, fills, axes };
}

/**
 * The stage boundaries of the compared runs, once each ("SFT → RL" at step 240); a boundary that falls at
 * different steps in different runs is marked at each, with its step in the label.
 */
export function boundaryMarks(
  configs: readonly Partial<Record<StageName, { steps: number }>>[],
): { step: number; label: string }[] {
  const all = configs.flatMap((c) => stageBoundaries(c));
  const unique = all
    .filter((b, i) => all.findIndex((x) => x.step === b.step && x.label === b.label) === i)
    .sort((a, b) => a.step - b.step);
  const steps = (label: string) => unique.filter((b) => b.label === label).length;
  return unique.map((b) => (steps(b.label) > 1 ? { step: b.step, label: `${b.label} @${b.step}` } : b));
}
