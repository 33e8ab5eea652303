// Hand-made rollouts for the reward and token-batch tests: plain data, no model.
import { encode, encodePrompt } from '../../../src/model/tokenizer';
import { addition } from '../../../src/tasks/addition';
import type { TrainItem } from '../../../src/tasks/dataset';
import type { Example } from '../../../src/tasks/types';
import type { Rollouts } from '../../../src/train/rollout';

/** An addition training item a + b; `label` overrides the reward label (persistent noise). */
export function additionItem(a: number, b: number, label?: string): TrainItem {
  const answer = String(a + b);
  const example: Example = {
    key: `${a}+${b}`,
    prompt: `${a}+${b}=?`,
    steps: [],
    answer,
    difficulty: 1,
    meta: { a: String(a), b: String(b) },
  };
  const noisy = label !== undefined && label !== answer;
  return {
    index: 0,
    slot: 0,
    example,
    label: label ?? answer,
    cleanLabel: answer,
    noisy,
    corrupted: false,
    completion: '',
  };
}

/** Rollouts from completion texts, parsed by the addition task; `unfinished` lists truncated samples as [group, sample]. */
export function fakeRollouts(
  groups: { item: TrainItem; texts: string[] }[],
  G: number,
  unfinished: [number, number][] = [],
): Rollouts {
  const cut = new Set(unfinished.map(([b, j]) => `${b}/${j}`));
  return {
    G,
    samplesPerPrompt: groups[0]!.texts.length,
    groups: groups.map(({ item, texts }, b) => ({
      item,
      prompt: encodePrompt(item.example.prompt),
      samples: texts.map((text, j) => ({
        ids: encode(text),
        text,
        finished: !cut.has(`${b}/${j}`),
        parsed: addition.parse(text),
      })),
    })),
  };
}
