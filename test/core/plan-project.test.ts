import { describe, expect, it } from 'vitest';
import type { CanonicalValues } from '../../src/core/model/canonical.js';
import type { Entity } from '../../src/core/model/entities.js';
import { buildPlan, fingerprint, type PlanOptions } from '../../src/core/plan/plan.js';
import { planFields, projected } from '../../src/core/plan/project.js';
import type { TargetWriter } from '../../src/core/ports.js';
import { fakeTarget, OPTIONS, row } from './plan-fakes.js';

/** A platform whose users have a manager (by email), a status that deactivates, and keep their company from being deleted. */
const WRITER: Partial<TargetWriter> = {
  matchKeys: (entity) => (entity === 'companies' ? ['name'] : ['externalId', 'email']),
  deactivation: (entity) => (entity === 'users' ? { field: 'status', value: 'Disabled' } : undefined),
  writtenAfter: (entity) => (entity === 'users' ? [{ field: 'managerEmail', key: 'email' }] : []),
  deleteBlockedBy: (entity) => (entity === 'companies' ? [{ entity: 'users', field: 'companyId' }] : []),
};
const WIRE = { externalId: 'X', email: 'E', firstName: 'F', lastName: 'L', managerEmail: 'M', status: 'S', companyId: 'C', name: 'N', phone: 'P', address: 'A' };
const target = fakeTarget(WRITER, WIRE);

const input = [
  row('companies', { name: 'Acme' }),
  row('users', { externalId: 'E1', email: 'ann@acme.co.uk', firstName: 'Ann', managerEmail: 'bob@acme.co.uk' }),
  row('users', { externalId: 'E2', email: 'bob@acme.co.uk', firstName: 'Robert' }),
  row('users', { externalId: 'E5', email: 'eve@acme.co.uk', firstName: 'Eve', managerEmail: 'ann@acme.co.uk' }),
];
/** What the target holds, with fields no row of the input has (address, phone, lastName): they are what a projection leaves out. */
const onTarget = (): Map<Entity, CanonicalValues[]> =>
  new Map<Entity, CanonicalValues[]>([
    ['companies', [
      { id: 'c1', name: 'Acme', address: '1 High St', phone: '01' },
      { id: 'c2', name: 'Gone Ltd', address: '2 Low St', phone: '02' },
      { id: 'c3', name: 'Kept Ltd', address: '3 Mid St', phone: '03' },
    ]],
    ['users', [
      { id: 'u1', externalId: 'E1', email: 'ann@acme.co.uk', firstName: 'Ann', lastName: 'Ash', managerEmail: null, status: 'Enabled', companyId: 'c2', address: 'a', phone: '1' },
      { id: 'u2', externalId: 'E2', email: 'bob@acme.co.uk', firstName: 'Bob', lastName: 'Birch', managerEmail: null, status: 'Enabled', companyId: 'c1', address: 'b', phone: '2' },
      { id: 'u3', externalId: 'E3', email: 'cat@acme.co.uk', firstName: 'Cat', lastName: 'Cole', managerEmail: 'bob@acme.co.uk', status: 'Enabled', companyId: 'c3', address: 'c', phone: '3' },
      { id: 'u4', externalId: 'E4', email: 'dan@acme.co.uk', firstName: 'Dan', lastName: 'Dale', managerEmail: null, status: 'Disabled', companyId: 'c1', address: 'd', phone: '4' },
    ]],
  ]);

describe('a plan keeps of each target record only what it reads', () => {
  it('the fields: id, the match keys, the fields the input has, the deactivation field, the key references name, the field that blocks a delete', () => {
    const fields = planFields(target.writer!, input, { match: ['userId+courseDateId'] });
    expect(Object.fromEntries([...fields].map(([entity, f]) => [entity, [...f].sort()]))).toEqual({
      companies: ['courseDateId', 'id', 'name', 'userId'],
      users: ['companyId', 'courseDateId', 'email', 'externalId', 'firstName', 'id', 'managerEmail', 'status', 'userId'],
    });
  });

  it('a projected record holds only those fields it has, and the fingerprint of the whole record', () => {
    const whole = onTarget().get('users')![0]!;
    const kept = projected(whole, ['id', 'externalId', 'status', 'title']);
    expect(JSON.stringify(kept)).toBe('{"id":"u1","externalId":"E1","status":"Enabled"}');
    expect(Object.keys(kept)).toEqual(['id', 'externalId', 'status']);
    expect(fingerprint(kept)).toBe(fingerprint(whole));
    expect(fingerprint(kept)).not.toBe(fingerprint({ id: 'u1', externalId: 'E1', status: 'Enabled' }));
  });

  it.each(['deactivate', 'delete'] as const)('the plan made from projected records is the plan made from whole ones (--missing %s)', async (missing) => {
    const options: PlanOptions = { ...OPTIONS, missing, maxMissing: { count: 10 } };
    const full = await buildPlan(target, input, options, onTarget());
    const fields = planFields(target.writer!, input, options);
    const current = new Map([...onTarget()].map(([entity, rows]) => [entity, rows.map((r) => projected(r, fields.get(entity) ?? []))]));
    const kept = await buildPlan(target, input, options, current);
    expect(full.operations.length).toBeGreaterThan(3);
    expect(full.operations.some((o) => o.action === 'update' && o.fingerprint)).toBe(true);
    if (missing === 'delete') expect(full.notes.map((n) => n.code)).toContain('delete_blocked');
    expect({ ...kept, createdAt: '' }).toEqual({ ...full, createdAt: '' });
  });

  it('keeps what protects an account (a role on the target, a key), though the input has no such column: a protected account missing from the file stays protected', async () => {
    const policy = { protect: { roles: { websiteRole: ['Admin'] }, keys: [{ field: 'phone', value: '3' }] } };
    const options: PlanOptions = { ...OPTIONS, missing: 'deactivate', maxMissing: { count: 10 }, policy };
    const withRoles = (): Map<Entity, CanonicalValues[]> => {
      const current = onTarget();
      current.get('users')![3] = { ...current.get('users')![3]!, status: 'Enabled', websiteRole: 'Admin' };
      return current;
    };
    const fields = planFields(target.writer!, input, options);
    expect(fields.get('users')).toEqual(expect.arrayContaining(['websiteRole', 'phone']));
    const full = await buildPlan(target, input, options, withRoles());
    const current = new Map([...withRoles()].map(([entity, rows]) => [entity, rows.map((r) => projected(r, fields.get(entity) ?? []))]));
    const kept = await buildPlan(target, input, options, current);
    // u3 (phone 3) and u4 (an Admin) are missing from the file and protected: neither is deactivated.
    expect(full.operations.filter((o) => o.action === 'deactivate')).toEqual([]);
    expect({ ...kept, createdAt: '' }).toEqual({ ...full, createdAt: '' });
  });
});
