// JSONL export in TRL's shapes: SFT prompt/completion rows and GRPO prompt + answer rows, with the
// clean label beside noisy ones and set answers as lists.
import { describe, expect, it } from 'vitest';
import { buildDataset, validateDataConfig } from '../../src/tasks/dataset';
import { grpoJsonl, grpoRows, sftJsonl, type GrpoRow, type SftRow } from '../../src/tasks/export';
import { formatAnswer } from '../../src/tasks/format';

const lines = (jsonl: string) =>
  jsonl
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);

describe('export', () => {
  const ds = buildDataset(
    validateDataConfig({ task: 'addition', trainSize: 32, heldoutSize: 10, oodSize: 5, labelNoise: 0.25 }),
    3,
  );

  it('writes one SFT row per distinct training prompt, prompt + separator then the completion', () => {
    const text = sftJsonl(ds, { split: 'train' });
    expect(text.endsWith('\n')).toBe(true);
    const rows = lines(text) as SftRow[];
    expect(rows).toHaveLength(32);
    rows.forEach((r, i) => {
      expect(Object.keys(r)).toEqual(['prompt', 'completion']);
      expect(r.prompt).toBe(ds.train(i).example.prompt + '\n');
      expect(r.completion).toBe(ds.train(i).completion);
    });
    expect(new Set(rows.map((r) => r.prompt)).size).toBe(32);
    expect((lines(sftJsonl(ds, { split: 'heldout', separator: '' })) as SftRow[])[0]!.prompt).toBe(
      ds.heldout[0]!.prompt,
    );
  });

  it('writes GRPO rows with the (noisy) answer, the clean answer and the difficulty', () => {
    const rows = lines(grpoJsonl(ds, { split: 'train' })) as GrpoRow[];
    expect(rows).toHaveLength(32);
    expect(rows.filter((r) => r.answer !== r.clean_answer)).toHaveLength(8); // gamma 0.25 of 32
    rows.forEach((r, i) => {
      const item = ds.train(i);
      expect(r.answer).toBe(item.label);
      expect(r.clean_answer).toBe(item.cleanLabel);
      expect(r.difficulty).toBe(item.example.difficulty);
      expect(r).not.toHaveProperty('answer_set');
    });
    const held = grpoRows(ds, { split: 'ood' });
    expect(held).toHaveLength(5);
    expect(held[0]).not.toHaveProperty('clean_answer'); // evaluation labels are always clean
  });

  it('gives set-answer tasks an answer_set list on every row, and honours count', () => {
    const mh = buildDataset(
      validateDataConfig({
        task: 'multi_hop',
        trainSize: 0,
        heldoutSize: 40,
        oodSize: 0,
        taskConfig: { branchRate: 1 },
      }),
      1,
    );
    const rows = grpoRows(mh, { split: 'heldout' });
    expect(rows).toHaveLength(40);
    for (const [j, r] of rows.entries()) {
      expect(formatAnswer(r.answer_set!)).toBe(formatAnswer(mh.heldout[j]!.answer));
      expect(r.answer).toBe(r.answer_set!.join(', '));
    }
    expect(rows.some((r) => r.answer_set!.length > 1)).toBe(true);
    expect(grpoRows(mh, { split: 'train', count: 7 })).toHaveLength(7);
    expect(grpoRows(mh, { split: 'train', count: 1 })[0]).not.toHaveProperty('clean_answer_set');
    const noisy = buildDataset(
      validateDataConfig({ task: 'multi_hop', trainSize: 8, heldoutSize: 1, oodSize: 0, labelNoise: 0.5 }),
      1,
    );
    for (const [i, r] of grpoRows(noisy, { split: 'train' }).entries())
      expect(r.clean_answer_set).toEqual([noisy.train(i).cleanLabel].flat());
    expect(grpoRows(mh, { split: 'train' })).toHaveLength(1000);
  });
});
