// `npm run bench`: SFT step speed, KV-cache sampling speed, a GRPO step, GPU dispatches and GPU-to-CPU
// reads per step and per token, tensor and GPU-memory drift, and the page's one-click run's wall time, for each
// backend reachable from Node. On WebGPU every figure is taken twice in the same process, with the naive
// tfjs ops and with the fused kernels, and their ratios printed. Prints and writes JSON.
// A benchmark, never a test: nothing here asserts a time. Flags: see parseArgs below.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { installDawn } from '../../src/cli/shared/dawn';
import { tf } from '../../src/model/tf';
import { chooseBackend } from '../../src/model/backend';
import { countBackend, type Counter } from '../../src/model/counters';
import { DEFAULT_MODEL_CONFIG, countParams, validateModelConfig, type ModelConfig } from '../../src/model/model-config';
import { initParams, disposeParams } from '../../src/model/params';
import { sampleBatch } from '../../src/model/sample';
import { BOS_ID } from '../../src/model/tokenizer';
import { createAdamW, disposeAdamW } from '../../src/train/adamw';
import { makeBatch } from '../../src/train/batch';
import { sftStep, type StepTensors } from '../../src/train/sft';
import { rngFor } from '../../src/util/rng';
import { setKernelMode, type KernelMode } from '../../src/model/kernels/mode';
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../../src/experiment/run-config';
import { armConfig } from '../../src/experiment/presets';
import { storyBaseFile, storyBaseId } from '../../src/experiment/story-base';
import { unpackArchive } from '../../src/store/archive';
import { flagship, shortestArm } from '../../src/ui/story/story-data';
import { buildDataset } from '../../src/tasks/dataset';
import { createGrpoState, disposeGrpoState, grpoStep, readGrpoMetrics, rlBatchItems } from '../../src/train/grpo';
import { RunController, type RunHooks } from '../../src/train/run';

interface Settings {
  backends: string[];
  model: ModelConfig;
  batch: number;
  seq: number;
  steps: number;
  sampleSeqs: number;
  samplePrompt: number;
  sampleTokens: number;
  driftSteps: number;
  grpoPrompts: number;
  grpoGenerations: number;
  grpoTokens: number;
  /** Scale of the one-click run's RL steps for its wall time (1 = the page's real run; 0 = skip). */
  runScale: number;
  modes: KernelMode[];
  preset: string;
  out: string;
}

/** Defaults are the issue's: default model, SFT 32 x 256 tokens, sampling 128 sequences. `--quick` is for CPU-only machines. */
function parseArgs(argv: string[]): Settings {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const num = (name: string, full: number, small: number) => Number(flag(name) ?? (quick ? small : full));
  return {
    backends: (flag('backends') ?? 'webgpu,wasm').split(','),
    model: validateModelConfig({
      ...DEFAULT_MODEL_CONFIG,
      layers: num('layers', DEFAULT_MODEL_CONFIG.layers, DEFAULT_MODEL_CONFIG.layers),
      dModel: num('d-model', DEFAULT_MODEL_CONFIG.dModel, DEFAULT_MODEL_CONFIG.dModel),
      position: flag('position') ?? 'learned', // --position rope: rotary positions (model.position)
    }),
    batch: num('batch', 32, 4),
    seq: num('seq', 256, 64),
    steps: num('steps', 5, 2),
    sampleSeqs: num('sample-seqs', 128, 16),
    samplePrompt: num('sample-prompt', 32, 16),
    sampleTokens: num('sample-tokens', 64, 8),
    driftSteps: num('drift-steps', 500, 5),
    grpoPrompts: num('grpo-prompts', 16, 2),
    grpoGenerations: num('grpo-generations', 8, 2),
    grpoTokens: num('grpo-tokens', 96, 8),
    runScale: num('run-scale', 1, 0),
    modes: (flag('modes') ?? 'naive,fused').split(',') as KernelMode[],
    preset: quick ? 'quick' : 'full',
    out: flag('out') ?? 'bench-results',
  };
}

const rss = () => Math.round(process.memoryUsage().rss / 2 ** 20);
/** Bytes the backend holds on the GPU (WebGPU/WebGL report it), or null. */
const gpuBytes = () => (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU ?? null;
const randomText = (rng: ReturnType<typeof rngFor>, n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(rng.int(97, 122))).join('');
const disposeStep = (s: StepTensors) => tf.dispose([s.loss, s.correct, s.count, s.gradNorm]);

async function benchSft(s: Settings, counter: Counter | null) {
  const rng = rngFor(7, 0, 'bench');
  const half = Math.floor((s.seq - 3) / 2); // BOS prompt SEP completion EOS = seq + 1 tokens at most
  const pairs = Array.from({ length: s.batch }, () => ({
    prompt: randomText(rng, half),
    completion: randomText(rng, s.seq - 3 - half),
  }));
  const batch = makeBatch(pairs, s.model.context);
  const params = initParams(s.model, 1);
  const opt = createAdamW(params);
  const cfg = { beta1: 0.9, beta2: 0.99, weightDecay: 0.1, gradClip: 1 };
  const step = () => sftStep(params, s.model, opt, cfg, batch, 1e-3);
  const burn = step(); // compiles shaders; its read settles the queue
  await burn.loss.data();
  disposeStep(burn);
  counter?.reset();
  const counted = step(); // one step, no read: what the loop issues per step
  const perStep = counter?.read() ?? null;
  await counted.loss.data();
  disposeStep(counted);
  const t0 = performance.now();
  let last: StepTensors | null = null;
  for (let i = 0; i < s.steps; i++) {
    if (last) disposeStep(last);
    last = step();
  }
  await last!.loss.data(); // one sync at the end: the GPU queue has drained
  const ms = (performance.now() - t0) / s.steps;
  disposeStep(last!);
  const tensorsBefore = tf.memory().numTensors;
  const bytesBefore = gpuBytes();
  for (let i = 0; i < s.driftSteps; i++) {
    const out = step();
    if (i % 50 === 49 || i === s.driftSteps - 1) await out.loss.data(); // a log interval's read: the queue drains
    disposeStep(out);
  }
  const drift = tf.memory().numTensors - tensorsBefore;
  const gpuDrift = bytesBefore === null ? null : gpuBytes()! - bytesBefore;
  disposeParams(params);
  disposeAdamW(opt);
  const tokens = batch.B * batch.L;
  return {
    sft_ms_per_step: ms,
    sft_tokens_per_s: (tokens / ms) * 1000,
    sft_tokens_per_step: tokens,
    sft_dispatches_per_step: perStep?.dispatches ?? null,
    sft_gpu_reads_per_step: perStep ? perStep.reads + perStep.syncReads : null,
    tensor_drift: drift,
    gpu_bytes_drift: gpuDrift,
    drift_steps: s.driftSteps,
  };
}

async function benchSampling(s: Settings, counter: Counter | null) {
  const rng = rngFor(11, 0, 'bench');
  const prompts = Array.from({ length: s.sampleSeqs }, () => [
    BOS_ID,
    ...Array.from({ length: s.samplePrompt - 1 }, () => rng.int(5, 99)),
  ]);
  const params = initParams(s.model, 2);
  const opts = { temperature: 1, topK: 0, seed: 3 };
  await sampleBatch(params, s.model, prompts, { ...opts, maxNewTokens: 2 }); // compile shaders
  // the prefill alone (one token): its dispatches, subtracted below to get the per-token decode cost
  counter?.reset();
  await sampleBatch(params, s.model, prompts, { ...opts, maxNewTokens: 1 });
  const prefillOnly = counter?.read() ?? null;
  const before = tf.memory().numTensors;
  counter?.reset();
  const t0 = performance.now();
  const out = await sampleBatch(params, s.model, prompts, { ...opts, maxNewTokens: s.sampleTokens });
  const seconds = (performance.now() - t0) / 1000;
  const counts = counter?.read() ?? null;
  const generated = out.completions.reduce((a, c) => a + c.length, 0) + out.finished.filter(Boolean).length;
  const decodeSteps = Math.max(...out.completions.map((c) => c.length)) + 1;
  const drift = tf.memory().numTensors - before;
  disposeParams(params);
  return {
    sampling_tokens_per_s: generated / seconds,
    sampling_steps: decodeSteps,
    sampling_dispatches_per_token: counts ? counts.dispatches / decodeSteps : null,
    sampling_dispatches_per_layer_per_token: counts ? counts.dispatches / decodeSteps / s.model.layers : null,
    // per generated token after the prefill: what the "8 per layer + 4" target counts
    sampling_decode_dispatches_per_token:
      counts && prefillOnly && decodeSteps > 1
        ? (counts.dispatches - prefillOnly.dispatches) / (decodeSteps - 1)
        : null,
    sampling_gpu_reads_per_token: counts ? (counts.reads + counts.syncReads) / decodeSteps : null,
    sampling_tensor_drift: drift,
  };
}

/** One GRPO step (B prompts x G rollouts of up to N tokens, then the update), timed after a burn-in step. */
async function benchGrpo(s: Settings, counter: Counter | null) {
  const config = validateRunConfig({
    ...DEFAULT_RUN_CONFIG,
    model: s.model,
    rl: {
      ...DEFAULT_RUN_CONFIG.rl,
      promptsPerStep: s.grpoPrompts,
      numGenerations: s.grpoGenerations,
      maxCompletionLength: s.grpoTokens,
    },
  });
  const dataset = buildDataset(config.data, 1);
  const params = initParams(s.model, 3);
  const state = createGrpoState(params, config.rl);
  const ctx = { model: s.model, rl: config.rl, task: dataset.task, seed: 5 };
  const once = async (i: number) => {
    const out = await grpoStep(state, ctx, rlBatchItems(dataset, i, config.rl.promptsPerStep), 1e-4);
    await readGrpoMetrics([out], config.rl); // disposes the step's device values
    return out;
  };
  await once(0); // compiles shaders
  counter?.reset();
  const t0 = performance.now();
  const out = await once(1);
  const ms = performance.now() - t0;
  const counts = counter?.read() ?? null;
  disposeGrpoState(state);
  disposeParams(params);
  return {
    grpo_ms_per_step: ms,
    grpo_sequences: config.rl.promptsPerStep * config.rl.numGenerations,
    grpo_max_tokens: config.rl.maxCompletionLength,
    grpo_completion_tokens: out.rollouts.groups.reduce(
      (a, g) => a + g.samples.reduce((b, c) => b + c.ids.length, 0),
      0,
    ),
    grpo_dispatches_per_step: counts?.dispatches ?? null,
    grpo_gpu_reads_per_step: counts ? counts.reads + counts.syncReads : null,
  };
}

/** The default run config (steps scaled by runScale) trained start to end through the run controller, in memory. */
/**
 * The page's one-click run ("Run it yourself"): the flagship's shortest arm, its RL stage trained from
 * our SFT model (public/findings/runs/<preset>-base.zip) as the page's fork of it does, start to end.
 * `--run-scale` scales its RL steps (0 skips it).
 */
async function benchOneClickRun(s: Settings, backend: RunConfig['backend'], kernels: KernelMode) {
  if (s.runScale <= 0) return {};
  const preset = flagship();
  const arm = shortestArm(preset, []);
  const seed = preset.seeds[0] ?? 1;
  const decoded = unpackArchive(new Uint8Array(readFileSync(`public/${storyBaseFile(preset.id)}`)));
  if (!decoded.ok) throw new Error(`public/${storyBaseFile(preset.id)}: ${decoded.error}`);
  const base = decoded.value.find((b) => b.run.id === storyBaseId(preset.id, seed))!;
  const from = base.checkpoints.find((c) => c.step === base.run.step)!;
  const arm0 = armConfig(preset, arm, seed);
  const rl = Math.max(1, Math.round(arm0.rl.steps * s.runScale));
  const config = validateRunConfig({
    ...arm0,
    backend,
    kernels,
    rl: { ...arm0.rl, steps: rl, warmupSteps: Math.min(arm0.rl.warmupSteps, rl) },
  });
  const noop = async () => {};
  const hooks: RunHooks = { metrics: noop, samples: noop, rollouts: noop, checkpoint: noop, status: noop };
  const t0 = performance.now();
  await new RunController('bench', config, hooks).run(from);
  return {
    one_click_run_s: (performance.now() - t0) / 1000,
    one_click_run: `${preset.id}/${arm.id}, seed ${seed}: ${config.rl.steps} RL steps from the SFT model at step ${from.step}`,
  };
}

async function benchMode(s: Settings, counter: Counter | null, mode: KernelMode, backend: string) {
  setKernelMode(mode);
  const t0 = performance.now();
  const sft = await benchSft(s, counter);
  const sampling = await benchSampling(s, counter);
  const grpo = await benchGrpo(s, counter);
  const run = await benchOneClickRun(s, backend as RunConfig['backend'], mode);
  setKernelMode(mode); // the run controller sets it too
  return { kernels: mode, ...sft, ...sampling, ...grpo, ...run, wall_s: (performance.now() - t0) / 1000 };
}

/** fused / naive for the figures where bigger is better, naive / fused for those where smaller is. */
function ratios(naive: Record<string, unknown>, fused: Record<string, unknown>) {
  const r = (k: string, inverse = false) => {
    const a = naive[k];
    const b = fused[k];
    return typeof a === 'number' && typeof b === 'number' && a > 0 && b > 0 ? (inverse ? a / b : b / a) : null;
  };
  return {
    sft_tokens_per_s_x: r('sft_tokens_per_s'),
    sampling_tokens_per_s_x: r('sampling_tokens_per_s'),
    grpo_step_x: r('grpo_ms_per_step', true),
    sft_dispatches_fewer_x: r('sft_dispatches_per_step', true),
    sampling_dispatches_fewer_x: r('sampling_dispatches_per_token', true),
  };
}

async function benchBackend(name: string, s: Settings) {
  const report = await chooseBackend(name as 'webgpu');
  const counter = countBackend();
  // the kernels switch only changes anything on WebGPU: elsewhere both modes run the same ops
  const modes = report.name === 'webgpu' ? s.modes : ['naive' as const];
  const byMode: Record<string, Record<string, unknown>> = {};
  for (const mode of modes) {
    process.stdout.write(`[${mode}] `);
    byMode[mode] = await benchMode(s, counter, mode, report.name);
  }
  counter?.restore();
  const fusedVsNaive = byMode.naive && byMode.fused ? ratios(byMode.naive, byMode.fused) : null;
  return {
    backend: report.name,
    adapter: report.adapter,
    features: report.features,
    modes: byMode,
    fused_vs_naive: fusedVsNaive,
    rss_mb: rss(),
  };
}

const table = (o: Record<string, unknown>) =>
  Object.entries(o).map(([key, value]) => ({
    key,
    value: typeof value === 'number' ? Number(value.toPrecision(4)) : JSON.stringify(value),
  }));

async function main() {
  const s = parseArgs(process.argv.slice(2));
  if (s.backends.includes('webgpu')) installDawn();
  const results = [];
  for (const name of s.backends) {
    process.stdout.write(`bench: ${name} ... `);
    try {
      const r = await benchBackend(name, s);
      results.push(r);
      console.log('done');
      console.log(`${r.backend}: ${r.adapter}`);
      for (const [mode, figures] of Object.entries(r.modes)) {
        console.log(`kernels = ${mode}`);
        console.table(table(figures));
      }
      if (r.fused_vs_naive) {
        console.log('fused vs naive (x = times better)');
        console.table(table(r.fused_vs_naive));
      }
    } catch (err) {
      console.log(`skipped: ${err instanceof Error ? err.message : String(err)}`);
      results.push({ backend: name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const settings = { ...s, params: countParams(s.model) };
  mkdirSync(s.out, { recursive: true });
  const file = `${s.out}/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(
    file,
    JSON.stringify({ date: new Date().toISOString(), node: process.version, settings, results }, null, 2),
  );
  console.log(`bench: wrote ${file}`);
  process.exit(0);
}

void main();
