// Token batches for next-token training: right-padded [B, L] inputs/targets with a loss mask.
// Plain typed arrays until the last line, so the layout is testable without tfjs.
import { PAD_ID, encodeExample } from '../model/tokenizer';

export interface TokenBatch {
  B: number;
  L: number;
  inputs: Int32Array; // [B, L] tokens 0..L-1 of each sequence
  targets: Int32Array; // [B, L] tokens 1..L (the next token)
  mask: Float32Array; // [B, L] 1 where the target is trained on
  numTokens: number; // real (non-pad) tokens in the batch
}

/** Pad lengths up to a multiple of this, so the GPU sees few distinct shapes (each is a new shader). */
export const LENGTH_BUCKET = 16;

/**
 * Build a batch from (prompt, completion) pairs. With `promptLoss` false only completion tokens
 * (and the final EOS) are targets, as in minGPT's adder: the prompt is masked in one line.
 */
export function makeBatch(
  pairs: { prompt: string; completion: string }[],
  context: number,
  promptLoss = false,
): TokenBatch {
  const seqs = pairs.map((p) => encodeExample(p.prompt, p.completion));
  const longest = Math.max(...seqs.map((s) => s.tokens.length)) - 1;
  if (longest + 1 > context)
    throw new Error(`an example is ${longest + 1} tokens long, more than the context of ${context}`);
  const L = Math.min(context - 1, Math.ceil(longest / LENGTH_BUCKET) * LENGTH_BUCKET);
  const B = seqs.length;
  const inputs = new Int32Array(B * L).fill(PAD_ID);
  const targets = new Int32Array(B * L).fill(PAD_ID);
  const mask = new Float32Array(B * L);
  let numTokens = 0;
  seqs.forEach(({ tokens, completionStart }, b) => {
    numTokens += tokens.length;
    for (let t = 0; t < tokens.length - 1; t++) {
      inputs[b * L + t] = tokens[t]!;
      targets[b * L + t] = tokens[t + 1]!;
      mask[b * L + t] = promptLoss || t + 1 >= completionStart ? 1 : 0;
    }
  });
  return { B, L, inputs, targets, mask, numTokens };
}
