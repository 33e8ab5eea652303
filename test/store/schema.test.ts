// The schema's migrations (a database at every older version upgrades with its data intact) and two
// tabs across an upgrade: the old connection steps aside, and a page older than the database says so.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { DB_VERSION, NEWER_DB_MESSAGE, STORE_NAMES, openLabDb } from '../../src/store/db';
import { getRun, putRun } from '../../src/store/runs';
import { getMetrics, getRollouts, putMetrics, putRollouts } from '../../src/store/step-rows';
import { freshName, rolloutGroup, runRecord } from './fixtures';

describe('schema and migrations', () => {
  it('opens a new database at the current version with every object store', async () => {
    const db = await openLabDb(freshName());
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    for (const name of STORE_NAMES.filter((n) => n !== 'runs'))
      expect([...db.transaction(name).store.indexNames]).toEqual(['byRun']);
    db.close();
  });

  it.each(Array.from({ length: DB_VERSION - 1 }, (_, i) => i + 1))(
    'migrates a database at version %i to the current one, keeping its data',
    async (old) => {
      const name = freshName();
      const before = await openLabDb(name, {}, old);
      expect(before.version).toBe(old);
      await putRun(before, runRecord('a', 1));
      await putMetrics(before, [{ runId: 'a', step: 5, stage: 'sft', time: 0, values: { loss: 2 } }]);
      before.close();
      const after = await openLabDb(name);
      expect(after.version).toBe(DB_VERSION);
      expect([...after.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
      expect((await getRun(after, 'a'))?.name).toBe('run a');
      expect((await getMetrics(after, 'a')).map((m) => m.values.loss)).toEqual([2]);
      // The v2 rollouts store works on a migrated database.
      await putRollouts(after, { runId: 'a', step: 5, groups: [rolloutGroup(5)] });
      expect(await getRollouts(after, 'a')).toEqual([{ runId: 'a', step: 5, groups: [rolloutGroup(5)] }]);
      after.close();
    },
  );

  it('lets another tab upgrade: the old connection closes itself and its owner is told', async () => {
    const name = freshName();
    let told = 0;
    const oldTab = await openLabDb(name, { onVersionChange: () => told++ }, 1);
    const newTab = await openLabDb(name); // would wait forever if the old tab kept its connection
    expect(newTab.version).toBe(DB_VERSION);
    expect(told).toBe(1);
    expect(() => oldTab.transaction('runs')).toThrow(); // closed
    // The old tab's code (schema 1) cannot reopen a newer database: it gets a message saying to reload.
    await expect(openLabDb(name, {}, 1)).rejects.toThrow(NEWER_DB_MESSAGE);
    // A tab with the current code reopens fine.
    const again = await openLabDb(name);
    expect(again.version).toBe(DB_VERSION);
    newTab.close();
    again.close();
  });

  it('reports an upgrade blocked by a tab that keeps an old connection open, and finishes when it closes', async () => {
    const name = freshName();
    const stubborn = await openDB(name, 1, { upgrade: (db) => void db.createObjectStore('runs', { keyPath: 'id' }) });
    let blocked = 0;
    const opening = openLabDb(name, { onBlocked: () => blocked++ });
    await new Promise((r) => setTimeout(r, 50));
    expect(blocked).toBe(1);
    stubborn.close();
    // Version 1 was created by hand with only `runs`: the v2 migration still runs, v1's does not rerun.
    const db = await opening;
    expect(db.version).toBe(DB_VERSION);
    expect(db.objectStoreNames.contains('rollouts')).toBe(true);
    db.close();
  });
});
