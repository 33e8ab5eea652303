// A task set under one data regime: N distinct training prompts (or unlimited fresh ones), held-out
// in-distribution and out-of-distribution splits disjoint from training, exact label-noise and
// corruption fractions. Random access by (seed, index); pure: no tfjs, no storage.
//
// Disjointness by construction: a hash bit of each example's key assigns it to the training side
// or to the evaluation side; training draws reject evaluation-side keys and vice versa, so no fresh
// training draw can ever equal a held-out prompt. Held-out also rejects OOD keys' duplicates.
import { ConfigError } from '../util/errors';
import { hashSeed, rngFor, type Rng } from '../util/rng';
import type { DataConfig } from './data-config';
import { formatAnswer } from './format';
import { getTask } from './registry';
import type { AnyTask, Example, RationaleStyle } from './types';

export {
  DEFAULT_DATA_CONFIG,
  DATA_FIELDS,
  SFT_SOURCES,
  validateDataConfig,
  type DataConfig,
  type SftSource,
} from './data-config';

export interface TrainItem {
  /** The draw number i passed to train(i). */
  index: number;
  /** Which distinct prompt this is (i mod N; i itself when unlimited): noise and corruption stick to it. */
  slot: number;
  example: Example;
  /** What the reward and the SFT target use: the noisy label where `noisy`, else the clean one. */
  label: string | string[];
  cleanLabel: string | string[];
  noisy: boolean;
  /** Style 'corrupted' only: this item's rationale has one wrong step. */
  corrupted: boolean;
  /** The rationale in the config's style, ending in the answer line of `label`. */
  completion: string;
}

export interface Dataset {
  task: AnyTask;
  config: DataConfig;
  seed: number;
  /** The i-th training draw; with trainSize N it cycles through exactly N distinct prompts. */
  train(i: number): TrainItem;
  /**
   * The i-th SFT example: train(i), or with sftSource 'fresh' a fresh clean draw (training side, never
   * N-bound); with sftSize, draw i mod sftSize of either (so exactly sftSize distinct rationales).
   */
  sft(i: number): TrainItem;
  heldout: Example[];
  ood: Example[];
  /** The completion of held-out or OOD example j in a style (default: the config's). */
  renderEval(split: 'heldout' | 'ood', j: number, style?: RationaleStyle): string;
  /** Continual pre-training text of training draw i: its world and facts, no question, no answer. */
  domainText(i: number): string;
  /** Longest prompt + completion in characters (BOS/SEP/EOS not counted: add 3 for the context). */
  maxLength(): number;
}

/** Reports work done (prompts drawn, or examples measured) out of `total`, for a progress bar. */
export type Progress = (done: number, total: number) => void;

/** Counts work items and reports every 1024th and the last to `progress` (no cost without one). */
function ticker(total: number, progress?: Progress): () => void {
  if (!progress) return () => undefined;
  let done = 0;
  return () => {
    done++;
    if (done % 1024 === 0 || done === total) progress(done, total);
  };
}

/** The evaluation side of the key-space partition (one hash bit of the key). */
export function isEvalKey(key: string): boolean {
  return (hashSeed('split', key) & 1) === 1;
}

const MAX_REDRAWS = 64; // a redraw lands on the training side with p = 1/2: 2^-64 to fail
const STALL = 2000; // give up filling a split after this many draws (plus 4 per prompt found) bring nothing new
const LENGTH_SAMPLE = 4096; // unlimited sets have no end: maxLength measures this many fresh draws

/** Training draw j: the first of its redraws whose key is on the training side. */
function drawTrain(task: AnyTask, cfg: unknown, seed: number, j: number): Example {
  for (let k = 0; k < MAX_REDRAWS; k++) {
    const ex = task.generate(cfg, rngFor(seed, j, `train/${k}`), j);
    if (!isEvalKey(ex.key)) return ex;
  }
  throw new Error(`${task.id}: no training-side prompt after ${MAX_REDRAWS} redraws (key space too small).`);
}

/** The generation indices of the first N distinct training prompts. */
function trainPool(
  task: AnyTask,
  cfg: unknown,
  seed: number,
  n: number,
  field = 'trainSize',
  tick = (): void => undefined,
): { pool: number[]; keys: Set<string> } {
  const pool: number[] = [];
  const keys = new Set<string>();
  let lastNew = 0;
  for (let j = 0; pool.length < n && j - lastNew < STALL + 4 * pool.length; j++) {
    const ex = drawTrain(task, cfg, seed, j);
    if (keys.has(ex.key)) continue;
    keys.add(ex.key);
    pool.push(j);
    lastNew = j;
    tick();
  }
  if (pool.length < n) {
    throw new ConfigError(
      field,
      `Only about ${pool.length} distinct training prompts exist at this difficulty; lower ${field} or make the task harder.`,
    );
  }
  // Drawing distinct prompts in order front-loads the small key spaces (1-digit sums run out first), so
  // the slots are shuffled: otherwise an epoch would go from easy to hard and the training reward fall
  // over it with no learning at all.
  return { pool: rngFor(seed, 0, 'train-order').shuffle(pool), keys };
}

/** `size` distinct evaluation-side examples from `stream`, none of whose keys is in `exclude`. */
function evalSplit(
  task: AnyTask,
  cfg: unknown,
  seed: number,
  stream: string,
  size: number,
  exclude: Set<string>,
  field: string,
  tick: () => void,
): Example[] {
  const out: Example[] = [];
  let lastNew = 0;
  for (let j = 0; out.length < size && j - lastNew < STALL + 4 * out.length; j++) {
    const ex = task.generate(cfg, rngFor(seed, j, stream), j);
    if (!isEvalKey(ex.key) || exclude.has(ex.key)) continue;
    exclude.add(ex.key);
    out.push(ex);
    lastNew = j;
    tick();
  }
  if (out.length < size) {
    throw new ConfigError(
      field,
      `Only ${out.length} distinct ${stream} prompts could be drawn; lower ${field} or make the task harder.`,
    );
  }
  return rngFor(seed, 0, `${stream}-order`).shuffle(out); // so a first-n evaluation subset is not the easy end (see trainPool)
}

/** The first round(fraction * n) slots of a seeded shuffle: an exact fraction, spread at random. */
function exactSubset(seed: number, stream: string, n: number, fraction: number): Set<number> {
  const order = rngFor(seed, 0, stream).shuffle(Array.from({ length: n }, (_, i) => i));
  return new Set(order.slice(0, Math.round(fraction * n)));
}

/** Unlimited sets: draw i is marked when floor((i+1)f) > floor(i f), so any prefix of n holds floor(n f). */
function evenlyMarked(i: number, fraction: number): boolean {
  const count = (n: number): number => Math.floor(n * fraction + 1e-9);
  return count(i + 1) > count(i);
}

/** Replace the answer line (always the last line of a rendered completion) with another label. */
function relabel(completion: string, label: string | string[]): string {
  const cut = completion.lastIndexOf('\n');
  return (cut < 0 ? '' : completion.slice(0, cut + 1)) + formatAnswer(label);
}

interface Marks {
  noisy(slot: number): boolean;
  corrupted(slot: number): boolean;
}

function makeMarks(cfg: DataConfig, seed: number): Marks {
  const n = cfg.trainSize;
  const corrupt = cfg.style === 'corrupted' ? cfg.corruptFraction : 0;
  if (n === 0) {
    return { noisy: (s) => evenlyMarked(s, cfg.labelNoise), corrupted: (s) => evenlyMarked(s, corrupt) };
  }
  const noisy = exactSubset(seed, 'noise', n, cfg.labelNoise);
  const corrupted = exactSubset(seed, 'corrupt', n, corrupt);
  return { noisy: (s) => noisy.has(s), corrupted: (s) => corrupted.has(s) };
}

function makeTrainItem(
  task: AnyTask,
  cfg: DataConfig,
  seed: number,
  marks: Marks,
  ex: Example,
  i: number,
  slot: number,
): TrainItem {
  const noisy = marks.noisy(slot);
  const corrupted = marks.corrupted(slot);
  const label = noisy ? task.noisyLabel(ex, rngFor(seed, slot, 'noise-label')) : ex.answer;
  const style: RationaleStyle = cfg.style === 'corrupted' && !corrupted ? 'pattern' : cfg.style;
  const clean = task.render(ex, style, rngFor(seed, slot, 'render'));
  const completion = noisy ? relabel(clean, label) : clean;
  return { index: i, slot, example: ex, label, cleanLabel: ex.answer, noisy, corrupted, completion };
}

/**
 * Build the dataset of a (validated) data config and a seed. Throws ConfigError if a split cannot be filled.
 * `progress` counts the distinct prompts drawn (the work grows with N, sftSize and the split sizes).
 */
export function buildDataset(cfg: DataConfig, seed: number, progress?: Progress): Dataset {
  const task = getTask(cfg.task);
  const tc = task.validate(cfg.taskConfig);
  const freshPool = cfg.sftSource === 'fresh' ? (cfg.sftSize ?? 0) : 0;
  const tick = ticker(cfg.trainSize + cfg.heldoutSize + cfg.oodSize + freshPool, progress);
  const { pool, keys } = trainPool(task, tc, seed, cfg.trainSize, 'trainSize', tick);
  const taken = new Set(keys);
  const heldout = evalSplit(task, tc, seed, 'heldout', cfg.heldoutSize, taken, 'heldoutSize', tick);
  const ood = evalSplit(task, task.oodConfig(tc), seed, 'ood', cfg.oodSize, taken, 'oodSize', tick);
  const marks = makeMarks(cfg, seed);
  // Fresh SFT examples: their own stream of training-side draws, clean labels (noise is RL's), corruption as the style says.
  // With sftSize, sftSize distinct ones (drawn like the training pool, exact corruption fraction), cycled.
  const sftSeed = hashSeed('sft', seed);
  const sftSize = cfg.sftSize ?? 0;
  const corruptFresh = cfg.style === 'corrupted' ? cfg.corruptFraction : 0;
  const sftPool =
    cfg.sftSource === 'fresh' && sftSize > 0 ? trainPool(task, tc, sftSeed, sftSize, 'sftSize', tick).pool : null;
  const sftCorrupted = sftPool ? exactSubset(sftSeed, 'corrupt', sftSize, corruptFresh) : null;
  const freshMarks: Marks = {
    noisy: () => false,
    corrupted: (s) => (sftCorrupted ? sftCorrupted.has(s) : evenlyMarked(s, corruptFresh)),
  };
  const evalRng = (split: string, j: number): Rng => rngFor(seed, j, `render-${split}`);
  const ds: Dataset = {
    task,
    config: cfg,
    seed,
    heldout,
    ood,
    train(i) {
      const n = cfg.trainSize;
      const slot = n === 0 ? i : ((i % n) + n) % n;
      const ex = drawTrain(task, tc, seed, n === 0 ? i : pool[slot]!);
      return makeTrainItem(task, cfg, seed, marks, ex, i, slot);
    },
    sft(i) {
      const slot = sftSize > 0 ? i % sftSize : i;
      if (cfg.sftSource === 'train') return { ...ds.train(slot), index: i };
      const ex = drawTrain(task, tc, sftSeed, sftPool ? sftPool[slot]! : slot);
      return makeTrainItem(task, cfg, sftSeed, freshMarks, ex, i, slot);
    },
    renderEval(split, j, style = cfg.style) {
      const ex = (split === 'heldout' ? heldout : ood)[j];
      if (!ex)
        throw new RangeError(`No ${split} example ${j} (size ${split === 'heldout' ? heldout.length : ood.length}).`);
      return task.render(ex, style, evalRng(split, j));
    },
    domainText: (i) => task.domainText(ds.train(i).example),
    maxLength: () => measureDataset(ds),
  };
  return ds;
}

const cache = new WeakMap<Dataset, number>();

/**
 * Longest prompt + completion over all N training prompts (the first LENGTH_SAMPLE draws when unlimited:
 * an estimate) and both evaluation splits, in the config's style (`ds.maxLength()`). `progress` counts
 * the examples rendered.
 */
export function measureDataset(ds: Dataset, progress?: Progress): number {
  const hit = cache.get(ds);
  if (hit !== undefined) return hit;
  let max = 0;
  const n = ds.config.trainSize === 0 ? LENGTH_SAMPLE : ds.config.trainSize;
  const fresh = ds.config.sftSource === 'fresh' ? ds.config.sftSize || LENGTH_SAMPLE : 0;
  const tick = ticker(n + fresh + ds.heldout.length + ds.ood.length, progress);
  for (let i = 0; i < n; i++) {
    const item = ds.train(i);
    max = Math.max(max, item.example.prompt.length + item.completion.length);
    tick();
  }
  for (let i = 0; i < fresh; i++) {
    const item = ds.sft(i);
    max = Math.max(max, item.example.prompt.length + item.completion.length);
    tick();
  }
  for (const split of ['heldout', 'ood'] as const) {
    ds[split].forEach((ex, j) => {
      max = Math.max(max, ex.prompt.length + ds.renderEval(split, j).length);
      tick();
    });
  }
  cache.set(ds, max);
  return max;
}
