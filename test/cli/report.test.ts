// The findings report from given metric files: fixture sweeps whose curves clearly reproduce
// (scarce_data), clearly do not (label_noise) and disagree across seeds (sft_traces) get those
// verdicts in the index, the preset pages and findings.json; text from the runs is escaped; presets
// without runs say "not run yet".
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { armConfig, getPreset } from '../../src/experiment/presets';
import { parseFindings } from '../../src/experiment/findings';
import { RunDir, runDirName } from '../../src/cli/run-dir';
import { writeReport } from '../../src/cli/report-build';
import { presetChart } from '../../src/cli/svg';
import { mdEscape } from '../../src/cli/findings-md';
import type { Machine } from '../../src/cli/machine';

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
  const config = armConfig(preset, preset.arms.find((a) => a.id === armId)!, seed);
  const dir = new RunDir(join(out, presetId, runDirName(armId, seed)));
  dir.create();
  const runId = `${presetId}-${armId}-${seed}`;
  dir.writeInfo({ id: runId, name: name ?? `${presetId} ${armId} ${seed}`, presetId, armId, seed, config, adjusted: null, backend: { name: 'wasm', adapter: 'WebAssembly', features: ['SIMD'], skipped: [] }, machine: MACHINE, createdAt: 0 });
  const start = config.cpt.steps + config.sft.steps;
  const { steps, logEvery, evalEvery } = config.rl;
  for (let t = 0; t <= steps; t += logEvery) {
    const values: Record<string, number> = {};
    if (t > 0) Object.assign(values, { loss: 0.1, reward: curve.reward(t), frac_reward_zero_std: curve.reward(t) });
    if (t % evalEvery === 0 || t === steps) {
      Object.assign(values, { 'eval_heldout/accuracy': curve.heldout(t), 'eval_faith/entailed': faithOf(curve, steps), 'eval_div/distinct_answers': 1 + seed / 2 });
      if (curve.noisyFit) values['eval_train/noisy_label_fit'] = curve.noisyFit(t);
    }
    dir.append('metrics', { runId, step: start + t, stage: 'rl', time: t, values });
  }
  const total = start + steps;
  dir.writeState({ status: 'completed', step: total, totalSteps: total, wallSeconds: 100 + seed, sessions: [], updatedAt: Date.UTC(2026, 10, 22) });
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
    writeRun(out, 'scarce_data', 'n8', seed, { reward: ramp(0.3, 1, 20), heldout: ramp(0.3, 0.32 + jitter, 150) }, seed === 1 ? 'n8 <script>|*evil*' : undefined);
    // N = 512: the reward climbs all through RL without saturating; held-out accuracy climbs with it.
    writeRun(out, 'scarce_data', 'n512', seed, { reward: ramp(0.3, 0.85, 150), heldout: ramp(0.3, 0.6 + jitter, 150) });
    // label noise, opposite of the claim: moderate noise hurts, heavy noise neither fits wrong labels nor hurts.
    writeRun(out, 'label_noise', 'g0', seed, { reward: ramp(0.3, 0.8, 150), heldout: ramp(0.3, 0.5, 150), noisyFit: flat(0) });
    writeRun(out, 'label_noise', 'g03', seed, { reward: ramp(0.3, 0.6, 150), heldout: ramp(0.3, 0.3, 150), noisyFit: flat(0.1) });
    writeRun(out, 'label_noise', 'g07', seed, { reward: ramp(0.3, 0.8, 150), heldout: ramp(0.3, 0.6, 150), noisyFit: flat(0.2) });
    // sft_traces: traces win clearly in seeds 1 and 2, lose in seed 3: the mean holds, a seed disagrees.
    const traces = seed === 3 ? 0.3 : 0.7;
    writeRun(out, 'sft_traces', 'traces', seed, { reward: ramp(0.3, 0.8, 60), heldout: ramp(0.3, traces, 60) });
    writeRun(out, 'sft_traces', 'answer_only', seed, { reward: ramp(0.3, 0.8, 60), heldout: ramp(0.3, 0.4, 60) });
    writeRun(out, 'sft_traces', 'no_sft', seed, { reward: ramp(0.3, 0.8, 60), heldout: ramp(0.3, 0.4, 60) });
  }
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
    expect(files.filter((f) => f.endsWith('.svg')).sort()).toEqual(['label_noise.svg', 'scarce_data.svg', 'sft_traces.svg']);
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

  it('gives the gallery a findings.json it accepts, with the measured numbers', () => {
    const parsed = parseFindings(JSON.parse(read('findings.json')));
    if (!parsed.ok) throw new Error(parsed.error);
    const f = parsed.findings;
    expect([f.scarce_data!.verdict, f.label_noise!.verdict, f.sft_traces!.verdict, f.paro!.verdict]).toEqual(['reproduced', 'not reproduced', 'mixed', 'not run']);
    expect(f.scarce_data!.wallSeconds).toBe(102);
    const raw = JSON.parse(read('findings.json'));
    const gain = raw.presets.scarce_data.conditions.find((c: { id: string }) => c.id === 'gain');
    // n512 gains 0.3 + jitter, n8 0.02 + jitter: the same jitter per seed, so the difference is 0.28 in every seed.
    expect([gain.mean, gain.min, gain.max].map((x: number) => x.toFixed(3))).toEqual(['0.280', '0.280', '0.280']);
  });

  it("writes the preset page with the claim, the conditions and each arm's measured outcome", () => {
    const page = read('scarce_data.md');
    expect(page).toContain('**Verdict: reproduced** (2 of 2 conditions hold for the mean over 3 seeds, 2 of them in every seed).');
    expect(page).toContain(getPreset('scarce_data')!.paperFinding);
    expect(page).toMatch(/\| pre-saturation length \(steps\): n512 minus n8 \\> 0 \| 0 \| [\d.]+ \[[\d.]+, [\d.]+\] \| 3\/3 \| holds \|/);
    expect(page).toContain('| N = 8 | 3 | 0.3 [0.3, 0.3] | 0.34 [0.33, 0.35] | 0.04 [0.03, 0.05] |');
    expect(page).toContain('![training reward and held-out accuracy per arm and seed](scarce_data.svg)');
    expect(read('paro.md')).toContain('Not run yet');
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
    const fit = (p: string, o: string) => claim.fits.find((f: { predictor: string; outcome: string }) => f.predictor === p && f.outcome === o);
    expect(claim.runs).toBe(24);
    expect(fit('faithfulness', 'heldout_gain').r2).toBeCloseTo(1, 9);
    expect(fit('faithfulness', 'heldout_gain').slope).toBeCloseTo(1, 9);
    expect(fit('diversity', 'heldout_gain').r2).toBeLessThan(0.3);
    expect(read('README.md')).toContain(`**Verdict: ${claim.verdict}** (`);
  });

  it('marks saturation in the chart of the arm that saturated, and only there', () => {
    const svg = read('scarce_data.svg');
    expect(svg).toContain('N = 8 · seed 3');
    expect(svg.match(/>sat \d+</g)?.length).toBe(3); // the three N = 8 panels
  });
});
