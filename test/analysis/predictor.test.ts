import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzePhases, DEFAULT_PHASE_RULES } from '../../src/analysis/phases';
import {
  phaseRulesNote,
  predictorAnalysis,
  runPredictors,
  type PredictorRun,
  type StagedPoint,
} from '../../src/analysis/predictor';
import { linearFit } from '../../src/analysis/stats';
import { parseKeptRuns } from '../../src/store/findings-runs';
import { buildRows, logistic, stepUp } from './curves';

const SFT_STEPS = 100;

interface Spec {
  faith?: number;
  div?: number;
  /** Held-out accuracy at the start of RL, and its gain by the end. */
  heldout?: [number, number];
  /** Midpoint of the reward's logistic rise (RL-local steps); null = a reward that never rises. */
  mid: number | null;
  rlSteps?: number;
}

/** SFT rows (loss, held-out evaluations), then RL rows whose opening evaluation carries faithfulness and diversity. */
function makeRun(id: string, s: Spec): PredictorRun {
  const [h0, gain] = s.heldout ?? [0.3, 0.4];
  const sft: StagedPoint[] = buildRows({
    steps: SFT_STEPS,
    logEvery: 10,
    evalEvery: 50,
    train: { loss: (t) => 3 / (1 + t) },
    evals: { 'eval_heldout/accuracy': (t) => 0.1 + 0.002 * t },
  })
    .filter((r) => r.step < SFT_STEPS) // the SFT -> RL boundary evaluation is RL's (run.ts)
    .map((r) => ({ ...r, stage: 'sft' }));
  const rlSteps = s.rlSteps ?? 300;
  const reward = s.mid === null ? () => 0.2 : logistic(s.mid, 10);
  const rl = buildRows({
    steps: rlSteps,
    logEvery: 5,
    evalEvery: 25,
    train: { reward, frac_reward_zero_std: s.mid === null ? () => 0 : stepUp(s.mid + 30, 0.1, 0.9) },
    evals: {
      'eval_heldout/accuracy': (t) => h0 + (gain * t) / rlSteps,
      ...(s.faith === undefined ? {} : { 'eval_faith/entailed': () => s.faith! }),
      ...(s.div === undefined ? {} : { 'eval_div/distinct_completions': () => s.div! }),
    },
  }).map((r) => ({ step: r.step + SFT_STEPS, values: r.values, stage: 'rl' }));
  return { id, name: `run ${id}`, rows: [...sft, ...rl] };
}

describe('runPredictors', () => {
  it('reads faithfulness and diversity at the evaluation that opens RL, and the phase numbers from analyzePhases', () => {
    const r = makeRun('a', { faith: 0.6, div: 3.5, heldout: [0.3, 0.4], mid: 80 });
    const p = runPredictors(r);
    const phases = analyzePhases(r.rows);
    expect(phases.preSaturationLength).not.toBeNull();
    expect(p).toMatchObject({
      rlStartStep: SFT_STEPS,
      faithfulness: 0.6,
      diversity: 3.5,
      preSaturationLength: phases.preSaturationLength,
      regime: phases.regime,
      reasons: [],
    });
    // Held-out 0.3 at the start of RL, 0.3 + 0.4 at its last evaluation (RL step 300).
    expect(p.heldoutGain).toBeCloseTo(0.4, 12);
  });

  it('says why each missing number is missing', () => {
    const sftOnly: PredictorRun = {
      id: 's',
      name: 'sft only',
      rows: makeRun('x', { mid: 50 }).rows.filter((r) => r.stage === 'sft'),
    };
    expect(runPredictors(sftOnly).reasons).toEqual(['no RL stage rows']);
    const flat = runPredictors(makeRun('f', { faith: 0.5, mid: null }));
    expect(flat.preSaturationLength).toBeNull();
    expect(flat.reasons).toEqual([
      'no diversity (eval_div/distinct_completions) at the start of RL (step 100)',
      `the training reward has not saturated under the phase rules (regime: ${flat.regime})`,
    ]);
    expect(flat.heldoutGain).toBeCloseTo(0.4, 12); // still known: it needs no saturation
    const short = runPredictors(makeRun('t', { faith: 0.5, div: 2, mid: 5, rlSteps: 20 }));
    expect(short.reasons).toContain('held-out gain needs a held-out evaluation after the start of RL');
  });

  it('reads the pre-RL values at the last evaluation at or before the SFT -> RL boundary (merged into the last SFT row)', () => {
    // As the trainer writes them (run.ts emit): the RL opening evaluation at the boundary (step 240) merges into
    // SFT's last log row there and keeps its stage, 'sft'; the first RL-stage row is step 245, with no evaluation.
    const rows: StagedPoint[] = [
      { step: 200, stage: 'sft', values: { loss: 1, 'eval_heldout/accuracy': 0.1 } },
      {
        step: 240,
        stage: 'sft',
        values: {
          loss: 0.5,
          'eval_heldout/accuracy': 0.3,
          'eval_faith/entailed': 0.62,
          'eval_div/distinct_completions': 2.5,
        },
      },
    ];
    for (let s = 245; s <= 390; s += 5)
      rows.push({
        step: s,
        stage: 'rl',
        values: { reward: 0.5, ...(s % 15 === 0 ? { 'eval_heldout/accuracy': 0.3 + (s - 240) / 1000 } : {}) },
      });
    const p = runPredictors({ id: 'k', name: 'kept', rows });
    expect(p).toMatchObject({ rlStartStep: 240, faithfulness: 0.62, diversity: 2.5 });
    expect(p.heldoutGain).toBeCloseTo(0.15, 12); // 0.45 at step 390 minus 0.3 at step 240
    expect(p.reasons.filter((r) => !r.startsWith('the training reward'))).toEqual([]);
    // The config's stage lengths put the boundary at 240 as well; a later evaluation never counts as pre-RL.
    const config = { cpt: { steps: 0 }, sft: { steps: 240 }, rl: { steps: 150 } };
    expect(runPredictors({ id: 'k', name: 'kept', rows, config })).toMatchObject({
      rlStartStep: 240,
      faithfulness: 0.62,
    });
    const late = rows.map((r) => (r.step === 255 ? { ...r, values: { ...r.values, 'eval_faith/entailed': 0.9 } } : r));
    expect(runPredictors({ id: 'k', name: 'kept', rows: late, config }).faithfulness).toBe(0.62);
  });

  it("reads every kept scarce_data run's pre-RL faithfulness and diversity at the end of its SFT", () => {
    const file = 'public/findings/runs/scarce_data.json.gz';
    const kept = parseKeptRuns(readFileSync(file), { presetId: 'scarce_data', file });
    if (!kept.ok) throw new Error(kept.error);
    expect(kept.runs.length).toBeGreaterThan(0);
    for (const { info, metrics } of kept.runs) {
      const p = runPredictors({ id: info.id, name: info.name, rows: metrics, config: info.config });
      expect(p.rlStartStep, info.name).toBe((info.config.cpt.steps as number) + (info.config.sft.steps as number));
      expect(
        p.reasons.filter((r) => r.includes('at the start of RL')),
        info.name,
      ).toEqual([]);
    }
  });

  it("reads held-out gain with the rules' held-out key, greedy accuracy standing in where the run never logged pass@1", () => {
    const r = makeRun('a', { faith: 0.6, div: 2, heldout: [0.3, 0.4], mid: 80 });
    expect(runPredictors(r, undefined, { heldoutKey: 'eval_heldout/pass@1' }).heldoutGain).toBeCloseTo(0.4, 12);
  });

  it('uses the phase rules it is given (a higher reach fraction moves saturation)', () => {
    const r = makeRun('a', { faith: 0.6, div: 2, mid: 80 });
    const strict = { reachFraction: 0.99, windowSteps: 20 };
    const length = runPredictors(r, undefined, strict).preSaturationLength;
    expect(length).toBe(analyzePhases(r.rows, strict).preSaturationLength);
    expect(length).not.toBe(runPredictors(r).preSaturationLength);
  });
});

describe('predictorAnalysis', () => {
  it('fits each predictor against each outcome, over the runs that have both', () => {
    // Held-out gain = 0.5 * faithfulness + 0.1 exactly; diversity unrelated.
    const faiths = [0.2, 0.5, 0.8, 0.4];
    const runs = faiths.map((f, i) =>
      makeRun(`r${i}`, { faith: f, div: [4, 1, 3, 2][i]!, heldout: [0.2, 0.5 * f + 0.1], mid: 40 + 30 * i }),
    );
    runs.push(makeRun('nodiv', { faith: 0.9, heldout: [0.2, 0.55], mid: 60 }));
    const a = predictorAnalysis(runs);
    expect(a.scatters.map((s) => `${s.x}/${s.y}`)).toEqual([
      'faithfulness/preSaturationLength',
      'faithfulness/heldoutGain',
      'diversity/preSaturationLength',
      'diversity/heldoutGain',
    ]);
    const faithGain = a.scatters[1]!;
    expect(faithGain.points.map((p) => p.x)).toEqual([0.2, 0.4, 0.5, 0.8, 0.9]); // sorted by x
    expect(faithGain.fit!.slope).toBeCloseTo(0.5, 9);
    expect(faithGain.fit!.intercept).toBeCloseTo(0.1, 9);
    expect(faithGain.fit!.r2).toBeCloseTo(1, 9);
    const divGain = a.scatters[3]!;
    expect(divGain.points).toHaveLength(4); // the run without diversity is left out here
    expect(divGain.fit).toEqual(
      linearFit(
        divGain.points.map((p) => p.x),
        divGain.points.map((p) => p.y),
      ),
    );
    const faithLen = a.scatters[0]!;
    const lengths = runs.map((r) => analyzePhases(r.rows).preSaturationLength);
    expect(lengths.every((l) => l !== null)).toBe(true);
    expect(faithLen.points.map((p) => p.y).sort((x, y) => x - y)).toEqual(lengths.map((l) => l!).sort((x, y) => x - y));
    expect(a.excluded).toEqual([
      {
        id: 'nodiv',
        name: 'run nodiv',
        reasons: ['no diversity (eval_div/distinct_completions) at the start of RL (step 100)'],
      },
    ]);
  });

  it('gives no fit below two points or with one x value, and lists every run that lacks data', () => {
    const a = predictorAnalysis([makeRun('a', { faith: 0.5, div: 2, mid: 60 }), { id: 'e', name: 'empty', rows: [] }]);
    expect(a.scatters.every((s) => s.fit === null)).toBe(true);
    expect(a.excluded).toEqual([{ id: 'e', name: 'empty', reasons: ['no RL stage rows'] }]);
    const same = predictorAnalysis([
      makeRun('a', { faith: 0.5, div: 2, mid: 60 }),
      makeRun('b', { faith: 0.5, div: 2, mid: 90 }),
    ]);
    expect(same.scatters[0]!.points).toHaveLength(2);
    expect(same.scatters[0]!.fit).toBeNull(); // every x equal: no line
  });
});

describe('phaseRulesNote', () => {
  it('says "default" for the default rules, given whole, in part or not at all', () => {
    expect(phaseRulesNote({ ...DEFAULT_PHASE_RULES })).toBe('default');
    expect(phaseRulesNote({ ceiling: 1 })).toBe('default');
    expect(phaseRulesNote()).toBe('default');
  });

  it("names every edited field with its value, in the rules' order", () => {
    expect(phaseRulesNote({ ...DEFAULT_PHASE_RULES, windowSteps: 40, ceiling: 0.8 })).toBe(
      'edited (ceiling 0.8, windowSteps 40)',
    );
    expect(phaseRulesNote({ ceiling: 'observed', rewardKey: 'train/acc_true', allCorrectKey: '' })).toBe(
      'edited (rewardKey "train/acc_true", allCorrectKey "", ceiling observed)',
    );
  });
});
