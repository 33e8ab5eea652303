// The predictor page rendered to HTML (svelte/server: no DOM, no chart drawn): it applies the phase
// rules the run view's phase lab edits (the page's PhaseState), not the defaults, and says which rules it used.
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import { runPredictors } from '../../src/analysis/predictor';
import { CompareState, type ComparedRun } from '../../src/ui/compare/compare.svelte';
import { PhaseState } from '../../src/ui/phase/phase.svelte';
import PredictorView from '../../src/ui/predictor/PredictorView.svelte';
import { contextMap } from '../../src/ui/context';
import { DEFAULT_RUN_CONFIG } from '../../src/experiment/run-config';
import type { MetricRow } from '../../src/store/types';

const SFT = 100;

/** An SFT evaluation, then RL rows with a reward rising linearly to 1 at RL step `span`; faithfulness at RL's opening evaluation. */
function run(id: string, faith: number, span: number): ComparedRun {
  const rows: MetricRow[] = [{ runId: id, step: 0, stage: 'sft', time: 0, values: { 'eval_heldout/accuracy': 0.1 } }];
  for (let t = 0; t <= 200; t += 5) {
    const values: Record<string, number> =
      t === 0 ? {} : { reward: Math.min(1, t / span), frac_reward_zero_std: Math.min(1, t / span) };
    if (t % 25 === 0)
      Object.assign(values, {
        'eval_heldout/accuracy': 0.2 + faith * (t / 200),
        'eval_faith/entailed': faith,
        'eval_div/distinct_completions': 2,
      });
    rows.push({ runId: id, step: SFT + t, stage: 'rl', time: t, values });
  }
  return { id, name: `run ${id}`, config: { ...DEFAULT_RUN_CONFIG, seed: faith * 10 }, rows };
}

/** The page's HTML with runs a and b compared. */
function page(): { html: string; runs: ComparedRun[] } {
  const compare = new CompareState();
  compare.runs = [run('a', 0.3, 120), run('b', 0.7, 140)];
  return {
    html: render(PredictorView, { context: contextMap({ compare, phase: labPhase }) }).body,
    runs: compare.runs,
  };
}

/** The pre-saturation lengths in the faithfulness vs pre-saturation scatter's points table, by run name. */
function lengthsShown(html: string): Record<string, string> {
  const table = html.split('data-testid="predictor-scatter"')[1]!; // the first scatter: faithfulness vs pre-saturation length
  return Object.fromEntries(
    [...table.matchAll(/<th scope="row"[^>]*>([^<]+)<\/th><td[^>]*>[^<]*<\/td><td[^>]*>([^<]*)<\/td>/g)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );
}

/** The page's phase settings, as App hands them to the run view and the predictor. */
const labPhase = new PhaseState();

afterEach(() => labPhase.reset());

describe('the predictor page', () => {
  it('says it uses the default rules while the phase lab has them', () => {
    const { html, runs } = page();
    expect(html).toMatch(/data-testid="predictor-rules"[^>]*>phase rules: default</);
    const lengths = runs.map((r) => runPredictors(r).preSaturationLength);
    expect(lengths).toEqual([105, 115]); // analyzePhases' numbers: both runs saturate under the default rules
    expect(lengthsShown(html)).toEqual(Object.fromEntries(runs.map((r, i) => [r.name, String(lengths[i])])));
  });

  it('applies the rules edited in the phase lab, and names them', () => {
    labPhase.draft.ceiling = 0.5; // the linear reward reaches 90% of 0.5 far earlier than 90% of 1
    const { html, runs } = page();
    expect(html).toMatch(/data-testid="predictor-rules"[^>]*>phase rules: edited \(ceiling 0\.5\)</);
    const edited = runs.map((r) => runPredictors(r, undefined, { ceiling: 0.5 }).preSaturationLength);
    expect(edited).toEqual([80, 90]); // earlier than under the default rules: the edit matters for these runs
    expect(lengthsShown(html)).toEqual(Object.fromEntries(runs.map((r, i) => [r.name, String(edited[i])])));
  });

  it('keeps the last valid rules while the form holds an invalid value, and says so', () => {
    labPhase.draft.ceiling = 0.5;
    expect(page().html).toContain('phase rules: edited (ceiling 0.5)');
    labPhase.draft.reachFraction = 2; // out of range: the form shows the error, the analysis keeps the last good rules
    expect(page().html).toContain('phase rules: edited (ceiling 0.5)');
  });
});
