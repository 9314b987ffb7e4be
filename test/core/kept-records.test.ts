import { copyFileSync, existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesNamed } from '../../src/connectors/registry.js';
import type { CanonicalRecord, CanonicalValues } from '../../src/core/model/canonical.js';
import type { Entity } from '../../src/core/model/entities.js';
import { buildPlan, type Plan } from '../../src/core/plan/plan.js';
import { HELD_IN_MEMORY, KeptRecords } from '../../src/core/validate/kept-records.js';
import { planImport } from '../../src/app/import-run.js';
import { openTarget } from '../../src/app/open-target.js';
import { validateFiles, type ValidationReport } from '../../src/core/validate/validate-files.js';
import { ROOT } from '../helpers/cli.js';
import { useEmbeddedLms, useSandbox } from '../helpers/sandbox.js';
import { manyUsers, tempDir, write } from '../helpers/files.js';
import { fakeTarget, OPTIONS } from './plan-fakes.js';

/** A record as plain data: what a reader of it sees, however it is held. */
const plain = (r: CanonicalRecord) => ({ entity: r.entity, file: r.file, line: r.line, values: r.values, source: r.source, mapped: r.mapped });

describe('KeptRecords: the records kept for a plan, past a number on disk (issue 22 goal 4)', () => {
  it('gives back each record as kept, in order, the first in memory and the rest read back from a private file that close() removes', () => {
    const tmp = tempDir();
    const kept = new KeptRecords(160, tmp); // under twice 160: the first 160 stay in memory
    const rows: CanonicalRecord[] = Array.from({ length: 300 }, (_, i) => ({
      entity: 'users', file: 'in.csv', line: i + 2,
      values: { externalId: `E${i}`, lastName: i % 3 ? `Lé ${i} “x”` : null, tags: ['a', 'b'], active: i % 2 === 0 },
      source: { 'Employee ID': `E${i}`, Salary: i, Nested: { deep: [1, null] } },
      ...(i % 5 === 0 ? { mapped: { status: 'Aktiv' } } : {}),
    }));
    rows.forEach((r) => kept.push(r));
    kept.push(rows[7]!, true); // a row already left out: held as it is whatever the count
    expect(kept.length).toBe(301);
    expect(kept.at(0)).toBe(rows[0]);
    expect(kept.at(300)).toBe(rows[7]);
    expect(kept.at(159)).toBe(rows[159]);
    expect(kept.at(160)).not.toBe(rows[160]);
    // Read out of order too (a plan reads a conflict's other row back), and again.
    for (const i of [299, 162, 250, 163, 299]) expect(plain(kept.at(i))).toEqual(plain(rows[i]!));
    const { kept: ok, others } = kept.partition((r) => r.line % 2 === 0);
    expect(ok.map(plain)).toEqual(rows.filter((r) => r.line % 2 === 0).map(plain));
    // What is left out is handed on as plain records: it outlives the file (results, failed rows).
    expect(others.slice(0, -1).every((r) => Object.getPrototypeOf(r) === Object.prototype)).toBe(true);
    // The file's name is gone from the start: nothing is left in the folder, even while it is open.
    expect(readdirSync(tmp)).toEqual([]);
    expect(kept.length).toBe(0); // the arrays given are the records now
    kept.close();
    expect(() => ok.at(-1)!.values).toThrow(/after its temporary file was removed/);
    expect(others.map(plain)).toEqual(rows.filter((r) => r.line % 2 === 1).concat(rows[7]!).map(plain));
  });
});

describe('KeptRecords past twice the number held: the first go to disk too', () => {
  it('a record given to stay in memory stays the very object; every other reads back as it was kept; from then on only those stay', () => {
    const kept = new KeptRecords(3, tempDir());
    const rows: CanonicalRecord[] = Array.from({ length: 9 }, (_, i) => ({ entity: i % 2 ? 'users' : 'companies', file: `f${i % 3}.csv`, line: i + 2, values: { externalId: `E${i}` }, source: { id: `E${i}` } }));
    kept.push(rows[0]!);
    kept.push(rows[1]!, true);
    for (const r of rows.slice(2, 6)) kept.push(r);
    expect(kept.at(0)).toBe(rows[0]); // 6 kept: not past twice 3 yet
    kept.push(rows[6]!);
    expect(kept.at(0)).not.toBe(rows[0]);
    expect(kept.at(2)).not.toBe(rows[2]);
    expect(kept.at(1)).toBe(rows[1]);
    expect(kept.holdsNext()).toBe(false);
    expect(kept.holdsNext(true)).toBe(true);
    kept.push(rows[7]!);
    kept.push(rows[8]!, true);
    expect(kept.at(8)).toBe(rows[8]);
    expect(Array.from({ length: 9 }, (_, k) => plain(kept.at(k)))).toEqual(rows.map(plain));
    kept.close();
  });
});

const lms = useEmbeddedLms();
const sandbox = useSandbox();

const ON_TARGET: CanonicalValues[] = [
  { id: 'jasmit', externalId: 'E1001', firstName: 'James', lastName: 'Smith', email: 'james.smith@acme-logistics.co.uk', status: 'Enabled', companyId: 'ACME01' },
  { id: 'prpate', externalId: 'E1002', firstName: 'Priya', lastName: 'Old', email: 'priya.patel@acme-logistics.co.uk', status: 'Enabled', companyId: 'ACME01' },
  { id: 'twin1', externalId: 'E1003', firstName: 'Twin', lastName: 'One', email: 'twin@acme-logistics.co.uk', status: 'Enabled', companyId: 'ACME01' },
  { id: 'gone', externalId: 'E1099', firstName: 'Gone', lastName: 'Away', email: 'gone@acme-logistics.co.uk', status: 'Enabled', companyId: 'ACME01' },
];

describe('a plan made from records kept on disk is the plan made from records in memory', () => {
  it('the same records, the same rows left out, the same operations, conflicts and counts', async () => {
    const dir = tempDir();
    copyFileSync(join(ROOT, 'samples', 'companies.csv'), join(dir, 'companies.csv'));
    // Rows that are new, change, conflict (keys finding two records), are invalid (no last name; a
    // duplicate found only once the whole file is read) and ragged.
    write(dir, 'users.csv', [
      'Employee ID,First name,Last name,Email,Company ID,Status',
      'E1002,Priya,Patel,priya.patel@acme-logistics.co.uk,ACME01,Enabled',
      'E1001,James,Smith,twin@acme-logistics.co.uk,ACME01,Enabled',
      ...Array.from({ length: 20 }, (_, i) => `N${i},New,Person ${i},new${i}@acme-logistics.co.uk,ACME01,${i % 4 ? 'Enabled' : 'Disabled'}`),
      'E1005,No,,nolast@acme-logistics.co.uk,ACME01,Enabled',
      'E1006,Dup,One,dup@acme-logistics.co.uk,ACME01,Enabled',
      'E1006,Dup,Two,dup2@acme-logistics.co.uk,ACME01,Enabled',
      'E1007,Ragged,Row,ragged@acme-logistics.co.uk,ACME01,Enabled,extra',
      'E1008,Blank,Status,blank@acme-logistics.co.uk,ACME01,',
    ].join('\n'));
    const read = (heldRecords?: number) => validateFiles(['companies.csv', 'users.csv'], { rules: rulesNamed('accessplanit')!, read: { cwd: dir }, keepRecords: true, ...(heldRecords !== undefined ? { heldRecords } : {}) });
    const plan = (report: ValidationReport, known = false) =>
      buildPlan(
        lms(), report.records!,
        { missing: 'deactivate', maxMissing: { fraction: 1 }, blank: 'ignore', invalid: 0, leftOut: report.rejected!, ...(known ? { inputFields: report.recordFields! } : {}) },
        new Map<Entity, CanonicalValues[]>([['users', ON_TARGET]]),
      );
    const inMemory = await read();
    const onDisk = await read(0);
    try {
      expect(onDisk.records!.length).toBeGreaterThan(10);
      expect(onDisk.records!.map(plain)).toEqual(inMemory.records!.map(plain));
      expect(onDisk.rejected!.map(plain)).toEqual(inMemory.rejected!.map(plain));
      expect(inMemory.rejected!.length).toBeGreaterThanOrEqual(3);
      const [a, b] = await Promise.all([plan(inMemory), plan(onDisk)]);
      const same = (p: Plan) => ({ ...p, createdAt: '' });
      expect(a.operations.length).toBeGreaterThan(5);
      expect(a.conflicts.length).toBeGreaterThan(0);
      expect(same(b)).toEqual(same(a));
      // The fields validation saw, given to the plan (it then reads no row to learn them): the same plan.
      expect(onDisk.recordFields?.get('users')).toEqual(new Set(Object.keys(inMemory.records!.find((r) => r.entity === 'users')!.values)));
      expect(same(await plan(onDisk, true))).toEqual(same(a));
    } finally {
      inMemory.closeRecords?.();
      onDisk.closeRecords?.();
    }
  });
});

describe('a blind plan (a target that cannot list) of records kept on disk', () => {
  it('keeps each row’s source when it sends a row with a reference left out (a record re-made with other values keeps all the rest)', async () => {
    const WIRE = { id: 'id', externalId: 'externalId', email: 'email', status: 'status', approvers: 'approvers', managerEmail: 'managerEmail' };
    const blind = fakeTarget({ deactivation: () => ({ field: 'status', value: 'inactive', active: 'active' }), writtenAfter: () => [{ field: 'approvers', key: 'email', active: true }, { field: 'managerEmail', key: 'email', active: true }] }, WIRE);
    const rows: CanonicalRecord[] = [
      { entity: 'users', file: 'in.csv', line: 2, values: { externalId: 'S1', email: 'sam@go.example', status: 'inactive' }, source: { ID: 'S1' } },
      { entity: 'users', file: 'in.csv', line: 3, values: { externalId: 'T1', email: 'tia@go.example', managerEmail: 'sam@go.example' }, source: { ID: 'T1', Manager: 'sam@go.example' }, mapped: { status: 'Aktiv' } },
    ];
    const kept = new KeptRecords(0, tempDir());
    rows.forEach((r) => kept.push(r));
    const onDisk = kept.partition(() => true).kept;
    try {
      const [a, b] = await Promise.all([buildPlan(blind, rows, { ...OPTIONS, synced: new Map() }, new Map()), buildPlan(blind, onDisk, { ...OPTIONS, synced: new Map() }, new Map())]);
      expect(a.operations.find((o) => o.key === 'externalId=T1')).toMatchObject({ source: { ID: 'T1', Manager: 'sam@go.example' }, mapped: { status: 'Aktiv' } });
      expect({ ...b, createdAt: '' }).toEqual({ ...a, createdAt: '' });
    } finally {
      kept.close();
    }
  });
});

describe('an import of more rows than are held in memory', () => {
  /** This process's open temporary files (their names removed at once: "…/spill.ndjson (deleted)"). */
  const spills = () => readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).includes('spill.ndjson');
    } catch {
      return false; // closed meanwhile
    }
  }).length;
  it.skipIf(!existsSync('/proc/self/fd'))('removes its temporary file of rows once it has planned (its descriptor closed)', async () => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: sandbox().urls.accessplanit, apiKey: 'env:AP_KEY', rateLimit: '100000/s' } }, defaultTarget: 'lms' }));
    write(dir, 'u.csv', manyUsers('KR', HELD_IN_MEMORY + 500));
    const opened = await openTarget('lms', { cwd: dir, env: { AP_KEY: 'sandbox-key' } });
    try {
      const before = spills();
      const planned = await planImport(opened, ['u.csv'], { asOf: Date.parse('2030-01-01T00:00:00Z'), cwd: dir, read: { cwd: dir }, plan: { missing: 'ignore', maxMissing: { fraction: 1 }, blank: 'ignore' } });
      expect(planned.plan!.summary.create).toBe(HELD_IN_MEMORY + 500);
      expect(planned.plan!.operations.at(-1)).toMatchObject({ key: `externalId=KR${HELD_IN_MEMORY + 499}`, source: { 'Employee ID': `KR${HELD_IN_MEMORY + 499}` } });
      expect(spills()).toBe(before);
    } finally {
      await opened.close();
    }
  });
});
