// The hard limits of an import, and the checks that apply them before work starts: the zip's declared
// sizes before anything is inflated, the row counts before the schema walks them. A refusal names the
// limit and says by how much the file passes it. Pure functions over numbers; no zip, no IndexedDB.

export interface ArchiveLimits {
  /** The zip file itself (read whole into memory). */
  fileBytes: number;
  /** All entries once inflated. */
  unpackedBytes: number;
  /** Unpacked bytes per byte of zip: deflate can reach 1032:1, a real export is 1.2:1 (tensors) to 10:1 (curves only). */
  ratio: number;
  manifestBytes: number;
  /** tensors.bin: every checkpoint's weights and optimizer state, float32. */
  tensorBytes: number;
  /** Rows per store in one file. */
  rows: Readonly<Record<RowStore, number>>;
}

export type RowStore = 'runs' | 'metrics' | 'samples' | 'rollouts' | 'checkpoints';

const MIB = 2 ** 20;
/**
 * The lab's own exports stay far inside these: a preset's sweep of six runs is 3.8 MB (4.4 MB unpacked,
 * a 0.3 MB manifest of 61 metric rows per run); a default-size run keeps about five 10 MB checkpoints.
 */
export const ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  fileBytes: 640 * MIB, // the zip is read whole, inflated, cut into tensors and cloned into IndexedDB: ~4 copies
  unpackedBytes: 640 * MIB,
  ratio: 100, // ten times the most a real export reaches (a manifest alone, 5-10:1); a zip bomb is ~1000:1
  manifestBytes: 64 * MIB, // JSON.parse holds it several times over; 200x the preset sweep's manifest
  tensorBytes: 512 * MIB, // about fifty 10 MB checkpoints of the default model (weights, AdamW m and v)
  rows: Object.freeze({ runs: 1000, metrics: 300_000, samples: 50_000, rollouts: 50_000, checkpoints: 1000 }),
});

const ROW_WORDS: Record<RowStore, string> = {
  runs: 'runs',
  metrics: 'metric rows',
  samples: 'sample rows',
  rollouts: 'rollout rows',
  checkpoints: 'checkpoints',
};

/** Sizes in words: "812 bytes", "1.0 MB", "148 MB" (binary megabytes, as the limits are set). */
export function mb(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < MIB) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / MIB).toFixed(n < 10 * MIB ? 1 : 0)} MB`;
}
const count = (n: number) => n.toLocaleString('en-US');
const over = (n: number, limit: number, unit: (x: number) => string) =>
  `${unit(n - limit)} over the limit of ${unit(limit)}`;

/** Why a zip of `fileBytes` is too big to read, or null. */
export function fileRefusal(fileBytes: number, limits: ArchiveLimits = ARCHIVE_LIMITS): string | null {
  if (fileBytes <= limits.fileBytes) return null;
  return `The file is ${mb(fileBytes)}, ${over(fileBytes, limits.fileBytes, mb)} for one import. Export fewer runs per file.`;
}

/** One entry as the zip's central directory declares it, before inflating. */
export interface DeclaredEntry {
  name: string;
  /** Bytes in the zip. */
  compressed: number;
  /** Bytes once inflated, as declared (inflating stops there). */
  size: number;
}

/** Why a zip whose directory declares `entries` must not be inflated, or null. Checked before any inflation. */
export function declaredRefusal(
  fileBytes: number,
  entries: readonly DeclaredEntry[],
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): string | null {
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  const ratio = total / Math.max(1, fileBytes);
  if (ratio > limits.ratio) {
    const times = (x: number) => `${Math.round(x)}:1`;
    return `The file would unpack to ${mb(total)} from ${mb(fileBytes)}, a ratio of ${times(ratio)}: ${(ratio / limits.ratio).toFixed(1)} times the limit of ${times(limits.ratio)} (real exports stay under 10:1; this is how zip bombs look).`;
  }
  if (total > limits.unpackedBytes)
    return `The file unpacks to ${mb(total)}, ${over(total, limits.unpackedBytes, mb)} for one import. Export fewer runs per file.`;
  const size = (name: string) => entries.find((e) => e.name === name)?.size ?? 0;
  const manifest = size('manifest.json');
  if (manifest > limits.manifestBytes)
    return `The file's manifest is ${mb(manifest)}, ${over(manifest, limits.manifestBytes, mb)}. Export fewer runs per file.`;
  const tensors = size('tensors.bin');
  if (tensors > limits.tensorBytes) {
    return `The file's checkpoint tensors are ${mb(tensors)}, ${over(tensors, limits.tensorBytes, mb)} for one import. Export fewer runs per file, or delete old checkpoints first.`;
  }
  return null;
}

/** Rows per store in a parsed (not yet validated) manifest; anything not an array counts as none. */
export function countRows(manifest: unknown): Record<RowStore, number> {
  const counts: Record<RowStore, number> = { runs: 0, metrics: 0, samples: 0, rollouts: 0, checkpoints: 0 };
  const runs = (manifest as { runs?: unknown } | null)?.runs;
  if (!Array.isArray(runs)) return counts;
  counts.runs = runs.length;
  for (const section of runs as unknown[]) {
    if (typeof section !== 'object' || section === null) continue;
    for (const store of ['metrics', 'samples', 'rollouts', 'checkpoints'] as const) {
      const rows = (section as Record<string, unknown>)[store];
      if (Array.isArray(rows)) counts[store] += rows.length;
    }
  }
  return counts;
}

/** Why a manifest with these row counts is too big to check and write, or null. */
export function rowsRefusal(counts: Record<RowStore, number>, limits: ArchiveLimits = ARCHIVE_LIMITS): string | null {
  for (const store of Object.keys(limits.rows) as RowStore[]) {
    const n = counts[store];
    const limit = limits.rows[store];
    if (n > limit)
      return `The file holds ${count(n)} ${ROW_WORDS[store]}, ${count(n - limit)} over the limit of ${count(limit)} per import. Export fewer runs per file.`;
  }
  return null;
}
