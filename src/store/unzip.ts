// Reading a zip that may lie: its central directory (names, declared sizes) comes first, without inflating
// anything, so the limits can refuse it; then each entry inflates in small steps into a buffer of its
// declared size and stops the moment it would pass it (a bomb that declares 1 KB costs one step, not 1 GB).
// fflate does the parsing and inflating. No file format and no limits here (archive.ts, archive-limits.ts).
import { Unzip, UnzipInflate, unzipSync } from 'fflate';
import type { DeclaredEntry } from './archive-limits';

/** A zip that is not what it declares: what is wrong, in words. */
export class ZipError extends Error {}

/** Compressed bytes per step: a step inflates to at most ~33 MB (deflate's 1032:1), then the sizes are checked. */
const STEP = 32 * 1024;
/** Bytes read outside any entry (headers, names, extra fields: at most 128 KB each) before the stream counts as junk. */
const MAX_GAP = 256 * 1024;

/** The entries as the central directory declares them. Throws (fflate's error) when there is no readable directory. */
export function zipDirectory(bytes: Uint8Array): DeclaredEntry[] {
  const entries: DeclaredEntry[] = [];
  unzipSync(bytes, {
    filter(f) {
      entries.push({ name: f.name, compressed: f.size, size: f.originalSize });
      return false; // read the directory only
    },
  });
  return entries;
}

/**
 * Inflate every entry of `declared` (names unique), each to exactly its declared size. `onStep` gets the
 * zip bytes read so far. Throws ZipError for an entry that overruns, falls short, is missing or is not
 * declared, and for a stream that stops making sense; fflate's errors for damaged data.
 */
export function inflateEntries(
  bytes: Uint8Array,
  declared: readonly DeclaredEntry[],
  onStep?: (read: number) => void,
): Map<string, Uint8Array> {
  const sizes = new Map(declared.map((e) => [e.name, e.size]));
  const out = new Map<string, Uint8Array>();
  const complete = new Set<string>();
  let problem: Error | null = null;
  let open = false; // inside an entry's data
  const unzip = new Unzip((file) => {
    const size = sizes.get(file.name);
    if (size === undefined || out.has(file.name))
      return void (problem ??= new ZipError(
        `it holds an entry "${file.name.slice(0, 80)}" its directory does not list`,
      ));
    const buffer = new Uint8Array(size);
    out.set(file.name, buffer);
    let at = 0;
    open = true;
    file.ondata = (err, chunk, final) => {
      if (problem) return;
      if (err) return void (problem = err);
      if (at + chunk.length > size)
        return void (problem = new ZipError(
          `${file.name} unpacks to more than the ${size} bytes its zip entry declares`,
        ));
      buffer.set(chunk, at);
      at += chunk.length;
      if (!final) return;
      open = false;
      if (at !== size)
        problem = new ZipError(`${file.name} unpacks to ${at} bytes, not the ${size} its zip entry declares`);
      complete.add(file.name);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  let gap = 0;
  for (let at = 0; at < bytes.length && !problem && complete.size < sizes.size; at += STEP) {
    const end = Math.min(bytes.length, at + STEP);
    unzip.push(bytes.subarray(at, end), end === bytes.length);
    gap = open ? 0 : gap + (end - at);
    if (gap > MAX_GAP && complete.size < sizes.size) problem = new ZipError('its data does not follow its directory');
    onStep?.(end);
  }
  if (problem) throw problem;
  const missing = declared.find((e) => !complete.has(e.name));
  if (missing) throw new ZipError(`${missing.name} is cut short`);
  return out;
}
