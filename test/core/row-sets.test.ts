import { describe, expect, it } from 'vitest';
import { TargetRows } from '../../src/app/target-rows.js';
import type { CanonicalValues } from '../../src/core/model/canonical.js';
import { numberRow, ROW_NUMBER, RowMap, RowSet } from '../../src/core/plan/row-sets.js';
import { tempDir } from '../helpers/files.js';

describe('RowSet and RowMap: the plan’s sets and maps of target records, by the number each was given (issue 22 goal 4)', () => {
  it('hold numbered records by number, and any other record as a Set or Map would', () => {
    const a = numberRow({ id: 'a' }, 0);
    const b = numberRow({ id: 'b' }, 70_000);
    const loose: CanonicalValues = { id: 'loose' };
    const twin: CanonicalValues = { id: 'loose' };
    const set = new RowSet();
    expect([set.has(a), set.has(b), set.has(loose)]).toEqual([false, false, false]);
    set.add(b).add(loose);
    expect([set.has(a), set.has(b), set.has(loose), set.has(twin)]).toEqual([false, true, true, false]);
    const map = new RowMap<string>();
    map.set(b, 'B').set(loose, 'L').set(a, 'A');
    expect([map.get(a), map.get(b), map.get(loose), map.get(twin), map.has(numberRow({ id: 'c' }, 5))]).toEqual(['A', 'B', 'L', undefined, false]);
  });

  it('a record’s number is out of sight: not a key, not in JSON, not copied by a spread', () => {
    const row = numberRow({ id: 'a', email: 'a@x' }, 3);
    expect(Object.keys(row)).toEqual(['id', 'email']);
    expect(JSON.stringify(row)).toBe('{"id":"a","email":"a@x"}');
    expect(ROW_NUMBER in { ...row }).toBe(false);
    expect(row[ROW_NUMBER as unknown as string]).toBe(3);
  });

  it('TargetRows numbers every record it holds, in memory or on disk; a record on disk says its number without reading the disk', () => {
    const rows = new TargetRows(2, tempDir());
    for (const i of [0, 1, 2, 3]) rows.hold({ id: `u${i}` });
    const held = [...rows.list(0)];
    const set = new RowSet();
    set.add(held[3]!).add(held[0]!);
    rows.close(); // what is on disk can no longer be read: the numbers still can
    expect(held.map((r) => r[ROW_NUMBER as unknown as string])).toEqual([0, 1, 2, 3]);
    expect(held.map((r) => set.has(r))).toEqual([true, false, false, true]);
  });
});
