// The preset gallery's experiments: each asks one question of one paper's claim, as a small sweep of
// arms (configs that differ only in what the claim is about) times seeds. Pure data + a builder;
// the settings are those the findings report (public/findings/) was measured with. No UI, no tfjs.
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from './run-config';
import { applyDiff, type JsonObject } from './config-link';

/** One arm of a preset: a label and what it changes relative to the preset's base. */
export interface PresetArm {
  id: string;
  label: string;
  changes: JsonObject;
}

export interface Preset {
  /** Stable snake_case id: lives in links and in the findings files. */
  id: string;
  title: string;
  /** The question the preset asks, in one sentence. */
  question: string;
  /** What the paper reported (not what this lab measured: that is the findings report). */
  paperFinding: string;
  /** What to look at while it runs. */
  watch: string;
  /** Changes from the lab's default config shared by every arm. */
  base: JsonObject;
  arms: PresetArm[];
  /** Seeds each arm runs with by default (the findings use at least 3). */
  seeds: number[];
}

/** One run of a preset's sweep. */
export interface PresetRun {
  presetId: string;
  armId: string;
  /** "preset · arm · seed s": the run's name in the library. */
  name: string;
  seed: number;
  config: RunConfig;
}

// Shared by the weak-supervision presets: a small model; SFT on fresh clean traces (the same SFT model
// for every arm of a seed: N and gamma are RL's, as in the paper), long enough to leave 1-2 digit
// addition about a third solved (greedy held-out ~0.36, sampled reward ~0.18), then a long RL stage where
// saturation can happen; RL lr 1e-4 lies between a rate that leaves held-out flat (3e-5) and one that
// drops it fast (3e-4). Measurements: public/findings/notes/scarce_data.md.
const WEAK: JsonObject = {
  model: { layers: 2, dModel: 64, heads: 2, context: 96 },
  data: {
    task: 'addition',
    taskConfig: { minDigits: 1, maxDigits: 2, oodMinDigits: 3, oodMaxDigits: 3 },
    sftSource: 'fresh',
    heldoutSize: 128,
    oodSize: 128,
  },
  sft: { steps: 240, batchSize: 32, evalEvery: 40, evalSize: 64, maxNewTokens: 64, checkpointEvery: 1000 },
  rl: {
    steps: 150,
    promptsPerStep: 8,
    numGenerations: 8,
    maxCompletionLength: 64,
    lr: 1e-4,
    evalEvery: 15,
    evalSize: 64,
    passK: 4,
    checkpointEvery: 1000,
    microBatchTokens: 0,
  },
};

// The flagship: one SFT model per seed (fresh clean sums, so N is RL's alone) that writes the answer
// alone ("A: 157") to 2-digit sums. SFT ends once it is greedily right on half of 256 held-out sums (at
// most 1,000 steps), where its sampled (temperature 1) accuracy is about 0.4, so most GRPO groups carry a
// signal; held-out pass@1 on 512 prompts x 4 samples is measured the way the reward is. Answers of a few
// tokens make an RL step cheap enough for 64 prompts a step inside the budget. Settings and their
// measurement: public/findings/notes/phases.md.
const PHASES: JsonObject = {
  model: { layers: 2, dModel: 64, heads: 2, context: 96 },
  data: {
    task: 'addition',
    style: 'answer_only',
    taskConfig: { minDigits: 2, maxDigits: 2, oodMinDigits: 3, oodMaxDigits: 3 },
    sftSource: 'fresh',
    heldoutSize: 512,
    oodSize: 32,
  },
  sft: {
    steps: 1000,
    targetAccuracy: 0.5,
    batchSize: 32,
    evalEvery: 40,
    evalSize: 256,
    maxNewTokens: 8,
    checkpointEvery: 1000,
  },
  rl: {
    steps: 120,
    promptsPerStep: 64,
    numGenerations: 8,
    maxCompletionLength: 8,
    lr: 4e-4,
    evalEvery: 20,
    evalSize: 512,
    passK: 4,
    checkpointEvery: 1000,
    microBatchTokens: 0,
  },
};

const at = (...parts: JsonObject[]): JsonObject => parts.reduce((a, b) => applyDiff(a, b) as JsonObject, {});

// The weak-supervision presets that are not about data size train on 64 distinct prompts.
const WEAK_64 = at(WEAK, { data: { trainSize: 64 } });

// Shared by the multi-hop presets: small worlds (5 people, 5 facts), the size at which a 2 x 64
// character-level model learns to look a fact up in its prompt on a CPU (held-out ~0.33 after 800 SFT
// steps; larger worlds stay at 0). Training difficulty 1-2, OOD difficulty 3 (never trained on). RL lr
// 1e-4 as in WEAK (1e-3 collapses the policy). Measurements: public/findings/notes/multi_hop_depth.md.
const MULTI_HOP: JsonObject = {
  model: { layers: 2, dModel: 64, heads: 2, context: 224 }, // the OOD split's 3-hop questions need ~222 tokens
  data: {
    task: 'multi_hop',
    taskConfig: { people: 5, maxFacts: 5, maxChars: 140, oodMaxChars: 200, oodMinDifficulty: 3, oodMaxDifficulty: 3 },
    trainSize: 0,
    heldoutSize: 96,
    oodSize: 96,
  },
  sft: { steps: 1000, batchSize: 16, evalEvery: 200, evalSize: 48, maxNewTokens: 96, checkpointEvery: 1000 },
  rl: {
    steps: 80,
    promptsPerStep: 4,
    numGenerations: 8,
    maxCompletionLength: 96,
    lr: 1e-4,
    evalEvery: 20,
    evalSize: 48,
    passK: 4,
    checkpointEvery: 1000,
  },
};

export const PRESETS: readonly Preset[] = Object.freeze<Preset[]>([
  {
    id: 'phases',
    title: 'The phases: many prompts climb, two prompts memorize',
    question:
      'From one SFT model, does RL on many distinct prompts raise held-out accuracy with the reward, while RL on a few saturates the reward and leaves held-out behind?',
    paperFinding:
      'Rahman et al. (2026): models that generalize show a long pre-saturation phase in which training reward and held-out accuracy climb together; when the reward saturates quickly (few distinct prompts) the model memorizes: the reward reaches its ceiling, held-out accuracy does not follow.',
    watch:
      'The reward and held-out pass@1 (sampled the same way) in each arm: together in "many", apart in "few" once its reward nears 1.',
    base: PHASES,
    arms: [
      { id: 'many', label: 'many prompts (N = 512)', changes: { data: { trainSize: 512 } } },
      { id: 'few', label: 'few prompts (N = 2)', changes: { data: { trainSize: 2 } } },
      // The page's one-click run: few's two prompts for 40 RL steps from the same SFT model, evaluated
      // every 10 steps on 128 held-out prompts, so it shows memorization within 3 minutes on a laptop CPU.
      {
        id: 'quick',
        label: 'two prompts, quick (N = 2, 40 RL steps)',
        changes: { data: { trainSize: 2 }, rl: { steps: 40, promptsPerStep: 4, evalEvery: 10, evalSize: 128 } },
      },
    ],
    seeds: [1, 2, 3],
  },
  {
    id: 'scarce_data',
    title: 'Scarce data: 8 vs 512 training prompts',
    question:
      'Does RL on a handful of prompts saturate early and memorize, while many prompts give a long pre-saturation phase?',
    paperFinding:
      'Rahman et al. (2026): with few distinct prompts the training reward saturates quickly and held-out accuracy stops following; with more prompts the pre-saturation phase is longer and held-out accuracy climbs with the reward.',
    watch: 'The saturation marker on the N = 8 arm, and whether held-out accuracy keeps climbing after it.',
    base: WEAK,
    arms: [
      { id: 'n8', label: 'N = 8', changes: { data: { trainSize: 8 } } },
      { id: 'n512', label: 'N = 512', changes: { data: { trainSize: 512 } } },
    ],
    seeds: [1, 2, 3],
  },
  {
    id: 'label_noise',
    title: 'Persistent label noise: gamma = 0, 0.3, 0.7',
    question: 'Is moderate label noise tolerated, and does heavy noise make the model fit the wrong labels?',
    paperFinding:
      'Rahman et al. (2026): moderate persistent noise is tolerated; at high noise the model fits the corrupted labels and held-out accuracy falls.',
    watch: 'train/noisy_label_fit against held-out accuracy, per arm.',
    base: WEAK_64,
    arms: [
      { id: 'g0', label: 'gamma = 0', changes: { data: { labelNoise: 0 } } },
      { id: 'g03', label: 'gamma = 0.3', changes: { data: { labelNoise: 0.3 } } },
      { id: 'g07', label: 'gamma = 0.7', changes: { data: { labelNoise: 0.7 } } },
    ],
    seeds: [1, 2, 3],
  },
  {
    id: 'proxy_rewards',
    title: 'Proxy rewards: majority vote and self-certainty vs the verifier',
    question: 'Do label-free rewards rise fast and saturate or collapse, compared with the verifiable reward?',
    paperFinding:
      'Rahman et al. (2026): self-supervised proxy rewards saturate quickly and generalize less than verifiable rewards; intrinsic rewards tend to rise, then collapse.',
    watch: 'The optimized reward against the true reward, and label_accuracy for majority vote.',
    base: WEAK_64,
    arms: [
      { id: 'verifiable', label: 'verifiable', changes: { rl: { rewards: [{ name: 'verifiable', weight: 1 }] } } },
      {
        id: 'majority',
        label: 'majority vote',
        changes: { rl: { rewards: [{ name: 'majority_vote', weight: 1 }], majorityVotes: 16 } },
      },
      {
        id: 'certainty',
        label: 'self-certainty',
        changes: { rl: { rewards: [{ name: 'self_certainty', weight: 1 }] } },
      },
    ],
    seeds: [1, 2, 3],
  },
  {
    id: 'random_reward',
    title: 'The random-reward control',
    question: 'How much does GRPO move held-out accuracy when the reward carries no signal at all?',
    paperFinding:
      '"Spurious Rewards" (2025): random and format-only rewards still raised some models\' accuracy through clipping; every comparison needs this control.',
    watch: 'The true reward and held-out accuracy of the random arm against the verifiable arm.',
    base: WEAK_64,
    arms: [
      { id: 'verifiable', label: 'verifiable', changes: { rl: { rewards: [{ name: 'verifiable', weight: 1 }] } } },
      { id: 'random', label: 'random', changes: { rl: { rewards: [{ name: 'random', weight: 1 }] } } },
    ],
    seeds: [1, 2, 3],
  },
  {
    id: 'sft_traces',
    title: 'SFT on traces vs answer-only SFT vs no SFT',
    question: 'Does RL under weak supervision need SFT on explicit reasoning traces first?',
    paperFinding:
      'Rahman et al. (2026): SFT on explicit reasoning traces is necessary for generalization under weak supervision; answer-only or no SFT generalizes less.',
    watch: 'Held-out accuracy at the end of RL, and pre-RL faithfulness, per arm.',
    base: WEAK_64,
    arms: [
      { id: 'traces', label: 'SFT on traces', changes: { data: { style: 'pattern' } } },
      { id: 'answer_only', label: 'answer-only SFT', changes: { data: { style: 'answer_only' } } },
      { id: 'no_sft', label: 'no SFT', changes: { sft: { steps: 0 } } },
    ],
    seeds: [1, 2, 3],
  },
  {
    id: 'cpt_sft',
    title: 'CPT before SFT',
    question: 'Does continual pre-training on domain text before SFT amplify what RL can reach?',
    paperFinding: 'Rahman et al. (2026): continual pre-training on domain text amplifies the benefit of SFT on traces.',
    watch: 'Held-out and OOD accuracy at the end of RL, with and without the CPT stage.',
    base: MULTI_HOP, // the SFT arm is multi_hop_depth's run: one run, two presets
    arms: [
      { id: 'sft', label: 'SFT', changes: { cpt: { steps: 0 } } },
      { id: 'cpt_sft', label: 'CPT + SFT', changes: { cpt: { steps: 300, batchSize: 16 } } },
    ],
    seeds: [1, 2, 3],
  },
  {
    id: 'paro',
    title: 'PARO: a few pattern rationales vs ten times more varied ones',
    question: 'Does the reasoning pattern in SFT rationales matter more than their number?',
    paperFinding:
      'Pang et al. (2025): after SFT+RLVR, 1k pattern-consistent rationales match 10k human (varied) ones; inconsistent procedures do worse; SFT alone is sensitive to quantity.',
    watch: 'Held-out accuracy at the SFT boundary (SFT alone) and at the end of RL (SFT+RL), per arm.',
    // The paper's tasks need a value copied from the prompt, which a model this size does not learn on a CPU
    // (num_match), so the claim runs on 1-2 digit addition, whose three styles differ exactly in what the
    // claim is about: one procedure in one phrasing, one procedure in five phrasings, three procedures. SFT
    // draws its rationales from the first sftSize of the same 3200 training prompts, and RL then uses all
    // 3200 in every arm, so the arms differ only in the SFT rationales; 320 vs 3200 leaves SFT something RL
    // can work on (32 vs 320 does not). Context 128 fits the longest varied rationale of the 3-digit OOD
    // split (106 characters); SFT and RL lengths and lr as in WEAK. Measurements: public/findings/notes/paro.md.
    base: {
      model: { layers: 2, dModel: 64, heads: 2, context: 128 },
      data: {
        task: 'addition',
        taskConfig: { minDigits: 1, maxDigits: 2, oodMinDigits: 3, oodMaxDigits: 3 },
        sftSource: 'train',
        trainSize: 3200,
        heldoutSize: 128,
        oodSize: 128,
      },
      sft: { steps: 240, batchSize: 32, evalEvery: 40, evalSize: 64, maxNewTokens: 112, checkpointEvery: 1000 },
      rl: {
        steps: 150,
        promptsPerStep: 8,
        numGenerations: 8,
        maxCompletionLength: 112,
        lr: 1e-4,
        evalEvery: 15,
        evalSize: 64,
        passK: 4,
        checkpointEvery: 1000,
        microBatchTokens: 0,
      },
    },
    arms: [
      { id: 'pattern_few', label: 'pattern, 320 rationales', changes: { data: { style: 'pattern', sftSize: 320 } } },
      { id: 'varied_many', label: 'varied, 3200 rationales', changes: { data: { style: 'varied', sftSize: 3200 } } },
      {
        id: 'inconsistent',
        label: 'inconsistent, 3200 rationales',
        changes: { data: { style: 'inconsistent', sftSize: 3200 } },
      },
    ],
    seeds: [1, 2, 3],
  },
  {
    id: 'multi_hop_depth',
    title: 'Multi-hop composition by hop count',
    question:
      'Does RL on low-difficulty fictional worlds raise accuracy most on harder questions, including difficulties never trained on?',
    paperFinding:
      'Kabra et al. (ICLR 2026): RL on rule-generated fictional worlds teaches composition; the gain is largest on harder questions, beyond the training difficulty.',
    watch: 'Accuracy by difficulty stratum at the SFT boundary vs the end of RL.',
    base: MULTI_HOP,
    arms: [{ id: 'rl', label: 'SFT then RL', changes: {} }],
    seeds: [1, 2, 3],
  },
]);

export const PRESET_IDS: readonly string[] = Object.freeze(PRESETS.map((p) => p.id));

export function getPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** The validated config of one arm at one seed (throws ConfigError naming the field if a preset is wrong). */
export function armConfig(preset: Preset, arm: PresetArm, seed: number): RunConfig {
  const merged = applyDiff(applyDiff(DEFAULT_RUN_CONFIG, preset.base), arm.changes) as {
    data: Record<string, unknown>;
  };
  // The task's own settings come from the preset alone: the default task's would not fit another task.
  const taskConfig = applyDiff(
    applyDiff({}, sectionOf(preset.base, 'taskConfig')),
    sectionOf(arm.changes, 'taskConfig'),
  );
  return validateRunConfig({ ...merged, data: { ...merged.data, taskConfig }, seed });
}

function sectionOf(changes: JsonObject, key: string): JsonObject {
  const data = changes.data;
  const v = data && typeof data === 'object' && !Array.isArray(data) ? data[key] : undefined;
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

/** Every run of a preset's sweep, arm by arm, seed by seed (the order a queue runs them in). */
export function presetRuns(
  preset: Preset,
  seeds: readonly number[] = preset.seeds,
  armIds?: readonly string[],
): PresetRun[] {
  const arms = armIds ? preset.arms.filter((a) => armIds.includes(a.id)) : preset.arms;
  return arms.flatMap((arm) =>
    seeds.map((seed) => ({
      presetId: preset.id,
      armId: arm.id,
      name: `${preset.title.split(':')[0]} · ${arm.label} · seed ${seed}`,
      seed,
      config: armConfig(preset, arm, seed),
    })),
  );
}
