// The findings report from given metric files: fixture sweeps whose curves clearly reproduce
// (scarce_data), clearly do not (label_noise) and disagree across seeds (sft_traces) get those
// verdicts in the index, the preset pages and findings.json; text from the runs is escaped; presets
// without runs say "not run yet". The run data behind the report is kept (runs/<preset>.json.gz) so a
// clean checkout rebuilds it and a later sweep adds to it; an earlier verdict without kept data is
// carried over and marked.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync, strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { armConfig, getPreset } from '../../../src/experiment/presets';
import { parseFindings } from '../../../src/experiment/findings';
import { RunDir, runDirName } from '../../../src/cli/shared/run-dir';
import { buildReport, writeReport } from '../../../src/cli/report/report-build';
import { keptBytes, readKept } from '../../../src/cli/report/kept-runs';
import { presetChart } from '../../../src/cli/report/svg';
import { mdEscape } from '../../../src/cli/report/findings-md';
import type { Machine } from '../../../src/cli/shared/machine';

const MACHINE: Machine = { cpu: 'Test CPU', cores: 2, memoryGiB: 8, os: 'linux x64', node: 'v20' };

/** What a fixture run logs at RL-local step t (of `steps`): training reward and, at evaluations, held-out accuracy. */
interface Curve {
  reward(t: number): number;
  heldout(t: number): number;
  noisyFit?(t: number): number;
}
/** Pre-RL faithfulness: set to 0.3 + the run's final held-out gain, so it predicts the gain exactly; diversity follows the seed only. */
const faithOf = (c: Curve, steps: number) => 0.3 + c.heldout(steps) - c.heldout(0);

/** Write one run directory as the runner would: config.json, status.json (completed), metrics.jsonl. */
function writeRun(out: string, presetId: string, armId: string, seed: number, curve: Curve, name?: string): void {
  const preset = getPreset(presetId)!;
  const config = armConfig(
    preset,
    preset.arms.find((a) => a.id === armId)!,
    seed,
  );
  const dir = new RunDir(join(out, presetId, runDirName(armId, seed)));
  dir.create();
  const runId = `${presetId}-${armId}-${seed}`;
  dir.writeInfo({
    id: runId,
    name: name ?? `${presetId} ${armId} ${seed}`,
    presetId,
    armId,
    seed,
    config,
    adjusted: null,
    backend: { name: 'wasm', adapter: 'WebAssembly', features: ['SIMD'], skipped: [] },
    machine: MACHINE,
    createdAt: 0,
  });
  const start = config.cpt.steps + config.sft.steps;
  const { steps, logEvery, evalEvery } = config.rl;
  for (let t = 0; t <= steps; t += logEvery) {
    const values: Record<string, number> = {};
    if (t > 0) Object.assign(values, { loss: 0.1, reward: curve.reward(t), frac_reward_zero_std: curve.reward(t) });
    if (t % evalEvery === 0 || t === steps) {
      Object.assign(values, {
        'eval_heldout/accuracy': curve.heldout(t),
        'eval_faith/entailed': faithOf(curve, steps),
        'eval_div/distinct_answers': 1 + seed / 2,
      });
      if (curve.noisyFit) values['eval_train/noisy_label_fit'] = curve.noisyFit(t);
    }
    dir.append('metrics', { runId, step: start + t, stage: 'rl', time: t, values });
  }
  const total = start + steps;
  dir.writeState({
    status: 'completed',
    step: total,
    totalSteps: total,
    wallSeconds: 100 + seed,
    sessions: [],
    updatedAt: Date.UTC(2026, 10, 22),
  });
}

const ramp = (from: number, to: number, over: number) => (t: number) => from + (to - from) * Math.min(1, t / over);
const flat = (v: number) => () => v;

let out: string;
let findings: string;
let files: string[];
const read = (name: string) => readFileSync(join(findings, name), 'utf8');

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'rlvr-lab-report-in-'));
  findings = mkdtempSync(join(tmpdir(), 'rlvr-lab-report-out-'));
  for (const seed of [1, 2, 3]) {
    const jitter = seed * 0.01;
    // N = 8: the reward saturates within ~20 RL steps and held-out accuracy barely moves.
    writeRun(
      out,
      'scarce_data',
      'n8',
      seed,
      { reward: ramp(0.3, 1, 20), heldout: ramp(0.3, 0.32 + jitter, 150) },
      seed === 1 ? 'n8 <script>|*evil*' : undefined,
    );
    // N = 512: the reward climbs all through RL without saturating; held-out accuracy climbs with it.
    writeRun(out, 'scarce_data', 'n512', seed, { reward: ramp(0.3, 0.85, 150), heldout: ramp(0.3, 0.6 + jitter, 150) });
    // label noise, opposite of the claim: moderate noise hurts, heavy noise neither fits wrong labels nor hurts.
    writeRun(out, 'label_noise', 'g0', seed, {
      reward: ramp(0.3, 0.8, 150),
      heldout: ramp(0.3, 0.5, 150),
      noisyFit: flat(0),
    });
    writeRun(out, 'label_noise', 'g03', seed, {
      reward: ramp(0.3, 0.6, 150),
      heldout: ramp(0.3, 0.3, 150),
      noisyFit: flat(0.1),
    });
    writeRun(out, 'label_noise', 'g07', seed, {
      reward: ramp(0.3, 0.8, 150),
      heldout: ramp(0.3, 0.6, 150),
      noisyFit: flat(0.2),
    });
    // sft_traces: traces win clearly in seeds 1 and 2, lose in seed 3: the mean holds, a seed disagrees.
    const traces = seed === 3 ? 0.3 : 0.7;
    writeRun(out, 'sft_traces', 'traces', seed, { reward: ramp(0.3, 0.8, 60), heldout: ramp(0.3, traces, 60) });
    writeRun(out, 'sft_traces', 'answer_only', seed, { reward: ramp(0.3, 0.8, 60), heldout: ramp(0.3, 0.4, 60) });
    writeRun(out, 'sft_traces', 'no_sft', seed, { reward: ramp(0.3, 0.8, 60), heldout: ramp(0.3, 0.4, 60) });
  }
  // A pilot note for a preset that has no runs: its page still shows it.
  mkdirSync(join(findings, 'notes'));
  writeFileSync(join(findings, 'notes', 'paro.md'), 'The pilot left held-out accuracy at 0.\n');
  // cpt_sft: one arm of one seed only, so nothing can be judged yet.
  writeRun(out, 'cpt_sft', 'sft', 1, { reward: ramp(0.3, 0.8, 60), heldout: ramp(0.3, 0.4, 60) });
  files = writeReport(out, findings, '2026-11-23T00:00:00.000Z');
});
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(findings, { recursive: true, force: true });
});

describe('the findings report', () => {
  it('writes the index, one page per preset, charts for presets with runs, and findings.json', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('findings.json');
    expect(files).toContain('scarce_data.md');
    expect(files).toContain('multi_hop_depth.md');
    expect(files.filter((f) => f.endsWith('.svg')).sort()).toEqual([
      'cpt_sft.svg',
      'label_noise.svg',
      'scarce_data.svg',
      'sft_traces.svg',
    ]);
  });

  it('says how far a preset with only some of its runs has got, instead of "not run yet"', () => {
    const f = JSON.parse(read('findings.json')).presets.cpt_sft;
    expect(f.verdict).toBe('not run');
    expect(f.summary).toBe(
      'not judged yet: 1 of 6 runs completed (SFT 1, CPT + SFT 0); a seed counts once every arm has completed it',
    );
    const page = read('cpt_sft.md');
    expect(page).toContain('So far: 1 of 6 runs completed');
    expect(page).toContain('| cpt\\_sft sft 1 | completed | 1080/1080 |');
  });

  it('puts the verdict each rule gives into the index table', () => {
    const index = read('README.md');
    const line = (title: string) => index.split('\n').find((l) => l.startsWith(`| [${title}`)) ?? '';
    expect(line('Scarce data')).toContain('| **reproduced** | 3 |');
    expect(line('Persistent label noise')).toContain('| **not reproduced** | 3 |');
    expect(line('SFT on traces')).toContain('| **mixed** | 3 |');
    expect(line('Proxy rewards')).toContain('| not run yet | 0 |');
    expect(line('Scarce data')).toContain('Test CPU (2 cores, 8 GiB)');
  });

  it("lists the task's own settings with the data settings, so a page says what the problems were", () => {
    expect(read('scarce_data.md')).toContain(
      'task settings: minDigits 1, maxDigits 2, oodMinDigits 3, oodMaxDigits 3.',
    );
  });

  it('gives the gallery a findings.json it accepts, with the measured numbers', () => {
    const parsed = parseFindings(JSON.parse(read('findings.json')));
    if (!parsed.ok) throw new Error(parsed.error);
    const f = parsed.findings;
    expect([f.scarce_data!.verdict, f.label_noise!.verdict, f.sft_traces!.verdict, f.paro!.verdict]).toEqual([
      'reproduced',
      'not reproduced',
      'mixed',
      'not run',
    ]);
    expect(f.scarce_data!.wallSeconds).toBe(102);
    const raw = JSON.parse(read('findings.json'));
    const gain = raw.presets.scarce_data.conditions.find((c: { id: string }) => c.id === 'gain');
    // n512 gains 0.3 + jitter, n8 0.02 + jitter: the same jitter per seed, so the difference is 0.28 in every seed.
    expect([gain.mean, gain.min, gain.max].map((x: number) => x.toFixed(3))).toEqual(['0.280', '0.280', '0.280']);
  });

  it("writes the preset page with the claim, the conditions and each arm's measured outcome", () => {
    const page = read('scarce_data.md');
    expect(page).toContain(
      '**Verdict: reproduced** (2 of 2 conditions hold for the mean over 3 seeds, 2 of them in every seed).',
    );
    expect(page).toContain(getPreset('scarce_data')!.paperFinding);
    expect(page).toMatch(
      /\| pre-saturation length \(steps\): n512 minus n8 \\> 0 \| 0 \| [\d.]+ \[[\d.]+, [\d.]+\] \| 3\/3 \| holds \|/,
    );
    expect(page).toContain('| N = 8 | 3 | 0.3 [0.3, 0.3] | 0.34 [0.33, 0.35] | 0.04 [0.03, 0.05] |');
    expect(page).toContain('![training reward and held-out accuracy per arm and seed](scarce_data.svg)');
    // The settings list says "per arm" where the arms differ (N here), not one arm's value.
    expect(page).toMatch(
      /^- Data: task `addition`, rationale style `pattern`, training prompts per arm, label noise 0,/m,
    );
    expect(page).toMatch(/^- CPT: 0 steps\. SFT: 240 steps, .* on fresh clean examples\.$/m);
    expect(read('paro.md')).toContain('Not run yet');
    expect(read('paro.md')).toContain('## Notes\n\nThe pilot left held-out accuracy at 0.\n');
  });

  it('escapes text from the runs in markdown and SVG', () => {
    const page = read('scarce_data.md');
    expect(page).toContain('n8 \\<script\\>\\|\\*evil\\*');
    expect(page).not.toContain('<script>');
    expect(mdEscape('a|b_c')).toBe('a\\|b\\_c');
    const svg = presetChart('A <b> & "c"', [1], [{ label: "it's <i>", runs: [null] }]);
    expect(svg).toContain('A &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg).toContain('it&apos;s &lt;i&gt; · seed 1: not run yet');
    expect(svg).not.toMatch(/<b>|<i>/);
  });

  it('fits pre-RL faithfulness and diversity across all runs for claim 4', () => {
    const claim = JSON.parse(read('findings.json')).claims.faithfulness_predicts_regime;
    const fit = (p: string, o: string) =>
      claim.fits.find((f: { predictor: string; outcome: string }) => f.predictor === p && f.outcome === o);
    expect(claim.runs).toBe(22); // 25 runs, but label_noise g0 and sft_traces traces are the same config: counted once
    expect(fit('faithfulness', 'heldout_gain').r2).toBeCloseTo(1, 9);
    expect(fit('faithfulness', 'heldout_gain').slope).toBeCloseTo(1, 9);
    expect(fit('diversity', 'heldout_gain').r2).toBeLessThan(0.3);
    expect(read('README.md')).toContain(`**Verdict: ${claim.verdict}** (`);
  });

  it('counts a run that two presets share (same config and seed) once in the pooled fit', () => {
    const shared = mkdtempSync(join(tmpdir(), 'rlvr-lab-report-shared-'));
    const out2 = mkdtempSync(join(tmpdir(), 'rlvr-lab-report-out3-'));
    try {
      const curve = { reward: ramp(0.3, 0.8, 60), heldout: ramp(0.3, 0.4, 60) };
      writeRun(shared, 'proxy_rewards', 'verifiable', 1, curve);
      writeRun(shared, 'random_reward', 'verifiable', 1, curve);
      writeRun(shared, 'random_reward', 'verifiable', 2, curve);
      writeReport(shared, out2, '2026-11-23T00:00:00.000Z');
      expect(
        JSON.parse(readFileSync(join(out2, 'findings.json'), 'utf8')).claims.faithfulness_predicts_regime.runs,
      ).toBe(2);
    } finally {
      rmSync(shared, { recursive: true, force: true });
      rmSync(out2, { recursive: true, force: true });
    }
  });

  it('marks saturation in the chart of the arm that saturated, and only there', () => {
    const svg = read('scarce_data.svg');
    expect(svg).toContain('N = 8 · seed 3');
    expect(svg.match(/>sat \d+</g)?.length).toBe(3); // the three N = 8 panels
  });
});

describe('the kept run data', () => {
  it("writes each reported preset's runs to runs/<preset>.json.gz, and only those presets", () => {
    expect(files.filter((f) => f.startsWith('runs/')).sort()).toEqual([
      'runs/cpt_sft.json.gz',
      'runs/label_noise.json.gz',
      'runs/scarce_data.json.gz',
      'runs/sft_traces.json.gz',
    ]);
    const kept = readKept(join(findings, 'runs'), 'scarce_data');
    expect(kept.map((r) => `${r.info.armId}/${r.info.seed}`)).toEqual([
      'n512/1',
      'n512/2',
      'n512/3',
      'n8/1',
      'n8/2',
      'n8/3',
    ]);
    expect(kept[0]!.state?.status).toBe('completed');
    expect(read('scarce_data.md')).toContain('[runs/scarce_data.json.gz](runs/scarce_data.json.gz)');
  });

  it("tells the gallery how many runs each preset keeps (findings.json's runs), 0 where none", () => {
    const presets = JSON.parse(read('findings.json')).presets as Record<string, { runs?: number }>;
    for (const id of ['scarce_data', 'label_noise', 'sft_traces', 'cpt_sft'])
      expect(presets[id]!.runs, id).toBe(readKept(join(findings, 'runs'), id).length);
    expect([presets.scarce_data!.runs, presets.cpt_sft!.runs, presets.paro!.runs]).toEqual([6, 1, 0]);
    const parsed = parseFindings(JSON.parse(read('findings.json')));
    expect(parsed.ok && parsed.findings.label_noise!.runs).toBe(9);
  });

  it('rebuilds the same report from a clean checkout (no sweep directories) byte for byte', () => {
    const empty = mkdtempSync(join(tmpdir(), 'rlvr-lab-report-empty-'));
    try {
      const again = buildReport(empty, findings, '2026-11-23T00:00:00.000Z');
      for (const name of files) {
        const data = again.get(name);
        expect(data, name).toBeDefined();
        if (typeof data === 'string') expect(data, name).toBe(read(name));
        else expect(Buffer.from(data!).equals(readFileSync(join(findings, name))), name).toBe(true);
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('adds a later sweep to the kept runs, a rerun of the same arm and seed replacing the kept one', () => {
    const later = mkdtempSync(join(tmpdir(), 'rlvr-lab-report-later-'));
    const out2 = mkdtempSync(join(tmpdir(), 'rlvr-lab-report-out2-'));
    try {
      // Start from the first report's findings folder, then report a sweep that reran one run and added a seed.
      for (const f of files) {
        mkdirSync(dirname(join(out2, f)), { recursive: true });
        writeFileSync(join(out2, f), readFileSync(join(findings, f)));
      }
      writeRun(later, 'scarce_data', 'n8', 1, { reward: ramp(0.3, 1, 20), heldout: ramp(0.3, 0.9, 150) }, 'n8 rerun');
      writeRun(later, 'scarce_data', 'n8', 4, { reward: ramp(0.3, 1, 20), heldout: ramp(0.3, 0.3, 150) });
      writeReport(later, out2, '2026-11-24T00:00:00.000Z');
      const kept = readKept(join(out2, 'runs'), 'scarce_data');
      expect(kept).toHaveLength(7);
      expect(kept.filter((r) => r.info.armId === 'n8' && r.info.seed === 1).map((r) => r.info.name)).toEqual([
        'n8 rerun',
      ]);
      // label_noise had no new runs: its kept runs still give its verdict.
      expect(readFileSync(join(out2, 'README.md'), 'utf8')).toMatch(
        /\| \[Persistent label noise[^\n]*\| \*\*not reproduced\*\* \| 3 \|/,
      );
      expect(readKept(join(out2, 'runs'), 'label_noise')).toHaveLength(9);
      expect(JSON.parse(readFileSync(join(out2, 'findings.json'), 'utf8')).presets.scarce_data.runs).toBe(7);
    } finally {
      rmSync(later, { recursive: true, force: true });
      rmSync(out2, { recursive: true, force: true });
    }
  });

  it('carries over an earlier verdict whose runs were never kept, page and all, and says so', () => {
    const empty = mkdtempSync(join(tmpdir(), 'rlvr-lab-report-empty-'));
    const legacy = mkdtempSync(join(tmpdir(), 'rlvr-lab-report-legacy-'));
    try {
      const entry = {
        verdict: 'mixed',
        summary: 'mixed over 3 seeds: gain 0.1',
        machine: 'Old CPU',
        wallSeconds: 443.5,
        date: '2026-12-02',
        seeds: [1, 2, 3],
        conditions: [],
      };
      writeFileSync(
        join(legacy, 'findings.json'),
        JSON.stringify({
          generatedAt: 'x',
          presets: {
            random_reward: entry,
            paro: { verdict: 'not run', summary: 'not run yet', seeds: [], conditions: [] },
          },
        }),
      );
      writeFileSync(join(legacy, 'random_reward.md'), '# the old page\n');
      const written = writeReport(empty, legacy, '2026-11-25T00:00:00.000Z');
      expect(written).not.toContain('random_reward.md');
      expect(written).not.toContain('random_reward.svg');
      expect(readFileSync(join(legacy, 'random_reward.md'), 'utf8')).toBe('# the old page\n');
      const json = JSON.parse(readFileSync(join(legacy, 'findings.json'), 'utf8'));
      expect(json.presets.random_reward).toEqual(entry);
      expect(json.presets.paro.verdict).toBe('not run');
      const index = readFileSync(join(legacy, 'README.md'), 'utf8');
      expect(index).toMatch(
        /\| \[The random-reward control\]\(random_reward\.md\) \| \*\*mixed\*\* \| 3 \| 7m24s \| Old CPU \| mixed over 3 seeds: gain 0\.1 \(carried over: measured 2026-12-02, run data not kept\) \|/,
      );
      expect(index).toContain('Carried over from an earlier report: [random_reward](random_reward.md).');
      expect(readFileSync(join(legacy, 'paro.md'), 'utf8')).toContain('Not run yet');
    } finally {
      rmSync(empty, { recursive: true, force: true });
      rmSync(legacy, { recursive: true, force: true });
    }
  });

  it('names the file and the field when a kept file is damaged, instead of reporting without it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rlvr-lab-kept-'));
    try {
      writeFileSync(join(dir, 'paro.json.gz'), 'not gzip');
      expect(() => readKept(dir, 'paro')).toThrow(/paro\.json\.gz is not gzip'd JSON .*restore it from git/);
      writeFileSync(
        join(dir, 'paro.json.gz'),
        gzipSync(
          strToU8(
            JSON.stringify({
              format: 'rlvr-lab-findings-runs',
              version: 1,
              presetId: 'paro',
              runs: [{ info: {}, state: null, metrics: [] }],
            }),
          ),
        ),
      );
      expect(() => readKept(dir, 'paro')).toThrow(/paro\.json\.gz is not a findings run file: runs\.0\.info\.id/);
      writeFileSync(join(dir, 'paro.json.gz'), keptBytes('cpt_sft', []));
      expect(() => readKept(dir, 'paro')).toThrow(/holds runs of preset cpt_sft, not paro/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes NaN metrics as null and reads them back as NaN', () => {
    const kept = readKept(join(findings, 'runs'), 'sft_traces');
    const run = { ...kept[0]!, metrics: [{ ...kept[0]!.metrics[0]!, values: { loss: NaN, reward: 0.5 } }] };
    const dir = mkdtempSync(join(tmpdir(), 'rlvr-lab-kept-'));
    try {
      writeFileSync(join(dir, 'sft_traces.json.gz'), keptBytes('sft_traces', [run]));
      const back = readKept(dir, 'sft_traces')[0]!.metrics[0]!.values;
      expect(back.loss).toBeNaN();
      expect(back.reward).toBe(0.5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
