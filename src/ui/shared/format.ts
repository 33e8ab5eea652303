// Number and date formatting for stat rows, run lists and chart axes (a metric's value: analysis/metric-names.ts
// formatMetric, fractions with three decimals everywhere). Display only; no state.

/** A compact number: 3 significant digits, exponent for the very small or large; an em dash for none. */
export function fmtNum(v: number | undefined | null, digits = 3): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

/** Thousands as "12.3k". */
export function fmtCount(v: number | undefined | null): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  return String(Math.round(v));
}

export function fmtDate(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** Bytes as "812 B", "12.3 kB", "4.5 MB", "1.2 GB" (decimal units, as browsers report quotas). */
export function fmtBytes(n: number | undefined | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${Math.round(v)} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** "rlvr-lab-addition-pattern-2026-11-22.zip" for one run, "rlvr-lab-3-runs-2026-11-22.zip" for several. */
export function exportFileName(names: readonly string[], now = new Date()): string {
  const date = now.toISOString().slice(0, 10);
  const what =
    names.length === 1
      ? names[0]!
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '')
          .slice(0, 60) || 'run'
      : `${names.length}-runs`;
  return `rlvr-lab-${what}-${date}.zip`;
}
