// Every preset builds valid configs for every arm and seed, arms differ only where they say, and ids are unique.
import { describe, expect, it } from 'vitest';
import { PRESETS, PRESET_IDS, getPreset, presetRuns } from '../../src/experiment/presets';
import { configChanges } from '../../src/experiment/config-link';
import { validateRunConfig } from '../../src/experiment/run-config';
import { buildDataset } from '../../src/tasks/dataset';

describe('presets', () => {
  it('have unique ids and arm ids, and at least one arm and seed', () => {
    expect(new Set(PRESET_IDS).size).toBe(PRESETS.length);
    for (const p of PRESETS) {
      expect(p.arms.length).toBeGreaterThan(0);
      expect(p.seeds.length).toBeGreaterThanOrEqual(3);
      expect(new Set(p.arms.map((a) => a.id)).size).toBe(p.arms.length);
      expect(getPreset(p.id)).toBe(p);
    }
    expect(getPreset('no_such_preset')).toBeUndefined();
  });

  it('build a valid config for every arm x seed, in arm-then-seed order', () => {
    for (const p of PRESETS) {
      const runs = presetRuns(p);
      expect(runs.length).toBe(p.arms.length * p.seeds.length);
      expect(runs.map((r) => r.seed)).toEqual(p.arms.flatMap(() => p.seeds));
      for (const r of runs) expect(r.config.seed).toBe(r.seed);
    }
  });

  it('give arms of one preset the same settings apart from what each arm changes', () => {
    const scarce = presetRuns(getPreset('scarce_data')!, [1]);
    const a = configChanges(scarce[0]!.config);
    const b = configChanges(scarce[1]!.config);
    expect({ ...a, data: { ...(a.data as object), trainSize: 0 } }).toEqual({
      ...b,
      data: { ...(b.data as object), trainSize: 0 },
    });
    expect(scarce.map((r) => r.config.data.trainSize)).toEqual([8, 512]);
  });

  it('give the PARO arms the same RL prompts and differ only in their SFT rationales: style and how many', () => {
    const runs = presetRuns(getPreset('paro')!, [2]);
    const sets = runs.map((r) => buildDataset(r.config.data, 2));
    const rlKeys = (i: number) => sets.map((ds) => ds.train(i).example.key);
    for (const i of [0, 1, 319, 320, 3199]) expect(new Set(rlKeys(i)).size).toBe(1);
    expect(runs.map((r) => [r.config.data.style, r.config.data.sftSize, r.config.data.trainSize])).toEqual([
      ['pattern', 320, 3200],
      ['varied', 3200, 3200],
      ['inconsistent', 3200, 3200],
    ]);
    // pattern, 320 sees exactly its 320 rationales, the first of the shared prompts, round and round.
    const pattern = sets[0]!;
    expect(new Set(Array.from({ length: 960 }, (_, i) => pattern.sft(i).example.key)).size).toBe(320);
    expect(pattern.sft(320).example.key).toBe(pattern.train(0).example.key);
    const changes = runs.map((r) => configChanges(r.config));
    const strip = (c: Record<string, unknown>) => ({
      ...c,
      data: { ...(c.data as object), style: null, sftSize: null },
    });
    expect(strip(changes[0]!)).toEqual(strip(changes[1]!));
    expect(strip(changes[1]!)).toEqual(strip(changes[2]!));
  });

  it('select arms by id', () => {
    const runs = presetRuns(getPreset('label_noise')!, [7], ['g07']);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.config.data.labelNoise).toBe(0.7);
  });

  it('fit every example of every arm into the model context', () => {
    for (const p of PRESETS) {
      for (const r of presetRuns(p, [1])) {
        expect(
          () => validateRunConfig(r.config, (d, seed) => buildDataset(d, seed).maxLength()),
          `${p.id}/${r.armId}`,
        ).not.toThrow();
      }
    }
  });

  it('let evaluation and rollouts generate the longest rationale of the first training items', () => {
    for (const p of PRESETS) {
      for (const r of presetRuns(p, [1])) {
        const ds = buildDataset(r.config.data, 1);
        const longest = Math.max(...Array.from({ length: 64 }, (_, i) => ds.train(i).completion.length)) + 1; // + EOS
        expect(r.config.rl.maxCompletionLength, `${p.id}/${r.armId} rl`).toBeGreaterThanOrEqual(longest);
        expect(r.config.sft.maxNewTokens, `${p.id}/${r.armId} sft`).toBeGreaterThanOrEqual(longest);
      }
    }
  });
});
