// The TRL export: the mapping table covers every SFT and RL setting (a new one without a rule fails), the
// Python parses and plans with a plain python3 (train_trl.py --dry-run), the data is exactly the run's
// items (fixed sets once, unlimited sets as the steps draw them, capped and said so), evaluate.py reports
// the lab's metrics to the last digit, and the zip holds every file under one folder.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RUN_CONFIG,
  DEFAULT_SFT_CONFIG,
  SFT_SETTINGS,
  validateRunConfig,
  type RunConfig,
} from '../../src/experiment/run-config';
import { DEFAULT_RL_CONFIG, validateRlConfig } from '../../src/experiment/rl-config';
import { buildTrlExport, trlConfig, trlFiles, type TrlConfig } from '../../src/export/trl/bundle';
import { TRL_ROW_CAP } from '../../src/export/trl/data';
import { RL_RULES, RUN_RULES, SFT_RULES, unruledFields } from '../../src/export/trl/mapping';
import { buildDataset } from '../../src/tasks/dataset';
import { sampledMetrics, splitMetrics } from '../../src/train/rl-eval';
import { rngFor } from '../../src/util/rng';
import { python, pythonDir } from './python';

const config = (patch: Record<string, unknown>): RunConfig =>
  validateRunConfig({ ...structuredClone(DEFAULT_RUN_CONFIG), ...patch });
const jsonl = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** The export's files written to a fresh directory (python runs there). */
function unpacked(c: RunConfig, name = 'test run'): { dir: string; files: Record<string, string> } {
  const { files } = trlFiles(c, name);
  const dir = pythonDir({});
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, files };
}

// Fields of TRL's GRPOConfig / SFTConfig and transformers' TrainingArguments that the export sets, as read
// in huggingface/trl (trl/trainer/grpo_config.py, sft_config.py at 006d32c9) and transformers' training_args.py.
const TRL_FIELDS = new Set([
  'max_steps',
  'learning_rate',
  'lr_scheduler_type',
  'lr_scheduler_kwargs',
  'warmup_steps',
  'weight_decay',
  'adam_beta1',
  'adam_beta2',
  'max_grad_norm',
  'logging_steps',
  'eval_strategy',
  'eval_steps',
  'save_steps',
  'seed',
  'num_generations',
  'max_completion_length',
  'temperature',
  'top_k',
  'epsilon',
  'epsilon_high',
  'num_iterations',
  'beta',
  'scale_rewards',
  'loss_type',
  'mask_truncated_completions',
  'log_completions',
  'num_completions_to_print',
]);

describe('the mapping table', () => {
  it('rules every RL and SFT field of the run schema, and no field that does not exist', () => {
    const rlKeys = [
      ...new Set([...Object.keys(DEFAULT_RL_CONFIG), ...Object.keys(validateRlConfig({ processFilter: 'prof' }))]),
    ];
    expect(rlKeys).toContain('processFilter');
    expect(unruledFields(RL_RULES, rlKeys)).toEqual([]);
    expect(unruledFields(SFT_RULES, Object.keys(SFT_SETTINGS))).toEqual([]);
    expect(Object.keys(RL_RULES).filter((k) => !rlKeys.includes(k))).toEqual([]);
    expect(Object.keys(SFT_RULES).filter((k) => !(k in SFT_SETTINGS))).toEqual([]);
    expect(Object.keys(RUN_RULES).filter((k) => !(k in DEFAULT_RUN_CONFIG))).toEqual([]);
    // A field added to the schema without a rule is caught.
    expect(unruledFields(RL_RULES, [...rlKeys, 'newSetting'])).toEqual(['newSetting']);
  });

  it("sets only TRL fields that exist, with the run's values, and lists the rest with a reason", () => {
    const c = config({
      rl: {
        ...DEFAULT_RL_CONFIG,
        epsilonHigh: 0.28,
        minLrRatio: 0.1,
        processFilter: 'prof',
        rewards: [
          { name: 'verifiable_steps', weight: 1 },
          { name: 'format', weight: 0.5 },
        ],
      },
    });
    const cfg = trlConfig(c, 'x');
    for (const stage of [cfg.sft!, cfg.grpo!])
      expect(Object.keys(stage.args).filter((k) => !TRL_FIELDS.has(k))).toEqual([]);
    expect(cfg.grpo!.args).toMatchObject({
      epsilon_high: 0.28,
      lr_scheduler_type: 'cosine_with_min_lr',
      lr_scheduler_kwargs: { min_lr_rate: 0.1 },
      learning_rate: c.rl.lr,
      max_steps: c.rl.steps,
      seed: c.seed,
    });
    expect(cfg.sft!.args).toMatchObject({
      learning_rate: c.sft.lr,
      max_steps: c.sft.steps,
      warmup_steps: c.sft.warmupSteps,
    });
    expect(cfg.grpo!.plan.rewards).toEqual([
      { name: 'verifiable_steps', weight: 1 },
      { name: 'format', weight: 0.5 },
    ]);
    expect(cfg.unmapped.find((u) => u.field === 'rl.processFilter')).toMatchObject({ value: 'prof' });
    expect(cfg.unmapped.map((u) => u.field)).toEqual(
      expect.arrayContaining([
        'rl.microBatchTokens',
        'rl.majorityVotes',
        'rl.entropyCoef',
        'sft.targetAccuracy',
        'model',
      ]),
    );
    expect(trlConfig(config({ rl: { ...DEFAULT_RL_CONFIG, minLrRatio: 1 } }), 'x').grpo!.args.lr_scheduler_type).toBe(
      'constant_with_warmup',
    );
    expect(trlConfig(config({ rl: { ...DEFAULT_RL_CONFIG, steps: 0 } }), 'x').grpo).toBeNull();
  });
});

describe('the Python files', () => {
  const { dir } = unpacked(config({ data: { ...DEFAULT_RUN_CONFIG.data, labelNoise: 0.25 } }));

  it('parse and compile with warnings as errors, with a plain python3', async () => {
    const check =
      'import ast, sys\nfor f in sys.argv[1:]:\n    src = open(f, encoding="utf-8").read()\n    ast.parse(src, f)\n    compile(src, f, "exec")\nprint("ok")';
    await expect(
      python(['-W', 'error', '-c', check, 'train_trl.py', 'verifiers.py', 'evaluate.py'], dir),
    ).resolves.toBe('ok\n');
    expect(JSON.parse((await python(['verifiers.py'], dir)).trim().split('\n').at(-1)!)).toMatchObject({
      answer: '133',
      score: 1,
      faithful: true,
    });
  });

  it("train_trl.py --dry-run plans the lab's step size on any GPU count, and refuses one that does not divide it", async () => {
    type Plan = { sft: Record<string, number | undefined>; grpo: Record<string, unknown>; rewards: unknown[] };
    const plan = async (env: Record<string, string>, ...args: string[]) =>
      JSON.parse(await python(['train_trl.py', '--dry-run', ...args], dir, '', env)) as Plan;
    const one = await plan({});
    expect(one.grpo).toMatchObject({
      per_device_train_batch_size: 128,
      gradient_accumulation_steps: 1,
      num_generations: 8,
      learning_rate: 3e-4,
      reward_weights: [1, 0],
      shuffle_dataset: false,
    });
    expect(one.sft).toMatchObject({
      per_device_train_batch_size: 32,
      max_steps: 300,
      lr_scheduler_type: 'cosine_with_min_lr',
    });
    expect(one.rewards).toEqual([
      { name: 'verifiable', weight: 1 },
      { name: 'acc_true', weight: 0 },
    ]); // label noise: the true reward, logged
    const four = await plan({ WORLD_SIZE: '4' }, '--grad-accum', '2');
    expect((four.grpo.per_device_train_batch_size as number) * 4 * 2).toBe(16 * 8);
    expect(four.sft.per_device_train_batch_size! * 4 * 2).toBe(32);
    await expect(plan({ WORLD_SIZE: '3' })).rejects.toThrow(
      /32 sequences, which 3 GPU\(s\) x 1 accumulation steps do not divide/,
    );
    await expect(plan({ WORLD_SIZE: '3' }, '--skip-sft')).rejects.toThrow(/GRPO: .*128 sequences, which 3 GPU/);
  });
});

describe('train_trl.py against a stand-in TRL (test/export/stub-trl: no PyTorch here)', () => {
  const c = config({
    data: { ...DEFAULT_RUN_CONFIG.data, labelNoise: 0.25, heldoutSize: 100, oodSize: 8 },
    rl: { ...DEFAULT_RL_CONFIG, scaleRewards: 'none' },
  });
  const { dir } = unpacked(c);
  const stub = join(process.cwd(), 'test/export/stub-trl');
  const train = async (version: string, ...args: string[]) => {
    const log = join(dir, `log-${version}.jsonl`);
    writeFileSync(log, '');
    await python(['train_trl.py', ...args], dir, '', { PYTHONPATH: stub, STUB_TRL: version, STUB_TRL_LOG: log });
    return jsonl(readFileSync(log, 'utf8')) as { kind: string; args: Record<string, unknown>; [k: string]: unknown }[];
  };

  it("runs SFT then GRPO from the SFT checkpoint with the run's settings, and its rewards pay as the lab's", async () => {
    const [sft, grpo, rewards] = await train('new', '--model', 'base-model', '--output-dir', 'out');
    expect(sft).toMatchObject({
      kind: 'sft',
      model: 'base-model',
      train_rows: 512,
      eval_rows: c.sft.evalSize,
      columns: ['prompt', 'completion'],
    });
    expect(sft!.args).toMatchObject({
      max_steps: 300,
      per_device_train_batch_size: 32,
      completion_only_loss: true,
      learning_rate: c.sft.lr,
    });
    expect(grpo).toMatchObject({
      kind: 'grpo',
      model: 'out/sft',
      train_rows: 512,
      eval_rows: c.rl.evalSize,
      rewards: ['verifiable', 'acc_true'],
    });
    expect(grpo!.args).toMatchObject({
      scale_rewards: 'none',
      num_generations_eval: c.rl.passK,
      shuffle_dataset: false,
      top_k: 0,
      reward_weights: [1, 0],
    });
    const values = rewards!.values as Record<string, number[]>;
    expect(values.verifiable).toEqual(Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 1 : 0))); // "A: <answer>" pays, "A: nothing" does not
    expect(values.acc_true).toHaveLength(16);
  });

  it('fits an older TRL (bool scale_rewards, no num_generations_eval) and refuses one that lacks a lab setting', async () => {
    const [, grpo] = await train('old');
    expect(grpo!.args).toMatchObject({
      scale_rewards: false,
      top_k: null,
      per_device_eval_batch_size: c.rl.numGenerations,
    });
    expect(grpo!.args).not.toHaveProperty('num_generations_eval');
    await expect(train('ancient', '--skip-sft')).rejects.toThrow(
      /GRPOConfig has no 'mask_truncated_completions', which the lab run sets; upgrade TRL/,
    );
  });
});

describe('the data', () => {
  it("exports fixed sets once and unlimited ones as the steps draw them, in the lab's order", () => {
    const c = config({
      data: { ...DEFAULT_RUN_CONFIG.data, trainSize: 0, sftSource: 'fresh', heldoutSize: 20, oodSize: 10 },
      sft: { ...DEFAULT_SFT_CONFIG, steps: 7, batchSize: 4, warmupSteps: 2 },
      rl: { ...DEFAULT_RL_CONFIG, steps: 5, promptsPerStep: 3, warmupSteps: 1 },
    });
    const ds = buildDataset(c.data, c.seed);
    const { files, counts } = trlFiles(c, 'x', ds);
    const sft = jsonl(files['data/sft_train.jsonl']!);
    const grpo = jsonl(files['data/grpo_train.jsonl']!);
    expect(sft).toHaveLength(28);
    expect(grpo).toHaveLength(15);
    sft.forEach((r, i) =>
      expect(r).toMatchObject({ prompt: `${ds.sft(i).example.prompt}\n`, completion: ds.sft(i).completion }),
    );
    grpo.forEach((r, i) =>
      expect(r).toMatchObject({
        prompt: `${ds.train(i).example.prompt}\n`,
        answer: ds.train(i).label,
        meta: JSON.stringify(ds.train(i).example.meta),
      }),
    );
    expect(jsonl(files['data/heldout.jsonl']!).map((r) => r.prompt)).toEqual(ds.heldout.map((e) => `${e.prompt}\n`));
    expect(jsonl(files['data/ood.jsonl']!)).toHaveLength(10);
    expect(counts).toEqual([
      { file: 'data/sft_train.jsonl', rows: 28, drawn: 28, distinct: null, capped: false },
      { file: 'data/grpo_train.jsonl', rows: 15, drawn: 15, distinct: null, capped: false },
    ]);
    const fixed = config({
      data: { ...DEFAULT_RUN_CONFIG.data, trainSize: 64, sftSize: 16, labelNoise: 0.5, heldoutSize: 8, oodSize: 8 },
    });
    const f = trlFiles(fixed, 'y');
    expect(f.counts.map((x) => [x.rows, x.distinct])).toEqual([
      [16, 16],
      [64, 64],
    ]);
    const rows = jsonl(f.files['data/grpo_train.jsonl']!);
    expect(rows.filter((r) => r.answer !== r.clean_answer)).toHaveLength(32); // gamma 0.5 of 64, the clean label beside
    expect(Object.keys(jsonl(f.files['data/sft_train.jsonl']!)[0]!)).toEqual([
      'prompt',
      'completion',
      'answer',
      'clean_answer',
    ]);
  });

  it('caps an unlimited set drawn for a long run, and says so in the README', () => {
    const c = config({
      data: { ...DEFAULT_RUN_CONFIG.data, trainSize: 0, heldoutSize: 4, oodSize: 4 },
      sft: { ...DEFAULT_SFT_CONFIG, steps: 0 },
      rl: { ...DEFAULT_RL_CONFIG, steps: 4000, promptsPerStep: 16 },
    });
    const { files, counts } = trlFiles(c, 'long');
    expect(counts).toEqual([
      { file: 'data/grpo_train.jsonl', rows: TRL_ROW_CAP, drawn: 64000, distinct: null, capped: true },
    ]);
    expect(jsonl(files['data/grpo_train.jsonl']!)).toHaveLength(TRL_ROW_CAP);
    expect(files['README.md']).toContain('**Capped at 50,000 rows**');
    expect(files).not.toHaveProperty(['data/sft_train.jsonl']);
    expect((JSON.parse(files['trl_config.json']!) as TrlConfig).sft).toBeNull();
  });
});

describe('evaluate.py', () => {
  it("reports the lab's held-out, OOD, pass@k, faithfulness and diversity metrics, identical to the last digit", async () => {
    const c = config({
      data: {
        ...DEFAULT_RUN_CONFIG.data,
        task: 'multi_hop',
        taskConfig: { branchRate: 0.5 },
        trainSize: 16,
        heldoutSize: 80,
        oodSize: 30,
      },
    });
    const { dir } = unpacked(c);
    const ds = buildDataset(c.data, c.seed);
    const rng = rngFor(3, 0, 'eval');
    const k = 3;
    const variant = (text: string) =>
      [text, text.slice(0, rng.int(0, text.length)), text.replace(/A: .*/, 'A: Bob'), 'junk'][rng.int(0, 3)]!;
    const heldout = ds.heldout.map((_, j) => variant(ds.renderEval('heldout', j)));
    const ood = ds.ood.map((_, j) => variant(ds.renderEval('ood', j)));
    const sampled = ds.heldout.flatMap((_, j) =>
      Array.from({ length: k }, () =>
        variant(ds.renderEval('heldout', j, rng.pick(['pattern', 'unfaithful', 'corrupted']))),
      ),
    );
    const records = [
      ...ds.heldout.map((e, j) => ({ split: 'heldout', mode: 'greedy', prompt: e.prompt, completion: heldout[j] })),
      ...ds.ood.map((e, j) => ({ split: 'ood', prompt: `${e.prompt}\n`, completion: ood[j] })),
      ...sampled.map((t, i) => ({
        split: 'heldout',
        mode: 'sampled',
        prompt: ds.heldout[Math.floor(i / k)]!.prompt,
        completion: t,
      })),
    ];
    writeFileSync(join(dir, 'completions.jsonl'), records.map((r) => JSON.stringify(r) + '\n').join(''));
    const py = JSON.parse(
      await python(['evaluate.py', '--completions', 'completions.jsonl', '--limit', '0'], dir),
    ) as Record<string, number>;
    const faithfulGreedy = heldout.filter((t) => ds.task.faithful(ds.task.parse(t))).length / heldout.length;
    const ts: Record<string, number> = {
      ...splitMetrics('eval_heldout', ds.task, ds.heldout, heldout),
      ...splitMetrics('eval_ood', ds.task, ds.ood, ood),
      ...sampledMetrics(ds.task, ds.heldout, sampled, k),
      'eval_faith/entailed_greedy': faithfulGreedy,
    };
    expect(py).toEqual(ts);
    expect(ts['eval_heldout/accuracy']).toBeGreaterThan(0);
    expect(ts['eval_heldout/accuracy']).toBeLessThan(1);
    expect(Object.keys(ts)).toEqual(
      expect.arrayContaining([
        'eval_heldout/pass@1',
        'eval_faith/steps_true',
        'eval_heldout/intermediate_recall',
        'eval_ood/accuracy_d3',
      ]),
    );
    const limited = JSON.parse(await python(['evaluate.py', '--completions', 'completions.jsonl'], dir)) as Record<
      string,
      number
    >;
    expect(limited['eval_heldout/num_prompts']).toBe(c.rl.evalSize); // the lab evaluates the first evalSize
  });
});

describe('the zip', () => {
  it('holds every file under one folder named like the zip, byte for byte the same for the same run and time', () => {
    const c = config({ data: { ...DEFAULT_RUN_CONFIG.data, heldoutSize: 16, oodSize: 8 } });
    const when = Date.UTC(2026, 0, 1);
    const zip = buildTrlExport(c, 'addition · pattern · N=512 · γ=0 · seed 1', when);
    expect(zip.fileName).toBe('rlvr-trl-addition-pattern-n-512-0-seed-1.zip');
    const entries = unzipSync(zip.bytes);
    const stem = zip.fileName.replace(/\.zip$/, '');
    expect(Object.keys(entries).sort()).toEqual(
      [
        'README.md',
        'data/grpo_train.jsonl',
        'data/heldout.jsonl',
        'data/ood.jsonl',
        'data/sft_heldout.jsonl',
        'data/sft_train.jsonl',
        'evaluate.py',
        'lab_config.json',
        'train_trl.py',
        'trl_config.json',
        'verifiers.py',
      ].map((f) => `${stem}/${f}`),
    );
    const text = (f: string) => new TextDecoder().decode(entries[`${stem}/${f}`]);
    expect(JSON.parse(text('lab_config.json'))).toEqual(c);
    expect((JSON.parse(text('trl_config.json')) as TrlConfig).task).toBe('addition');
    for (const u of zip.unmapped) expect(text('README.md')).toContain(`\`${u.field}\``);
    expect(text('README.md')).toContain('accelerate launch');
    expect(buildTrlExport(c, 'addition · pattern · N=512 · γ=0 · seed 1', when).bytes).toEqual(zip.bytes);
  });
});
