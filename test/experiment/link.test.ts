// Config and result links: encode then decode is the identity on random valid configs (built from the
// defaults by random in-range changes, so new config sections are covered without edits here); random,
// mutated and hostile link strings never throw out of the decoder; and the sizes the issue asks for.
import { describe, expect, it } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import { BACKENDS, DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../../src/experiment/run-config';
import { configChanges, decodeConfigLink, encodeConfigLink } from '../../src/experiment/config-link';
import { fromBase64Url, packLink, toBase64Url } from '../../src/experiment/link-codec';
import { readLink } from '../../src/experiment/links';
import { encodeResultLink, phaseSummary, RESULT_LINK_BUDGET } from '../../src/experiment/result-link';
import { getTask, TASK_IDS } from '../../src/tasks/registry';
import { RATIONALE_STYLES } from '../../src/tasks/types';
import { syntheticRun } from './link-fixtures';

/** Deterministic uniform [0, 1) stream (a test must fail the same way twice). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
type Rand = ReturnType<typeof rng>;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** A new value of the same kind as `v`: integers stay integers, fractions stay near their scale, booleans flip. */
function nudge(r: Rand, v: unknown): unknown {
  if (typeof v === 'boolean') return !v;
  if (typeof v !== 'number') return v;
  if (Number.isInteger(v))
    return pick(r, [0, 1, 2, v + 1, Math.max(0, v - 1), Math.floor(r() * (2 * v + 10)), Math.floor(r() * 2 ** 31)]);
  return pick(r, [r(), v * (0.1 + 1.9 * r()), v / 10, Math.min(0.99, v * 2)]);
}

/** Paths of every number and boolean leaf of a config. */
function leaves(v: unknown, path: string[] = []): string[][] {
  if (typeof v === 'number' || typeof v === 'boolean') return [path];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [];
  return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]));
}

function setAt(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[path.at(-1)!] = value;
}
function getAt(obj: unknown, path: string[]): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
}

/** A random valid config: a random task, style and backend, then up to 12 in-range leaf changes (out-of-range ones are refused and retried). */
export function randomConfig(r: Rand): RunConfig {
  const task = pick(r, TASK_IDS);
  let cfg = validateRunConfig({
    ...clone(DEFAULT_RUN_CONFIG),
    backend: pick(r, BACKENDS),
    data: {
      ...clone(DEFAULT_RUN_CONFIG.data),
      task,
      style: pick(r, RATIONALE_STYLES),
      taskConfig: clone(getTask(task).defaults),
    },
  });
  const changes = Math.floor(r() * 13);
  for (let i = 0, tries = 0; i < changes && tries < 200; tries++) {
    const next = clone(cfg) as unknown as Record<string, unknown>;
    const path = pick(
      r,
      leaves(next).filter((p) => p[0] !== 'version' && p.at(-1) !== 'vocabSize'),
    );
    setAt(next, path, nudge(r, getAt(next, path)));
    try {
      cfg = validateRunConfig(next);
      i++;
    } catch {
      // out of range: try another change
    }
  }
  return cfg;
}

describe('link codec', () => {
  it('base64url round-trips any bytes and refuses foreign characters', () => {
    const r = rng(1);
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
      expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    }
    expect(toBase64Url(strToU8('any carnal pleas'))).toBe('YW55IGNhcm5hbCBwbGVhcw');
    expect(fromBase64Url('YW55+')).toBeNull();
    expect(fromBase64Url('Y')).toBeNull();
  });
});

describe('config links', () => {
  it('encodes the defaults as an empty change set, and a change as only itself', () => {
    expect(configChanges(DEFAULT_RUN_CONFIG)).toEqual({});
    const cfg = validateRunConfig({ ...DEFAULT_RUN_CONFIG, seed: 7, sft: { ...DEFAULT_RUN_CONFIG.sft, lr: 0.01 } });
    expect(configChanges(cfg)).toEqual({ seed: 7, sft: { lr: 0.01 } });
    const other = validateRunConfig({
      ...DEFAULT_RUN_CONFIG,
      data: { ...DEFAULT_RUN_CONFIG.data, task: 'multi_hop', taskConfig: {} },
    });
    expect(configChanges(other)).toEqual({ data: { task: 'multi_hop' } }); // the task's own defaults are not "changes"
  });

  it('carries rotary positions as one change, and refuses an unknown position scheme by name', () => {
    const cfg = validateRunConfig({ ...DEFAULT_RUN_CONFIG, model: { ...DEFAULT_RUN_CONFIG.model, position: 'rope' } });
    expect(configChanges(cfg)).toEqual({ model: { position: 'rope' } });
    const back = decodeConfigLink(`#${encodeConfigLink(cfg)}`);
    expect(back).toEqual({ ok: true, value: cfg });
    const bad = decodeConfigLink(`#${packLink('c', 1, { model: { position: 'sinusoidal' } })}`);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/model.position must be one of learned, rope; got "sinusoidal"/);
  });

  it('carries a number of SFT rationales as one change, and refuses more than the training prompts by name', () => {
    const cfg = validateRunConfig({ ...DEFAULT_RUN_CONFIG, data: { ...DEFAULT_RUN_CONFIG.data, sftSize: 32 } });
    expect(configChanges(cfg)).toEqual({ data: { sftSize: 32 } });
    expect(decodeConfigLink(`#${encodeConfigLink(cfg)}`)).toEqual({ ok: true, value: cfg });
    const bad = decodeConfigLink(`#${packLink('c', 1, { data: { sftSize: DEFAULT_RUN_CONFIG.data.trainSize + 1 } })}`);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/sftSize \(\d+\) cannot exceed the \d+ training prompts/);
  });

  it('carries the SFT targets as changes, and reads a link without them as off', () => {
    const cfg = validateRunConfig({
      ...DEFAULT_RUN_CONFIG,
      sft: { ...DEFAULT_RUN_CONFIG.sft, targetAccuracy: 0.9, targetFaithfulness: 0.75 },
    });
    expect(configChanges(cfg)).toEqual({ sft: { targetAccuracy: 0.9, targetFaithfulness: 0.75 } });
    const back = decodeConfigLink(`#${encodeConfigLink(cfg)}`);
    expect(back).toEqual({ ok: true, value: cfg });
    expect(back.ok && [back.value.sft.targetAccuracy, back.value.sft.targetFaithfulness]).toEqual([0.9, 0.75]);
    const old = decodeConfigLink(`#${packLink('c', 1, { sft: { lr: 0.01 } })}`); // a link made before the targets
    if (!old.ok) throw new Error(old.error);
    expect(['targetAccuracy' in old.value.sft, 'targetFaithfulness' in old.value.sft, old.value.sft.lr]).toEqual([
      false,
      false,
      0.01,
    ]);
    expect(
      encodeConfigLink(
        validateRunConfig({ ...DEFAULT_RUN_CONFIG, sft: { ...DEFAULT_RUN_CONFIG.sft, targetAccuracy: 0 } }),
      ),
    ).toBe(encodeConfigLink(DEFAULT_RUN_CONFIG));
    const bad = decodeConfigLink(`#${packLink('c', 1, { sft: { targetAccuracy: 2 } })}`);
    expect(!bad.ok && bad.error).toMatch(/invalid setting: sft.targetAccuracy must be a number from 0 to 1; got 2/);
  });

  it('decodes what it encodes: 300 random valid configs', () => {
    const r = rng(42);
    for (let i = 0; i < 300; i++) {
      const cfg = randomConfig(r);
      const hash = encodeConfigLink(cfg);
      const back = decodeConfigLink(`#${hash}`);
      if (!back.ok) throw new Error(`${back.error} for ${JSON.stringify(configChanges(cfg))}`);
      expect(back.value).toEqual(cfg);
      expect(readLink(`#${hash}`)).toEqual({ kind: 'config', config: cfg });
    }
  });

  it('measures: the default config and a heavily changed one', () => {
    const heavy = randomConfigWithAllChanged();
    const sizes = { default: encodeConfigLink(DEFAULT_RUN_CONFIG).length, heavy: encodeConfigLink(heavy).length };
    console.log(`config link hash sizes (characters): default ${sizes.default}, heavily changed ${sizes.heavy}`);
    expect(sizes.default).toBeLessThan(20);
    expect(sizes.heavy).toBeLessThan(1000);
  });
});

/** Nearly every numeric field away from its default (the worst case for a config link). */
function randomConfigWithAllChanged(): RunConfig {
  const r = rng(9);
  let best = randomConfig(r);
  for (let i = 0; i < 40; i++) {
    const c = randomConfig(r);
    if (encodeConfigLink(c).length > encodeConfigLink(best).length) best = c;
  }
  return best;
}

describe('result links', () => {
  it('carry curves, phase summary and samples of a 300-step run in under 8 KB', () => {
    for (const [label, logEvery] of [
      ['log every 10', 10],
      ['log every step', 1],
    ] as const) {
      const run = syntheticRun(300, logEvery);
      const hash = encodeResultLink(run);
      const url = `https://someone.github.io/rlvr-lab/#${hash}`;
      console.log(`result link (${label}, 300 steps): ${url.length} bytes`);
      expect(url.length).toBeLessThanOrEqual(8192);
      const opened = readLink(`#${hash}`);
      if (opened.kind !== 'result') throw new Error(JSON.stringify(opened));
      const res = opened.result;
      expect(res.config).toEqual(run.config);
      expect(res.phases).toEqual(phaseSummary(run.rows));
      expect(res.samples.length).toBeGreaterThan(0);
      expect(res.samples[0]).toEqual(run.samples[0]);
      // Every evaluation point survives (they are sparse), within 3 significant digits.
      const evals = run.rows.filter((x) => x.values['eval_heldout/accuracy'] !== undefined);
      const got = res.rows.filter((x) => x.values['eval_heldout/accuracy'] !== undefined);
      expect(got.map((x) => x.step)).toEqual(evals.map((x) => x.step));
      got.forEach((x, i) =>
        expect(x.values['eval_heldout/accuracy']).toBeCloseTo(evals[i]!.values['eval_heldout/accuracy']!, 3),
      );
      const loss = res.rows.filter((x) => x.values.loss !== undefined);
      expect(loss.length).toBeGreaterThanOrEqual(Math.min(30, 300 / logEvery));
      expect(loss.at(-1)!.step).toBe(300);
    }
  });

  it('stay within the budget for an RL run with many metrics, dropping the least useful curves first', () => {
    const run = syntheticRun(300, 1, 40);
    const hash = encodeResultLink(run);
    expect(hash.length).toBeLessThanOrEqual(RESULT_LINK_BUDGET);
    const opened = readLink(`#${hash}`);
    expect(opened.kind).toBe('result');
    const kept = [
      'loss',
      'reward',
      'train/acc_true',
      'eval_heldout/accuracy',
      'eval_heldout/pass@1',
      'eval_heldout/num_samples',
      'eval_heldout/num_prompts',
    ];
    if (opened.kind === 'result')
      for (const key of kept)
        expect(
          opened.result.rows.some((x) => x.values[key] !== undefined),
          key,
        ).toBe(true);
  });
});

describe('bad links', () => {
  const valid = [encodeConfigLink(randomConfig(rng(3))), encodeResultLink(syntheticRun(120, 5))];

  it.each([
    ['#', /^none$/],
    ['#hello', /not an RLVR Lab link/],
    ['#c1.', /damaged/],
    ['#c1.%%%', /damaged/],
    ['#c2.abcd', /newer RLVR Lab \(link version 2\)/],
    ['#c0.abcd', /unknown version/],
    ['#z1.abcd', /kind this lab does not know/],
    [`#c1.${'A'.repeat(40_000)}`, /too long/],
    [`#c1.${toBase64Url(deflateSync(strToU8('[1,2]')))}`, /the config must be an object/],
    [`#c1.${toBase64Url(deflateSync(strToU8('{"model":{"heads":5}}')))}`, /invalid setting: model.heads must divide/],
    [`#c1.${toBase64Url(deflateSync(strToU8('{"sft":{"lr":"1e9"}}')))}`, /invalid setting: sft.lr/],
    [`#c1.${toBase64Url(deflateSync(strToU8('not json')))}`, /not valid JSON/],
    [`#c1.${toBase64Url(deflateSync(new Uint8Array(5_000_000).fill(32)))}`, /unpacks to more than 512 KB/],
    [`#r1.${toBase64Url(deflateSync(strToU8('{"c":{}}')))}`, /result link is damaged or was changed/],
  ])('%s gives a clear message', (hash, message) => {
    const out = readLink(hash.slice(0, 60_000));
    expect(out.kind === 'error' ? out.error : out.kind).toMatch(message);
  });

  it('reads a deeply nested payload without throwing (unknown keys are ignored, as the config validator does)', () => {
    const deep = `#c1.${toBase64Url(deflateSync(strToU8('{"a":'.repeat(5000) + '1' + '}'.repeat(5000))))}`;
    expect(() => readLink(deep)).not.toThrow();
    const nestedKnown = `#c1.${toBase64Url(deflateSync(strToU8('{"data":'.repeat(50) + '1' + '}'.repeat(50))))}`;
    expect(readLink(nestedKnown).kind).toBe('error');
  });

  it('ignores prototype keys in a link', () => {
    const out = readLink(`#${packLink('c', 1, JSON.parse('{"__proto__":{"polluted":1},"seed":5}'))}`);
    expect(out.kind === 'config' && out.config.seed).toBe(5);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('random strings and mutated links never throw out of the decoder, and whatever decodes is valid', () => {
    const r = rng(11);
    const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.#%c1r';
    for (let i = 0; i < 2000; i++) {
      const base =
        i % 4 === 0
          ? Array.from({ length: Math.floor(r() * 200) }, () => pick(r, [...ALPHA])).join('')
          : `#${pick(r, valid)}`;
      const chars = [...base];
      for (let k = 0; k < 1 + Math.floor(r() * 4); k++) {
        const at = Math.floor(r() * chars.length);
        const op = Math.floor(r() * 4);
        if (op === 0) chars[at] = pick(r, [...ALPHA]);
        else if (op === 1) chars.splice(at, 1);
        else if (op === 2) chars.splice(at, 0, pick(r, [...ALPHA]));
        else chars.length = at; // truncated, as a chat app may cut a long link
      }
      const hash = chars.join('');
      let out: ReturnType<typeof readLink> | undefined;
      expect(() => (out = readLink(hash))).not.toThrow();
      if (out?.kind === 'config') expect(validateRunConfig(out.config)).toEqual(out.config);
      if (out?.kind === 'result') expect(validateRunConfig(out.result.config)).toEqual(out.result.config);
    }
  });
});
