// The README.md inside a TRL export: what the files are, how to run them on one GPU or several, every
// lab setting with its TRL name and value, the settings TRL has no counterpart for (with this run's
// values), and the differences to keep in mind. Text only, built from the run and mapping.ts.
import type { RunConfig } from '../../experiment/run-config';
import { getTask } from '../../tasks/registry';
import type { TrlConfig } from './bundle';
import { TRL_ROW_CAP, type RowCount } from './data';
import { RL_RULES, RUN_RULES, SFT_RULES, type FieldRule, type Json, type Rules } from './mapping';

/** A value as inline code, long ones cut (the full config is lab_config.json). */
function show(v: Json | undefined): string {
  if (v === undefined) return '';
  const text = JSON.stringify(v);
  return `\`${text.length > 80 ? `${text.slice(0, 77)}...` : text}\``;
}
const cell = (s: string) => s.replace(/\|/g, '\\|');

/** Rows "| lab field | TRL | value |" for every field a stage maps (to TRL or through the scripts). */
function settingRows<C extends object>(rules: Rules<C>, config: C, prefix: string): string[] {
  return (Object.entries(rules) as [keyof C & string, FieldRule<C>][]).flatMap(([key, rule]) => {
    if ('none' in rule) return [];
    const where = 'trl' in rule ? rule.trl : `train_trl.py / evaluate.py: ${rule.script}`;
    return [`| \`${prefix}${key}\` | ${cell(where)} | ${cell(show(config[key] as Json))} |`];
  });
}

function dataLine(c: RowCount, what: string): string {
  const source =
    c.distinct !== null
      ? `the ${c.distinct} distinct ${what} the lab cycles through (its steps draw ${c.drawn}; TRL repeats the file as epochs over max_steps)`
      : `the ${c.drawn} fresh ${what} the run's steps draw, in order`;
  const cap = c.capped
    ? ` **Capped at ${TRL_ROW_CAP.toLocaleString('en')} rows**: TRL repeats them where the lab drew fresh ones.`
    : '';
  return `- \`${c.file}\`: ${c.rows} rows, ${c.distinct !== null && c.rows < c.distinct ? `the first ${c.rows} of ` : ''}${source}.${cap}`;
}

function runSection(config: RunConfig, cfg: TrlConfig): string {
  const { rl, sft } = config;
  const lines = [
    '## Run it',
    '',
    '```sh',
    'python3 verifiers.py                  # plain Python 3, nothing to install: a self-check',
    'python3 train_trl.py --dry-run        # the TRL settings it will use, without TRL',
  ];
  lines.push('pip install trl datasets accelerate   # TRL (and PyTorch) are needed for training only');
  lines.push(
    'python train_trl.py                   # one GPU; base model --model (default Qwen/Qwen2.5-0.5B-Instruct)',
  );
  lines.push('accelerate launch --num_processes 4 train_trl.py --grad-accum 1   # several GPUs, same step size');
  lines.push("python evaluate.py --model out/grpo   # held-out and OOD metrics under the lab's names (transformers)");
  lines.push('python3 evaluate.py --completions completions.jsonl   # or score completions generated elsewhere');
  lines.push('```', '');
  if (cfg.grpo)
    lines.push(
      `A GRPO step is ${rl.promptsPerStep} prompts x ${rl.numGenerations} completions = ${rl.promptsPerStep * rl.numGenerations} sequences, as in the lab; train_trl.py sets per_device_train_batch_size to that / (GPUs x --grad-accum), which must divide it.`,
    );
  if (cfg.sft) lines.push(`An SFT step is ${sft.batchSize} sequences, split the same way.`);
  lines.push(
    'Checkpoints go to `out/sft` and `out/grpo` (`--output-dir`). `--skip-sft --model DIR` starts GRPO from an SFT checkpoint.',
  );
  return lines.join('\n');
}

function dataSection(cfg: TrlConfig, counts: RowCount[]): string {
  const lines = ['## Data', '', 'Exactly the items of the lab run (same data config and seed):', ''];
  for (const c of counts) lines.push(dataLine(c, c.file.includes('sft') ? 'SFT rationales' : 'RL prompts'));
  if (cfg.sft)
    lines.push("- `data/sft_heldout.jsonl`: the held-out prompts with rationales in the run's style (SFT eval loss).");
  lines.push(
    '- `data/heldout.jsonl`, `data/ood.jsonl`: the whole held-out and out-of-distribution splits, in the order the lab evaluates them (it uses the first evalSize).',
  );
  lines.push(
    '',
    "Every prompt ends with a newline, the lab's SEP. `completion` is the rationale in the run's style, one step per line, ending in the answer line `A: <answer>`.",
    '`answer` is the label the reward uses (noisy on noisy items); `clean_answer` (with label noise) is the true one; `answer_set` lists the items of a multi-answer question (scored by set-F1);',
    "`meta` is the example's data as JSON text (operands, chain, mentions or world facts): what the step checker reads; `difficulty` is the lab's stratum.",
  );
  return lines.join('\n');
}

function settingsSection(config: RunConfig, cfg: TrlConfig): string {
  const lines = ['## Settings carried over', '', '| Lab setting | TRL | Value |', '|---|---|---|'];
  lines.push(...settingRows(RUN_RULES, config, ''));
  if (cfg.sft) lines.push(...settingRows(SFT_RULES, config.sft, 'sft.'));
  if (cfg.grpo) lines.push(...settingRows(RL_RULES, config.rl, 'rl.'));
  lines.push('', "Rewards, by the lab's names (TRL logs `rewards/<name>/mean`):", '');
  for (const r of config.rl.rewards) lines.push(`- \`${r.name}\`, weight ${r.weight}${'p' in r ? `, p = ${r.p}` : ''}`);
  if (config.data.labelNoise > 0)
    lines.push("- `acc_true`, weight 0: the reward against the clean label, logged only (the lab's train/acc_true)");
  return lines.join('\n');
}

function unmappedSection(cfg: TrlConfig): string {
  const lines = [
    '## Lab settings with no TRL counterpart',
    '',
    'Stated here, not silently dropped:',
    '',
    '| Setting | This run | Why |',
    '|---|---|---|',
  ];
  for (const u of cfg.unmapped) lines.push(`| \`${u.field}\` | ${cell(show(u.value))} | ${cell(u.why)} |`);
  return lines.join('\n');
}

const DIFFERENCES = `## Differences to keep in mind

- The model: the lab trains a tiny character-level transformer from scratch; here a pretrained model
  (--model) is fine-tuned, so compare patterns (phases, which arm wins), not numbers.
- Lengths: the lab counts characters, TRL counts tokens; max_completion_length in tokens leaves at least
  as much room.
- Warmup: the lab's step s (0-based) has lr x (s + 1) / warmup, transformers' lr x s / warmup.
- Weight decay: the lab decays weight matrices only; transformers' Trainer skips biases and LayerNorm
  weights, the same idea.
- Order: GRPO keeps the lab's prompt order (shuffle_dataset=False); SFTTrainer shuffles its rows.
- flip and random rewards use the same probabilities with Python's random generator, not the lab's stream.
- majority_vote votes among the completions of one prompt within one reward call: exact on one GPU; with
  several, a prompt's completions may be split over processes.
- self_certainty is computed with one extra forward pass of the policy per completion.
- Prompts are plain text (no chat template), as the lab's are; SFT teaches the model the completion format.`;

const VERIFIERS = `## Verifiers and metrics

\`verifiers.py\` is the lab's parser, scorer, step checker and faithfulness rule for every task, ported line
by line (\`judge(task, meta, label, completion)\` returns them all; \`make_reward(name, task)\` gives a TRL
reward function). The lab's tests run it and the TypeScript on thousands of generated, mutated and junk
completions and require identical answers, step verdicts and rewards.

\`evaluate.py\` reports the lab's names: \`eval_heldout/accuracy\` (greedy), \`eval_heldout/accuracy_d<k>\`,
\`eval_ood/accuracy\`, \`eval_faith/entailed_greedy\`, and from sampled completions \`eval_heldout/pass@1\`,
\`eval_heldout/pass@k\`, \`eval_faith/entailed\`, \`eval_faith/steps_true\`, \`eval_div/*\`. During training
TRL logs its own names, which the lab uses too (\`reward\`, \`rewards/<name>/mean\`, \`kl\`, \`clip_ratio/*\`,
\`completions/mean_length\`, ...; \`eval_reward\` is the sampled held-out reward).

The guide: docs/trl-export.md in the lab.`;

export function trlReadme(config: RunConfig, name: string, cfg: TrlConfig, counts: RowCount[]): string {
  const task = getTask(config.data.task);
  const head = [
    `# TRL export: ${name}`,
    '',
    "One RLVR Lab run, ready for Hugging Face TRL: the same prompts, labels and verifier, and the run's SFT and GRPO settings.",
    '',
    `- Task \`${task.id}\` (${task.title}), rationale style \`${config.data.style}\`, seed ${config.seed}, label noise ${config.data.labelNoise}.`,
    `- Stages: ${[cfg.sft ? `SFT ${config.sft.steps} steps` : null, cfg.grpo ? `GRPO ${config.rl.steps} steps` : null].filter(Boolean).join(', then ') || 'none (evaluation data only)'}.`,
    "- Files: `train_trl.py` (SFT then GRPO), `verifiers.py`, `evaluate.py`, `trl_config.json` (the settings below), `lab_config.json` (the run's lab config), `data/*.jsonl`.",
  ].join('\n');
  return (
    [
      head,
      runSection(config, cfg),
      dataSection(cfg, counts),
      settingsSection(config, cfg),
      unmappedSection(cfg),
      DIFFERENCES,
      VERIFIERS,
    ].join('\n\n') + '\n'
  );
}
