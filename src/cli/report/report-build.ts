// The whole findings report as files: README.md (index), <preset>.md and <preset>.svg per preset,
// findings.json for the preset gallery (src/experiment/findings.ts reads it), and runs/<preset>.json.gz,
// the run data behind them (kept-runs.ts). Built from the sweep directories merged into the kept runs,
// so a clean checkout rebuilds the same report. A preset with no runs gets its page with "not run
// yet" and no chart, unless the previous findings.json has a verdict for it whose runs were never kept
// (measured before run data was committed): that entry, page and chart are carried over unchanged and
// the index says so.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS } from '../../experiment/presets';
import { indexMarkdown, presetMarkdown, summaryLine, type CarriedFinding } from './findings-md';
import { keptBytes, mergeRuns, readKept, readRunDirs } from './kept-runs';
import { presetResult, type PresetResult } from './report-data';
import { presetChart } from './svg';
import { judgeFaithfulness, type PooledVerdict } from './verdicts';

function chart(r: PresetResult): string {
  const seeds = [...new Set(r.runs.map((x) => x.summary.seed))].sort((a, b) => a - b);
  const rows = r.preset.arms.map((arm) => ({
    label: arm.label,
    runs: seeds.map((s) => r.runs.find((x) => x.summary.armId === arm.id && x.summary.seed === s)?.summary ?? null),
  }));
  return presetChart(r.preset.title, seeds, rows);
}

function findingsJson(
  results: readonly PresetResult[],
  carried: ReadonlyMap<string, CarriedFinding>,
  pooled: PooledVerdict,
  generatedAt: string,
) {
  const presets = Object.fromEntries(
    results.map((r) => [
      r.preset.id,
      carried.get(r.preset.id)?.entry ?? {
        verdict: r.verdict.verdict,
        summary: summaryLine(r),
        ...(r.machines.length > 0 ? { machine: r.machines.join('; ').slice(0, 200) } : {}),
        ...(r.wallSeconds !== null ? { wallSeconds: Math.round(r.wallSeconds * 10) / 10 } : {}),
        date: r.date,
        seeds: r.verdict.seeds,
        runs: r.runs.length, // kept in runs/<preset>.json.gz: the gallery offers "Open our runs" when > 0
        conditions: r.verdict.conditions.map((c) => ({
          id: c.id,
          mean: c.mean,
          min: c.min,
          max: c.max,
          threshold: c.threshold,
          holdsInMean: c.holdsInMean,
          holdsInEverySeed: c.holdsInEverySeed,
        })),
      },
    ]),
  );
  return { generatedAt, presets, claims: { faithfulness_predicts_regime: pooled } };
}

/**
 * Every run once for the pooled fit: an arm two presets share (the same config, seed included, on the
 * same backend) is one run reported under both, and counting it twice would weigh it double.
 */
function distinctRuns(results: readonly PresetResult[]): PresetResult['runs'] {
  const seen = new Set<string>();
  return results.flatMap((r) =>
    r.runs.filter((x) => {
      const key = `${x.backend}\u0000${JSON.stringify(x.config)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  );
}

/** The previous report's findings.json entries by preset, or none when there is no (readable) file. */
function previousEntries(outDir: string): Record<string, Record<string, unknown>> {
  const path = join(outDir, 'findings.json');
  if (!existsSync(path)) return {};
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { presets?: Record<string, Record<string, unknown>> };
  return raw.presets ?? {};
}

function carriedFinding(entry: Record<string, unknown> | undefined): CarriedFinding | null {
  if (!entry || typeof entry.verdict !== 'string' || entry.verdict === 'not run' || typeof entry.summary !== 'string')
    return null;
  return {
    entry,
    verdict: entry.verdict,
    summary: entry.summary,
    seeds: Array.isArray(entry.seeds) ? entry.seeds.length : 0,
    wallSeconds: typeof entry.wallSeconds === 'number' ? entry.wallSeconds : null,
    machine: typeof entry.machine === 'string' ? entry.machine : '',
    date: typeof entry.date === 'string' ? entry.date : null,
  };
}

/**
 * Every report file by name (text, or bytes for the kept runs). `inDir`: the sweep directories of
 * `npm run lab`; `outDir`: the findings folder, whose notes/<preset>.md (hand-written interpretations),
 * runs/ and findings.json are read first.
 */
export function buildReport(
  inDir: string,
  outDir: string,
  generatedAt = new Date().toISOString(),
): Map<string, string | Uint8Array> {
  const keptDir = join(outDir, 'runs');
  const previous = previousEntries(outDir);
  const runsOf = new Map(
    PRESETS.map((p) => {
      const fresh = readRunDirs(join(inDir, p.id));
      return [
        p.id,
        { merged: mergeRuns(readKept(keptDir, p.id), fresh), smoke: fresh.filter((r) => r.info.adjusted !== null) },
      ];
    }),
  );
  const results = PRESETS.map((p) => {
    const { merged, smoke } = runsOf.get(p.id)!;
    return presetResult(p, [...merged, ...smoke]);
  });
  const carried = new Map<string, CarriedFinding>();
  for (const r of results) {
    const c = r.runs.length === 0 ? carriedFinding(previous[r.preset.id]) : null;
    if (c) carried.set(r.preset.id, c);
  }
  const pooled = judgeFaithfulness(distinctRuns(results).map((x) => x.summary));
  const files = new Map<string, string | Uint8Array>();
  for (const r of results) {
    if (carried.has(r.preset.id)) continue; // its page and chart stay as they were
    const notesFile = join(outDir, 'notes', `${r.preset.id}.md`);
    files.set(`${r.preset.id}.md`, presetMarkdown(r, existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : null));
    if (r.runs.length > 0) {
      files.set(`${r.preset.id}.svg`, chart(r));
      files.set(`runs/${r.preset.id}.json.gz`, keptBytes(r.preset.id, runsOf.get(r.preset.id)!.merged));
    }
  }
  files.set('README.md', indexMarkdown(results, carried, pooled, generatedAt));
  files.set('findings.json', `${JSON.stringify(findingsJson(results, carried, pooled, generatedAt), null, 2)}\n`);
  return files;
}

export function writeReport(inDir: string, outDir: string, generatedAt?: string): string[] {
  const files = buildReport(inDir, outDir, generatedAt);
  mkdirSync(join(outDir, 'runs'), { recursive: true });
  for (const [name, data] of files) writeFileSync(join(outDir, name), data);
  return [...files.keys()];
}
