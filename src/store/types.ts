// Plain-data records as stored in IndexedDB (and sent over postMessage unchanged). No behaviour here.
import type { RunConfig } from '../experiment/run-config';
import type { RewardName } from '../experiment/rl-config';

export type RunStatus = 'queued' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed' | 'interrupted';

export interface BackendReport {
  /** The backend the run uses. */
  name: 'webgpu' | 'webgl' | 'wasm' | 'cpu';
  /** GPU adapter description (vendor, architecture, device) where there is one. */
  adapter: string;
  /** WASM: SIMD and threads. */
  features: string[];
  /** Why each backend tried before this one was skipped, in order. */
  skipped: { name: string; reason: string }[];
  /** The GPU renders in software (SwiftShader, llvmpipe...): it was forced, and WASM would be faster. */
  software?: boolean;
}

export interface RunRecord {
  id: string;
  name: string;
  config: RunConfig;
  status: RunStatus;
  /** Why the run failed or paused by itself (NaN loss, device lost), for the user. */
  reason?: string;
  backend?: BackendReport;
  createdAt: number;
  updatedAt: number;
  /** Last completed optimizer step (global across stages). */
  step: number;
  totalSteps: number;
  stage: string;
  /** Where a forked run came from: the parent run and the checkpoint step it started at. */
  parent?: RunParent;
}

export interface RunParent {
  runId: string;
  /** The parent's checkpoint the fork started from (the child's first step is step + 1). */
  step: number;
  /** The parent's name when forked, so the lineage reads well even after the parent is deleted. */
  name: string;
}

/** One row per logged step: training metrics and, on evaluation steps, `eval_*` values too. */
export interface MetricRow {
  runId: string;
  step: number;
  stage: string;
  time: number;
  values: Record<string, number>;
}

export interface SampleItem {
  split: 'train' | 'heldout' | 'ood';
  prompt: string;
  completion: string;
  answer: string;
  correct: boolean;
}

export interface SampleRow {
  runId: string;
  step: number;
  items: SampleItem[];
}

/** One trained completion of a rollout group, as the inspector shows it. */
export interface RolloutCompletion {
  text: string;
  /** Ended with EOS (false: truncated). */
  finished: boolean;
  /** The parsed answer (null: none stated). */
  answer: string | null;
  /** The weighted reward the advantage came from. */
  reward: number;
  /** Each configured reward, unweighted. */
  rewards: Partial<Record<RewardName, number>>;
  /** Score against the clean label, whatever was optimized. */
  trueReward: number;
  advantage: number;
  /** Each stated step and whether it is true in the example's world. */
  steps: { text: string; ok: boolean }[];
  /** Do the stated steps entail the stated answer? */
  faithful: boolean;
}

/** One prompt's G completions with their rewards and verdicts (train/rollout-record.ts writes them). */
export interface RolloutRecord {
  step: number;
  prompt: string;
  /** The label the verifiable reward used (noisy where `noisy`). */
  label: string;
  cleanLabel: string;
  noisy: boolean;
  /** The majority-vote pseudo-label, when majority_vote was used. */
  pseudoLabel: string | null;
  completions: RolloutCompletion[];
}

/**
 * RL rollouts kept at one evaluation step: a capped sample of groups (the writer caps them). Groups are
 * RolloutRecords when written; read back, each is checked against the schema before use (records.ts).
 */
export interface RolloutRow {
  runId: string;
  step: number;
  groups: unknown[];
}

export interface TensorData {
  shape: number[];
  data: ArrayBuffer;
}

export interface CheckpointRow {
  runId: string;
  step: number;
  stage: string;
  time: number;
  weights: Record<string, TensorData>;
  optimizer: Record<string, TensorData>;
  /** Trainer state that is not a tensor (data cursor, RNG state, optimizer step count). */
  state: Record<string, number>;
}
