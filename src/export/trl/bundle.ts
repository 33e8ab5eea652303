// One lab run as a TRL export: trl_config.json (the run's settings in TRL's names, mapping.ts), the data
// (data.ts), the Python scripts and a README, zipped with fflate under one folder. The same function
// serves the browser (in a worker) and the headless CLI (src/cli/trl-export.ts). Pure: returns bytes.
import { zipSync } from 'fflate';
import type { RunConfig } from '../../experiment/run-config';
import { buildDataset, type Dataset } from '../../tasks/dataset';
import { trlData, SEPARATOR, type RowCount } from './data';
import { EVALUATE_PY } from './evaluate-py';
import { mapStage, RL_RULES, RUN_RULES, SFT_RULES, type Json, type StagePlan, type Unmapped } from './mapping';
import { trlStem } from './names';
import { trlReadme } from './readme';
import { TRAIN_TRL_PY } from './train-trl-py';
import { VERIFIERS_PY } from './verifiers-py';

export const TRL_EXPORT_FORMAT = 'rlvr-lab-trl';
export const TRL_EXPORT_VERSION = 1;

/** trl_config.json: what train_trl.py and evaluate.py read. */
export interface TrlConfig {
  format: string;
  version: number;
  run: string;
  task: string;
  seed: number;
  label_noise: number;
  separator: string;
  sft: { args: Record<string, Json>; plan: Record<string, Json>; data: string; eval_data: string } | null;
  grpo: { args: Record<string, Json>; plan: Record<string, Json>; data: string; eval_data: string } | null;
  eval: { limit: number; pass_k: number; max_new_tokens: number; temperature: number; top_k: number };
  unmapped: Unmapped[];
}

/** The run's stages through the mapping table: TRL arguments, the scripts' plan, and what TRL cannot take. */
export function trlPlans(config: RunConfig): { sft: StagePlan | null; rl: StagePlan | null; run: StagePlan } {
  const run = mapStage(RUN_RULES, config, '');
  return {
    sft: config.sft.steps > 0 ? mapStage(SFT_RULES, config.sft, 'sft.') : null,
    rl: config.rl.steps > 0 ? mapStage(RL_RULES, config.rl, 'rl.') : null,
    run,
  };
}

export function trlConfig(config: RunConfig, name: string): TrlConfig {
  const { sft, rl, run } = trlPlans(config);
  const stage = (p: StagePlan, data: string, evalData: string) => ({
    args: { ...p.args, ...run.args },
    plan: p.plan,
    data,
    eval_data: evalData,
  });
  const hasRl = rl !== null;
  return {
    format: TRL_EXPORT_FORMAT,
    version: TRL_EXPORT_VERSION,
    run: name,
    task: config.data.task,
    seed: config.seed,
    label_noise: config.data.labelNoise,
    separator: SEPARATOR,
    sft: sft && stage(sft, 'data/sft_train.jsonl', 'data/sft_heldout.jsonl'),
    grpo: rl && stage(rl, 'data/grpo_train.jsonl', 'data/heldout.jsonl'),
    eval: {
      limit: hasRl ? config.rl.evalSize : config.sft.evalSize,
      pass_k: hasRl ? config.rl.passK : 0, // the lab samples held-out prompts only in its RL evaluation
      max_new_tokens: hasRl ? config.rl.maxCompletionLength : config.sft.maxNewTokens,
      temperature: config.rl.temperature,
      top_k: config.rl.topK,
    },
    unmapped: [...run.unmapped, ...(sft?.unmapped ?? []), ...(rl?.unmapped ?? [])],
  };
}

export interface TrlExport {
  fileName: string;
  bytes: Uint8Array;
  counts: RowCount[];
  unmapped: Unmapped[];
}

/** Every file of the export (path -> text), from a validated run config. */
export function trlFiles(
  config: RunConfig,
  name: string,
  ds: Dataset = buildDataset(config.data, config.seed),
): { files: Record<string, string>; counts: RowCount[]; unmapped: Unmapped[] } {
  const data = trlData(config, ds);
  const cfg = trlConfig(config, name);
  const files: Record<string, string> = {
    'README.md': trlReadme(config, name, cfg, data.counts),
    'train_trl.py': TRAIN_TRL_PY,
    'verifiers.py': VERIFIERS_PY,
    'evaluate.py': EVALUATE_PY,
    'trl_config.json': JSON.stringify(cfg, null, 2) + '\n',
    'lab_config.json': JSON.stringify(config, null, 2) + '\n',
    ...data.files,
  };
  return { files, counts: data.counts, unmapped: cfg.unmapped };
}

/** The export as one zip, every file under a folder named like the zip. */
export function buildTrlExport(config: RunConfig, name: string, exportedAt = Date.now()): TrlExport {
  const stem = trlStem(name);
  const { files, counts, unmapped } = trlFiles(config, name);
  const encoder = new TextEncoder();
  const entries = Object.fromEntries(
    Object.entries(files).map(([path, text]) => [
      `${stem}/${path}`,
      [encoder.encode(text), { level: 6, mtime: exportedAt }] as const,
    ]),
  );
  return { fileName: `${stem}.zip`, bytes: zipSync(entries as Parameters<typeof zipSync>[0]), counts, unmapped };
}
