// Character tokenizer: 4 special ids, newline, then printable ASCII 32..126 (100 ids in all).
// Pure TS (no tfjs): the UI and the task code may use it. Not a subword tokenizer, on purpose.

export const PAD_ID = 0; // fills batches to a common length; never trained on
export const BOS_ID = 1; // start of every sequence
export const EOS_ID = 2; // end of a completion; trained on, so the model learns to stop
export const SEP_ID = 3; // between prompt and completion
const FIRST_CHAR_ID = 4; // '\n' is 4, ' ' (32) is 5, ..., '~' (126) is 99

const CHARS = '\n' + Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
export const VOCAB_SIZE = FIRST_CHAR_ID + CHARS.length; // 100

const CHAR_TO_ID = new Map<string, number>([...CHARS].map((ch, i) => [ch, FIRST_CHAR_ID + i]));

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return `${JSON.stringify(ch)} (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** Ids of `text`; throws naming the first character outside newline + printable ASCII. */
export function encode(text: string): number[] {
  const ids: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const id = CHAR_TO_ID.get(text[i]!);
    if (id === undefined) {
      const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
      throw new Error(
        `cannot encode character ${describeChar(ch)} at position ${i}: only newline and printable ASCII (space to ~) are allowed`,
      );
    }
    ids.push(id);
  }
  return ids;
}

/** Text of `ids`: skips PAD, BOS and SEP, stops at the first EOS. */
export function decode(ids: readonly number[]): string {
  let out = '';
  for (const id of ids) {
    if (id === EOS_ID) break;
    if (id < FIRST_CHAR_ID || id >= VOCAB_SIZE) continue;
    out += CHARS[id - FIRST_CHAR_ID];
  }
  return out;
}

export function isEncodable(text: string): boolean {
  for (const ch of text) if (!CHAR_TO_ID.has(ch)) return false;
  return true;
}

/** [BOS, ...prompt, SEP]: what the model sees before it generates. */
export function encodePrompt(prompt: string): number[] {
  return [BOS_ID, ...encode(prompt), SEP_ID];
}

/**
 * [BOS, ...prompt, SEP, ...completion, EOS]. `completionStart` is the index of the first completion
 * token; tokens from there to the end (EOS included) are the ones trained on.
 * Example: prompt "1+2", completion "3" -> [1, 22, 16, 23, 3, 24, 2], completionStart 5.
 */
export function encodeExample(prompt: string, completion: string): { tokens: number[]; completionStart: number } {
  const head = encodePrompt(prompt);
  return { tokens: [...head, ...encode(completion), EOS_ID], completionStart: head.length };
}
