// Registry-wide contract: every task listed in TASKS is deterministic, refuses bad configs by field,
// verifies its own rationales in every style, fits the default context, and documents an example.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/util/errors';
import { rngFor } from '../../src/util/rng';
import { getTask, TASK_IDS, TASKS } from '../../src/tasks/registry';
import { formatAnswer } from '../../src/tasks/format';
import { RATIONALE_STYLES } from '../../src/tasks/types';
import { checkStyles, DEFAULT_BUDGET, docExample, example, renderOf, VOCAB_RE } from './contract';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('registry', () => {
  it('lists stable snake_case ids that match their keys', () => {
    expect(TASK_IDS).toEqual(['addition', 'multi_hop', 'num_match', 'arith_chain']);
    for (const id of TASK_IDS) {
      expect(TASKS[id].id).toBe(id);
      expect(id).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });

  it('refuses an unknown task id, naming the field', () => {
    expect(configError(() => getTask('nope')).field).toBe('task');
  });
});

describe.each(TASK_IDS)('task %s', (id) => {
  const task = getTask(id);

  it('is deterministic by (seed, index) and varies with the index', () => {
    const a = Array.from({ length: 20 }, (_, i) => example(task, i));
    const b = Array.from({ length: 20 }, (_, i) => example(task, i));
    expect(a).toEqual(b);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a); // plain data
    expect(new Set(a.map((e) => e.key)).size).toBeGreaterThan(15);
    for (const s of RATIONALE_STYLES) expect(renderOf(task, a[3]!, s, 3)).toBe(renderOf(task, b[3]!, s, 3));
  });

  it('validates: defaults pass, partial configs are filled, bad fields are named', () => {
    expect(task.validate({})).toEqual(task.defaults);
    expect(task.validate(undefined)).toEqual(task.defaults);
    expect(Object.isFrozen(task.defaults)).toBe(true);
    expect(configError(() => task.validate({ bogus: 1 })).field).toBe('bogus');
    expect(configError(() => task.validate('x')).field).toBe('config');
    for (const [name, spec] of Object.entries(task.fields)) {
      expect(spec.reason.length, name).toBeGreaterThan(10);
      if (spec.max !== undefined) expect(configError(() => task.validate({ [name]: spec.max! + 1 })).field).toBe(name);
      if (spec.min !== undefined) expect(configError(() => task.validate({ [name]: spec.min! - 1 })).field).toBe(name);
      expect(configError(() => task.validate({ [name]: { no: 1 } })).field).toBe(name);
    }
  });

  it('verifies its own rationales in every style', () => {
    checkStyles(task, 150);
  });

  it('verifies its own rationales at OOD difficulty too', () => {
    checkStyles(task, 40, task.oodConfig(task.defaults));
  });

  it('fits the default context in every style, in the character vocabulary', () => {
    for (let i = 0; i < 400; i++) {
      const ex = example(task, i, 11);
      expect(ex.prompt).toMatch(VOCAB_RE);
      for (const s of RATIONALE_STYLES) {
        const c = renderOf(task, ex, s, i);
        expect(c).toMatch(VOCAB_RE);
        expect(ex.prompt.length + c.length, `${id} #${i} ${s}`).toBeLessThanOrEqual(DEFAULT_BUDGET);
        expect(c.split('\n').at(-1)).toBe(formatAnswer(ex.answer));
      }
    }
  });

  it('gives plausible wrong labels that score below 1', () => {
    for (let i = 0; i < 100; i++) {
      const ex = example(task, i);
      const wrong = task.noisyLabel(ex, rngFor(3, i));
      expect(task.score(ex, task.parse(formatAnswer(wrong))), `${id} #${i} ${JSON.stringify(wrong)}`).toBeLessThan(1);
      expect(task.score(ex, task.parse(formatAnswer(wrong)), wrong)).toBe(1);
    }
  });

  it('gives domain text without the question or the answer line', () => {
    for (let i = 0; i < 50; i++) {
      const ex = example(task, i);
      const text = task.domainText(ex);
      expect(text.length).toBeGreaterThan(0);
      expect(text).toMatch(VOCAB_RE);
      expect(text).not.toContain(formatAnswer(ex.answer));
      expect(text).not.toContain(ex.prompt.split('\n').at(-1)!);
    }
  });

  it('shows its example (seed 1, index 0, defaults, pattern) in its docstring', () => {
    const file = id.replace(/_/g, '-');
    const source = readFileSync(new URL(`../../src/tasks/${file}.ts`, import.meta.url), 'utf8');
    expect(source).toContain(docExample(task));
  });
});
