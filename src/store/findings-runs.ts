// The findings' kept run data (public/findings/runs/<preset>.json.gz) read back from its bytes: the
// file's schema, its checks, and the runs as library bundles for the gallery's "Open our runs". Shared by
// `npm run report` (cli/report/kept-runs.ts, which also writes the file) and the page: no I/O, no Node here.
// Never throws on a bad file: every way it can be wrong comes back as a message naming the field.
import { gunzipSync, strFromU8 } from 'fflate';
import * as v from 'valibot';
import { STAGES, totalSteps, validateRunConfig, type RunConfig } from '../experiment/run-config';
import { withMissingStagesOff } from '../experiment/stored-config';
import { ConfigError, errorMessage } from '../util/errors';
import { issueText } from '../util/issues';
import { RunSection } from './archive-schema';
import type { RunBundle } from './library';
import type { MetricRow, RunRecord, RunStatus } from './types';

export const KEPT_FORMAT = 'rlvr-lab-findings-runs';
export const KEPT_VERSION = 1;

const MIB = 2 ** 20;
/** A findings file is a few MB at most; these only stop a damaged or hostile one from exhausting memory. */
export const KEPT_LIMITS = Object.freeze({ fileBytes: 256 * MIB, unpackedBytes: 1024 * MIB });

const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const list = <T extends v.GenericSchema>(item: T, max: number) => v.pipe(v.array(item), v.maxLength(max));
const Info = v.looseObject({
  id: text(200),
  name: text(500),
  presetId: text(64),
  armId: text(64),
  seed: v.pipe(v.number(), v.integer()),
  config: v.looseObject({
    rl: v.looseObject({}),
    sft: v.looseObject({}),
    cpt: v.looseObject({}),
    data: v.looseObject({}),
    model: v.looseObject({}),
  }),
  adjusted: v.nullable(v.looseObject({})),
  backend: v.looseObject({ name: text(16), adapter: text(2000), features: list(text(200), 100) }),
  machine: v.looseObject({ cpu: text(500) }),
  createdAt: v.number(),
});
const State = v.looseObject({
  status: text(32),
  step: v.number(),
  totalSteps: v.number(),
  wallSeconds: v.number(),
  updatedAt: v.number(),
  reason: v.optional(text(10_000)),
});
/** JSON has no NaN: a NaN metric value was written as null. */
const Row = v.object({
  step: v.pipe(v.number(), v.integer(), v.minValue(0)),
  stage: text(32),
  time: v.number(),
  values: v.pipe(v.record(text(200), v.nullable(v.number())), v.maxEntries(1000)),
});
const KeptFile = v.object({
  format: v.literal(KEPT_FORMAT),
  version: v.literal(KEPT_VERSION),
  presetId: text(64),
  runs: list(v.object({ info: Info, state: v.nullable(State), metrics: list(Row, 2_000_000) }), 10_000),
});

export type KeptInfo = v.InferOutput<typeof Info>;
export type KeptState = v.InferOutput<typeof State>;
/** One kept run: its identity and settings (cli/shared/run-dir.ts's RunInfo), end state (RunState) and metric rows. */
export interface KeptRunData {
  info: KeptInfo;
  state: KeptState | null;
  metrics: MetricRow[];
}

export type KeptParse = { ok: true; runs: KeptRunData[] } | { ok: false; error: string };

export interface KeptExpect {
  /** The preset the file must hold. */
  presetId: string;
  /** How messages name the file (its path or URL). */
  file: string;
  /** The transport already inflated the gzip (a server that sends .gz files with Content-Encoding: gzip). */
  inflated?: boolean;
}

const isGzip = (b: Uint8Array) => b.length >= 18 && b[0] === 0x1f && b[1] === 0x8b;
/** Gzip's trailer holds the inflated size (mod 2^32): checked before inflating. */
const gzipSize = (b: Uint8Array) =>
  (b[b.length - 4]! | (b[b.length - 3]! << 8) | (b[b.length - 2]! << 16)) + b[b.length - 1]! * 2 ** 24;
const mb = (n: number) => `${Math.round(n / MIB)} MB`;

/** The runs of a kept file's bytes, checked whole: gzip, JSON, schema, preset. */
export function parseKeptRuns(bytes: Uint8Array, expect: KeptExpect): KeptParse {
  const { file } = expect;
  const fail = (error: string): KeptParse => ({ ok: false, error });
  if (bytes.length > KEPT_LIMITS.fileBytes)
    return fail(
      `${file} is ${mb(bytes.length)}, more than the ${mb(KEPT_LIMITS.fileBytes)} a findings run file may be`,
    );
  const gzipped = isGzip(bytes);
  if (!gzipped && !expect.inflated) return fail(`${file} is not gzip'd JSON (it does not start with gzip's signature)`);
  if (gzipped && gzipSize(bytes) > KEPT_LIMITS.unpackedBytes)
    return fail(`${file} unpacks to more than ${mb(KEPT_LIMITS.unpackedBytes)}`);
  let raw: unknown;
  try {
    raw = JSON.parse(strFromU8(gzipped ? gunzipSync(bytes) : bytes));
  } catch (err) {
    return fail(`${file} is not gzip'd JSON (${errorMessage(err)})`);
  }
  const r = v.safeParse(KeptFile, raw);
  if (!r.success) return fail(`${file} is not a findings run file: ${headProblem(raw) ?? fieldProblem(r.issues)}`);
  if (r.output.presetId !== expect.presetId)
    return fail(`${file} holds runs of preset ${r.output.presetId}, not ${expect.presetId}`);
  // The checked input itself, not the parser's output: that would reorder the config's keys, and the
  // report compares configs as JSON.
  return {
    ok: true,
    runs: (raw as v.InferOutput<typeof KeptFile>).runs.map((x) => ({
      info: x.info,
      state: x.state,
      metrics: x.metrics.map((m) => ({
        runId: x.info.id,
        step: m.step,
        stage: m.stage,
        time: m.time,
        values: Object.fromEntries(Object.entries(m.values).map(([k, val]) => [k, val ?? NaN])),
      })),
    })),
  };
}

/** A file of another format or a newer lab, said as such rather than as its first odd field. */
function headProblem(raw: unknown): string | null {
  const head = v.safeParse(v.looseObject({ format: v.unknown(), version: v.unknown() }), raw);
  if (!head.success) return null;
  const { format, version } = head.output;
  if (format !== KEPT_FORMAT) return `format: expected "${KEPT_FORMAT}", got ${JSON.stringify(format) ?? 'nothing'}`;
  if (typeof version === 'number' && version > KEPT_VERSION)
    return `version: it was written by a newer RLVR Lab (version ${version}; this lab reads ${KEPT_VERSION}), so reload the lab to update it`;
  return null;
}

function fieldProblem(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  return issue ? `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}` : 'unknown';
}

/** A trainer held these runs when the file was written; the library's copy is not training. */
const LIVE: readonly string[] = ['queued', 'running', 'paused'];

/**
 * The kept runs as library bundles (records, metric rows; no samples, rollouts or checkpoints, which
 * are not kept), each config validated as stored configs are and each bundle checked with the export
 * file's own schema, so what reaches IndexedDB is what an import would accept.
 */
export function keptToBundles(
  runs: readonly KeptRunData[],
): { ok: true; bundles: RunBundle[] } | { ok: false; error: string } {
  const bundles: RunBundle[] = [];
  const ids = new Set<string>();
  for (const kept of runs) {
    const { info } = kept;
    if (ids.has(info.id)) return { ok: false, error: `the file lists run ${info.id} twice` };
    ids.add(info.id);
    let config: RunConfig;
    try {
      config = validateRunConfig(withMissingStagesOff(info.config));
    } catch (err) {
      if (err instanceof ConfigError)
        return { ok: false, error: `run "${info.name}" has an invalid config: ${err.message}` };
      throw err;
    }
    const run = keptRecord(kept, config);
    // As the export file holds them: rows without runId, NaN written as null.
    const rows = kept.metrics.map(({ runId: _, values, ...m }) => ({
      ...m,
      values: Object.fromEntries(Object.entries(values).map(([k, x]) => [k, Number.isNaN(x) ? null : x])),
    }));
    const section = v.safeParse(RunSection, { run, metrics: rows, samples: [], rollouts: [], checkpoints: [] });
    if (!section.success)
      return { ok: false, error: `run "${info.name}" is not valid (${issueText(section.issues, 'its record')})` };
    bundles.push({ run, metrics: kept.metrics, samples: [], rollouts: [], checkpoints: [] });
  }
  return { ok: true, bundles };
}

/** The library's record of a kept run: identity from its info, progress from its end state. */
function keptRecord({ info, state, metrics }: KeptRunData, config: RunConfig): RunRecord {
  const step = state?.step ?? 0;
  const live = !state || LIVE.includes(state.status);
  const reason = !state
    ? 'its end state was not kept'
    : live
      ? 'it was still training when the findings were kept'
      : state.reason;
  const b = info.backend;
  return {
    id: info.id,
    name: info.name,
    config,
    status: live ? 'interrupted' : (state.status as RunStatus),
    ...(reason ? { reason } : {}),
    backend: {
      name: b.name as NonNullable<RunRecord['backend']>['name'],
      adapter: b.adapter,
      features: b.features,
      skipped: Array.isArray(b.skipped) ? (b.skipped as { name: string; reason: string }[]) : [],
    },
    createdAt: info.createdAt,
    updatedAt: state?.updatedAt ?? info.createdAt,
    step,
    totalSteps: state?.totalSteps ?? totalSteps(config),
    stage: metrics.filter((m) => m.step <= step).at(-1)?.stage ?? STAGES.find((s) => config[s].steps > 0) ?? 'sft',
  };
}
