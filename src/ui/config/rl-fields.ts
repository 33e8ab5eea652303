// The RL and CPT sections of the config panel: their inputs derived from the settings' tables (labels
// with TRL's names, so users coming from TRL find their knobs), and which RL settings show at once and
// which sit in "More settings" groups.
import { CPT_SETTINGS, type CptConfig } from '../../experiment/cpt-config';
import { RL_SETTINGS, type RlConfig } from '../../experiment/rl-config';
import { metaOf, type FieldMeta } from './config-fields';

export type RlNumberKey = { [K in keyof RlConfig]-?: RlConfig[K] extends number ? K : never }[keyof RlConfig];

/** The RL section's numeric inputs, from RL_SETTINGS. */
export const RL_FIELDS = Object.fromEntries(
  Object.entries(RL_SETTINGS)
    .filter(([, s]) => typeof s.default === 'number')
    .map(([key, s]) => [key, metaOf(s)]),
) as Record<RlNumberKey, FieldMeta>;

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

/** The CPT section's inputs, from CPT_SETTINGS. */
export const CPT_FIELDS = Object.fromEntries(
  Object.entries(CPT_SETTINGS).map(([key, s]) => [key, metaOf(s)]),
) as Record<keyof CptConfig, FieldMeta>;
