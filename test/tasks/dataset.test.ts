// Data regimes: exactly N distinct training prompts, held-out and OOD splits disjoint from training
// by construction, exact label-noise and corruption fractions, determinism, length accounting.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/util/errors';
import {
  buildDataset,
  DEFAULT_DATA_CONFIG,
  isEvalKey,
  measureDataset,
  validateDataConfig,
  type DataConfig,
} from '../../src/tasks/dataset';
import { formatAnswer } from '../../src/tasks/format';
import { TASK_IDS } from '../../src/tasks/registry';

function cfg(over: Partial<DataConfig>): DataConfig {
  return validateDataConfig({ ...DEFAULT_DATA_CONFIG, ...over });
}

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).field;
  }
  throw new Error('expected a ConfigError');
}

describe.each(TASK_IDS)('dataset of %s', (task) => {
  it('cycles through exactly N distinct prompts', () => {
    for (const n of [1, 8, 64]) {
      const ds = buildDataset(cfg({ task, trainSize: n, heldoutSize: 16, oodSize: 8 }), 5);
      const keys = Array.from({ length: 3 * n }, (_, i) => ds.train(i).example.key);
      expect(new Set(keys).size).toBe(n);
      for (let i = 0; i < n; i++) {
        expect(ds.train(i + n)).toEqual({ ...ds.train(i), index: i + n });
        expect(ds.train(i + 2 * n).slot).toBe(i);
      }
    }
  });

  it('keeps held-out and OOD disjoint from training, and from each other', () => {
    const ds = buildDataset(cfg({ task, trainSize: 512, heldoutSize: 128, oodSize: 64 }), 9);
    const train = new Set(Array.from({ length: 512 }, (_, i) => ds.train(i).example.key));
    const held = ds.heldout.map((e) => e.key);
    const ood = ds.ood.map((e) => e.key);
    expect(new Set(held).size).toBe(128);
    expect(new Set(ood).size).toBe(64);
    for (const k of [...held, ...ood]) expect(train.has(k)).toBe(false);
    for (const k of ood) expect(held.includes(k)).toBe(false);
  });

  it('keeps unlimited fresh training draws on their side of the key partition', () => {
    const ds = buildDataset(cfg({ task, trainSize: 0, heldoutSize: 64, oodSize: 16 }), 2);
    const held = new Set([...ds.heldout, ...ds.ood].map((e) => e.key));
    for (let i = 0; i < 1000; i++) {
      const key = ds.train(i).example.key;
      expect(isEvalKey(key)).toBe(false);
      expect(held.has(key)).toBe(false);
    }
    for (const k of held) expect(isEvalKey(k)).toBe(true);
  });

  it('gives SFT the training prompts by default, and with sftSource fresh unlimited clean draws that never meet evaluation', () => {
    const same = buildDataset(cfg({ task, trainSize: 8, heldoutSize: 16, oodSize: 8, labelNoise: 0.5 }), 3);
    for (let i = 0; i < 20; i++) expect(same.sft(i)).toEqual(same.train(i));
    const ds = buildDataset(
      cfg({ task, trainSize: 8, heldoutSize: 16, oodSize: 8, labelNoise: 0.5, sftSource: 'fresh' }),
      3,
    );
    const held = new Set([...ds.heldout, ...ds.ood].map((e) => e.key));
    const keys = Array.from({ length: 200 }, (_, i) => ds.sft(i).example.key);
    expect(new Set(keys).size).toBeGreaterThan(8); // not bound to the N RL prompts
    for (const [i, key] of keys.entries()) {
      const item = ds.sft(i);
      expect(isEvalKey(key)).toBe(false);
      expect(held.has(key)).toBe(false);
      expect(item.noisy).toBe(false); // label noise is the RL prompts', not SFT's
      expect(item.label).toEqual(item.cleanLabel);
    }
    // The RL side is unchanged, and the SFT stream does not depend on N or gamma: arms share one SFT.
    for (let i = 0; i < 8; i++) expect(ds.train(i)).toEqual(same.train(i));
    const other = buildDataset(
      cfg({ task, trainSize: 64, heldoutSize: 16, oodSize: 8, labelNoise: 0, sftSource: 'fresh' }),
      3,
    );
    for (let i = 0; i < 50; i++) expect(other.sft(i).example.key).toBe(ds.sft(i).example.key);
  });

  it('with sftSize, gives SFT exactly that many distinct rationales: the first of the N (RL keeps all N), or fresh ones', () => {
    const all = buildDataset(cfg({ task, trainSize: 16, heldoutSize: 16, oodSize: 8, labelNoise: 0.5 }), 3);
    const few = buildDataset(cfg({ task, trainSize: 16, heldoutSize: 16, oodSize: 8, labelNoise: 0.5, sftSize: 4 }), 3);
    for (let i = 0; i < 40; i++) {
      expect(few.train(i)).toEqual(all.train(i)); // the RL prompts are not touched
      expect(few.sft(i)).toEqual({ ...all.train(i % 4), index: i }); // slots 0..3 of the N, noise and all
    }
    const fresh = buildDataset(
      cfg({ task, trainSize: 16, heldoutSize: 16, oodSize: 8, sftSource: 'fresh', sftSize: 6 }),
      3,
    );
    const held = new Set([...fresh.heldout, ...fresh.ood].map((e) => e.key));
    const keys = Array.from({ length: 30 }, (_, i) => fresh.sft(i).example.key);
    expect(new Set(keys).size).toBe(6);
    for (const [i, key] of keys.entries()) {
      expect(held.has(key)).toBe(false);
      expect(fresh.sft(i + 6)).toEqual({ ...fresh.sft(i), index: i + 6 }); // the same rationale each time round
      expect(fresh.sft(i).slot).toBe(i % 6);
    }
  });

  it('marks an exact label-noise fraction, keeping the clean label beside the noisy one', () => {
    for (const gamma of [0, 0.1, 0.5, 0.9]) {
      const ds = buildDataset(cfg({ task, trainSize: 64, heldoutSize: 8, oodSize: 8, labelNoise: gamma }), 4);
      const items = Array.from({ length: 64 }, (_, i) => ds.train(i));
      expect(items.filter((t) => t.noisy).length).toBe(Math.round(gamma * 64));
      for (const t of items) {
        expect(t.cleanLabel).toEqual(t.example.answer);
        expect(t.completion.split('\n').at(-1)).toBe(formatAnswer(t.label));
        const parsed = ds.task.parse(t.completion);
        if (t.noisy) expect(ds.task.score(t.example, parsed)).toBeLessThan(1);
        else expect(ds.task.score(t.example, parsed)).toBe(1);
        expect(ds.task.score(t.example, parsed, t.label)).toBe(1);
      }
      expect(ds.train(64 + 3).noisy).toBe(items[3]!.noisy); // persistent: the same prompt keeps its label
    }
  });

  it('marks noise evenly in unlimited sets: any prefix of n holds floor(n gamma)', () => {
    const ds = buildDataset(cfg({ task, trainSize: 0, heldoutSize: 8, oodSize: 0, labelNoise: 0.3 }), 4);
    let noisy = 0;
    for (let i = 0; i < 200; i++) {
      noisy += ds.train(i).noisy ? 1 : 0;
      expect(noisy).toBe(Math.floor((i + 1) * 0.3 + 1e-9));
    }
  });

  it("corrupts an exact fraction of rationales in style 'corrupted'", () => {
    const ds = buildDataset(
      cfg({ task, style: 'corrupted', corruptFraction: 0.25, trainSize: 64, heldoutSize: 8, oodSize: 8 }),
      6,
    );
    const items = Array.from({ length: 64 }, (_, i) => ds.train(i));
    expect(items.filter((t) => t.corrupted).length).toBe(16);
    for (const t of items) {
      const parsed = ds.task.parse(t.completion);
      expect(ds.task.checkSteps(t.example, parsed).every(Boolean)).toBe(!t.corrupted);
      expect(ds.task.score(t.example, parsed)).toBe(1);
    }
  });

  it('gives CPT text of the training prompts only, without questions or answers', () => {
    const ds = buildDataset(cfg({ task, trainSize: 8, heldoutSize: 8, oodSize: 0 }), 5);
    for (let i = 0; i < 16; i++) {
      expect(ds.domainText(i)).toBe(ds.task.domainText(ds.train(i).example));
      expect(ds.domainText(i)).not.toContain(formatAnswer(ds.train(i).label));
    }
  });

  it('is deterministic by seed and differs across seeds', () => {
    const c = cfg({ task, trainSize: 16, heldoutSize: 16, oodSize: 8, style: 'varied' });
    const a = buildDataset(c, 1);
    const b = buildDataset(c, 1);
    expect(a.heldout).toEqual(b.heldout);
    expect(a.train(5)).toEqual(b.train(5));
    expect(a.renderEval('ood', 2)).toBe(b.renderEval('ood', 2));
    expect(buildDataset(c, 2).heldout.map((e) => e.key)).not.toEqual(a.heldout.map((e) => e.key));
  });

  it('reports the longest prompt + completion, within the default context at default difficulty', () => {
    const ds = buildDataset(cfg({ task, trainSize: 256, heldoutSize: 64, oodSize: 0, style: 'varied' }), 3);
    const max = ds.maxLength();
    expect(max).toBeLessThanOrEqual(253);
    const seen = [
      ...Array.from({ length: 256 }, (_, i) => ds.train(i)).map((t) => t.example.prompt.length + t.completion.length),
      ...ds.heldout.map((e, j) => e.prompt.length + ds.renderEval('heldout', j).length),
    ];
    expect(max).toBe(Math.max(...seen));
  });
});

describe('progress', () => {
  it('counts every prompt drawn, then every example measured, each 1024th and the last', () => {
    const built: number[][] = [];
    const measured: number[][] = [];
    const c = cfg({
      task: 'addition',
      trainSize: 2000,
      heldoutSize: 100,
      oodSize: 60,
      sftSource: 'fresh',
      sftSize: 300,
    });
    const ds = buildDataset(c, 1, (done, total) => built.push([done, total]));
    expect(built).toEqual([
      [1024, 2460],
      [2048, 2460],
      [2460, 2460],
    ]); // N + held-out + OOD + fresh SFT pool
    const max = measureDataset(ds, (done, total) => measured.push([done, total]));
    expect(measured).toEqual([
      [1024, 2460],
      [2048, 2460],
      [2460, 2460],
    ]); // N + fresh SFT + held-out + OOD
    expect(max).toBe(buildDataset(c, 1).maxLength()); // the same number as without a progress callback
  });
});

describe('slot order', () => {
  it('has no easy-to-hard trend across an epoch (distinct draws front-load the small 1-digit key space)', () => {
    const ds = buildDataset(
      cfg({
        task: 'addition',
        taskConfig: { minDigits: 1, maxDigits: 2, oodMinDigits: 3, oodMaxDigits: 3 },
        trainSize: 512,
        heldoutSize: 128,
        oodSize: 16,
      }),
      1,
    );
    const oneDigit = (i: number) => /^\d\+\d=/.test(ds.train(i).example.prompt);
    const count = (from: number) => Array.from({ length: 128 }, (_, k) => oneDigit(from + k)).filter(Boolean).length;
    const [first, last] = [count(0), count(384)];
    expect(first + last).toBeGreaterThan(0); // the set has some 1-digit sums...
    expect(Math.abs(first - last)).toBeLessThan(12); // ...spread over the epoch, not bunched at its start
    const held = ds.heldout.map((e) => /^\d\+\d=/.test(e.prompt));
    expect(Math.abs(held.slice(0, 64).filter(Boolean).length - held.slice(64).filter(Boolean).length)).toBeLessThan(10);
  });
});

describe('validateDataConfig', () => {
  it('fills defaults and the task config', () => {
    const c = validateDataConfig({});
    expect(c.task).toBe('addition');
    expect(c.taskConfig).toEqual(
      c.task === 'addition' ? { minDigits: 2, maxDigits: 3, oodMinDigits: 4, oodMaxDigits: 5 } : {},
    );
  });

  it('refuses bad settings, naming the field', () => {
    expect(fieldOf(() => validateDataConfig({ task: 'chess' }))).toBe('data.task');
    expect(fieldOf(() => validateDataConfig({ style: 'poetic' }))).toBe('data.style');
    expect(fieldOf(() => validateDataConfig({ trainSize: -1 }))).toBe('data.trainSize');
    expect(fieldOf(() => validateDataConfig({ trainSize: 2.5 }))).toBe('data.trainSize');
    expect(fieldOf(() => validateDataConfig({ labelNoise: 1 }))).toBe('data.labelNoise');
    expect(fieldOf(() => validateDataConfig({ corruptFraction: 1.5 }))).toBe('data.corruptFraction');
    expect(fieldOf(() => validateDataConfig({ heldoutSize: 0 }))).toBe('data.heldoutSize');
    expect(fieldOf(() => validateDataConfig({ taskConfig: { maxDigits: 99 } }))).toBe('data.taskConfig.maxDigits');
    expect(fieldOf(() => validateDataConfig({ taskConfig: { minDigits: 3, maxDigits: 2 } }))).toBe(
      'data.taskConfig.maxDigits',
    );
    expect(fieldOf(() => validateDataConfig([]))).toBe('data');
  });

  it('leaves sftSize out when 0, so configs saved before it serialize the same, and refuses more rationales than N', () => {
    expect('sftSize' in validateDataConfig({})).toBe(false);
    expect('sftSize' in validateDataConfig({ sftSize: 0 })).toBe(false);
    expect(JSON.stringify(validateDataConfig({ trainSize: 64 }))).toBe(
      JSON.stringify(validateDataConfig({ trainSize: 64, sftSize: 0 })),
    );
    expect(validateDataConfig({ trainSize: 64, sftSize: 8 }).sftSize).toBe(8);
    expect(fieldOf(() => validateDataConfig({ trainSize: 64, sftSize: 65 }))).toBe('data.sftSize');
    expect(fieldOf(() => validateDataConfig({ sftSize: -1 }))).toBe('data.sftSize');
    expect(fieldOf(() => validateDataConfig({ sftSize: 1.5 }))).toBe('data.sftSize');
    // Fresh rationales and an unlimited N are not bounded by N.
    expect(validateDataConfig({ trainSize: 8, sftSource: 'fresh', sftSize: 100 }).sftSize).toBe(100);
    expect(validateDataConfig({ trainSize: 0, sftSize: 100 }).sftSize).toBe(100);
  });

  it('refuses more fresh SFT rationales than the task can supply, naming sftSize', () => {
    const c = validateDataConfig({
      trainSize: 8,
      heldoutSize: 8,
      oodSize: 8,
      sftSource: 'fresh',
      sftSize: 200,
      taskConfig: { minDigits: 1, maxDigits: 1 },
    });
    expect(fieldOf(() => buildDataset(c, 1))).toBe('sftSize');
  });

  it('refuses a training set larger than the task can supply', () => {
    const c = validateDataConfig({ trainSize: 200, taskConfig: { minDigits: 1, maxDigits: 1 } });
    expect(fieldOf(() => buildDataset(c, 1))).toBe('trainSize');
  });
});
