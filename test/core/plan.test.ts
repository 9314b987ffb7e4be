import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOnSandbox, startEmbedded, type RunningSandbox } from '../../src/app/embedded-sandbox.js';
import type { CanonicalRecord, CanonicalValues } from '../../src/core/model/canonical.js';
import type { Entity } from '../../src/core/model/entities.js';
import { buildPlan, MissingLimit, type PlanOptions } from '../../src/core/plan/plan.js';
import type { Connection } from '../../src/core/ports.js';
// The notes as the CLI words them: core returns them as data.
import { noteText } from '../../src/cli/render/notes.js';

let running: RunningSandbox;
let lms: Connection;
let go: Connection;
beforeAll(async () => {
  running = await startEmbedded({ port: 0 });
  lms = (await running.open('accessplanit', 'lms')).target;
  go = (await openOnSandbox(running.sandbox, 'springest', 'go')).target;
});
afterAll(async () => {
  await lms.close();
  await go.close();
  await running.stop();
});

let line = 1;
const row = (entity: Entity, values: CanonicalValues): CanonicalRecord => ({ entity, file: 'in.csv', line: ++line, values, source: {} });
const user = (values: CanonicalValues) => row('users', values);
const OPTIONS: PlanOptions = { missing: 'ignore', maxMissing: { fraction: 0.1 }, blank: 'ignore', invalid: 0 };
const ON_TARGET: CanonicalValues[] = [
  { id: 'jasmit', externalId: 'E1001', firstName: 'James', lastName: 'Smith', email: 'james.smith@acme.co.uk', mobile: '07700 900101', tags: null, status: 'Enabled' },
  { id: 'prpate', externalId: 'E1002', firstName: 'Priya', lastName: 'Patel', email: 'priya.patel@acme.co.uk', status: 'Enabled' },
  { id: 'gone', externalId: 'E1099', firstName: 'Gone', lastName: 'Away', email: 'gone@acme.co.uk', status: 'Enabled' },
];
const current = (users: CanonicalValues[] = ON_TARGET) => new Map<Entity, CanonicalValues[]>([['users', users]]);

describe('buildPlan', () => {
  it('matches on ordered keys, diffs only the fields present after normalising, and creates what no key finds', async () => {
    const plan = await buildPlan(lms, [
      user({ externalId: 'E1001', firstName: 'James', email: 'JAMES.SMITH@acme.co.uk', mobile: '07700900101', lastName: 'Smith-Jones' }),
      user({ externalId: 'E1002', firstName: 'Priya' }),
      user({ externalId: 'E2000', firstName: 'New', lastName: 'Person', email: 'new@acme.co.uk', mobile: null }),
    ], OPTIONS, current());
    expect(plan.summary).toMatchObject({ create: 1, update: 1, unchanged: 1, conflicts: 0 });
    const update = plan.operations.find((o) => o.action === 'update')!;
    // Email case and phone spacing are not changes; the surname is.
    expect(update).toMatchObject({ entity: 'users', key: 'externalId=E1001', id: 'jasmit', values: { lastName: 'Smith-Jones' }, changes: [{ field: 'lastName', from: 'Smith', to: 'Smith-Jones' }] });
    expect(update.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // A create sends no blank values; a computed field is never sent.
    expect(plan.operations.find((o) => o.action === 'create')!.values).toEqual({ externalId: 'E2000', firstName: 'New', lastName: 'Person', email: 'new@acme.co.uk' });
  });

  it('reports conflicts instead of guessing: keys pointing at two records, two rows on one record, a row with no key', async () => {
    const plan = await buildPlan(lms, [
      user({ externalId: 'E1001', email: 'priya.patel@acme.co.uk', firstName: 'X' }),
      user({ externalId: 'E1002', firstName: 'Priya' }),
      user({ email: 'priya.patel@acme.co.uk', firstName: 'Priya' }),
      user({ firstName: 'No', lastName: 'Key' }),
    ], { ...OPTIONS, match: ['externalId', 'email'] }, current());
    // Three rows name prpate (the first through its email): none of them is written, whatever their order.
    expect(plan.conflicts.map((c) => c.message)).toEqual([
      'externalId=E1001 finds user id jasmit (email james.smith@acme.co.uk), but its email=priya.patel@acme.co.uk belongs to another user, id prpate (externalId E1002): nothing is written for either',
      expect.stringMatching(/^externalId=E1002 matches the same record \(id prpate\) as line \d+ and line \d+: none of them is written$/),
      expect.stringMatching(/^email=priya.patel@acme.co.uk matches the same record \(id prpate\) as line \d+ and line \d+: none of them is written$/),
      'has none of the keys it is matched on (externalId, email): it could not be found again on the next run, so it is left out rather than created',
    ]);
    expect(plan.operations).toEqual([]);
  });

  it('clears a value only with blank: clear', async () => {
    const input = [user({ externalId: 'E1001', mobile: null })];
    expect((await buildPlan(lms, input, OPTIONS, current())).summary.unchanged).toBe(1);
    const cleared = await buildPlan(lms, input, { ...OPTIONS, blank: 'clear' }, current());
    expect(cleared.operations[0]).toMatchObject({ action: 'update', values: { mobile: null } });
  });

  it('deactivates missing records within the limit, stops past it, and leaves them alone for a partial input', async () => {
    const input = [user({ externalId: 'E1001' }), user({ externalId: 'E1002' })];
    const plan = await buildPlan(lms, input, { ...OPTIONS, missing: 'deactivate', maxMissing: { count: 1 } }, current());
    expect(plan.operations).toEqual([expect.objectContaining({ action: 'deactivate', entity: 'users', id: 'gone', key: 'externalId=E1099 (id gone)' })]);
    await expect(buildPlan(lms, input, { ...OPTIONS, missing: 'deactivate', maxMissing: { count: 0 } }, current())).rejects.toBeInstanceOf(MissingLimit);
    const partial = await buildPlan(lms, input, { ...OPTIONS, missing: 'delete', maxMissing: { count: 0 }, only: ['E1001'] }, current());
    expect(partial.operations).toEqual([]);
    expect(partial.notes.map(noteText)).toEqual(['--missing delete was not applied to users: with --only, --limit or --since the input is not the whole population']);
    // Already deactivated: nothing to do.
    const disabled = await buildPlan(lms, input, { ...OPTIONS, missing: 'deactivate', maxMissing: { count: 0 } }, current([...ON_TARGET.slice(0, 2), { ...ON_TARGET[2]!, status: 'Disabled' }]));
    expect(disabled.operations).toEqual([]);
  });

  it('orders creates groups → companies → users and removals users first', async () => {
    const plan = await buildPlan(lms, [
      row('users', { externalId: 'N1', firstName: 'N', lastName: 'One', companyId: 'NEW' }),
      row('companies', { id: 'NEW', name: 'New Co', groupIds: ['G'] }),
      row('groups', { id: 'G', label: 'Group' }),
    ], { ...OPTIONS, missing: 'delete', maxMissing: { fraction: 1 } }, new Map([['users', ON_TARGET], ['companies', [{ id: 'OLD', name: 'Old Co' }]], ['groups', []]]));
    expect(plan.operations.map((o) => `${o.action} ${o.entity}`)).toEqual(['create groups', 'create companies', 'create users', 'delete users', 'delete users', 'delete users', 'delete companies']);
  });

  it('counts rows left out by --only and --limit as skipped', async () => {
    const input = [user({ externalId: 'A1', firstName: 'A' }), user({ externalId: 'A2', firstName: 'B' }), user({ externalId: 'A3', firstName: 'C' })];
    expect((await buildPlan(lms, input, { ...OPTIONS, limit: 2 }, current())).summary).toMatchObject({ create: 2, skipped: 1 });
    expect((await buildPlan(lms, input, { ...OPTIONS, only: ['A2'] }, current())).summary).toMatchObject({ create: 1, skipped: 2 });
  });

  it('plans a target that cannot be listed against what was last sent, and cannot delete there', async () => {
    const input = [user({ externalId: 'S1', email: 's1@x.co.uk', jobTitle: 'A' }), user({ externalId: 'S2', email: 's2@x.co.uk', jobTitle: null })];
    const first = await buildPlan(go, input, { ...OPTIONS, missing: 'delete', synced: new Map() }, new Map());
    expect(first.operations.map((o) => [o.action, o.key, o.values])).toEqual([
      ['create', 'externalId=S1', { externalId: 'S1', email: 's1@x.co.uk', jobTitle: 'A' }],
      ['create', 'externalId=S2', { externalId: 'S2', email: 's2@x.co.uk' }], // never an empty value
    ]);
    expect(noteText(first.notes[0]!)).toMatch(/cannot be listed: records missing from the input cannot be found/);
    const sent = new Map(first.operations.map((o) => [o.key, o.sends!]));
    const again = await buildPlan(go, [input[0]!, user({ externalId: 'S2', email: 's2@x.co.uk', jobTitle: 'B' })], { ...OPTIONS, synced: sent }, new Map());
    expect(again.operations.map((o) => [o.action, o.key])).toEqual([['update', 'externalId=S2']]);
    expect(again.summary.unchanged).toBe(1);
  });

  it('never deletes a record the platform keeps while others refer to it: a note instead (users deleted first may free it)', async () => {
    const companies: CanonicalValues[] = [
      { id: 'ACME01', externalId: 'A1', name: 'Acme' },
      { id: 'EMPTY1', externalId: 'A2', name: 'Empty' },
      { id: 'FREED1', externalId: 'A3', name: 'Freed' },
      { id: 'MOVED1', externalId: 'A4', name: 'Moved from' },
      { id: 'KEEP01', externalId: 'A5', name: 'Kept' },
    ];
    const users: CanonicalValues[] = [
      { id: 'u1', externalId: 'U1', firstName: 'Still', lastName: 'Here', companyId: 'ACME01' },
      { id: 'u2', externalId: 'U2', firstName: 'Also', lastName: 'Here', companyId: 'ACME01' },
      { id: 'u3', externalId: 'U3', firstName: 'Leaving', lastName: 'Too', companyId: 'FREED1' },
      { id: 'u4', externalId: 'U4', firstName: 'Moving', lastName: 'On', companyId: 'MOVED1' },
    ];
    const plan = await buildPlan(
      lms,
      [
        row('companies', { externalId: 'A5', name: 'Kept' }),
        // u1, u2 stay at ACME01; u3 is missing (deleted, so FREED1 is free); u4 moves to KEEP01; a new user joins ACME01.
        user({ externalId: 'U1', firstName: 'Still', lastName: 'Here', companyId: 'ACME01' }),
        user({ externalId: 'U2', firstName: 'Also', lastName: 'Here', companyId: 'ACME01' }),
        user({ externalId: 'U4', firstName: 'Moving', lastName: 'On', companyId: 'KEEP01' }),
      ],
      { ...OPTIONS, missing: 'delete', maxMissing: { fraction: 1 } },
      new Map<Entity, CanonicalValues[]>([['companies', companies], ['users', users]]),
    );
    const deletes = plan.operations.filter((o) => o.action === 'delete').map((o) => `${o.entity} ${o.id}`);
    expect(deletes).toEqual(['users u3', 'companies EMPTY1', 'companies FREED1', 'companies MOVED1']);
    expect(plan.summary.delete).toBe(4);
    expect(plan.notes.map(noteText)).toEqual([
      'company id=ACME01 is not deleted: 2 users still refer to it (externalId=U1 (id u1); externalId=U2 (id u2)), and the platform refuses to delete it while they do',
    ]);
  });
});

describe('buildPlan: a key others refer to, changed in the same run', () => {
  let idp: Connection;
  beforeAll(async () => {
    idp = (await openOnSandbox(running.sandbox, 'scim', 'idp')).target;
    await idp.list('users')[Symbol.asyncIterator]().next(); // discovery, as a plan's listing does first
  });
  afterAll(() => idp.close());
  const PEOPLE: CanonicalValues[] = [
    { id: 'm1', externalId: 'M1', firstName: 'Mia', lastName: 'Boss', email: 'mia@acme.co.uk', managerEmail: null, status: 'active' },
    { id: 'r1', externalId: 'R1', firstName: 'Rob', lastName: 'Report', email: 'rob@acme.co.uk', managerEmail: 'mia@acme.co.uk', status: 'active' },
  ];
  const input = () => [
    user({ externalId: 'R1', firstName: 'Rob', lastName: 'Report', email: 'rob@acme.co.uk', managerEmail: 'mia.boss@acme.co.uk', jobTitle: 'Clerk' }),
    user({ externalId: 'M1', firstName: 'Mia', lastName: 'Boss', email: 'mia.boss@acme.co.uk' }),
  ];

  it('where the platform stores the manager’s id (SCIM), a report naming the manager’s new email is no change', async () => {
    const plan = await buildPlan(idp, input(), OPTIONS, current(PEOPLE));
    const report = plan.operations.find((o) => o.key === 'externalId=R1')!;
    expect(report.changes?.map((c) => c.field)).toEqual(['jobTitle']); // not managerEmail: it names m1 before and after
    expect(plan.operations.find((o) => o.key === 'externalId=M1')!.changes).toEqual([{ field: 'email', from: 'mia@acme.co.uk', to: 'mia.boss@acme.co.uk', reason: { code: 'same_person', by: 'externalId' } }]);
  });

  it('a manager who will not exist (not on the target, not among the valid rows) is left unset, with a note, and the row is still written', async () => {
    const plan = await buildPlan(idp, [user({ externalId: 'N1', firstName: 'New', lastName: 'Hire', email: 'new@acme.co.uk', managerEmail: 'left-out@acme.co.uk' }), user({ externalId: 'R1', firstName: 'Rob', lastName: 'Report', email: 'rob@acme.co.uk', managerEmail: 'left-out@acme.co.uk' })], OPTIONS, current(PEOPLE));
    expect(plan.operations.find((o) => o.key === 'externalId=N1')!.values).not.toHaveProperty('managerEmail');
    expect(plan.operations.find((o) => o.key === 'externalId=R1')).toBeUndefined(); // its manager unchanged: nothing else to do
    expect(plan.notes.map(noteText).join('\n')).toMatch(/^2 users name a record that is neither on scim "idp" nor among this run's valid rows .*: in\.csv:\d+ names left-out@acme\.co\.uk/m);
  });

  it('where it stores the key, the report waits for the manager’s update that gives the key (applied first)', async () => {
    const byKey: Connection = { ...idp, writer: { ...idp.writer!, writtenAfter: () => [{ field: 'managerEmail', key: 'email' }] } } as Connection;
    const plan = await buildPlan(byKey, input(), OPTIONS, current(PEOPLE));
    const report = plan.operations.find((o) => o.key === 'externalId=R1')!;
    expect(report.changes?.map((c) => c.field).sort()).toEqual(['jobTitle', 'managerEmail']);
    expect(report.after).toEqual(['externalId=M1']);
  });

  it('two managers of each other who both change email (SCIM: ids unchanged) are no circle: both updates are sent', async () => {
    const pair: CanonicalValues[] = [
      { id: 'a1', externalId: 'A1', firstName: 'Ann', lastName: 'Lee', email: 'ann@acme.co.uk', managerEmail: 'bob@acme.co.uk', status: 'active' },
      { id: 'b1', externalId: 'B1', firstName: 'Bob', lastName: 'Ray', email: 'bob@acme.co.uk', managerEmail: 'ann@acme.co.uk', status: 'active' },
    ];
    const plan = await buildPlan(idp, [
      user({ externalId: 'A1', firstName: 'Ann', lastName: 'Lee', email: 'ann.lee@acme.co.uk', managerEmail: 'bob.ray@acme.co.uk' }),
      user({ externalId: 'B1', firstName: 'Bob', lastName: 'Ray', email: 'bob.ray@acme.co.uk', managerEmail: 'ann.lee@acme.co.uk' }),
    ], OPTIONS, current(pair));
    expect(plan.conflicts).toEqual([]);
    expect(plan.operations.map((o) => [o.key, o.changes?.map((c) => c.field), o.after])).toEqual([['externalId=A1', ['email'], undefined], ['externalId=B1', ['email'], undefined]]);
  });

  it('a row waiting for a record of a circle (not sent) is not sent either, rather than failing at apply', async () => {
    const plan = await buildPlan(idp, [
      user({ externalId: 'A2', firstName: 'Ann', lastName: 'Two', email: 'a2@acme.co.uk', managerEmail: 'b2@acme.co.uk' }),
      user({ externalId: 'B2', firstName: 'Bob', lastName: 'Two', email: 'b2@acme.co.uk', managerEmail: 'a2@acme.co.uk' }),
      user({ externalId: 'C2', firstName: 'Cy', lastName: 'Two', email: 'c2@acme.co.uk', managerEmail: 'a2@acme.co.uk' }),
      user({ externalId: 'D2', firstName: 'Di', lastName: 'Two', email: 'd2@acme.co.uk', managerEmail: 'c2@acme.co.uk' }),
    ], OPTIONS, current(PEOPLE));
    expect(plan.operations).toEqual([]);
    expect(plan.summary).toMatchObject({ create: 0, conflicts: 4 });
    expect(plan.conflicts.find((c) => c.key === 'externalId=D2')!.message).toMatch(/waits for externalId=C2, which is not sent/);
  });
});
