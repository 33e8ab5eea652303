// Store test fixtures: a tiny model's config, runs with metrics, samples and checkpoints whose tensors
// fit that model, and a database wrapper that fails writes with QuotaExceededError on demand.
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../src/experiment/run-config';
import { paramShapes } from '../../src/model/model-config';
import type { LabDb } from '../../src/store/db';
import type { RunBundle } from '../../src/store/library';
import type { CheckpointRow, RolloutRecord, RunRecord, TensorData } from '../../src/store/types';

export const TINY: RunConfig = {
  ...DEFAULT_RUN_CONFIG,
  model: { ...DEFAULT_RUN_CONFIG.model, layers: 1, dModel: 32, heads: 2, context: 64 },
};

let dbCount = 0;
export const freshName = () => `store-test-${++dbCount}-${Math.random().toString(36).slice(2)}`;

function tensor(shape: number[], fill: number): TensorData {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from({ length: n }, (_, i) => Math.sin(fill + i)).buffer };
}

export function checkpoint(runId: string, step: number, stage = 'sft', config: RunConfig = TINY): CheckpointRow {
  const shapes = paramShapes(config.model);
  return {
    runId,
    step,
    stage,
    time: 1000 + step,
    weights: Object.fromEntries(shapes.map(([name, shape], i) => [name, tensor(shape, step + i)])),
    optimizer: Object.fromEntries(
      shapes.flatMap(([name, shape], i) => [
        [`m/${name}`, tensor(shape, -i)],
        [`v/${name}`, tensor(shape, i * 2)],
      ]),
    ),
    state: { step, adamStep: step, tokens: step * 100 },
  };
}

export function runRecord(
  id: string,
  createdAt: number,
  status: RunRecord['status'] = 'stopped',
  extra: Partial<RunRecord> = {},
): RunRecord {
  return {
    id,
    name: `run ${id}`,
    config: TINY,
    status,
    createdAt,
    updatedAt: createdAt,
    step: 20,
    totalSteps: 40,
    stage: 'sft',
    ...extra,
  };
}

/** One prompt's rollouts as the GRPO stage stores them (src/train/rollout-record.ts), two completions. */
export function rolloutGroup(step: number): RolloutRecord {
  const completion = (text: string, reward: number) => ({
    text,
    finished: true,
    answer: text,
    reward,
    rewards: { verifiable: reward },
    trueReward: reward,
    advantage: reward - 0.5,
    steps: [{ text: '1+1=2', ok: reward > 0 }],
    faithful: true,
  });
  return {
    step,
    prompt: 'p',
    label: '1',
    cleanLabel: '1',
    noisy: false,
    pseudoLabel: null,
    completions: [completion('1', 1), completion('2', 0)],
  };
}

/** A run with 10 logged steps (NaN in one value), two evaluations with samples, one rollout row and two checkpoints. */
export function bundle(id: string, createdAt = 1): RunBundle {
  const steps = Array.from({ length: 10 }, (_, i) => (i + 1) * 2);
  return {
    run: runRecord(id, createdAt),
    metrics: steps.map((step) => ({
      runId: id,
      step,
      stage: 'sft',
      time: step,
      values: { loss: 3 / step, mean_token_accuracy: step / 20, ...(step === 4 ? { grad_norm: NaN } : {}) },
    })),
    samples: [10, 20].map((step) => ({
      runId: id,
      step,
      items: [{ split: 'heldout' as const, prompt: '12+34=', completion: 'A: 46', answer: '46', correct: step === 20 }],
    })),
    rollouts: [{ runId: id, step: 20, groups: [rolloutGroup(20)] }],
    checkpoints: [checkpoint(id, 10), checkpoint(id, 20)],
  };
}

/** A DOMException as browsers throw it when storage is full. */
export const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

/**
 * `db`, except that the next `failures()` readwrite transactions on `store` throw QuotaExceededError,
 * as a full disk does. The counter is read on every call, so a test can turn the disk full or free.
 */
export function quotaDb(db: LabDb, store: string, failures: () => number): LabDb & { failed: number } {
  let failed = 0;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'failed') return failed;
      if (prop !== 'transaction') {
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (names: string | string[], mode?: IDBTransactionMode) => {
        const touches = (Array.isArray(names) ? names : [names]).includes(store);
        if (touches && mode === 'readwrite' && failed < failures()) {
          failed++;
          throw quotaError();
        }
        return target.transaction(names as never, mode);
      };
    },
  }) as LabDb & { failed: number };
}
