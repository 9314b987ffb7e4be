import { describe, expect, it } from 'vitest';
import type { CanonicalValues } from '../../src/core/model/canonical.js';
import type { Entity } from '../../src/core/model/entities.js';
import { buildPlan, type PlanOptions } from '../../src/core/plan/plan.js';
import { fakeTarget, OPTIONS, user } from './plan-fakes.js';

// Who a row is (issue 23 items 5 and 6): a rehire is reactivated, a new HR id on an existing account is
// a conflict unless the target adopts such records, an email change of a person matched by HR id is an
// email update, and an email another account holds stays a conflict naming both.

const WIRE = { id: 'id', externalId: 'externalId', email: 'email', firstName: 'firstName', lastName: 'lastName', status: 'status', jobTitle: 'jobTitle' };
const target = fakeTarget({ matchKeys: () => ['externalId', 'email'], deactivation: () => ({ field: 'status', value: 'inactive', active: 'active' }) }, WIRE);
const JAMES: CanonicalValues = { id: 'jasmit', externalId: 'E1001', email: 'james@acme.co.uk', firstName: 'James', lastName: 'Smith', status: 'active' };
const PRIYA: CanonicalValues = { id: 'prpate', externalId: 'E1002', email: 'priya@acme.co.uk', firstName: 'Priya', lastName: 'Patel', status: 'active' };
const on = (...users: CanonicalValues[]) => new Map<Entity, CanonicalValues[]>([['users', users]]);
const plan = (rows: ReturnType<typeof user>[], users: CanonicalValues[], options: Partial<PlanOptions> = {}) => buildPlan(target, rows, { ...OPTIONS, ...options }, on(...users));

describe('rehires', () => {
  it('a deactivated account whose person is in HR again (same HR id) is reactivated, never created again', async () => {
    const p = await plan([user({ externalId: 'E1001', email: 'james@acme.co.uk', firstName: 'James', lastName: 'Smith' })], [{ ...JAMES, status: 'inactive' }]);
    expect(p.summary).toMatchObject({ create: 0, update: 1, conflicts: 0 });
    expect(p.operations[0]).toMatchObject({ action: 'update', id: 'jasmit', values: { status: 'active' } });
    expect(p.operations[0]!.changes).toEqual([{ field: 'status', from: 'inactive', to: 'active', reason: { code: 'rehire' } }]);
  });

  it('with other changes too; and a row whose own status says active is a rehire as well', async () => {
    const p = await plan([user({ externalId: 'E1001', email: 'james@acme.co.uk', jobTitle: 'Driver', status: 'active' })], [{ ...JAMES, status: 'inactive' }]);
    expect(p.operations[0]!.changes).toEqual([
      { field: 'jobTitle', from: null, to: 'Driver' },
      { field: 'status', from: 'inactive', to: 'active', reason: { code: 'rehire' } },
    ]);
  });

  it('a row that says the person is inactive does not reactivate them; an active account is left as it is', async () => {
    expect((await plan([user({ externalId: 'E1001', email: 'james@acme.co.uk', status: 'inactive' })], [{ ...JAMES, status: 'inactive' }])).operations).toEqual([]);
    expect((await plan([user({ externalId: 'E1001', email: 'james@acme.co.uk' })], [JAMES])).operations).toEqual([]);
  });

  it('a rehire whose start date is still ahead waits for it, as a joiner does (then is reactivated)', async () => {
    const back = user({ externalId: 'E1001', email: 'james@acme.co.uk', startDate: '2027-03-01' });
    const at = (iso: string) => ({ lifecycle: { asOf: Date.parse(iso), timeZone: 'Europe/London', createDaysBefore: 0 } });
    expect((await plan([back], [{ ...JAMES, status: 'inactive' }], at('2027-02-20T12:00:00Z'))).operations.filter((o) => o.values?.status)).toEqual([]);
    expect((await plan([back], [{ ...JAMES, status: 'inactive' }], at('2027-03-01T09:00:00Z'))).operations[0]!.changes).toContainEqual({ field: 'status', from: 'inactive', to: 'active', reason: { code: 'rehire' } });
  });

  it('a platform with no way back from its soft delete is not asked to reactivate', async () => {
    const oneWay = fakeTarget({ deactivation: () => ({ field: 'status', value: 'inactive' }) }, WIRE);
    expect((await buildPlan(oneWay, [user({ externalId: 'E1001', email: 'james@acme.co.uk' })], OPTIONS, on({ ...JAMES, status: 'inactive' }))).operations).toEqual([]);
  });
});

describe('a new HR id on an existing account (a conversion, or a rehire under a new id)', () => {
  const convert = () => user({ externalId: 'C2001', email: 'james@acme.co.uk', firstName: 'James', lastName: 'Smith', jobTitle: 'Driver' });

  it('is a conflict by default, naming both HR ids: the account keeps its HR id and nothing is written for it', async () => {
    const p = await plan([convert()], [JAMES]);
    expect(p.operations).toEqual([]);
    expect(p.conflicts).toHaveLength(1);
    expect(p.conflicts[0]).toMatchObject({ key: 'externalId=C2001', code: 'new_hr_id' });
    expect(p.conflicts[0]!.message).toBe('externalId=C2001 is a new HR id, but email=james@acme.co.uk finds user id jasmit, whose externalId is E1001: the same person under a new HR id (a conversion, or a rehire under a new id)? Nothing is written for it until a person decides');
    expect(p.notes).toEqual([{ code: 'new_hr_id_review', target: 'fake "t"', entity: 'users', count: 1 }]);
  });

  it('is never counted missing: the account the row found is not deactivated', async () => {
    const p = await plan([convert()], [JAMES], { missing: 'deactivate', maxMissing: { fraction: 1 } });
    expect(p.operations).toEqual([]);
  });

  it('is adopted where the target says so: the account takes the new HR id, shown as such', async () => {
    const p = await plan([convert()], [JAMES], { onNewHrId: 'adopt' });
    expect(p.conflicts).toEqual([]);
    expect(p.operations[0]).toMatchObject({ action: 'update', id: 'jasmit', values: { externalId: 'C2001', jobTitle: 'Driver' } });
    expect(p.operations[0]!.changes).toContainEqual({ field: 'externalId', from: 'E1001', to: 'C2001', reason: { code: 'adopted', by: 'email=james@acme.co.uk' } });
  });

  it('adopted and reactivated: a leaver rehired under a new HR id', async () => {
    const p = await plan([convert()], [{ ...JAMES, status: 'inactive' }], { onNewHrId: 'adopt' });
    expect(p.operations[0]!.changes!.map((c) => [c.field, c.reason?.code])).toEqual([['externalId', 'adopted'], ['jobTitle', undefined], ['status', 'rehire']]);
  });

  it('an account with no HR id yet is linked to the row as before (a first sync onto existing accounts)', async () => {
    const p = await plan([convert()], [{ ...JAMES, externalId: null }]);
    expect(p.conflicts).toEqual([]);
    expect(p.operations[0]!.changes).toContainEqual({ field: 'externalId', from: null, to: 'C2001' });
  });

  it('matching on keys without the HR id (match email) leaves the HR id an ordinary field', async () => {
    const p = await plan([convert()], [JAMES], { match: ['email'] });
    expect(p.conflicts).toEqual([]);
    expect(p.operations[0]!.changes).toContainEqual({ field: 'externalId', from: 'E1001', to: 'C2001' });
  });
});

describe('identity-key changes', () => {
  it('a person matched by HR id whose email changed is an email update, said to be the same person', async () => {
    const p = await plan([user({ externalId: 'E1001', email: 'james.smith@acme.co.uk' })], [JAMES, PRIYA]);
    expect(p.conflicts).toEqual([]);
    expect(p.operations[0]!.changes).toEqual([{ field: 'email', from: 'james@acme.co.uk', to: 'james.smith@acme.co.uk', reason: { code: 'same_person', by: 'externalId' } }]);
  });

  it('a new email another account holds stays a conflict naming both records; nothing is written for either', async () => {
    const p = await plan([user({ externalId: 'E1001', email: 'priya@acme.co.uk' }), user({ externalId: 'E1002', email: 'priya@acme.co.uk', jobTitle: 'Boss' })], [JAMES, PRIYA]);
    expect(p.operations).toEqual([]);
    expect(p.conflicts[0]).toMatchObject({ key: 'externalId=E1001', code: 'key_taken' });
    expect(p.conflicts[0]!.message).toBe('externalId=E1001 finds user id jasmit (email james@acme.co.uk), but its email=priya@acme.co.uk belongs to another user, id prpate (externalId E1002): nothing is written for either');
  });
});

describe('managers first, planned blind (issue 23 item 7)', () => {
  const blind = fakeTarget({
    deactivation: () => ({ field: 'status', value: 'inactive', active: 'active' }),
    writtenAfter: () => [{ field: 'approvers', key: 'email', active: true }, { field: 'managerEmail', key: 'email', active: true }],
  }, { ...WIRE, approvers: 'approvers', managerEmail: 'managerEmail' });

  it('a reference that must name an active person is not sent when the input says that person is inactive; a note names the row', async () => {
    const p = await buildPlan(blind, [
      user({ externalId: 'S1', email: 'sam@go.example', status: 'inactive' }),
      user({ externalId: 'T1', email: 'tia@go.example', approvers: [{ email: 'SAM@go.example', label: 'Manager' }, { email: 'ann@go.example', label: 'Manager' }], managerEmail: 'sam@go.example' }),
      user({ externalId: 'T2', email: 'tom@go.example', approvers: [{ email: 'sam@go.example', label: 'Manager' }] }),
    ], { ...OPTIONS, synced: new Map() }, new Map());
    const sent = (key: string) => p.operations.find((o) => o.key === key)!.values!;
    expect(sent('externalId=T1').approvers).toEqual([{ email: 'ann@go.example', label: 'Manager' }]);
    expect(sent('externalId=T1')).not.toHaveProperty('managerEmail');
    expect(sent('externalId=T2')).not.toHaveProperty('approvers');
    expect(p.notes).toEqual([{ code: 'reference_inactive', target: 'fake "t"', entity: 'users', count: 3, first: [expect.stringMatching(/names SAM@go\.example$/), expect.stringMatching(/names sam@go\.example$/), expect.stringMatching(/names sam@go\.example$/)] }]);
  });
});
