// `npm run bench`: SFT step speed, KV-cache sampling speed, GPU dispatches and GPU-to-CPU reads per
// step and per token, and tensor drift, for each backend reachable from Node. Prints and writes JSON.
// A benchmark, never a test: nothing here asserts a time. Flags: see parseArgs below.
import { mkdirSync, writeFileSync } from 'node:fs';
import { installDawn } from '../../src/cli/dawn';
import { tf } from '../../src/model/tf';
import { chooseBackend } from '../../src/model/backend';
import { countBackend, type Counter } from '../../src/model/counters';
import { DEFAULT_MODEL_CONFIG, countParams, type ModelConfig } from '../../src/model/config';
import { initParams, disposeParams } from '../../src/model/params';
import { sampleBatch } from '../../src/model/sample';
import { BOS_ID } from '../../src/model/tokenizer';
import { createAdamW, disposeAdamW } from '../../src/train/adamw';
import { makeBatch } from '../../src/train/batch';
import { sftStep, type StepTensors } from '../../src/train/sft';
import { rngFor } from '../../src/util/rng';

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
    model: { ...DEFAULT_MODEL_CONFIG },
    batch: num('batch', 32, 4),
    seq: num('seq', 256, 64),
    steps: num('steps', 5, 2),
    sampleSeqs: num('sample-seqs', 128, 16),
    samplePrompt: num('sample-prompt', 32, 16),
    sampleTokens: num('sample-tokens', 64, 8),
    driftSteps: num('drift-steps', 50, 5),
    preset: quick ? 'quick' : 'full',
    out: flag('out') ?? 'bench-results',
  };
}

const rss = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const randomText = (rng: ReturnType<typeof rngFor>, n: number) => Array.from({ length: n }, () => String.fromCharCode(rng.int(97, 122))).join('');
const disposeStep = (s: StepTensors) => tf.dispose([s.loss, s.correct, s.count, s.gradNorm]);

async function benchSft(s: Settings, counter: Counter | null) {
  const rng = rngFor(7, 0, 'bench');
  const half = Math.floor((s.seq - 3) / 2); // BOS prompt SEP completion EOS = seq + 1 tokens at most
  const pairs = Array.from({ length: s.batch }, () => ({ prompt: randomText(rng, half), completion: randomText(rng, s.seq - 3 - half) }));
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
  for (let i = 0; i < s.driftSteps; i++) {
    const out = step();
    if (i === s.driftSteps - 1) await out.loss.data();
    disposeStep(out);
  }
  const drift = tf.memory().numTensors - tensorsBefore;
  disposeParams(params);
  disposeAdamW(opt);
  const tokens = batch.B * batch.L;
  return { sft_ms_per_step: ms, sft_tokens_per_s: (tokens / ms) * 1000, sft_tokens_per_step: tokens, sft_dispatches_per_step: perStep?.dispatches ?? null, sft_gpu_reads_per_step: perStep ? perStep.reads + perStep.syncReads : null, tensor_drift: drift, drift_steps: s.driftSteps };
}

async function benchSampling(s: Settings, counter: Counter | null) {
  const rng = rngFor(11, 0, 'bench');
  const prompts = Array.from({ length: s.sampleSeqs }, () => [BOS_ID, ...Array.from({ length: s.samplePrompt - 1 }, () => rng.int(5, 99))]);
  const params = initParams(s.model, 2);
  const opts = { temperature: 1, topK: 0, seed: 3 };
  await sampleBatch(params, s.model, prompts, { ...opts, maxNewTokens: 2 }); // compile shaders
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
    sampling_gpu_reads_per_token: counts ? (counts.reads + counts.syncReads) / decodeSteps : null,
    sampling_tensor_drift: drift,
  };
}

async function benchBackend(name: string, s: Settings) {
  const report = await chooseBackend(name as 'webgpu');
  const counter = countBackend();
  const t0 = performance.now();
  const sft = await benchSft(s, counter);
  const sampling = await benchSampling(s, counter);
  counter?.restore();
  return { backend: report.name, adapter: report.adapter, features: report.features, ...sft, ...sampling, wall_s: (performance.now() - t0) / 1000, rss_mb: rss() };
}

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
      console.table(Object.entries(r).map(([key, value]) => ({ key, value: typeof value === 'number' ? Number(value.toPrecision(4)) : JSON.stringify(value) })));
    } catch (err) {
      console.log(`skipped: ${err instanceof Error ? err.message : String(err)}`);
      results.push({ backend: name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const settings = { ...s, params: countParams(s.model) };
  mkdirSync(s.out, { recursive: true });
  const file = `${s.out}/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, settings, results }, null, 2));
  console.log(`bench: wrote ${file}`);
  process.exit(0);
}

void main();
