import { describe, expect, it } from 'vitest';
import type { CanonicalValues } from '../../src/core/model/canonical.js';
import { buildPlan, DeactivationLimit, type PlanOptions, type PolicyOptions } from '../../src/core/plan/plan.js';
import type { TargetWriter } from '../../src/core/ports.js';
import { fakeTarget, OPTIONS, user } from './plan-fakes.js';

/**
 * A target's policy (issue 23 items 8 and 9): who is in (scope), who owns a field (targetOwned,
 * createOnly), which accounts are never taken down (protect), what a run may write (modes).
 */
const SOFT_DELETE: Partial<TargetWriter> = { deactivation: () => ({ field: 'status', value: 'Disabled' }), canDelete: () => true };
const WIRE = { externalId: 'ExternalID', email: 'Email', firstName: 'Forenames', jobTitle: 'JobTitle', department: 'Department', status: 'Status', roleId: 'MainRoleID' };
const target = (writer: Partial<TargetWriter> = SOFT_DELETE) => fakeTarget(writer, WIRE);

async function plan(rows: CanonicalValues[], onTarget: CanonicalValues[], policy: PolicyOptions, options: Partial<PlanOptions> = {}) {
  return buildPlan(target(), rows.map(user), { ...OPTIONS, maxMissing: { fraction: 1 }, policy, ...options }, new Map([['users', onTarget]]));
}

const ANA = { externalId: 'E1', firstName: 'Ana', department: 'Sales', jobTitle: 'Rep' };
const BEN = { externalId: 'E2', firstName: 'Ben', department: 'Finance', jobTitle: 'Clerk' };
const ON = (values: CanonicalValues, id: string) => ({ id, status: 'Enabled', ...values });

describe('scope: who the target receives', () => {
  const scope = { department: ['sales', 'Support'] };

  it('a row out of scope is neither created nor updated, and said; values compare ignoring case', async () => {
    const p = await plan([ANA, BEN, { ...BEN, externalId: 'E3' }], [ON({ ...BEN, firstName: 'Benjamin' }, '2')], { scope });
    expect(p.operations.map((o) => [o.action, o.key])).toEqual([['create', 'externalId=E1']]);
    expect(p.decisions).toEqual([
      expect.objectContaining({ kind: 'scope', key: 'externalId=E2', field: 'department', value: 'Finance', not: 'update', onTarget: true }),
      expect.objectContaining({ kind: 'scope', key: 'externalId=E3', not: 'create', onTarget: false }),
    ]);
  });

  it('a record whose row is out of scope is never counted missing; one absent from the file is', async () => {
    const p = await plan([ANA, BEN], [ON(ANA, '1'), ON(BEN, '2'), ON({ externalId: 'E9', firstName: 'Gone' }, '9')], { scope }, { missing: 'deactivate' });
    expect(p.operations.map((o) => [o.action, o.key])).toEqual([['deactivate', 'externalId=E9 (id 9)']]);
    expect(p.decisions!.map((d) => [d.kind, d.key, d.onTarget])).toEqual([['scope', 'externalId=E2', true]]);
  });

  it('outOfScope "missing": a person who left the scope is missing, and a scope change that would deactivate many hits the one brake', async () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ externalId: `F${i}`, firstName: `F${i}`, department: 'Finance' }));
    const onTarget = [ON(ANA, '1'), ...many.map((m, i) => ON(m, `f${i}`))];
    const one = await plan([ANA, many[0]!], [ON(ANA, '1'), ON(many[0]!, 'f0')], { scope, outOfScope: 'missing' }, { missing: 'deactivate' });
    expect(one.operations.map((o) => [o.action, o.because])).toEqual([['deactivate', 'missing']]);
    await expect(plan([ANA, ...many], onTarget, { scope, outOfScope: 'missing' }, { missing: 'deactivate', maxMissing: { fraction: 1 }, maxDeactivations: { count: 3 } })).rejects.toThrow(DeactivationLimit);
    // Kept (the default): the same scope change deactivates nobody.
    expect((await plan([ANA, ...many], onTarget, { scope }, { missing: 'deactivate', maxDeactivations: { count: 3 } })).operations).toEqual([]);
  });
});

describe('who owns a field', () => {
  it('targetOwned: never sent, not even on create; createOnly: sent on create, never updated; each difference said', async () => {
    const policy = { targetOwned: ['jobTitle'], createOnly: ['department'] };
    const p = await plan([ANA, BEN], [ON({ ...BEN, jobTitle: 'Senior clerk', department: 'Ops', firstName: 'Benjamin' }, '2')], policy);
    const create = p.operations.find((o) => o.action === 'create')!;
    expect(create.values).toEqual({ externalId: 'E1', firstName: 'Ana', department: 'Sales' });
    const update = p.operations.find((o) => o.action === 'update')!;
    expect(update.changes).toEqual([{ field: 'firstName', from: 'Benjamin', to: 'Ben' }]);
    expect(p.decisions).toEqual([
      expect.objectContaining({ kind: 'owned', key: 'externalId=E1', field: 'jobTitle', not: 'create', to: 'Rep', owner: 'target' }),
      expect.objectContaining({ kind: 'owned', key: 'externalId=E2', field: 'department', not: 'send', from: 'Ops', to: 'Finance', owner: 'createOnly' }),
      expect.objectContaining({ kind: 'owned', key: 'externalId=E2', field: 'jobTitle', not: 'send', from: 'Senior clerk', to: 'Clerk', owner: 'target' }),
    ]);
  });

  it('a record that differs only in owned fields is unchanged', async () => {
    const p = await plan([BEN], [ON({ ...BEN, jobTitle: 'Boss' }, '2')], { targetOwned: ['jobTitle'] });
    expect([p.operations, p.summary.unchanged]).toEqual([[], 1]);
  });
});

describe('protected accounts', () => {
  const protect = { keys: [{ field: 'email', value: 'Admin@acme.com' }], roles: { roleId: ['1'] } };
  const ADMIN = ON({ externalId: 'A1', email: 'admin@acme.com', firstName: 'Root' }, 'a');
  const BOSS = ON({ externalId: 'B1', firstName: 'Boss', roleId: '1' }, 'b');

  it('missing from the input: never deactivated or deleted, said, and not counted against the brake', async () => {
    for (const missing of ['deactivate', 'delete'] as const) {
      const p = await plan([ANA], [ADMIN, BOSS, ON({ externalId: 'X' }, 'x')], { protect }, { missing, maxDeactivations: { count: 1 } });
      expect(p.operations.filter((o) => o.action === missing).map((o) => o.key)).toEqual(['externalId=X (id x)']);
      expect(p.decisions!.map((d) => [d.kind, d.key, d.not, d.by])).toEqual([
        ['protected', 'externalId=A1 (id a)', missing, 'email=Admin@acme.com'],
        ['protected', 'externalId=B1 (id b)', missing, 'roleId=1'],
      ]);
    }
  });

  it('the file cannot downgrade one: a disabled status or a role away from a protected one is not sent; the rest of the update is', async () => {
    const p = await plan([{ externalId: 'B1', firstName: 'Bossy', roleId: '5', status: 'Disabled' }, { externalId: 'A1', status: 'Disabled' }], [ADMIN, BOSS], { protect });
    expect(p.operations.map((o) => [o.action, o.key, o.changes])).toEqual([['update', 'externalId=B1', [{ field: 'firstName', from: 'Boss', to: 'Bossy' }]]]);
    expect(p.operations[0]!.values).toEqual({ firstName: 'Bossy' });
    expect(p.decisions!.map((d) => [d.key, d.by, d.not, d.field, d.to])).toEqual([
      ['externalId=B1', 'roleId=1', 'downgrade', 'roleId', '5'],
      ['externalId=B1', 'roleId=1', 'downgrade', 'status', 'Disabled'],
      ['externalId=A1', 'email=Admin@acme.com', 'downgrade', 'status', 'Disabled'],
    ]);
    expect(p.summary).toMatchObject({ update: 1, deactivate: 0, unchanged: 1 });
  });

  it('a leaver who is protected is kept, and the lifecycle decision says so', async () => {
    const lifecycle = { asOf: Date.parse('2027-03-01T00:00:00Z'), timeZone: 'UTC', createDaysBefore: 0 };
    const p = await plan([{ externalId: 'A1', endDate: '2027-01-31' }], [ADMIN], { protect }, { lifecycle });
    expect(p.operations).toEqual([]);
    expect([p.lifecycle!.map((d) => d.outcome), p.decisions!.map((d) => [d.kind, d.not])]).toEqual([['kept'], [['protected', 'deactivate']]]);
  });

  it('on a target that cannot be listed, a protected leaver (by key) is not sent as inactive', async () => {
    const blind = fakeTarget({ ...SOFT_DELETE, deactivation: () => ({ field: 'status', value: 'inactive' }) }, WIRE);
    Object.assign(blind, { can: { list: false } });
    const lifecycle = { asOf: Date.parse('2027-03-01T00:00:00Z'), timeZone: 'UTC', createDaysBefore: 0 };
    const rows = [{ externalId: 'A1', email: 'admin@acme.com', endDate: '2027-01-31' }, { externalId: 'X1', email: 'x@acme.com', endDate: '2027-01-31' }].map(user);
    const synced = new Map([['externalId=A1', 'old'], ['externalId=X1', 'old']]);
    const p = await buildPlan(blind, rows, { ...OPTIONS, synced, lifecycle, policy: { protect } }, new Map());
    expect(p.operations.map((o) => [o.action, o.key])).toEqual([['deactivate', 'externalId=X1']]);
    expect(p.decisions!.map((d) => [d.kind, d.key, d.not])).toEqual([['protected', 'externalId=A1', 'deactivate']]);
  });
});

describe('run modes', () => {
  const onTarget = [ON({ ...BEN, firstName: 'Benjamin' }, '2'), ON({ externalId: 'X' }, 'x')];

  it('create only: no update, no deactivation (--missing is said to do nothing); the rows left out are counted skipped', async () => {
    const p = await plan([ANA, BEN], onTarget, { modes: ['create'] }, { missing: 'deactivate' });
    expect(p.operations.map((o) => o.action)).toEqual(['create']);
    expect(p.decisions!.map((d) => [d.kind, d.key, d.not])).toEqual([['mode', 'externalId=E2', 'update']]);
    expect(p.summary).toMatchObject({ create: 1, update: 0, deactivate: 0, skipped: 1 });
    expect(p.notes).toContainEqual({ code: 'missing_mode', missing: 'deactivate' });
  });

  it('--limit counts only the writes the mode keeps', async () => {
    const p = await plan([ANA, BEN], onTarget, { modes: ['update'] }, { limit: 1 });
    expect(p.operations.map((o) => [o.action, o.key])).toEqual([['update', 'externalId=E2']]);
    expect(p.summary).toMatchObject({ update: 1, skipped: 1 });
  });

  it('update only, and deactivate only (an HR status that disables is a deactivation)', async () => {
    const upd = await plan([ANA, BEN], onTarget, { modes: ['update'] }, { missing: 'deactivate' });
    expect(upd.operations.map((o) => o.action)).toEqual(['update']);
    const off = await plan([ANA, { ...BEN, status: 'Disabled' }], onTarget, { modes: ['deactivate'] }, { missing: 'deactivate' });
    expect(off.operations.map((o) => [o.action, o.because])).toEqual([['update', 'status'], ['deactivate', 'missing']]);
    expect(off.decisions!.map((d) => [d.key, d.not])).toEqual([['externalId=E1', 'create']]);
  });
});
