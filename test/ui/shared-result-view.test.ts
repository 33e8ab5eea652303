// A result link as the run view shows it: the link's rows get the stage their step falls in (they carry
// none), so the view knows the run has an RL stage and draws the phase chart from them: reward, true
// reward, held-out pass@1, training-prompt accuracy and the same shading as the original run's.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { analyzePhases } from '../../src/analysis/phases';
import { DEFAULT_RUN_CONFIG, validateRunConfig } from '../../src/experiment/run-config';
import { readLink } from '../../src/experiment/links';
import { encodeResultLink, RESULT_LINK_BUDGET } from '../../src/experiment/result-link';
import { keptToBundles } from '../../src/store/findings-runs';
import { hasRl, mainColumns, RL_MAIN_KEYS } from '../../src/ui/run/rl-series';
import { stageAt, ViewState } from '../../src/ui/run/view.svelte';
import { flagshipRuns } from './story-fixtures';

describe('stageAt', () => {
  it('gives each stage its last step (its closing evaluation) and the next stage the step after', () => {
    const c = validateRunConfig({
      ...DEFAULT_RUN_CONFIG,
      sft: { ...DEFAULT_RUN_CONFIG.sft, steps: 240 },
      rl: { ...DEFAULT_RUN_CONFIG.rl, steps: 150 },
    });
    expect([0, 1, 240, 241, 390, 999].map((s) => stageAt(c, s))).toEqual(['sft', 'sft', 'sft', 'rl', 'rl', 'rl']);
    const cpt = { ...c, cpt: { ...c.cpt, steps: 100 } };
    expect([0, 100, 101, 340, 341].map((s) => stageAt(cpt, s))).toEqual(['cpt', 'cpt', 'sft', 'sft', 'rl']);
    const sftOnly = { ...c, rl: { ...c.rl, steps: 0 } };
    expect(stageAt(sftOnly, 500)).toBe('sft');
  });
});

describe('a result link in the run view', () => {
  const few = flagshipRuns([1]).find((r) => r.info.armId === 'few')!;
  const bundle = keptToBundles([few as never]);
  if (!bundle.ok) throw new Error(bundle.error);
  const { run, metrics } = bundle.bundles[0]!;
  const hash = encodeResultLink({
    config: run.config,
    name: run.name,
    status: 'completed',
    step: run.step,
    totalSteps: run.totalSteps,
    backend: 'wasm',
    rows: metrics,
    samples: [],
  });

  it('carries the phase chart within its budget, and the view draws it', () => {
    expect(hash.length).toBeLessThanOrEqual(RESULT_LINK_BUDGET);
    const link = readLink(`#${hash}`);
    expect(link.kind).toBe('result');
    if (link.kind !== 'result') return;
    const view = new ViewState();
    view.showShared(link.result);
    expect(view.rows.find((r) => r.step === 240)?.stage).toBe('sft');
    expect(view.rows.find((r) => r.step === 245)?.stage).toBe('rl');
    expect(hasRl(view.rows, undefined)).toBe(true);
    // Every line of the main RL chart has points: reward, true reward, held-out pass@1 and greedy, training prompts, OOD.
    const [, ...cols] = mainColumns(view.rows, 0, false, link.result.config);
    const lines = cols.slice(-RL_MAIN_KEYS.length);
    expect(lines.map((c, i) => [RL_MAIN_KEYS[i], c.some((v) => v !== null)])).toEqual(
      RL_MAIN_KEYS.map((k) => [k, true]),
    );
    // The same shading as the run itself.
    expect(analyzePhases(view.rows).bands).toEqual(analyzePhases(metrics).bands);
    expect(analyzePhases(view.rows).bands).toEqual([{ start: 275, end: 390, kind: 'pre_saturation' }]);
  });
});
