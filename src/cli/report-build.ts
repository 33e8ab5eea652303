// The whole findings report as files: README.md (index), <preset>.md and <preset>.svg per preset,
// findings.json for the preset gallery (src/experiment/findings.ts reads it). Built from sweep
// directories; a preset with no runs gets its page with "not run yet" and no chart.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS } from '../experiment/presets';
import { indexMarkdown, presetMarkdown, summaryLine } from './findings-md';
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

function findingsJson(results: readonly PresetResult[], pooled: PooledVerdict, generatedAt: string) {
  const presets = Object.fromEntries(
    results.map((r) => [
      r.preset.id,
      {
        verdict: r.verdict.verdict,
        summary: summaryLine(r),
        ...(r.machines.length > 0 ? { machine: r.machines.join('; ').slice(0, 200) } : {}),
        ...(r.wallSeconds !== null ? { wallSeconds: Math.round(r.wallSeconds * 10) / 10 } : {}),
        date: r.date,
        seeds: r.verdict.seeds,
        conditions: r.verdict.conditions.map((c) => ({ id: c.id, mean: c.mean, min: c.min, max: c.max, threshold: c.threshold, holdsInMean: c.holdsInMean, holdsInEverySeed: c.holdsInEverySeed })),
      },
    ]),
  );
  return { generatedAt, presets, claims: { faithfulness_predicts_regime: pooled } };
}

/** Every report file by name. Notes (hand-written interpretations) are read from `notesDir`/<preset>.md. */
export function buildReport(inDir: string, notesDir: string, generatedAt = new Date().toISOString()): Map<string, string> {
  const results = PRESETS.map((p) => presetResult(p, inDir));
  const pooled = judgeFaithfulness(results.flatMap((r) => r.runs.map((x) => x.summary)));
  const files = new Map<string, string>();
  for (const r of results) {
    const notesFile = join(notesDir, `${r.preset.id}.md`);
    files.set(`${r.preset.id}.md`, presetMarkdown(r, existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : null));
    if (r.runs.length > 0) files.set(`${r.preset.id}.svg`, chart(r));
  }
  files.set('README.md', indexMarkdown(results, pooled, generatedAt));
  files.set('findings.json', `${JSON.stringify(findingsJson(results, pooled, generatedAt), null, 2)}\n`);
  return files;
}

export function writeReport(inDir: string, outDir: string, generatedAt?: string): string[] {
  const files = buildReport(inDir, join(outDir, 'notes'), generatedAt);
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(outDir, name), text);
  return [...files.keys()];
}
