// Dataset-level metrics over scored items that a single example's score cannot give: binary F1
// (PARO scores numerical matching by F1) and the mean of per-example scores.
// Pure arithmetic over labels; per-example scoring stays in each task.
import { normalize } from './format';

/** Precision, recall and F1 of the `positive` class; a missing prediction counts as negative. */
export function binaryF1(
  gold: readonly string[],
  predicted: readonly (string | null)[],
  positive: string,
): { precision: number; recall: number; f1: number } {
  if (gold.length !== predicted.length)
    throw new RangeError(`binaryF1: ${gold.length} labels but ${predicted.length} predictions.`);
  const pos = normalize(positive);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  gold.forEach((g, i) => {
    const isGold = normalize(g) === pos;
    const isPred = predicted[i] !== null && normalize(predicted[i]!) === pos;
    if (isGold && isPred) tp++;
    else if (isPred) fp++;
    else if (isGold) fn++;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Macro F1: the mean of both classes' F1 (does not reward always answering the majority class). */
export function macroF1(
  gold: readonly string[],
  predicted: readonly (string | null)[],
  classes: readonly [string, string],
): number {
  return (binaryF1(gold, predicted, classes[0]).f1 + binaryF1(gold, predicted, classes[1]).f1) / 2;
}
