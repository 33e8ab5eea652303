// The RL stage: GRPO steps on the training prompts (see grpo.ts), the RL evaluation every evalEvery
// steps with the latest step's rollouts for the inspector, and its checkpointable state.
import { paramsToArrays } from '../model/params';
import {
  createGrpoState,
  disposeGrpoState,
  disposeGrpoSteps,
  grpoStep,
  readGrpoMetrics,
  rlBatchItems,
  rlLearningRate,
  type GrpoStepOutput,
} from './grpo';
import { evaluateRl } from './rl-eval';
import { rolloutRecords } from './rollout-record';
import { assignArrays, prefixed, unprefixed } from './checkpoint';
import type { Stage, StageContext, StageState } from './stage';

/** What the inspector needs of the latest step, kept on the CPU after its device values are read. */
type LastStep = Pick<GrpoStepOutput, 'step' | 'rollouts' | 'rewards' | 'advantages'>;

export function rlStage({ params, config, model, dataset }: StageContext): Stage<GrpoStepOutput> {
  const { rl, seed } = config;
  const state = createGrpoState(params, rl); // fresh AdamW; the reference is the policy as RL starts
  let last: LastStep | null = null;

  return {
    name: 'rl',
    steps: rl.steps,
    logEvery: rl.logEvery,
    evalEvery: rl.evalEvery,
    checkpointEvery: rl.checkpointEvery,
    async step(local) {
      state.step = local; // rollout seeds are (seed, step): a restored run samples what it would have
      const out = await grpoStep(
        state,
        { model, rl, task: dataset.task, seed },
        rlBatchItems(dataset, local, rl.promptsPerStep),
        rlLearningRate(rl, local),
      );
      last = { step: out.step, rollouts: out.rollouts, rewards: out.rewards, advantages: out.advantages };
      return out;
    },
    async read(pending) {
      return readGrpoMetrics(pending, rl);
    },
    discard: disposeGrpoSteps,
    async evaluate(local) {
      const opts = {
        evalSize: rl.evalSize,
        passK: rl.passK,
        maxNewTokens: rl.maxCompletionLength,
        temperature: rl.temperature,
        topK: rl.topK,
        seed,
        step: local,
      };
      const { values, samples } = await evaluateRl(params, model, dataset, opts);
      const rollouts = last
        ? rolloutRecords(last.step, last.rollouts, last.rewards, last.advantages, dataset.task, rl.rolloutsKept)
        : [];
      return { values, samples, rollouts };
    },
    async save(): Promise<StageState> {
      const optimizer = {
        ...prefixed('m/', await paramsToArrays(state.opt.m)),
        ...prefixed('v/', await paramsToArrays(state.opt.v)),
        ...(state.ref ? prefixed('ref/', await paramsToArrays(state.ref)) : {}),
      };
      return { optimizer, state: { adamStep: state.opt.t, rlStep: state.step, tokens: state.tokens } };
    },
    restore(saved) {
      assignArrays(state.opt.m, unprefixed('m/', saved.optimizer));
      assignArrays(state.opt.v, unprefixed('v/', saved.optimizer));
      if (state.ref) assignArrays(state.ref, unprefixed('ref/', saved.optimizer));
      state.opt.t = saved.state.adamStep ?? 0;
      state.step = saved.state.rlStep ?? 0;
      state.tokens = saved.state.tokens ?? 0;
    },
    dispose: () => disposeGrpoState(state),
  };
}
