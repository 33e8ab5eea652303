// The RL section's layout in the config panel: which RL settings show at once and which sit in "More
// settings" groups. What each input shows comes from RL_SETTINGS (SettingField).
import type { RlConfig } from '../../experiment/rl-config';

export type RlNumberKey = { [K in keyof RlConfig]-?: RlConfig[K] extends number ? K : never }[keyof RlConfig];

/** Always shown; the rest sits in "More settings" groups. */
export const RL_MAIN: readonly RlNumberKey[] = [
  'steps',
  'promptsPerStep',
  'numGenerations',
  'maxCompletionLength',
  'lr',
  'evalEvery',
  'evalSize',
];
export const RL_GROUPS: readonly { title: string; keys: readonly RlNumberKey[] }[] = [
  { title: 'Sampling', keys: ['temperature', 'topK'] },
  { title: 'Optimizer', keys: ['warmupSteps', 'minLrRatio', 'weightDecay', 'beta1', 'beta2', 'gradClip'] },
  { title: 'GRPO loss', keys: ['epsilon', 'epsilonHigh', 'numIterations', 'beta', 'entropyCoef'] },
  {
    title: 'Logging, evaluation, memory',
    keys: ['logEvery', 'passK', 'rolloutsKept', 'checkpointEvery', 'microBatchTokens'],
  },
];
