// The export file: one zip holding manifest.json (runs, metrics, samples, rollouts, checkpoint metadata),
// tensors.bin (every checkpoint tensor, float32, back to back) and checksums.json (CRC-32 of both).
// Unpacking never throws and never trusts the file: the limits are applied to the declared sizes before
// inflating and to the row counts before the schema, checksums and the schema are checked, configs are
// validated, and every tensor (weights and optimizer state) must fit the run's model. No IndexedDB here.
import { zipSync } from 'fflate';
import * as v from 'valibot';
import { validateRunConfig, type RunConfig } from '../experiment/run-config';
import { withMissingStagesOff } from '../experiment/stored-config';
import { paramShapes } from '../model/model-config';
import { crc32Hex } from '../util/crc32';
import { ConfigError, errorMessage } from '../util/errors';
import { issueText } from '../util/issues';
import {
  ARCHIVE_LIMITS,
  countRows,
  declaredRefusal,
  fileRefusal,
  rowsRefusal,
  type ArchiveLimits,
} from './archive-limits';
import {
  Checksums,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  Manifest,
  ManifestHead,
  type ManifestData,
  type RunSectionData,
  type TensorRefData,
} from './archive-schema';
import type { RunBundle } from './library';
import type { CheckpointRow, RunRecord, RunStatus, TensorData } from './types';
import { inflateEntries, zipDirectory, ZipError } from './unzip';

export { ARCHIVE_LIMITS, type ArchiveLimits };

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** How far an unpack has come: zip bytes inflated ('unpack'), then the manifest checked as a whole ('check'). */
export interface UnpackProgress {
  phase: 'unpack' | 'check';
  done: number;
  total: number;
}

const ENTRIES = ['manifest.json', 'tensors.bin', 'checksums.json'] as const;
/** A trainer held these runs when they were exported; the imported copy has none. */
const LIVE: readonly RunStatus[] = ['queued', 'running', 'paused'];

class Refusal extends Error {}
function refuse(message: string): never {
  throw new Refusal(message);
}
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Pack runs into one zip file (bytes). Tensors are stored once, in tensors.bin, by offset. */
export function packArchive(bundles: readonly RunBundle[], exportedAt = Date.now()): Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const ref = (t: TensorData): TensorRefData => {
    const r = { shape: [...t.shape], offset, bytes: t.data.byteLength };
    parts.push(new Uint8Array(t.data));
    offset += t.data.byteLength;
    return r;
  };
  const refs = (rec: Record<string, TensorData>) =>
    Object.fromEntries(Object.entries(rec).map(([k, t]) => [k, ref(t)]));
  const runs = bundles.map((b) => ({
    run: b.run,
    metrics: b.metrics.map(({ runId: _, ...m }) => m),
    samples: b.samples.map(({ runId: _, ...s }) => s),
    rollouts: b.rollouts.map(({ runId: _, ...r }) => r),
    checkpoints: b.checkpoints.map(({ runId: _, weights, optimizer, ...c }) => ({
      ...c,
      weights: refs(weights),
      optimizer: refs(optimizer),
    })),
  }));
  const manifest = encode({ format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt, runs });
  const tensors = new Uint8Array(offset);
  parts.reduce((at, p) => (tensors.set(p, at), at + p.length), 0);
  const checksums = encode({ 'manifest.json': crc32Hex(manifest), 'tensors.bin': crc32Hex(tensors) });
  // Float weights barely compress: level 1 saves time for little size; the JSON compresses well.
  return zipSync({
    'manifest.json': [manifest, { level: 6 }],
    'tensors.bin': [tensors, { level: 1 }],
    'checksums.json': [checksums, { level: 0 }],
  });
}

/**
 * Unpack and check an export file. Every way a file can be wrong comes back as a message, never a throw.
 * `onProgress` hears how far the inflating has come, then that the manifest is being checked.
 */
export function unpackArchive(
  bytes: Uint8Array,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
  onProgress?: (p: UnpackProgress) => void,
): Decoded<RunBundle[]> {
  try {
    const entries = readEntries(bytes, limits, (done) => onProgress?.({ phase: 'unpack', done, total: bytes.length }));
    onProgress?.({ phase: 'check', done: 0, total: 1 });
    const manifest = readManifest(entries['manifest.json']!, limits);
    const tensors = entries['tensors.bin'] ?? new Uint8Array(0);
    return { ok: true, value: manifest.runs.map((section) => toBundle(section, tensors)) };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, error: err.message };
    return { ok: false, error: `The file could not be read: ${errorMessage(err)}` };
  }
}

/** The zip's entries, their declared sizes within the limits, inflated to exactly those sizes, checksums verified. */
function readEntries(
  bytes: Uint8Array,
  limits: ArchiveLimits,
  onStep: (read: number) => void,
): Record<string, Uint8Array> {
  const tooBig = fileRefusal(bytes.length, limits);
  if (tooBig) refuse(tooBig);
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    refuse('This is not an RLVR Lab export: it is not a zip file.');
  const damaged = (err: unknown) =>
    refuse(`The file is damaged or truncated: the zip could not be read (${errorMessage(err)}).`);
  let declared: ReturnType<typeof zipDirectory> = [];
  try {
    declared = zipDirectory(bytes);
  } catch (err) {
    damaged(err);
  }
  const names = new Set<string>();
  for (const { name } of declared) {
    if (!(ENTRIES as readonly string[]).includes(name) || names.has(name))
      refuse(`This is not an RLVR Lab export: it holds an unexpected entry "${name.slice(0, 80)}".`);
    names.add(name);
  }
  const overLimit = declaredRefusal(bytes.length, declared, limits);
  if (overLimit) refuse(overLimit);
  let files: Map<string, Uint8Array> = new Map();
  try {
    files = inflateEntries(bytes, declared, onStep);
  } catch (err) {
    if (err instanceof ZipError) refuse(`The file is damaged or forged: ${err.message}.`);
    damaged(err);
  }
  verifyChecksums(Object.fromEntries(files));
  return Object.fromEntries(files);
}

function verifyChecksums(files: Record<string, Uint8Array>): void {
  if (!files['manifest.json'] || !files['checksums.json'])
    refuse('This is not an RLVR Lab export: manifest.json or checksums.json is missing.');
  const sums = v.safeParse(Checksums, parseJson(files['checksums.json'], 'checksums.json'));
  if (!sums.success) refuse(`The file is damaged: ${issueText(sums.issues, 'checksums.json')}.`);
  for (const [name, data] of Object.entries(files)) {
    if (name === 'checksums.json') continue;
    if (sums.output[name] !== crc32Hex(data))
      refuse(`The file is damaged or was changed after export: the checksum of ${name} does not match.`);
  }
}

function parseJson(bytes: Uint8Array, name: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return refuse(`The file is damaged: ${name} is not valid JSON.`);
  }
}

function readManifest(bytes: Uint8Array, limits: ArchiveLimits): ManifestData {
  const json = parseJson(bytes, 'manifest.json');
  const head = v.safeParse(ManifestHead, json);
  if (!head.success || head.output.format !== EXPORT_FORMAT)
    refuse(`This is not an RLVR Lab export: its manifest is not of format "${EXPORT_FORMAT}".`);
  const version = head.output.version;
  if (version > EXPORT_VERSION)
    refuse(
      `This file was made by a newer RLVR Lab (export format ${version}); this lab reads format ${EXPORT_VERSION}. Reload the lab to update it, then import again.`,
    );
  if (version !== EXPORT_VERSION)
    refuse(`This file has an unknown export format version (${JSON.stringify(version)}).`);
  const tooMany = rowsRefusal(countRows(json), limits);
  if (tooMany) refuse(tooMany);
  const parsed = v.safeParse(Manifest, json);
  if (!parsed.success) refuse(`The file's content is not valid (${issueText(parsed.issues, 'manifest')}).`);
  const ids = new Set<string>();
  for (const s of parsed.output.runs) {
    if (ids.has(s.run.id)) refuse(`The file lists run ${s.run.id} twice.`);
    ids.add(s.run.id);
  }
  return parsed.output;
}

/** One run of the manifest as store rows, its config validated and its tensors cut out of tensors.bin. */
function toBundle(section: RunSectionData, tensors: Uint8Array): RunBundle {
  const { run: raw } = section;
  const runId = raw.id;
  let config: RunConfig;
  try {
    config = validateRunConfig(withMissingStagesOff(raw.config));
  } catch (err) {
    if (err instanceof ConfigError) refuse(`Run "${raw.name}" has an invalid config: ${err.message}.`);
    throw err;
  }
  const live = LIVE.includes(raw.status);
  const run = {
    ...raw,
    config,
    ...(live ? { status: 'interrupted', reason: 'it was training when it was exported' } : {}),
  } as RunRecord;
  const nan = (values: Record<string, number | null>) =>
    Object.fromEntries(Object.entries(values).map(([k, x]) => [k, x ?? NaN]));
  return {
    run,
    metrics: section.metrics.map((m) => ({ runId, ...m, values: nan(m.values) })),
    samples: section.samples.map((s) => ({ runId, ...s })),
    rollouts: section.rollouts.map((r) => ({ runId, ...r })),
    checkpoints: section.checkpoints.map((c) => toCheckpoint(c, run, tensors)),
  };
}

/** Optimizer state is per weight: AdamW's first and second moments, and GRPO's frozen reference policy. */
const OPTIMIZER_PARTS = ['m/', 'v/', 'ref/'] as const;

/**
 * Refuse a checkpoint whose weights or optimizer state do not fit the run's model, naming the tensor: every
 * weight present with the model's shape, and each optimizer part absent or one tensor per weight, shaped alike.
 */
function checkShapes(c: RunSectionData['checkpoints'][number], model: RunConfig['model'], where: string): void {
  const shapes = new Map(paramShapes(model).map(([name, shape]) => [name, shape]));
  const misfit = (what: string): never => refuse(`The file's ${where} does not fit the run's model: ${what}.`);
  const fits = (key: string, name: string, shape: number[]) => {
    const want = shapes.get(name) ?? misfit(`its tensor "${key.slice(0, 200)}" belongs to no weight of the model`);
    if (shape.join(',') !== want.join(','))
      misfit(`its tensor "${key}" has shape [${shape.join(', ')}], the model's ${name} has [${want.join(', ')}]`);
  };
  for (const [name, ref] of Object.entries(c.weights)) fits(name, name, ref.shape);
  const lacking = [...shapes.keys()].find((name) => !Object.hasOwn(c.weights, name));
  if (lacking) misfit(`it lacks the weight "${lacking}"`);
  const counts = new Map<string, number>(OPTIMIZER_PARTS.map((p) => [p, 0]));
  for (const [key, ref] of Object.entries(c.optimizer)) {
    const part =
      OPTIMIZER_PARTS.find((p) => key.startsWith(p)) ??
      misfit(
        `its optimizer tensor "${key.slice(0, 200)}" is none of ${OPTIMIZER_PARTS.map((p) => `${p}<weight>`).join(', ')}`,
      );
    fits(key, key.slice(part.length), ref.shape);
    counts.set(part, counts.get(part)! + 1);
  }
  for (const [part, n] of counts)
    if (n > 0 && n < shapes.size)
      misfit(`its optimizer state "${part}" covers ${n} of the model's ${shapes.size} weights`);
}

function toCheckpoint(c: RunSectionData['checkpoints'][number], run: RunRecord, tensors: Uint8Array): CheckpointRow {
  const where = `run "${run.name}", checkpoint at step ${c.step}`;
  checkShapes(c, run.config.model, where);
  const cut = (rec: Record<string, TensorRefData>) =>
    Object.fromEntries(Object.entries(rec).map(([k, r]) => [k, tensorAt(r, tensors, `${where}, tensor ${k}`)]));
  return {
    runId: run.id,
    step: c.step,
    stage: c.stage,
    time: c.time,
    state: c.state,
    weights: cut(c.weights),
    optimizer: cut(c.optimizer),
  };
}

function tensorAt(r: TensorRefData, tensors: Uint8Array, where: string): TensorData {
  const size = r.shape.reduce((a, b) => a * b, 1);
  if (r.bytes !== size * 4)
    refuse(`The file is damaged: ${where} has ${r.bytes} bytes for shape [${r.shape.join(', ')}].`);
  if (r.offset + r.bytes > tensors.length) refuse(`The file is truncated: ${where} lies past the end of tensors.bin.`);
  return { shape: r.shape, data: tensors.slice(r.offset, r.offset + r.bytes).buffer };
}
