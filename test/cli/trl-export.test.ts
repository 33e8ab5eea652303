// `npm run trl-export`'s pure parts: flags with messages naming the flag, and which run a preset's arm,
// a config file or a headless run's config.json stands for (the file reader is a stub).
import { describe, expect, it } from 'vitest';
import { parseTrlExportArgs } from '../../src/cli/shared/args';
import { resolveTrlSource } from '../../src/cli/trl-source';
import { DEFAULT_RUN_CONFIG } from '../../src/experiment/run-config';
import { getPreset, presetRuns } from '../../src/experiment/presets';

describe('parseTrlExportArgs', () => {
  it('takes a preset arm or a config file', () => {
    expect(parseTrlExportArgs(['--preset', 'phases', '--arm', 'few', '--seed', '2', '--out', 'x.zip'])).toEqual({
      source: 'preset',
      preset: 'phases',
      arm: 'few',
      seed: 2,
      out: 'x.zip',
      patch: undefined,
    });
    expect(parseTrlExportArgs(['--config=run.json', '--patch', '{"rl":{"steps":5}}'])).toEqual({
      source: 'config',
      config: 'run.json',
      out: undefined,
      patch: { rl: { steps: 5 } },
    });
  });
  it('names what is wrong', () => {
    expect(() => parseTrlExportArgs([])).toThrow(/give either --preset \(with --arm\) or --config/);
    expect(() => parseTrlExportArgs(['--preset', 'phases', '--arm', 'few', '--config', 'a.json'])).toThrow(
      /give either/,
    );
    expect(() => parseTrlExportArgs(['--config', 'a.json', '--seed', '1'])).toThrow(
      /--arm and --seed go with --preset/,
    );
    expect(() => parseTrlExportArgs(['--preset', 'nope', '--arm', 'x'])).toThrow(/unknown preset "nope"/);
    expect(() => parseTrlExportArgs(['--preset', 'phases'])).toThrow(/--arm is required/);
    expect(() => parseTrlExportArgs(['--preset', 'phases', '--arm', 'few', '--seed', '-1'])).toThrow(
      /--seed must be a whole number/,
    );
    expect(() => parseTrlExportArgs(['--preset', 'phases', '--arms', 'few'])).toThrow(/unknown flag --arms/);
  });
});

describe('resolveTrlSource', () => {
  const none = () => {
    throw new Error('no file expected');
  };

  it("gives a preset arm's config at a seed, as npm run lab trains it", () => {
    const preset = getPreset('phases')!;
    const run = presetRuns(preset, [3], ['few'])[0]!;
    expect(resolveTrlSource(parseTrlExportArgs(['--preset', 'phases', '--arm', 'few', '--seed', '3']), none)).toEqual({
      config: run.config,
      name: run.name,
    });
    expect(resolveTrlSource(parseTrlExportArgs(['--preset', 'phases', '--arm', 'few']), none).config.seed).toBe(
      preset.seeds[0],
    );
    expect(() => resolveTrlSource(parseTrlExportArgs(['--preset', 'phases', '--arm', 'nope']), none)).toThrow(
      /preset phases has no arm "nope"; arms: /,
    );
  });

  it("reads a run config or a headless run's config.json, and applies a patch", () => {
    const files: Record<string, string> = {
      'bare.json': JSON.stringify({ data: { task: 'num_match', trainSize: 64 }, seed: 4 }),
      'run.json': JSON.stringify({
        id: 'r1',
        name: 'PARO · pattern · seed 1',
        config: { ...DEFAULT_RUN_CONFIG, rl: undefined },
      }),
      'bad.json': '{nope',
    };
    const read = (p: string) => files[p] ?? '';
    const bare = resolveTrlSource(parseTrlExportArgs(['--config', 'bare.json']), read);
    expect(bare.name).toBe('num_match · pattern · N=64 · γ=0 · seed 4');
    expect(bare.config.data.task).toBe('num_match');
    const stored = resolveTrlSource(parseTrlExportArgs(['--config', 'run.json']), read);
    expect(stored.name).toBe('PARO · pattern · seed 1');
    expect(stored.config.rl.steps).toBe(0); // a stage the stored run never had stays off (the default has 100)
    const patched = resolveTrlSource(
      parseTrlExportArgs(['--config', 'bare.json', '--patch', '{"rl":{"steps":70}}']),
      read,
    );
    expect(patched.name).toBe('num_match · pattern · N=64 · γ=0 · seed 4 · patched');
    expect(patched.config.rl.steps).toBe(70);
    expect(() => resolveTrlSource(parseTrlExportArgs(['--config', 'bad.json']), read)).toThrow(
      /--config bad.json: could not read it as JSON/,
    );
  });
});
