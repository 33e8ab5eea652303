// Kept findings runs as `npm run report` writes them (cli/report/kept-runs.ts's keptBytes): a preset arm's run
// with its real config, a completed end state and a few SFT and RL metric rows (one value NaN), for the
// findings-runs unit tests and the "Open our runs" end-to-end test.
import { gzipSync, strToU8 } from 'fflate';
import { armConfig, getPreset } from '../../src/experiment/presets';
import { keptBytes, type KeptRun } from '../../src/cli/report/kept-runs';

export function keptRun(presetId: string, armId: string, seed: number, heldout = 0.5): KeptRun {
  const preset = getPreset(presetId)!;
  const config = armConfig(
    preset,
    preset.arms.find((a) => a.id === armId)!,
    seed,
  );
  const id = `lab-${presetId}-${armId}-s${seed}-kept`;
  const sftEnd = config.cpt.steps + config.sft.steps;
  const total = sftEnd + config.rl.steps;
  const row = (step: number, stage: string, values: Record<string, number>) => ({
    runId: id,
    step,
    stage,
    time: step * 10,
    values,
  });
  return {
    info: {
      id,
      name: `${preset.title} · ${armId} · seed ${seed}`,
      presetId,
      armId,
      seed,
      config,
      adjusted: null,
      backend: {
        name: 'wasm',
        adapter: 'WebAssembly',
        features: ['SIMD'],
        skipped: [{ name: 'webgpu', reason: 'no adapter' }],
      },
      machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 8, os: 'linux x64', node: 'v20' },
      createdAt: Date.UTC(2026, 11, 1),
    },
    state: {
      status: 'completed',
      step: total,
      totalSteps: total,
      wallSeconds: 300 + seed,
      sessions: [],
      updatedAt: Date.UTC(2026, 11, 2),
    },
    metrics: [
      row(0, 'sft', { 'eval_heldout/accuracy': 0 }),
      row(sftEnd, 'sft', { loss: 0.5, grad_norm: NaN, 'eval_heldout/accuracy': heldout / 2 }),
      row(sftEnd + 10, 'rl', { loss: 0.1, reward: 0.4 }),
      row(total, 'rl', { loss: 0.1, reward: 0.9, 'eval_heldout/accuracy': heldout }),
    ],
  };
}

/** A preset's kept file holding `runs`. */
export const keptFileOf = (presetId: string, runs: KeptRun[]) => keptBytes(presetId, runs);

/** A kept file's JSON, hand-made (for damaged or foreign files), gzip'd. */
export const gzipJson = (value: unknown) => gzipSync(strToU8(JSON.stringify(value)));
