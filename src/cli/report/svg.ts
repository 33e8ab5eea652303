// The findings charts as SVG text, built by hand (no DOM): per preset a grid of small panels, one per
// arm (row) and seed (column), each with the smoothed training reward, held-out accuracy, the detected
// phases shaded and the saturation step marked. All text is XML-escaped.
import type { Series } from '../../analysis/metric-series';
import type { RunSummary } from './run-summary';

const W = 240;
const H = 150;
const PAD = { left: 34, right: 8, top: 22, bottom: 22 };
const COLORS = {
  reward: '#1f5fa8',
  heldout: '#c2571a',
  pre: '#dcebf7',
  saturated: '#fbe3d3',
  axis: '#777',
  text: '#222',
};

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const n = (x: number) => String(Math.round(x * 10) / 10);
const text = (x: number, y: number, s: string, extra = '') =>
  `<text x="${n(x)}" y="${n(y)}"${extra}>${escapeXml(s)}</text>`;

interface Frame {
  x(step: number): number;
  y(v: number): number;
}

function path(s: Series, f: Frame): string {
  return s.steps.map((step, i) => `${i === 0 ? 'M' : 'L'}${n(f.x(step))},${n(f.y(s.values[i]!))}`).join(' ');
}

/** One panel at (ox, oy): the RL stage of one run. */
function panel(r: RunSummary, title: string, ox: number, oy: number): string {
  const reward = r.phases.smoothedReward;
  const held = r.heldoutPass1; // the held-out series the phase analysis judges (pass@1, greedy where never logged)
  const x0 = r.rlStart ?? 0;
  const x1 = Math.max(x0 + 1, r.lastStep);
  const all = [...reward.values, ...held.values];
  const lo = Math.min(0, ...all);
  const hi = Math.max(1, ...all);
  const f: Frame = {
    x: (s) => ox + PAD.left + ((s - x0) / (x1 - x0)) * (W - PAD.left - PAD.right),
    y: (v) => oy + H - PAD.bottom - ((v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom),
  };
  const top = oy + PAD.top;
  const bottom = oy + H - PAD.bottom;
  const out: string[] = [];
  for (const b of r.phases.bands) {
    const fill = b.kind === 'pre_saturation' ? COLORS.pre : COLORS.saturated;
    out.push(
      `<rect x="${n(f.x(b.start))}" y="${n(top)}" width="${n(Math.max(0, f.x(b.end) - f.x(b.start)))}" height="${n(bottom - top)}" fill="${fill}"/>`,
    );
  }
  out.push(
    `<rect x="${n(f.x(x0))}" y="${n(top)}" width="${n(f.x(x1) - f.x(x0))}" height="${n(bottom - top)}" fill="none" stroke="${COLORS.axis}" stroke-width="0.5"/>`,
  );
  if (reward.steps.length > 0)
    out.push(`<path d="${path(reward, f)}" fill="none" stroke="${COLORS.reward}" stroke-width="1.5"/>`);
  if (held.steps.length > 0) {
    out.push(`<path d="${path(held, f)}" fill="none" stroke="${COLORS.heldout}" stroke-width="1.2"/>`);
    for (const [i, s] of held.steps.entries())
      out.push(`<circle cx="${n(f.x(s))}" cy="${n(f.y(held.values[i]!))}" r="1.8" fill="${COLORS.heldout}"/>`);
  }
  const sat = r.phases.saturationStep;
  if (sat !== null) {
    out.push(
      `<line x1="${n(f.x(sat))}" y1="${n(top)}" x2="${n(f.x(sat))}" y2="${n(bottom)}" stroke="${COLORS.text}" stroke-dasharray="3,2"/>`,
    );
    out.push(text(f.x(sat) + 2, top + 9, `sat ${sat}`, ' font-size="8"'));
  }
  out.push(text(ox + PAD.left, oy + 14, title, ' font-size="10" font-weight="bold"'));
  out.push(text(ox + 2, f.y(hi) + 3, n(hi), ' font-size="8"'), text(ox + 2, f.y(lo) + 3, n(lo), ' font-size="8"'));
  out.push(
    text(f.x(x0), bottom + 11, String(x0), ' font-size="8"'),
    text(f.x(x1), bottom + 11, String(x1), ' font-size="8" text-anchor="end"'),
  );
  out.push(text(ox + PAD.left + 4, bottom + 20, r.phases.regime.replace(/_/g, ' '), ' font-size="8" fill="#555"'));
  return out.join('');
}

export interface ChartRow {
  label: string;
  /** One run per column (seed); null where that run is missing. */
  runs: (RunSummary | null)[];
}

/** The preset's grid of panels: rows of arms, columns of seeds. */
export function presetChart(title: string, seeds: readonly number[], rows: readonly ChartRow[]): string {
  const cols = Math.max(1, seeds.length);
  const legendH = 34;
  const width = Math.max(cols * W, 600); // the legend needs 600
  const height = legendH + rows.length * H;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" fill="${COLORS.text}">`,
  ];
  out.push(
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    text(6, 14, title, ' font-size="12" font-weight="bold"'),
  );
  const legend = [
    [COLORS.reward, 'smoothed training reward'],
    [COLORS.heldout, 'held-out pass@1'],
    [COLORS.pre, 'pre-saturation'],
    [COLORS.saturated, 'saturated'],
  ] as const;
  legend.forEach(([color, label], i) =>
    out.push(
      `<rect x="${6 + i * 150}" y="21" width="10" height="8" fill="${color}"/>`,
      text(20 + i * 150, 29, label, ' font-size="9"'),
    ),
  );
  rows.forEach((row, ri) => {
    row.runs.forEach((r, ci) => {
      const ox = ci * W;
      const oy = legendH + ri * H;
      const t = `${row.label} · seed ${seeds[ci]}`;
      out.push(
        r ? panel(r, t, ox, oy) : text(ox + PAD.left, oy + H / 2, `${t}: not run yet`, ' font-size="10" fill="#777"'),
      );
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
