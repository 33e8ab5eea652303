// "Open our runs" (FindingsState.openRuns) against a fake IndexedDB and a stubbed fetch: the kept file
// is fetched under the page's base path, its runs land in the library, the run list is re-read and
// Compare opens on them; a later open adds only what the library lacks and says so (the tests run in
// order on one library); a missing, foreign or broken file, or
// full storage, gives a message saying what was wrong and writes nothing.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { strToU8 } from 'fflate';
import { listRuns } from '../../src/store/runs';
import { getMetrics } from '../../src/store/step-rows';
import { FindingsState } from '../../src/ui/gallery/findings.svelte';
import { pageDb } from '../../src/ui/shared/page-db';
import { gzipJson, keptFileOf, keptRun } from '../store/kept-fixtures';

// The real writeRuns, unless a test asks for the browser's quota error.
const quota = vi.hoisted(() => ({ full: false }));
vi.mock('../../src/store/library', async (original) => {
  const mod = await original<typeof import('../../src/store/library')>();
  return {
    ...mod,
    writeRuns: (...args: Parameters<typeof mod.writeRuns>) =>
      quota.full ? Promise.reject(new DOMException('quota', 'QuotaExceededError')) : mod.writeRuns(...args),
  };
});

const BASE = 'https://example.org/some/base/';
const TITLE = 'Scarce data';
const RUNS = [keptRun('scarce_data', 'n8', 1), keptRun('scarce_data', 'n512', 1)];
const IDS = RUNS.map((r) => r.info.id);

let served: () => Response;
const fetched: string[] = [];
const target = { runs: { refresh: vi.fn(async () => undefined) }, compare: { open: vi.fn() } };
const libraryIds = async () => (await listRuns(await pageDb())).map((r) => r.id).sort();

beforeEach(() => {
  vi.stubGlobal('document', { baseURI: BASE });
  vi.stubGlobal('fetch', async (url: string) => (fetched.push(url), served()));
  fetched.length = 0;
  target.runs.refresh.mockClear();
  target.compare.open.mockClear();
  quota.full = false;
});
afterEach(() => vi.unstubAllGlobals());

async function open(state = new FindingsState()) {
  await state.openRuns('scarce_data', TITLE, target);
  expect(state.opening).toBeNull();
  return state.runsMessage!;
}

describe('FindingsState.openRuns', () => {
  it('refuses a missing, foreign or broken file with what was wrong, and adds nothing', async () => {
    const cases: [() => Response, string][] = [
      [
        () => new Response('gone', { status: 404 }),
        'findings/runs/scarce_data.json.gz is missing from this site (HTTP 404)',
      ],
      [
        () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }),
        'findings/runs/scarce_data.json.gz is missing from this site (the server sent a web page instead)',
      ],
      [
        () => new Response(strToU8('not gzip') as BodyInit),
        "findings/runs/scarce_data.json.gz is not gzip'd JSON (it does not start with gzip's signature)",
      ],
      [
        () =>
          new Response(
            gzipJson({
              format: 'rlvr-lab-findings-runs',
              version: 1,
              presetId: 'scarce_data',
              runs: [{ info: {}, state: null, metrics: [] }],
            }) as BodyInit,
          ),
        'findings/runs/scarce_data.json.gz is not a findings run file: runs.0.info.id: ',
      ],
      [
        () => new Response(keptFileOf('label_noise', []) as BodyInit),
        'findings/runs/scarce_data.json.gz holds runs of preset label_noise, not scarce_data',
      ],
    ];
    for (const [response, why] of cases) {
      served = response;
      const m = await open();
      expect(m.error).toBe(true);
      expect(m.text).toContain(`The runs of ${TITLE} could not be opened: ${why}`);
      expect(m.text).toMatch(/Nothing was added\.$/);
    }
    expect(await libraryIds()).toEqual([]);
    expect(target.compare.open).not.toHaveBeenCalled();
  });

  it('says when the storage is full, and adds nothing', async () => {
    served = () => new Response(keptFileOf('scarce_data', RUNS) as BodyInit);
    quota.full = true;
    const m = await open();
    expect(m).toEqual({
      presetId: 'scarce_data',
      error: true,
      text: `The runs of ${TITLE} could not be opened: this browser's storage for the lab is full; delete or export runs you no longer need, then try again. Nothing was added.`,
    });
    expect(await libraryIds()).toEqual([]);
  });

  it("fetches the preset's file under the page's base, adds its runs, re-reads the list and compares them", async () => {
    served = () =>
      new Response(keptFileOf('scarce_data', RUNS) as BodyInit, { headers: { 'content-type': 'application/gzip' } });
    const m = await open();
    expect(fetched).toEqual([`${BASE}findings/runs/scarce_data.json.gz`]);
    expect(m).toEqual({ presetId: 'scarce_data', error: false, text: `Opened 2 runs of ${TITLE} from the findings.` });
    expect(await libraryIds()).toEqual([...IDS].sort());
    expect((await getMetrics(await pageDb(), IDS[0]!)).map((r) => r.step)).toEqual(RUNS[0]!.metrics.map((r) => r.step));
    expect(target.runs.refresh).toHaveBeenCalledOnce();
    expect(target.compare.open).toHaveBeenCalledWith(IDS);
  });

  it('opens them again adding only the runs the library lacks, and says which were already there', async () => {
    const more = [...RUNS, keptRun('scarce_data', 'n8', 2)];
    // As Vite's preview server sends it: Content-Encoding: gzip, so the browser hands over the JSON inflated.
    served = () =>
      new Response(
        JSON.stringify({
          format: 'rlvr-lab-findings-runs',
          version: 1,
          presetId: 'scarce_data',
          runs: more.map((r) => ({ info: r.info, state: r.state, metrics: [] })),
        }),
        { headers: { 'content-encoding': 'gzip' } },
      );
    expect((await open()).text).toBe(
      `Opened 3 runs of ${TITLE} from the findings. 2 of them were already in the library and left as they were.`,
    );
    expect(await libraryIds()).toEqual(more.map((r) => r.info.id).sort());
    expect((await getMetrics(await pageDb(), IDS[0]!)).length).toBe(RUNS[0]!.metrics.length); // the first copy, untouched
    expect((await open()).text).toBe(
      `Opened 3 runs of ${TITLE} from the findings. All of them were already in the library and were left as they were.`,
    );
    expect(target.compare.open).toHaveBeenLastCalledWith(more.map((r) => r.info.id));
  });
});
