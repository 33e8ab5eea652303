// What the run loop needs from one training stage (CPT, SFT or RL): a step, a read of a log
// interval's device values, an evaluation, and its checkpointable state. No loop, no storage here.
import type { Params } from '../model/params';
import type { ModelConfig } from '../model/model-config';
import type { Dataset } from '../tasks/dataset';
import type { RunConfig, StageName } from '../experiment/run-config';
import type { SampleItem } from '../store/types';
import type { ArrayRecord } from './checkpoint';

/** What every stage is built from; `params` is the run's policy (the stage updates it, never frees it). */
export interface StageContext {
  params: Params;
  config: RunConfig;
  model: ModelConfig;
  dataset: Dataset;
}

export interface StageEval {
  values: Record<string, number>;
  samples: SampleItem[];
  /** RL only: the latest step's prompts with all completions, for the inspector. */
  rollouts?: unknown[];
  /** The stage's target holds at this evaluation (SFT's accuracy and faithfulness): the stage ends here. */
  reached?: boolean;
}

export interface StageState {
  optimizer: ArrayRecord;
  state: Record<string, number>;
}

export interface Stage<P = unknown> {
  readonly name: StageName;
  readonly steps: number;
  readonly logEvery: number;
  /** Infinity: the stage never evaluates (CPT). */
  readonly evalEvery: number;
  readonly checkpointEvery: number;
  /** Optimizer step `local` (0-based within the stage). Device values stay pending until `read`. */
  step(local: number): Promise<P>;
  /** The one CPU-GPU sync of a log interval: every pending value read at once, then freed. */
  read(pending: P[], seconds: number): Promise<Record<string, number>>;
  /** Free pending values without reading them (a stopped or failed run). */
  discard(pending: P[]): void;
  evaluate(local: number): Promise<StageEval>;
  save(): Promise<StageState>;
  restore(saved: StageState): void;
  dispose(): void;
}
