// The TRL export's verifiers.py agrees with the lab's TypeScript verifiers: for every task, 1,000 training
// draws per rationale style (30% label noise) plus OOD items, each with its rendered completion and one
// mutation of it (truncated, digits changed, a step removed, random characters, answer variants, shuffled
// lines, odd whitespace, case), and junk strings; parsed steps and answer, step verdicts, faithfulness and
// every reward must be identical. One python3 process per task; the rows go through the export's own
// GRPO row builder (src/tasks/export.ts with meta), as a real export writes them.
import { describe, expect, it } from 'vitest';
import { VERIFIERS_PY } from '../../src/export/trl/verifiers-py';
import { buildDataset, validateDataConfig } from '../../src/tasks/dataset';
import { grpoRows, type GrpoRow } from '../../src/tasks/export';
import { TASK_IDS, getTask, type TaskId } from '../../src/tasks/registry';
import { RATIONALE_STYLES, type AnyTask, type Example } from '../../src/tasks/types';
import { stepsVerified } from '../../src/train/process-filter';
import { formatReward, majorityVote } from '../../src/train/rewards';
import { splitList } from '../../src/tasks/format';
import { rngFor, type Rng } from '../../src/util/rng';
import { pythonDir, pythonJson } from './python';

const ITEMS_PER_STYLE = 1000;
const OOD_PER_STYLE = 100;

/** Characters where JavaScript and Python disagree by default: whitespace sets, line terminators, digits, case. */
const TRAPS = [
  '\r',
  '\t',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\u0085',
  '\u001f',
  '\u180e',
  '\u0130',
  '\u212a',
  'é',
  'ß',
  '٣',
  '😀',
  '\ud800',
  '\v',
  '\f',
];
const ALPHABET =
  "\n\n  A:=+*x-~>!.,'%/0123456789abcdekmsvzKMZ dozen about entity period value M1 M2 A: d1: col 's is of has friend boss job";

function randomText(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += rng.next() < 0.85 ? ALPHABET[rng.int(0, ALPHABET.length - 1)] : rng.pick(TRAPS);
  return s;
}

const lines = (s: string) => s.split('\n');

/** One mutation of a completion, chosen by `kind`. */
function mutate(rng: Rng, text: string, kind: number): string {
  const ls = lines(text);
  const answer = ls.at(-1)!.replace(/^A: /, '');
  switch (kind % 9) {
    case 0:
      return text.slice(0, rng.int(0, text.length)); // truncated
    case 1: {
      // digits changed
      const at = [...text.matchAll(/\d/g)].map((m) => m.index!);
      if (at.length === 0) return text + '7';
      const i = rng.pick(at);
      return text.slice(0, i) + String((Number(text[i]) + rng.int(1, 9)) % 10) + text.slice(i + 1);
    }
    case 2: {
      // a step removed
      if (ls.length < 2) return '';
      const i = rng.int(0, ls.length - 2);
      return [...ls.slice(0, i), ...ls.slice(i + 1)].join('\n');
    }
    case 3: {
      // random characters inserted
      let s = text;
      for (let k = rng.int(1, 4); k > 0; k--) {
        const i = rng.int(0, s.length);
        s = s.slice(0, i) + randomText(rng, rng.int(1, 3)) + s.slice(i);
      }
      return s;
    }
    case 4: {
      // answer line variants
      const other = rng.pick([
        `${answer}.`,
        `answer : ${answer}`,
        `A:  ${answer.toUpperCase()}`,
        `A: ${answer}, ${answer}`,
        `A: ${answer} and Bo`,
        `A: ${answer}\nA: 0`,
        'A:',
        `A: ${answer}; zed`,
      ]);
      return [...ls.slice(0, -1), other].join('\n');
    }
    case 5:
      return rng.shuffle(ls).join('\n'); // lines shuffled
    case 6:
      return ls
        .map(
          (l) =>
            rng.pick(['', ' ', '\t', '\u00a0', '\ufeff']) +
            l.replace(/ /g, () => rng.pick([' ', '  ', '\t', '\u00a0'])) +
            rng.pick(['', '\r', '.', ' ']),
        )
        .join('\n'); // odd whitespace
    case 7:
      return rng.next() < 0.5 ? text.toUpperCase() : text.toLowerCase();
    default:
      return ls.slice(0, -1).join('\n'); // no answer line
  }
}

/** Fixed completions that probe each JS-vs-Python trap on every task. */
const EDGES = [
  '',
  '\n\n',
  'A:',
  'A: 12\r3',
  'x\nA: 12\u20283',
  '\u0085A: 5',
  '\ufeffA: 5',
  'A: ٣',
  'd0: 5+6=11\nA: 1',
  'd0: 5+6=11\nA: 11',
  'd1: 9+9+9=27\nd2: 9+9+9=27\nd3: 9+9+9=27\nd4: 9+9+9=27\nd5: 9+9+9=27\nd6: 9+9+9=27\nd7: 9+9+9=27\nd8: 9+9+9=27\nd9: 9+9+9=27\nd10: 9+9+9=27\nd11: 9+9+9=27\nd12: 9+9+9=27\nd13: 9+9+9=27\nd14: 9+9+9=27\nd15: 9+9+9=27\nd16: 9+9+9=27\nd17: 9+9+9=27\nd18: 9+9+9=27\nd19: 9+9+9=27\nd20: 9+9+9=27\nd21: 9+9+9=27\nd22: 9+9+9=27\nA: 1',
  `${'9'.repeat(15)}*${'9'.repeat(15)}=0\nA: 0`,
  `${'999999999999999*'.repeat(25)}0=0\nA: 0`,
  '4503599627370496+4503599627370497=9007199254740993\nA: 9007199254740993',
  'M1: 1.5k = 1500\nM2 about 1.5k is 1500\nvalue: 1500 ~ 1500\nentity: Kelo = Kelo\nperiod 2021 vs 2021: same\nA: SAME',
  'first: 1/0 means 0\nA: DIFF',
  `value: ${'\u{1F600}'.repeat(100)} != 1\nA: DIFF`,
  `Zel -friend-> Kam -boss-> Ann\nA: Ann`,
  `zel's JOB is cook.\nA: cook`,
  `${'x'.repeat(401)}\nA: x`,
  "The boss of Ann is Bo.\nBo is Ann's friend.\nA: Bo and Bo",
];

interface Case {
  row: GrpoRow;
  example: Example;
  label: string | string[];
  clean: string | string[];
  completions: string[];
}

const built = new Map<TaskId, Case[]>();

/** The corpus of a task, built once per file (both suites read it). */
function cases(id: TaskId): Case[] {
  if (!built.has(id)) built.set(id, buildCases(id));
  return built.get(id)!;
}

function buildCases(id: TaskId): Case[] {
  const out: Case[] = [];
  for (const [s, style] of RATIONALE_STYLES.entries()) {
    const ds = buildDataset(
      validateDataConfig({
        task: id,
        style,
        trainSize: 0,
        heldoutSize: 1,
        oodSize: OOD_PER_STYLE,
        labelNoise: 0.3,
        corruptFraction: 0.5,
      }),
      11 + s,
    );
    const train = grpoRows(ds, { split: 'train', count: ITEMS_PER_STYLE, meta: true });
    const ood = grpoRows(ds, { split: 'ood', meta: true });
    const rng = rngFor(5, s, id);
    const add = (
      row: GrpoRow,
      example: Example,
      label: string | string[],
      clean: string | string[],
      text: string,
      i: number,
    ) => {
      const completions = [text, mutate(rng, text, i)];
      if (i % 4 === 0) completions.push(randomText(rng, rng.int(0, 200)));
      if (i < EDGES.length) completions.push(EDGES[i]!);
      out.push({ row, example, label, clean, completions });
    };
    train.forEach((row, i) => {
      const item = ds.train(i);
      add(row, item.example, item.label, item.cleanLabel, item.completion, i);
    });
    ood.forEach((row, j) => add(row, ds.ood[j]!, ds.ood[j]!.answer, ds.ood[j]!.answer, ds.renderEval('ood', j), j + 1));
  }
  return out;
}

/** What the lab computes for one completion (rewards as src/train/rewards.ts pays them). */
function judgeTs(task: AnyTask, c: Case, text: string) {
  const parsed = task.parse(text);
  const score = task.score(c.example, parsed, c.label);
  return {
    steps: parsed.steps,
    answer: parsed.answer,
    score,
    step_verdicts: task.checkSteps(c.example, parsed),
    faithful: task.faithful(parsed),
    verifiable: score,
    verifiable_steps: stepsVerified(task, c.example, parsed) ? score : 0,
    format: formatReward(parsed),
    clean_score: task.score(c.example, parsed, c.clean),
  };
}
type Judged = ReturnType<typeof judgeTs>;

const DRIVER = `
import json, sys
import verifiers as v
req = json.loads(sys.stdin.buffer.read().decode("utf-8"))
out = []
for item in req["items"]:
    row = item["row"]
    meta, label, clean = v.meta_of(row), v.label_of(row), v.label_of(row, clean=True)
    for text in item["completions"]:
        j = v.judge(req["task"], meta, label, text)
        j["clean_score"] = v.score_answer(clean, j["answer"])
        out.append(j)
sys.stdout.write(json.dumps(out))
`;

describe('verifiers.py agrees with the TypeScript verifiers', () => {
  const dir = pythonDir({ 'verifiers.py': VERIFIERS_PY });

  it.each(TASK_IDS)('%s: parsed answers, step verdicts, faithfulness and rewards are identical', async (id) => {
    const task = getTask(id);
    const all = cases(id);
    const pending = pythonJson<Judged[]>(dir, DRIVER, {
      task: id,
      items: all.map((c) => ({ row: c.row, completions: c.completions })),
    }); // runs beside the TS side
    const ts = all.flatMap((c) => c.completions.map((t) => judgeTs(task, c, t)));
    const texts = all.flatMap((c) => c.completions);
    const py = await pending;
    expect(py).toHaveLength(ts.length);
    const diffs = ts.flatMap((t, i) =>
      JSON.stringify(t) === JSON.stringify(py[i]) ? [] : [{ text: texts[i], ts: t, py: py[i] }],
    );
    expect(diffs.slice(0, 3)).toEqual([]);
    // The corpus reaches every verdict, so agreement is not agreement on trivia.
    expect(all.length).toBeGreaterThanOrEqual(RATIONALE_STYLES.length * ITEMS_PER_STYLE);
    const share = (f: (j: Judged) => boolean) => ts.filter(f).length / ts.length;
    for (const f of [
      (j: Judged) => j.score === 1,
      (j: Judged) => j.score === 0,
      (j: Judged) => j.answer === null,
      (j: Judged) => j.faithful,
      (j: Judged) => !j.faithful,
    ]) {
      expect(share(f)).toBeGreaterThan(0.02);
    }
    expect(share((j) => j.step_verdicts.some((v) => !v) && j.step_verdicts.some(Boolean))).toBeGreaterThan(0.01);
    expect(share((j) => j.verifiable_steps !== j.verifiable)).toBeGreaterThan(0.01);
    expect(share((j) => j.score !== j.clean_score)).toBeGreaterThan(0.01); // label noise reaches the reward
    if (task.setAnswers) expect(share((j) => j.score > 0 && j.score < 1)).toBeGreaterThan(0.001); // set-F1
  });
});

const REWARD_DRIVER = `
import json, sys
import verifiers as v
req = json.loads(sys.stdin.buffer.read().decode("utf-8"))
columns = {k: [row.get(k) for row in req["rows"]] for k in ("answer", "answer_set", "clean_answer", "clean_answer_set", "meta")}
columns = {k: col for k, col in columns.items() if any(x is not None for x in col)}
out = {}
for name in ("verifiable", "verifiable_steps", "format", "acc_true", "majority_vote"):
    fn = v.make_reward(name, req["task"])
    out[fn.__name__] = fn(req["prompts"], req["completions"], **columns)
out["votes"] = [list(v.vote([v.parse_completion(c)[1] for c in g])) for g in req["groups"]]
sys.stdout.write(json.dumps(out))
`;

describe('verifiers.py rewards as TRL calls them (dataset columns as keyword lists, G completions per prompt)', () => {
  const dir = pythonDir({ 'verifiers.py': VERIFIERS_PY });
  const G = 8;

  it.each(TASK_IDS)(
    '%s: verifiable, verifiable_steps, format, acc_true and majority_vote pay what the lab pays',
    async (id) => {
      const task = getTask(id);
      const all = cases(id).filter((_, i) => i % 20 === 0); // ~300 prompts of every style
      // Each prompt's group cycles its own completions and borrows a neighbour's, so votes tie, win and split.
      const groups = all.map((c, i) =>
        Array.from({ length: G }, (_, j) =>
          j % 3 === 2 ? all[(i + 1) % all.length]!.completions[0]! : c.completions[j % c.completions.length]!,
        ),
      );
      const rows = all.flatMap((c) => Array.from({ length: G }, () => c.row));
      const prompts = all.flatMap((c) => Array.from({ length: G }, () => c.row.prompt));
      const py = await pythonJson<Record<string, number[]> & { votes: [string | null, number][] }>(dir, REWARD_DRIVER, {
        task: id,
        rows,
        prompts,
        completions: groups.flat(),
        groups,
      });
      const judged = all.flatMap((c, i) => groups[i]!.map((t) => judgeTs(task, c, t)));
      expect(py.verifiable).toEqual(judged.map((j) => j.verifiable));
      expect(py.verifiable_steps).toEqual(judged.map((j) => j.verifiable_steps));
      expect(py.format).toEqual(judged.map((j) => j.format));
      expect(py.acc_true).toEqual(judged.map((j) => j.clean_score));
      const votes = groups.map((g) => majorityVote(g.map((t) => task.parse(t).answer)));
      expect(py.votes).toEqual(votes.map((v) => [v.label, v.ratio]));
      const majority = all.flatMap((c, i) =>
        groups[i]!.map((t) => {
          const label = votes[i]!.label;
          return label === null
            ? 0
            : task.score(c.example, task.parse(t), Array.isArray(c.example.answer) ? splitList(label) : label);
        }),
      );
      expect(py.majority_vote).toEqual(majority);
      expect(new Set(majority).size).toBeGreaterThan(1);
      expect(votes.some((v) => v.ratio < 1 && v.ratio > 0)).toBe(true);
    },
  );
});
