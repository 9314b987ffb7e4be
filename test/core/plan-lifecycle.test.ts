import { describe, expect, it } from 'vitest';
import type { CanonicalValues } from '../../src/core/model/canonical.js';
import { buildPlan, DeactivationLimit, type LifecycleOptions, type PlanOptions } from '../../src/core/plan/plan.js';
import type { TargetWriter } from '../../src/core/ports.js';
import { fakeTarget, OPTIONS, user } from './plan-fakes.js';

/**
 * Joiners and leavers on a simulated calendar: every decision is made at the plan's --as-of moment,
 * each row's dates read as days in its own time zone (else the default one).
 */
const SOFT_DELETE: Partial<TargetWriter> = { deactivation: () => ({ field: 'status', value: 'Disabled' }), canDelete: () => true };
const WIRE = { externalId: 'ExternalID', firstName: 'Forenames', status: 'Status', email: 'Email' };
const target = (writer: Partial<TargetWriter> = SOFT_DELETE) => fakeTarget(writer, WIRE);
const at = (iso: string, more: Partial<LifecycleOptions> = {}): LifecycleOptions => ({ asOf: Date.parse(iso), timeZone: 'UTC', createDaysBefore: 0, ...more });

async function plan(rows: CanonicalValues[], onTarget: CanonicalValues[], lifecycle: LifecycleOptions, options: Partial<PlanOptions> = {}, writer?: Partial<TargetWriter>) {
  return buildPlan(target(writer), rows.map(user), { ...OPTIONS, maxMissing: { fraction: 1 }, lifecycle, ...options }, new Map([['users', onTarget]]));
}

const AUCKLAND = { externalId: 'NZ1', firstName: 'Aroha', endDate: '2027-01-31', timeZone: 'Pacific/Auckland' };
const LOS_ANGELES = { externalId: 'US1', firstName: 'Dana', endDate: '2027-01-31', timeZone: 'America/Los_Angeles' };
const BOTH_ON_TARGET = [
  { id: '1', externalId: 'NZ1', firstName: 'Aroha', status: 'Enabled' },
  { id: '2', externalId: 'US1', firstName: 'Dana', status: 'Enabled' },
];

describe('leavers, on their own calendar', () => {
  it('at one instant, the Auckland leaver whose last day has ended is deactivated and the Los Angeles one with the same end date is not yet', async () => {
    // 2027-02-01 00:30 in Auckland is 2027-01-31 03:30 in Los Angeles: her 31 January has hours to go.
    const p = await plan([AUCKLAND, LOS_ANGELES], BOTH_ON_TARGET, at('2027-01-31T11:30:00Z'));
    expect(p.operations.map((o) => [o.action, o.key, o.because])).toEqual([['deactivate', 'externalId=NZ1 (id 1)', 'leaver']]);
    expect(p.operations[0]!.values).toEqual({ externalId: 'NZ1' });
    expect(p.lifecycle).toEqual([
      expect.objectContaining({ kind: 'leaver', key: 'externalId=NZ1', date: '2027-01-31', timeZone: 'Pacific/Auckland', outcome: 'deactivate', leftAt: '2027-01-31T11:00:00.000Z', leftAtLocal: '2027-02-01 00:00 Pacific/Auckland' }),
    ]);
    expect(p.asOf).toBe('2027-01-31T11:30:00.000Z');
    // Until the end of her own last day, Dana is current: an ordinary row, unchanged.
    expect(p.summary).toMatchObject({ deactivate: 1, unchanged: 1 });
  });

  it('one minute before Auckland’s midnight neither is a leaver; after Los Angeles’ midnight both are', async () => {
    expect((await plan([AUCKLAND, LOS_ANGELES], BOTH_ON_TARGET, at('2027-01-31T10:59:00Z'))).operations).toEqual([]);
    const later = await plan([AUCKLAND, LOS_ANGELES], BOTH_ON_TARGET, at('2027-02-01T08:00:00Z'));
    expect(later.operations.map((o) => o.key)).toEqual(['externalId=NZ1 (id 1)', 'externalId=US1 (id 2)']);
  });

  it('a row without a zone reads its end date in the default one (the config’s)', async () => {
    const row = { externalId: 'NZ1', firstName: 'Aroha', endDate: '2027-01-31' };
    expect((await plan([row], BOTH_ON_TARGET.slice(0, 1), at('2027-01-31T11:30:00Z'))).operations).toEqual([]);
    expect((await plan([row], BOTH_ON_TARGET.slice(0, 1), at('2027-01-31T11:30:00Z', { timeZone: 'Pacific/Auckland' }))).operations).toHaveLength(1);
  });

  it('a leaver already deactivated is left alone; one not on the target is not created; a future end date changes nothing yet', async () => {
    const done = await plan([AUCKLAND], [{ ...BOTH_ON_TARGET[0]!, status: 'Disabled' }], at('2027-02-10T00:00:00Z'));
    expect([done.operations, done.lifecycle!.map((d) => d.outcome)]).toEqual([[], ['deactivated']]);
    const absent = await plan([AUCKLAND], [], at('2027-02-10T00:00:00Z'));
    expect([absent.operations, absent.lifecycle!.map((d) => d.outcome)]).toEqual([[], ['absent']]);
    const future = await plan([{ ...AUCKLAND, endDate: '2027-12-31', firstName: 'Ari' }], BOTH_ON_TARGET.slice(0, 1), at('2027-02-10T00:00:00Z'));
    expect(future.operations.map((o) => [o.action, o.changes])).toEqual([['update', [{ field: 'firstName', from: 'Aroha', to: 'Ari' }]]]);
    expect(future.lifecycle).toEqual([]);
  });

  it('deleteDaysAfter deletes the account that many local days after the last day, deactivating it until then', async () => {
    const policy = { deleteDaysAfter: 30 };
    const before = await plan([AUCKLAND], BOTH_ON_TARGET.slice(0, 1), at('2027-03-02T10:59:00Z', policy)); // 2027-03-02 23:59 in Auckland
    expect(before.operations.map((o) => o.action)).toEqual(['deactivate']);
    expect(before.lifecycle![0]).toMatchObject({ deleteAt: '2027-03-02T11:00:00.000Z', deleteAtLocal: '2027-03-03 00:00 Pacific/Auckland' });
    const after = await plan([AUCKLAND], [{ ...BOTH_ON_TARGET[0]!, status: 'Disabled' }], at('2027-03-02T11:00:00Z', policy));
    expect(after.operations.map((o) => [o.action, o.because])).toEqual([['delete', 'leaver']]);
    expect(after.lifecycle![0]!.outcome).toBe('delete');
    // A platform that cannot delete keeps the account deactivated.
    const kept = await plan([AUCKLAND], [{ ...BOTH_ON_TARGET[0]!, status: 'Disabled' }], at('2027-03-02T11:00:00Z', policy), {}, { ...SOFT_DELETE, canDelete: () => false });
    expect([kept.operations, kept.lifecycle![0]!.outcome]).toEqual([[], 'deactivated']);
  });

  it('a manager who left and is not on the target is not made, so a report naming them is sent without that reference', async () => {
    const writer = { ...SOFT_DELETE, writtenAfter: () => [{ field: 'managerEmail', key: 'email' }] };
    const wired = fakeTarget(writer, { ...WIRE, managerEmail: 'ManagerEmail' });
    const rows = ([{ externalId: 'M1', email: 'boss@x.example', firstName: 'Boss', endDate: '2026-01-01' }, { externalId: 'R1', firstName: 'Rep', managerEmail: 'boss@x.example' }] as CanonicalValues[]).map(user);
    const p = await buildPlan(wired, rows, { ...OPTIONS, lifecycle: at('2027-01-01T00:00:00Z') }, new Map([['users', []]]));
    expect(p.operations.map((o) => [o.action, o.key, o.values])).toEqual([['create', 'externalId=R1', { externalId: 'R1', firstName: 'Rep' }]]);
    expect(p.notes).toEqual([expect.objectContaining({ code: 'reference_unset', count: 1, first: ['in.csv:' + String(rows[1]!.line) + ' names boss@x.example'] })]);
  });

  it('a platform with no soft delete leaves a leaver as it is, and says so', async () => {
    const p = await plan([AUCKLAND], BOTH_ON_TARGET.slice(0, 1), at('2027-02-10T00:00:00Z'), {}, { deactivation: () => undefined, canDelete: () => true });
    expect([p.operations, p.lifecycle![0]!.outcome]).toEqual([[], 'cannot']);
  });
});

describe('joiners, on their own calendar', () => {
  const BERLIN = { externalId: 'DE1', firstName: 'Jonas', startDate: '2027-03-01', timeZone: 'Europe/Berlin' };

  it('a joiner in Berlin waits until local midnight of the start day, and is created from then', async () => {
    // Berlin is UTC+1 in March before summer time: its 1 March starts at 2027-02-28T23:00Z.
    const before = await plan([BERLIN], [], at('2027-02-28T22:59:59Z'));
    expect(before.operations).toEqual([]);
    expect(before.lifecycle).toEqual([expect.objectContaining({ kind: 'joiner', outcome: 'waiting', date: '2027-03-01', createAt: '2027-02-28T23:00:00.000Z', createAtLocal: '2027-03-01 00:00 Europe/Berlin' })]);
    expect(before.summary).toMatchObject({ create: 0, invalid: 0, conflicts: 0 });
    const after = await plan([BERLIN], [], at('2027-02-28T23:00:00Z'));
    expect(after.operations.map((o) => [o.action, o.key])).toEqual([['create', 'externalId=DE1']]);
    expect(after.lifecycle).toEqual([]);
  });

  it('createDaysBefore makes the account that many local days early', async () => {
    const early = await plan([BERLIN], [], at('2027-02-21T23:00:00Z', { createDaysBefore: 7 }));
    expect(early.operations.map((o) => o.action)).toEqual(['create']);
    const tooEarly = await plan([BERLIN], [], at('2027-02-21T22:59:00Z', { createDaysBefore: 7 }));
    expect(tooEarly.lifecycle![0]).toMatchObject({ outcome: 'waiting', createAtLocal: '2027-02-22 00:00 Europe/Berlin' });
  });

  it('a waiting joiner already on the target is updated as usual, and never counted missing', async () => {
    const onTarget = [{ id: '9', externalId: 'DE1', firstName: 'Jo', status: 'Enabled' }];
    const p = await plan([BERLIN], onTarget, at('2027-01-01T00:00:00Z'), { missing: 'deactivate' });
    expect(p.operations.map((o) => [o.action, o.key])).toEqual([['update', 'externalId=DE1']]);
    expect(p.lifecycle![0]!.outcome).toBe('update');
    // A waiting joiner not on the target is not missing either: nothing to deactivate.
    const absent = await plan([BERLIN], [], at('2027-01-01T00:00:00Z'), { missing: 'deactivate' });
    expect(absent.operations).toEqual([]);
  });

  it('without a clock, dates decide nothing (a plan made by hand for tests)', async () => {
    const p = await buildPlan(target(), [user(BERLIN)], { ...OPTIONS }, new Map([['users', []]]));
    expect([p.operations.map((o) => o.action), p.lifecycle, p.asOf]).toEqual([['create'], undefined, undefined]);
  });
});

describe('one deactivation brake over every cause', () => {
  const people = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, externalId: `E${i}`, firstName: `P${i}`, status: 'Enabled' }));
  // E0 is missing from the input, E1 a leaver, E2 disabled by HR: three of ten records.
  const rows: CanonicalValues[] = [
    { externalId: 'E1', firstName: 'P1', endDate: '2027-01-01' },
    { externalId: 'E2', firstName: 'P2', status: 'Disabled' },
    ...people.slice(3).map(({ externalId, firstName }) => ({ externalId, firstName })),
  ];

  it('counts leavers, missing records and a disabled HR status together, and stops past the limit', async () => {
    const options = { missing: 'deactivate' as const, maxMissing: { count: 5 } };
    const ok = await plan(rows, people, at('2027-06-01T00:00:00Z'), { ...options, maxDeactivations: { count: 3 } });
    expect(ok.operations.map((o) => [o.key, o.because]).sort()).toEqual([['externalId=E0 (id t0)', 'missing'], ['externalId=E1 (id t1)', 'leaver'], ['externalId=E2', 'status']]);
    const stop = plan(rows, people, at('2027-06-01T00:00:00Z'), { ...options, maxDeactivations: { fraction: 0.2 } });
    await expect(stop).rejects.toBeInstanceOf(DeactivationLimit);
    await expect(stop).rejects.toMatchObject({ count: 3, total: 10, limit: 2, causes: { missing: 1, leaver: 1, status: 1 } });
    await expect(stop).rejects.toThrow('3 of 10 users on the target would be deactivated or deleted (1 missing from the input, 1 leaver, 1 disabled by its HR status): more than the limit of 2');
  });

  it('without maxDeactivations the brake is maxMissing’s limit (raising --max-missing alone keeps working)', async () => {
    await expect(plan(rows, people, at('2027-06-01T00:00:00Z'), { maxMissing: { count: 1 } })).rejects.toBeInstanceOf(DeactivationLimit);
    expect((await plan(rows, people, at('2027-06-01T00:00:00Z'), { maxMissing: { count: 2 } })).operations).toHaveLength(2);
  });
});
