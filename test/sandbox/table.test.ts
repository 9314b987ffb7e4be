import { describe, expect, it } from 'vitest';
import { Table } from '../../src/sandbox/table.js';

describe('the emulator’s tables', () => {
  it('find the rows whose list has an item through an index kept up to date on every set and delete (who a user manages)', () => {
    const split = (v: unknown) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : []);
    const users = new Table([['a', { ID: 'a' }], ['b', { ID: 'b', ManagerUsersIDs: 'a' }]]);
    const managed = (id: string) => users.having('ManagerUsersIDs', id, split).sort();
    // The same as a scan of every row, after each of many writes (the index built on the first read, then kept).
    const scan = (id: string) => users.rows().filter((r) => split(r.ManagerUsersIDs).includes(id)).map((r) => String(r.ID)).sort();
    let seed = 11;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let step = 0; step < 400; step++) {
      const id = ids[Math.floor(next() * ids.length)]!;
      if (next() < 0.2) users.delete(id);
      else users.set(id, { ID: id, ManagerUsersIDs: ids.filter(() => next() < 0.3).join(', ') || null });
      for (const m of ids) expect(managed(m)).toEqual(scan(m));
    }
  });
});
