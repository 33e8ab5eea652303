// The completion convention shared by every task, and the scoring built on it:
//   step line
//   step line
//   A: <answer>          (several answers: "A: Ana, Kam")
// Steps are the trimmed non-empty lines before the first answer line; anything after it is ignored.
// Not task logic: each task reads its own step lines (see its readStep).

/** The prefix of the answer line, the one convention of every task. */
export const ANSWER_PREFIX = 'A: ';

const ANSWER_LINE = /^(?:A|Answer)\s*:\s*(.*)$/i;

/** The answer line for a label; lists are joined by ", " in the order given. */
export function formatAnswer(answer: string | readonly string[]): string {
  return ANSWER_PREFIX + (typeof answer === 'string' ? answer : answer.join(', '));
}

/** A completion from step lines and a label. */
export function joinCompletion(steps: readonly string[], answer: string | readonly string[]): string {
  return [...steps, formatAnswer(answer)].join('\n');
}

/**
 * Any text -> its stated steps and answer. Never throws: a non-string or junk gives no answer.
 * The first answer line wins, so emitting several answers cannot collect credit for any of them.
 */
export function parseCompletion(completion: unknown): { steps: string[]; answer: string | null } {
  if (typeof completion !== 'string') return { steps: [], answer: null };
  const steps: string[] = [];
  for (const raw of completion.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const m = ANSWER_LINE.exec(line);
    if (m) {
      const answer = (m[1] ?? '').trim();
      return { steps, answer: answer === '' ? null : answer };
    }
    steps.push(line);
  }
  return { steps, answer: null };
}

/** Case-folded, whitespace-collapsed, without a trailing period: the "normalized" of exact match. */
export function normalize(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim().replace(/\.$/, '').trim();
}

/** A stated list answer -> its distinct normalized items ("Ana, Kam and Bo" -> [ana, kam, bo]). */
export function splitList(s: string): string[] {
  const items = s
    .split(/,|;|\band\b/i)
    .map(normalize)
    .filter((x) => x !== '');
  return [...new Set(items)];
}

/** Set-F1 between two lists of normalized items. Both empty counts as a match. */
export function setF1(gold: readonly string[], stated: readonly string[]): number {
  const g = new Set(gold);
  const s = new Set(stated);
  if (g.size === 0 && s.size === 0) return 1;
  let hits = 0;
  for (const x of s) if (g.has(x)) hits++;
  if (hits === 0) return 0;
  const precision = hits / s.size;
  const recall = hits / g.size;
  return (2 * precision * recall) / (precision + recall);
}

/** 0/1 strict normalized exact match for a single answer; set-F1 for a list. No substring credit. */
export function scoreAnswer(label: string | readonly string[], stated: string | null): number {
  if (stated === null) return 0;
  if (typeof label === 'string') return normalize(stated) === normalize(label) ? 1 : 0;
  return setF1(label.map(normalize), splitList(stated));
}

/** Does a derived answer equal a stated one, under the same normalization as scoring? */
export function sameAnswer(a: string | readonly string[] | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  return scoreAnswer(a, b) === 1;
}
