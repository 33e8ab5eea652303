// How the compare page draws an overlay (src/analysis/compare.ts's OverlayColumns): one line per run,
// and per seed group a mean line with its min and max edges filled between. Specs only; no uPlot.
import type { OverlayColumns } from '../analysis/compare';
import { styleOf } from './rl-charts';
import type { SeriesFill, SeriesSpec } from './series';

/**
 * Series specs for an overlay: entry i keeps its colour and dash on every chart. A group's mean line
 * carries the group's name in the legend; its min and max edges stay out of the legend (the fill
 * between them says what they are), so the legend has one entry per run or group.
 */
export function overlaySpecs(o: OverlayColumns): { series: SeriesSpec[]; fills: SeriesFill[] } {
  const series: SeriesSpec[] = [];
  const fills: SeriesFill[] = [];
  o.entries.forEach((e, i) => {
    const style = styleOf(i);
    series.push({ label: e.label, ...style, points: false });
    if (e.kind === 'run') return;
    const edge = { color: style.color, width: 0.5, points: false, legend: false };
    series.push({ label: `${e.label} min`, ...edge }, { label: `${e.label} max`, ...edge });
    fills.push({ upper: e.col + 2, lower: e.col + 1, color: `${style.color}33` });
  });
  return { series, fills };
}
