// Export and import: a library round-trips through one zip file exactly (tensors, NaN metrics, rollouts,
// lineage); corrupted, truncated, wrong-version, oversized and hostile files are refused with a message
// saying what is wrong, never a throw; and an import writes all of its runs or none.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { openLabDb, SERIES_STORES, type LabDb } from '../../src/store/db';
import { packArchive, unpackArchive, ARCHIVE_LIMITS, type Decoded } from '../../src/store/archive';
import { collectRuns, createFork, writeRuns, type RunBundle } from '../../src/store/library';
import { deleteRun, listRuns } from '../../src/store/runs';
import { crc32Hex } from '../../src/util/crc32';
import { declareSize } from '../helpers/zips';
import { bundle, freshName, quotaError, runRecord } from './fixtures';

async function libraryOf(bundles: RunBundle[]): Promise<LabDb> {
  const db = await openLabDb(freshName());
  await writeRuns(db, bundles);
  return db;
}

function refused(result: Decoded<unknown>): string {
  if (result.ok) throw new Error('the file was accepted');
  return result.error;
}

/** A zip with this manifest (and matching checksums), as a hand-made or tampered file would be. */
function craft(manifest: unknown, tensors: Uint8Array = new Uint8Array(0), sums?: Record<string, string>): Uint8Array {
  const m = strToU8(JSON.stringify(manifest));
  const checksums = strToU8(JSON.stringify(sums ?? { 'manifest.json': crc32Hex(m), 'tensors.bin': crc32Hex(tensors) }));
  return zipSync({ 'manifest.json': m, 'tensors.bin': tensors, 'checksums.json': checksums });
}

/** A zip whose tensors.bin holds `tensors` (deflated) while the checksums are those of `sumsOf`. */
function craftWith(manifest: unknown, tensors: Uint8Array, sumsOf: Uint8Array): Uint8Array {
  const m = strToU8(JSON.stringify(manifest));
  const checksums = strToU8(JSON.stringify({ 'manifest.json': crc32Hex(m), 'tensors.bin': crc32Hex(sumsOf) }));
  return zipSync({ 'manifest.json': m, 'tensors.bin': [tensors, { level: 1 }], 'checksums.json': checksums });
}

/** The manifest of a real export, for tampering. */
function manifestOf(bytes: Uint8Array): {
  manifest: Record<string, unknown> & { runs: Record<string, unknown>[] };
  tensors: Uint8Array;
} {
  const files = unzipSync(bytes);
  return { manifest: JSON.parse(strFromU8(files['manifest.json']!)), tensors: files['tensors.bin']! };
}

describe('export and import', () => {
  it('checksums with CRC-32 (the standard check value)', () => {
    expect(crc32Hex(strToU8('123456789'))).toBe('cbf43926');
  });

  it('round-trips a library: export, clear, import gives identical runs, rows and tensors', async () => {
    const forkParent = bundle('p', 1);
    const db = await libraryOf([forkParent, bundle('q', 2)]);
    await createFork(
      db,
      runRecord('child', 3, 'stopped', { parent: { runId: 'p', step: 10, name: 'run p' } }),
      'p',
      10,
    );
    const before = await collectRuns(db);
    const bytes = packArchive(before);
    for (const r of await listRuns(db)) await deleteRun(db, r.id);
    expect(await listRuns(db)).toEqual([]);
    const decoded = unpackArchive(bytes);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(await writeRuns(db, decoded.value)).toEqual({ added: ['child', 'q', 'p'], skipped: [] });
    const after = await collectRuns(db);
    expect(after).toEqual(before);
    const w = (b: RunBundle[]) =>
      b.flatMap((x) =>
        x.checkpoints.flatMap((c) => Object.values(c.weights).map((t) => [...new Float32Array(t.data)])),
      );
    expect(w(after)).toEqual(w(before)); // toEqual on ArrayBuffers is not enough evidence: compare the floats
    expect(after.find((b) => b.run.id === 'child')!.run.parent).toEqual({ runId: 'p', step: 10, name: 'run p' });
    expect(Number.isNaN(after.find((b) => b.run.id === 'p')!.metrics[1]!.values.grad_norm)).toBe(true);
  });

  it('skips runs already in the library, so importing a file twice adds nothing', async () => {
    const db = await libraryOf([bundle('a')]);
    const decoded = unpackArchive(packArchive(await collectRuns(db)));
    expect(decoded.ok && (await writeRuns(db, decoded.value))).toEqual({ added: [], skipped: ['a'] });
  });

  it('marks a run exported while training as interrupted on import', () => {
    const b = bundle('live');
    b.run = { ...b.run, status: 'running' };
    const decoded = unpackArchive(packArchive([b]));
    expect(decoded.ok && decoded.value[0]!.run.status).toBe('interrupted');
  });

  it('refuses files that are not exports, truncated or corrupted', () => {
    const bytes = packArchive([bundle('a')]);
    expect(refused(unpackArchive(strToU8('{"format":"rlvr-lab-library"}')))).toMatch(/not a zip file/);
    expect(refused(unpackArchive(new Uint8Array(0)))).toMatch(/not a zip file/);
    expect(refused(unpackArchive(bytes.slice(0, bytes.length >> 1)))).toMatch(/damaged or truncated/);
    expect(refused(unpackArchive(bytes.slice(0, bytes.length - 30)))).toMatch(/damaged or truncated/);
    const flipped = bytes.slice();
    const mid = bytes.length >> 1; // inside tensors.bin
    flipped[mid] = flipped[mid]! ^ 0xff;
    expect(refused(unpackArchive(flipped))).toMatch(/damaged/);
    expect(refused(unpackArchive(zipSync({ 'hello.txt': strToU8('hi') })))).toMatch(/unexpected entry "hello.txt"/);
  });

  it('refuses a file from a newer lab, another program, or an unknown version', () => {
    const { manifest, tensors } = manifestOf(packArchive([bundle('a')]));
    expect(refused(unpackArchive(craft({ ...manifest, version: 2 }, tensors)))).toMatch(
      /newer RLVR Lab \(export format 2\); this lab reads format 1/,
    );
    expect(refused(unpackArchive(craft({ ...manifest, version: 0 }, tensors)))).toMatch(
      /unknown export format version/,
    );
    expect(refused(unpackArchive(craft({ ...manifest, format: 'other' }, tensors)))).toMatch(/not an RLVR Lab export/);
    expect(refused(unpackArchive(craft([1, 2, 3])))).toMatch(/not an RLVR Lab export/);
  });

  it('refuses oversized files and zip bombs before inflating them, naming the limit and by how much', () => {
    const bytes = packArchive([bundle('a')]);
    expect(refused(unpackArchive(bytes, { ...ARCHIVE_LIMITS, fileBytes: 1000 }))).toMatch(
      /^The file is [\d.]+ KB, [\d.]+ KB over the limit of 1000 bytes for one import/,
    );
    expect(refused(unpackArchive(bytes, { ...ARCHIVE_LIMITS, tensorBytes: 1000 }))).toMatch(
      /checkpoint tensors are [\d.]+ KB, [\d.]+ KB over the limit of 1000 bytes/,
    );
    const bomb = zipSync({ 'manifest.json': new Uint8Array(64 * 2 ** 20), 'checksums.json': strToU8('{}') }); // 64 MB of zeros, ~64 KB zipped
    expect(bomb.length).toBeLessThan(200_000);
    expect(refused(unpackArchive(bomb))).toMatch(
      /would unpack to 64 MB from [\d.]+ KB, a ratio of 10\d\d:1: 10\.\d times the limit of 100:1/,
    );
    const noRatio = { ...ARCHIVE_LIMITS, ratio: Infinity };
    expect(refused(unpackArchive(bomb, { ...noRatio, manifestBytes: 2 ** 20 }))).toMatch(
      /manifest is 64 MB, 63 MB over the limit of 1.0 MB/,
    );
    expect(refused(unpackArchive(bomb, { ...noRatio, unpackedBytes: 2 ** 20 }))).toMatch(
      /unpacks to 64 MB, 63 MB over the limit of 1.0 MB/,
    );
  });

  it('refuses a bomb that declares 1 KB after one step of inflating, not after all of it', () => {
    const { manifest, tensors } = manifestOf(packArchive([bundle('a')]));
    const zeros = new Uint8Array(128 * 2 ** 20);
    const bomb = declareSize(craftWith(manifest, zeros, tensors), 'tensors.bin', 1024); // 128 MB of zeros (~128 KB deflated) that say 1 KB
    const read: number[] = [];
    expect(refused(unpackArchive(bomb, ARCHIVE_LIMITS, (p) => p.phase === 'unpack' && read.push(p.done)))).toMatch(
      /damaged or forged: tensors.bin unpacks to more than the 1024 bytes its zip entry declares/,
    );
    expect(Math.max(...read)).toBeLessThan(bomb.length / 2); // stopped within the first steps of the deflated zeros
  });

  it('refuses more rows per store than an import takes, before checking them, saying how many over', () => {
    const bytes = packArchive([bundle('a'), bundle('b')]); // 10 metric rows each
    expect(refused(unpackArchive(bytes, { ...ARCHIVE_LIMITS, rows: { ...ARCHIVE_LIMITS.rows, metrics: 15 } }))).toMatch(
      /holds 20 metric rows, 5 over the limit of 15 per import/,
    );
    expect(refused(unpackArchive(bytes, { ...ARCHIVE_LIMITS, rows: { ...ARCHIVE_LIMITS.rows, runs: 1 } }))).toMatch(
      /holds 2 runs, 1 over the limit of 1 per import/,
    );
    expect(unpackArchive(bytes).ok).toBe(true);
  });

  it.each([
    [
      'a bad config',
      (m: M) => (run(m).config.model.heads = 5),
      /Run "run a" has an invalid config: model.heads must divide/,
    ],
    ['a bad step', (m: M) => (rows(m, 'metrics')[0]!.step = -1), /manifest, at runs.0.metrics.0.step/],
    ['a string value', (m: M) => (rows(m, 'metrics')[0]!.values = { loss: 'x' }), /runs.0.metrics.0.values.loss/],
    ['a huge name', (m: M) => (run(m).name = 'x'.repeat(5000)), /runs.0.run.name/],
    ['a hostile id', (m: M) => (run(m).id = '../../etc'), /runs.0.run.id/],
    ['a duplicate run', (m: M) => m.runs.push(m.runs[0]!), /lists run a twice/],
    ['weights of another model', (m: M) => delete ck(m).weights.wte, /does not fit the run's model/],
    [
      'a tensor past the end',
      (m: M) => (ck(m).optimizer['m/wte'].offset = 1e9),
      /truncated: run "run a", checkpoint at step 10, tensor m\/wte lies past the end/,
    ],
    ['a tensor of the wrong size', (m: M) => (ck(m).optimizer['m/wte'].bytes = 4), /has 4 bytes for shape/],
    [
      'a weight of another shape',
      (m: M) => (ck(m).weights['h0.attn.wo'].shape = [32, 16]),
      /tensor "h0.attn.wo" has shape \[32, 16\], the model's h0.attn.wo has \[32, 32\]/,
    ],
    [
      'optimizer state of another shape',
      (m: M) => (ck(m).optimizer['v/wpe'].shape = [8, 64]),
      /fit the run's model: its tensor "v\/wpe" has shape \[8, 64\], the model's wpe has \[64, 32\]/,
    ],
    [
      'optimizer state of no weight',
      (m: M) => (ck(m).optimizer['m/h9.mlp.w1'] = ck(m).optimizer['m/wte']),
      /its tensor "m\/h9.mlp.w1" belongs to no weight of the model/,
    ],
    [
      'optimizer state of no kind',
      (m: M) => (ck(m).optimizer['x/wte'] = ck(m).optimizer['m/wte']),
      /optimizer tensor "x\/wte" is none of m\/<weight>, v\/<weight>, ref\/<weight>/,
    ],
    [
      'a partial optimizer state',
      (m: M) => delete ck(m).optimizer['v/lnf.b'],
      /optimizer state "v\/" covers 15 of the model's 16 weights/,
    ],
  ])('refuses a manifest with %s, naming it', (_, tamper, message) => {
    const { manifest, tensors } = manifestOf(packArchive([bundle('a')]));
    tamper(manifest as M);
    expect(refused(unpackArchive(craft(manifest, tensors)))).toMatch(message);
  });

  it('drops prototype keys from hostile records instead of polluting objects', () => {
    const { manifest, tensors } = manifestOf(packArchive([bundle('a')]));
    const text = JSON.stringify(manifest).replace('"values":{', '"values":{"__proto__":{"polluted":1},');
    const decoded = unpackArchive(craft(JSON.parse(text), tensors));
    expect(decoded.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(decoded.ok && Object.keys(decoded.value[0]!.metrics[0]!.values)).toEqual(['loss', 'mean_token_accuracy']);
  });

  it('never throws on random or mutated bytes, and accepts a mutated file only when its content is intact', () => {
    const bytes = packArchive([bundle('a')]);
    const original = unpackArchive(bytes);
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 300; i++) {
      const m = bytes.slice(0, i % 3 === 0 ? Math.floor(rand() * bytes.length) : bytes.length);
      for (let k = 0; k < 1 + (i % 5); k++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      expect(() => unpackArchive(m)).not.toThrow();
      const out = unpackArchive(m);
      if (out.ok) expect(out).toEqual(original); // the bytes hit zip metadata (a date, a flag), not content
    }
    for (let i = 0; i < 50; i++)
      expect(unpackArchive(Uint8Array.from({ length: i * 7 }, () => rand() * 256)).ok).toBe(false);
  });

  it('writes all runs of an import or none', async () => {
    const db = await libraryOf([bundle('keep')]);
    const bad = bundle('b');
    (bad.metrics[3] as { step: unknown }).step = { not: 'a key' }; // an invalid key makes the put throw part-way
    await expect(writeRuns(db, [bundle('a'), bad])).rejects.toThrow();
    expect((await listRuns(db)).map((r) => r.id)).toEqual(['keep']);
    expect((await collectRuns(db, ['a'])).length).toBe(0);
  });

  it('writes in bounded transactions, the run records last; a full disk or an abort part-way leaves the library as it was', async () => {
    const db = await libraryOf([bundle('keep')]);
    const big = bundle('big'); // 5,000 metric rows: three chunks of at most 2,000
    big.metrics = Array.from({ length: 5000 }, (_, i) => ({
      runId: 'big',
      step: i,
      stage: 'sft',
      time: i,
      values: { loss: 1 / (i + 1) },
    }));
    const stored = async (id: string) =>
      (
        await Promise.all(SERIES_STORES.map((s) => db.count(s, IDBKeyRange.bound([id, -Infinity], [id, Infinity]))))
      ).reduce((a, b) => a + b, 0);
    await expect(writeRuns(failingOn(db, 'metrics', 2), [bundle('a'), big])).rejects.toThrow(/quota/); // after the first chunk committed
    expect((await listRuns(db)).map((r) => r.id)).toEqual(['keep']);
    expect([await stored('a'), await stored('big')]).toEqual([0, 0]);
    const abort = new AbortController();
    const stopAfterOne = (done: number) => void (done > 0 && abort.abort());
    await expect(writeRuns(db, [big], { signal: abort.signal, onProgress: stopAfterOne })).rejects.toThrow(/abort/i);
    expect([(await listRuns(db)).length, await stored('big')]).toEqual([1, 0]);
    const progress: number[] = [];
    expect(await writeRuns(db, [big], { onProgress: (done, total) => void progress.push(done, total) })).toEqual({
      added: ['big'],
      skipped: [],
    });
    expect(progress).toEqual([0, 5005, 2000, 5005, 4000, 5005, 5000, 5005, 5002, 5005, 5004, 5005, 5005, 5005]); // metrics (3 chunks), samples, checkpoints, rollouts
    expect(await stored('big')).toBe(5005);
    expect((await collectRuns(db, ['big']))[0]!.metrics.length).toBe(5000);
  });
});

/** `db`, except that its `nth` readwrite transaction on `store` alone throws QuotaExceededError, as a disk filling up mid-import does. */
function failingOn(db: LabDb, store: string, nth: number): LabDb {
  let seen = 0;
  return new Proxy(db, {
    get(target, prop) {
      if (prop !== 'transaction') {
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (names: string | string[], mode?: IDBTransactionMode) => {
        if (names === store && mode === 'readwrite' && ++seen === nth) throw quotaError();
        return target.transaction(names as never, mode);
      };
    },
  });
}

type M = { runs: Record<string, any>[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
const run = (m: M) => m.runs[0]!.run;
const rows = (m: M, name: string) => m.runs[0]![name] as Record<string, unknown>[];
const ck = (m: M) => m.runs[0]!.checkpoints[0];
