import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord, CanonicalValues } from '../../src/core/model/canonical.js';
import type { Entity } from '../../src/core/model/entities.js';
import { fingerprint } from '../../src/core/plan/digest.js';
import { buildPlan, type Plan } from '../../src/core/plan/plan.js';
import { projected } from '../../src/core/plan/project.js';
import { RowSet, sameRecord, type TargetRecords } from '../../src/core/plan/row-sets.js';
import { TargetRows } from '../../src/app/target-rows.js';
import { useEmbeddedLms } from '../helpers/sandbox.js';
import { tempDir } from '../helpers/files.js';

const WHOLE: CanonicalValues = { id: 'jasmit', externalId: 'E1001', firstName: 'James', lastName: 'Smith', email: 'james@acme.co.uk', tags: ['a', 'b'], active: true, note: null, unread: 'x' };

describe('TargetRows: the target’s records a plan holds, past a number on disk (issue 22 goal 4)', () => {
  it('a record on disk reads as the plain record it stands for: fields, in, keys, spread, JSON, its whole record’s fingerprint; one record however often read; read-only', () => {
    const tmp = tempDir();
    const rows = new TargetRows(1, tmp);
    const plainRow = projected(WHOLE, ['id', 'externalId', 'firstName', 'lastName', 'email', 'tags', 'active', 'note']);
    rows.hold(plainRow);
    rows.hold(projected(WHOLE, ['id', 'externalId', 'firstName', 'lastName', 'email', 'tags', 'active', 'note']));
    const list = rows.list(0);
    expect(list.length).toBe(2);
    expect(list.at(0)).toBe(plainRow);
    const second = list.at(1)!;
    expect(second).not.toBe(plainRow);
    expect(second.lastName).toBe('Smith');
    expect(second.missing).toBeUndefined();
    expect('note' in second && !('unread' in second)).toBe(true);
    expect(Object.keys(second)).toEqual(Object.keys(plainRow));
    expect({ ...second }).toEqual({ ...plainRow });
    expect(JSON.stringify(second)).toBe(JSON.stringify(plainRow));
    expect(Object.entries(second)).toEqual(Object.entries(plainRow));
    expect(fingerprint(second)).toBe(fingerprint(WHOLE));
    // Made when read: two readings are two objects, one record by its number.
    const again = list.at(-1)!;
    expect(again).not.toBe(second);
    expect(sameRecord(again, second) && !sameRecord(second, list.at(0))).toBe(true);
    expect(new RowSet().add(second).has(again)).toBe(true);
    expect([...list].map((r) => r.id)).toEqual(['jasmit', 'jasmit']);
    expect(list.at(2)).toBeUndefined();
    expect(() => {
      (second as Record<string, unknown>).lastName = 'Other';
    }).toThrow(/read-only/);
    expect(readdirSync(tmp)).toEqual([]);
    rows.close();
    expect(() => second.lastName).toThrow(/after its temporary file was removed/);
  });

  it('past twice the number held, the first go to disk too: numbered as before, read as before', () => {
    const rows = new TargetRows(2, tempDir());
    const given = Array.from({ length: 5 }, (_, i) => projected({ id: `u${i}`, email: `u${i}@x.co`, tags: [String(i)] }, ['id', 'email', 'tags']));
    given.slice(0, 4).forEach((r) => rows.hold(r));
    expect(rows.list(0).at(0)).toBe(given[0]); // 4 held: not past twice 2 yet
    rows.hold(given[4]!);
    const list = rows.list(0);
    expect(list.at(0)).not.toBe(given[0]);
    expect([...list].map((r) => ({ ...r }))).toEqual(given.map((r) => ({ ...r })));
    expect([...list].map((r) => fingerprint(r))).toEqual(given.map((r) => fingerprint(r)));
    expect(sameRecord(list.at(1), rows.list(1).at(0)) && new RowSet().add(list.at(0)!).has(rows.list(0).at(0)!)).toBe(true);
    rows.close();
  });
});

const lms = useEmbeddedLms();

describe('a plan against target records held on disk is the plan against records in memory', () => {
  it('the same updates (from, to, fingerprints), creates, conflicts, duplicates on the target, deactivations of the missing and the brake', async () => {
    const on: CanonicalValues[] = ([
      ...Array.from({ length: 40 }, (_, i) => ({ id: `u${i}`, externalId: `E${i}`, firstName: 'Same', lastName: `Old${i}`, email: `p${i}@acme.co.uk`, status: 'Enabled', managerEmail: i ? 'p0@acme.co.uk' : null })),
      { id: 'dup1', externalId: 'D1', email: 'dup@acme.co.uk', status: 'Enabled' },
      { id: 'dup2', externalId: 'D2', email: 'dup@acme.co.uk', status: 'Enabled' },
      // A manager whose email this run changes, and whom another names by the new email: no change for the other (byId).
      { id: 'm33', externalId: 'M33', email: 'm33@acme.co.uk', status: 'Enabled', managerEmail: null },
      { id: 'm34', externalId: 'M34', email: 'm34@acme.co.uk', status: 'Enabled', managerEmail: 'm33@acme.co.uk' },
    ] as CanonicalValues[]).map((r) => projected(r, Object.keys(r)));
    let line = 1;
    const user = (values: CanonicalValues): CanonicalRecord => ({ entity: 'users', file: 'in.csv', line: ++line, values, source: { line: String(line) } });
    const input = [
      ...Array.from({ length: 30 }, (_, i) => user({ externalId: `E${i}`, firstName: 'Same', lastName: i % 3 ? `Old${i}` : `New${i}`, email: `P${i}@acme.co.uk`, managerEmail: i ? 'p0@acme.co.uk' : null })),
      user({ externalId: 'E31', email: 'p32@acme.co.uk', lastName: 'Taken' }),
      user({ externalId: 'N1', email: 'dup@acme.co.uk', lastName: 'Dup' }),
      user({ externalId: 'N2', email: 'n2@acme.co.uk', lastName: 'New', managerEmail: 'p1@acme.co.uk' }),
      user({ externalId: 'M33', email: 'boss33@acme.co.uk' }),
      user({ externalId: 'M34', email: 'm34@acme.co.uk', managerEmail: 'boss33@acme.co.uk' }),
    ];
    const plan = async (held: number, missing: 'deactivate' | 'ignore', fraction: number): Promise<Plan | string> => {
      const rows = new TargetRows(held, tempDir());
      try {
        return await buildPlan(lms(), input, { missing, maxMissing: { fraction }, blank: 'ignore', invalid: 0 }, new Map<Entity, TargetRecords>([['users', (on.forEach((r) => rows.hold(r)), rows.list(0))]]));
      } catch (error) {
        return (error as Error).message;
      } finally {
        rows.close();
      }
    };
    const a = (await plan(1_000, 'deactivate', 1)) as Plan;
    expect(a.summary).toMatchObject({ create: 1, update: 11, unchanged: 21, deactivate: 8 }); // E30–E39 less the two E31's keys find; M33's email, not M34's manager
    expect(a.conflicts.length).toBe(2);
    const same = (p: Plan | string) => (typeof p === 'string' ? p : { ...p, createdAt: '' });
    expect(same(await plan(0, 'deactivate', 1))).toEqual(same(a));
    expect(same(await plan(5, 'ignore', 1))).toEqual(same(await plan(1_000, 'ignore', 1)));
    // The brake stops both alike, naming the same records.
    expect(await plan(0, 'deactivate', 0.1)).toBe(await plan(1_000, 'deactivate', 0.1));
    expect(await plan(0, 'deactivate', 0.1)).toMatch(/missing from the input/);
  });
});
