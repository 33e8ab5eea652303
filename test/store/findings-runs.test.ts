// The findings' kept run file read back in the page and the CLI alike (store/findings-runs.ts): a file
// the report wrote parses exactly (NaN included, config keys in their order); a file that is not gzip,
// not JSON, of another format, a newer version, another preset or with a bad field is refused with a
// message naming the file and the field; and its runs become library bundles that the export file's own
// import accepts unchanged, with no samples, rollouts or checkpoints.
import { describe, expect, it } from 'vitest';
import { gzipSync, strToU8 } from 'fflate';
import { totalSteps, validateRunConfig } from '../../src/experiment/run-config';
import { packArchive, unpackArchive } from '../../src/store/archive';
import {
  KEPT_LIMITS,
  keptToBundles,
  parseKeptRuns,
  type KeptParse,
  type KeptRunData,
} from '../../src/store/findings-runs';
import { gzipJson, keptFileOf, keptRun } from './kept-fixtures';

const FILE = 'findings/runs/scarce_data.json.gz';
const expectScarce = { presetId: 'scarce_data', file: FILE };
const RUNS = [keptRun('scarce_data', 'n8', 1, 0.3), keptRun('scarce_data', 'n512', 1, 0.6)];
const GOOD = keptFileOf('scarce_data', RUNS);

function refused(r: KeptParse | ReturnType<typeof keptToBundles>): string {
  if (r.ok) throw new Error('the file was accepted');
  return r.error;
}
function parsed(bytes: Uint8Array, inflated = false): KeptRunData[] {
  const r = parseKeptRuns(bytes, { ...expectScarce, inflated });
  if (!r.ok) throw new Error(r.error);
  return r.runs;
}
type KeptJson = {
  format: string;
  version: number;
  presetId: string;
  runs: {
    info: Record<string, unknown>;
    state: Record<string, unknown>;
    metrics: { step: number; values: Record<string, unknown> }[];
  }[];
};
/** The good file's JSON with `edit` applied, gzip'd again. */
function tampered(edit: (file: KeptJson) => void): Uint8Array {
  const file = JSON.parse(
    JSON.stringify({
      format: 'rlvr-lab-findings-runs',
      version: 1,
      presetId: 'scarce_data',
      runs: RUNS.map((r) => ({ info: r.info, state: r.state, metrics: r.metrics.map(({ runId: _, ...m }) => m) })),
    }),
  );
  edit(file);
  return gzipJson(file);
}

describe('parseKeptRuns', () => {
  it('reads a file the report wrote: identity, end state and metric rows with their run id', () => {
    const runs = parsed(GOOD);
    expect(runs.map((r) => r.info.id)).toEqual(['lab-scarce_data-n8-s1-kept', 'lab-scarce_data-n512-s1-kept']);
    const n8 = runs[0]!;
    expect(n8.info.name).toBe(RUNS[0]!.info.name);
    expect(n8.state).toMatchObject({
      status: 'completed',
      step: RUNS[0]!.state!.step,
      totalSteps: RUNS[0]!.state!.totalSteps,
    });
    expect(n8.metrics.map((m) => [m.runId, m.step, m.stage])).toEqual(
      RUNS[0]!.metrics.map((m) => [n8.info.id, m.step, m.stage]),
    );
    expect(n8.metrics.at(-1)!.values).toEqual({ loss: 0.1, reward: 0.9, 'eval_heldout/accuracy': 0.3 });
  });

  it('gives NaN back for a NaN the file wrote as null', () => {
    const values = parsed(GOOD)[0]!.metrics[1]!.values;
    expect(values.grad_norm).toBeNaN();
    expect(values.loss).toBe(0.5);
  });

  it("keeps the config's keys in the order the file has them (the report compares configs as JSON)", () => {
    expect(JSON.stringify(parsed(GOOD)[0]!.info.config)).toBe(JSON.stringify(RUNS[0]!.info.config));
  });

  it('refuses bytes that are not gzip, naming the file, unless the transport already inflated them', () => {
    expect(refused(parseKeptRuns(strToU8('<!doctype html><title>404</title>'), expectScarce))).toBe(
      `${FILE} is not gzip'd JSON (it does not start with gzip's signature)`,
    );
    const json = strToU8(
      JSON.stringify({ format: 'rlvr-lab-findings-runs', version: 1, presetId: 'scarce_data', runs: [] }),
    );
    expect(parsed(json, true)).toEqual([]);
    expect(refused(parseKeptRuns(json, expectScarce))).toMatch(/is not gzip'd JSON/);
  });

  it('refuses gzip that does not hold JSON, and gzip whose trailer claims more than the page may inflate', () => {
    expect(refused(parseKeptRuns(gzipSync(strToU8('{"format": ')), expectScarce))).toMatch(
      new RegExp(`^${FILE} is not gzip'd JSON \\(.+\\)$`),
    );
    const huge = GOOD.slice();
    huge.set([0xff, 0xff, 0xff, 0xff], huge.length - 4); // ISIZE: 4 GiB - 1
    expect(refused(parseKeptRuns(huge, expectScarce))).toBe(
      `${FILE} unpacks to more than ${KEPT_LIMITS.unpackedBytes / 2 ** 20} MB`,
    );
  });

  it('says a file of another format is one, and a newer version is newer, before any field', () => {
    expect(
      refused(
        parseKeptRuns(
          tampered((f) => (f.format = 'rlvr-lab-library')),
          expectScarce,
        ),
      ),
    ).toBe(`${FILE} is not a findings run file: format: expected "rlvr-lab-findings-runs", got "rlvr-lab-library"`);
    expect(refused(parseKeptRuns(gzipJson({ hello: 1 }), expectScarce))).toBe(
      `${FILE} is not a findings run file: format: Invalid key: Expected "format" but received undefined`,
    );
    expect(refused(parseKeptRuns(gzipJson('text'), expectScarce))).toMatch(
      /is not a findings run file: \(root\): Invalid type: Expected Object/,
    );
    expect(
      refused(
        parseKeptRuns(
          tampered((f) => (f.version = 2)),
          expectScarce,
        ),
      ),
    ).toMatch(
      /is not a findings run file: version: it was written by a newer RLVR Lab \(version 2; this lab reads 1\)/,
    );
  });

  it.each([
    ['a missing run id', (f: KeptJson) => delete f.runs[1]!.info.id, 'runs.1.info.id'],
    ['a negative step', (f: KeptJson) => (f.runs[0]!.metrics[2]!.step = -1), 'runs.0.metrics.2.step'],
    [
      'a metric value that is text',
      (f: KeptJson) => (f.runs[0]!.metrics[0]!.values['eval_heldout/accuracy'] = 'high'),
      'runs.0.metrics.0.values.eval_heldout/accuracy',
    ],
    ['an end state without its step', (f: KeptJson) => delete f.runs[0]!.state.step, 'runs.0.state.step'],
  ])('names the field of %s', (_what, edit, path) => {
    expect(refused(parseKeptRuns(tampered(edit), expectScarce))).toMatch(
      new RegExp(`^${FILE} is not a findings run file: ${path.replace(/[./]/g, '\\$&')}: `),
    );
  });

  it('refuses the runs of another preset', () => {
    expect(refused(parseKeptRuns(keptFileOf('label_noise', []), expectScarce))).toBe(
      `${FILE} holds runs of preset label_noise, not scarce_data`,
    );
  });
});

describe('keptToBundles', () => {
  const bundlesOf = (runs: KeptRunData[]) => {
    const r = keptToBundles(runs);
    if (!r.ok) throw new Error(r.error);
    return r.bundles;
  };

  it('makes a library record of each run from its info and end state, with its metric rows and nothing else', () => {
    const [n8, n512] = bundlesOf(parsed(GOOD));
    const kept = RUNS[0]!;
    expect(n8!.run).toEqual({
      id: kept.info.id,
      name: kept.info.name,
      config: validateRunConfig(kept.info.config),
      status: 'completed',
      backend: {
        name: 'wasm',
        adapter: 'WebAssembly',
        features: ['SIMD'],
        skipped: [{ name: 'webgpu', reason: 'no adapter' }],
      },
      createdAt: kept.info.createdAt,
      updatedAt: kept.state!.updatedAt,
      step: kept.state!.step,
      totalSteps: kept.state!.totalSteps,
      stage: 'rl',
    });
    expect(n8!.metrics.map((m) => [m.runId, m.step])).toEqual(kept.metrics.map((m) => [kept.info.id, m.step]));
    expect([n8!.samples, n8!.rollouts, n8!.checkpoints]).toEqual([[], [], []]);
    expect(n512!.run.config.data.trainSize).toBe(512);
  });

  it("gives bundles the export file's own import accepts as they are (the same schema and config checks)", () => {
    const bundles = bundlesOf(parsed(GOOD));
    const back = unpackArchive(packArchive(bundles));
    if (!back.ok) throw new Error(back.error);
    expect(back.value).toEqual(bundles); // NaN equals NaN here
    expect(back.value[0]!.metrics[1]!.values.grad_norm).toBeNaN();
  });

  it('marks a run that was still training, or has no end state, as interrupted and says why', () => {
    const [running, noState] = parsed(GOOD).map((r, i) =>
      i === 0 ? { ...r, state: { ...r.state!, status: 'running', step: 5 } } : { ...r, state: null },
    );
    const [a, b] = bundlesOf([running!, noState!]);
    expect([a!.run.status, a!.run.reason, a!.run.step, a!.run.stage]).toEqual([
      'interrupted',
      'it was still training when the findings were kept',
      5,
      'sft',
    ]);
    expect([b!.run.status, b!.run.reason, b!.run.step, b!.run.totalSteps]).toEqual([
      'interrupted',
      'its end state was not kept',
      0,
      totalSteps(validateRunConfig(noState!.info.config)),
    ]);
  });

  it('refuses an invalid config, naming the run and the field', () => {
    const [run] = parsed(GOOD);
    const bad = {
      ...run!,
      info: {
        ...run!.info,
        config: { ...run!.info.config, model: { ...(run!.info.config.model as object), heads: 3 } },
      },
    };
    expect(refused(keptToBundles([bad]))).toMatch(
      new RegExp(`^run "${run!.info.name}" has an invalid config: model\\.heads must divide model\\.dModel`),
    );
  });

  it('refuses what the library would not store: an unknown status, an unknown backend, a run id with odd characters, a run listed twice', () => {
    const [run, other] = parsed(GOOD);
    expect(refused(keptToBundles([{ ...run!, state: { ...run!.state!, status: 'exploded' } }]))).toBe(
      `run "${run!.info.name}" is not valid (its record, at run.status: Invalid type: Expected ("queued" | "running" | "paused" | "completed" | "stopped" | "failed" | "interrupted") but received "exploded")`,
    );
    expect(
      refused(
        keptToBundles([{ ...run!, info: { ...run!.info, backend: { ...run!.info.backend, name: 'tensorflow' } } }]),
      ),
    ).toMatch(/at run\.backend\.name: /);
    expect(refused(keptToBundles([{ ...run!, info: { ...run!.info, id: 'a/b' } }]))).toMatch(
      /at run\.id: a run id is letters/,
    );
    expect(refused(keptToBundles([run!, { ...other!, info: { ...other!.info, id: run!.info.id } }]))).toBe(
      `the file lists run ${run!.info.id} twice`,
    );
  });
});
