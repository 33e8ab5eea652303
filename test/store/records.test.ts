// Damaged records in IndexedDB: every read is checked with the import's schema, so a bad run record is
// listed apart (damaged, deletable) and never hides the others, a bad metric row or rollout group is
// skipped and counted, and a damaged checkpoint is passed over. An import refuses a malformed rollout
// group with a message naming the field.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { openLabDb, type LabDb } from '../../src/store/db';
import { packArchive, unpackArchive } from '../../src/store/archive';
import { collectRuns, writeRuns } from '../../src/store/library';
import { deleteRun, getRun, listRuns, readRuns } from '../../src/store/runs';
import { getMetrics, latestCheckpoint, readMetrics, readRollouts } from '../../src/store/step-rows';
import { crc32Hex } from '../../src/util/crc32';
import { bundle, checkpoint, freshName, rolloutGroup } from './fixtures';

/** Write a raw value past the typed API, as a damaged disk, an old bug or a hand edit leaves it. */
async function putRaw(
  db: LabDb,
  store: 'runs' | 'metrics' | 'rollouts' | 'checkpoints',
  value: unknown,
): Promise<void> {
  await db.put(store, value as never);
}

async function library(): Promise<LabDb> {
  const db = await openLabDb(freshName());
  await writeRuns(db, [bundle('a', 1), bundle('b', 2)]);
  return db;
}

describe('reading a library with damaged records', () => {
  it('lists every sound run, and each damaged run record apart with what is wrong', async () => {
    const db = await library();
    const good = (await getRun(db, 'a'))!;
    await putRaw(db, 'runs', { ...good, id: 'null-config', name: 'config null', createdAt: 3, config: null });
    await putRaw(db, 'runs', { ...good, id: 'text-config', name: 'config text', createdAt: 4, config: 'x' });
    await putRaw(db, 'runs', { id: 'bare', createdAt: 'yesterday' });
    const { runs, damaged } = await readRuns(db);
    expect(runs.map((r) => r.id)).toEqual(['b', 'a']);
    expect(await listRuns(db)).toEqual(runs);
    expect(damaged.map((d) => [d.key, d.label])).toEqual([
      ['bare', 'bare'],
      ['null-config', 'config null'],
      ['text-config', 'config text'],
    ]);
    expect(damaged[1]!.problem).toBe('its config is not valid (config: the run config must be an object)');
    expect(damaged[0]!.problem).toMatch(/^the record, at name: /);
    expect(await getRun(db, 'null-config')).toBeUndefined();
    await deleteRun(db, damaged[1]!.key);
    expect((await readRuns(db)).damaged.map((d) => d.key)).toEqual(['bare', 'text-config']);
  });

  it('skips a metric row whose values are not numbers, and counts it', async () => {
    const db = await library();
    await putRaw(db, 'metrics', { runId: 'a', step: 5, stage: 'sft', time: 5, values: null });
    await putRaw(db, 'metrics', { runId: 'a', step: 7, stage: 'sft', time: 7, values: { loss: 'high' } });
    const read = await readMetrics(db, 'a');
    expect(read.damaged).toBe(2);
    expect(read.rows.map((r) => r.step)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect(Number.isNaN(read.rows[1]!.values.grad_norm)).toBe(true); // a stored NaN is a value, not damage
    expect((await getMetrics(db, 'a')).length).toBe(10);
  });

  it('keeps the sound groups of a rollout row and counts the rest', async () => {
    const db = await library();
    const bad = { ...rolloutGroup(30), completions: [null, {}, 'x'] };
    await putRaw(db, 'rollouts', { runId: 'a', step: 30, groups: [rolloutGroup(30), bad, null] });
    await putRaw(db, 'rollouts', { runId: 'a', step: 40, groups: 'none' });
    const read = await readRollouts(db, 'a');
    expect(read.rows.map((r) => [r.step, r.groups.length])).toEqual([
      [20, 1],
      [30, 1],
    ]);
    expect(read.damaged).toBe(3); // two groups at step 30, the whole row at step 40
  });

  it('passes over a damaged newest checkpoint for the one before it', async () => {
    const db = await library();
    const broken = checkpoint('a', 30);
    await putRaw(db, 'checkpoints', {
      ...broken,
      weights: { ...broken.weights, tok_emb: { shape: [3, 3], data: new ArrayBuffer(4) } },
    });
    expect((await latestCheckpoint(db, 'a'))?.step).toBe(20);
  });

  it('exports only what passes the check, so the file imports again', async () => {
    const db = await library();
    await putRaw(db, 'metrics', { runId: 'a', step: 5, stage: 'sft', time: 5, values: null });
    await putRaw(db, 'rollouts', { runId: 'a', step: 30, groups: [{ ...rolloutGroup(30), completions: [null] }] });
    const decoded = unpackArchive(packArchive(await collectRuns(db, ['a'])));
    expect(decoded.ok).toBe(true);
  });
});

describe('importing rollout groups', () => {
  it('refuses a group whose completions are not completions, naming the field', () => {
    const file = packArchive([bundle('a', 1)]);
    const decoded = unpackArchive(file);
    if (!decoded.ok) throw new Error(decoded.error);
    const b = decoded.value[0]!;
    const tampered = {
      ...b,
      checkpoints: [],
      rollouts: [{ ...b.rollouts[0]!, groups: [{ ...rolloutGroup(20), completions: [null, {}, 'x'] }] }],
    };
    const manifest = strToU8(
      JSON.stringify({
        format: 'rlvr-lab-library',
        version: 1,
        exportedAt: 1,
        runs: [
          {
            run: tampered.run,
            metrics: [],
            samples: [],
            rollouts: tampered.rollouts.map(({ runId: _, ...r }) => r),
            checkpoints: [],
          },
        ],
      }),
    );
    const tensors = new Uint8Array(0);
    const sums = strToU8(JSON.stringify({ 'manifest.json': crc32Hex(manifest), 'tensors.bin': crc32Hex(tensors) }));
    const result = unpackArchive(
      zipSync({ 'manifest.json': manifest, 'tensors.bin': tensors, 'checksums.json': sums }),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(
      /^The file's content is not valid \(manifest, at runs\.0\.rollouts\.0\.groups\.0\.completions\.0: /,
    );
  });

  it('accepts the groups the GRPO stage writes, NaN rewards included', () => {
    const b = bundle('a', 1);
    const group = rolloutGroup(20);
    group.completions[0]!.advantage = NaN;
    const decoded = unpackArchive(packArchive([{ ...b, rollouts: [{ runId: 'a', step: 20, groups: [group] }] }]));
    if (!decoded.ok) throw new Error(decoded.error);
    expect(Number.isNaN((decoded.value[0]!.rollouts[0]!.groups[0] as typeof group).completions[0]!.advantage)).toBe(
      true,
    );
  });
});
