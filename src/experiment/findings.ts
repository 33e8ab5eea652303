// The findings file the report generator writes (public/findings/findings.json) as the gallery reads it:
// per preset, the verdict, a one-line outcome of the runs we made and how many of them are kept (the
// gallery's "Open our runs"). Shipped data, but still parsed by schema before use; unknown fields are
// ignored so the report may carry more.
import * as v from 'valibot';

export const VERDICTS = ['reproduced', 'not reproduced', 'mixed', 'not run'] as const;
export type Verdict = (typeof VERDICTS)[number];

const Finding = v.object({
  verdict: v.picklist(VERDICTS),
  summary: v.pipe(v.string(), v.maxLength(2000)),
  machine: v.optional(v.pipe(v.string(), v.maxLength(200))),
  wallSeconds: v.optional(v.pipe(v.number(), v.minValue(0))),
  /** Runs kept in runs/<preset>.json.gz (absent or 0: none, e.g. a verdict carried over without its data). */
  runs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type Finding = v.InferOutput<typeof Finding>;

const FindingsFile = v.object({
  presets: v.record(v.pipe(v.string(), v.maxLength(64)), Finding),
});

/** The findings by preset id, or why the file could not be used. */
export function parseFindings(
  raw: unknown,
): { ok: true; findings: Record<string, Finding> } | { ok: false; error: string } {
  const r = v.safeParse(FindingsFile, raw);
  if (!r.success) return { ok: false, error: `the findings file is malformed (${r.issues[0]?.message ?? 'unknown'})` };
  return { ok: true, findings: r.output.presets };
}

/** Where a findings file lives relative to the page (`base`: document.baseURI), under any base path. */
export function findingsUrl(base: string, file: string): string {
  return new URL(`findings/${file}`, base).href;
}
