import { describe, expect, it } from 'vitest';
import { checkPlanFresh, freshnessLookups, savedPlanText, type SavedPlan, type WordedPlan } from '../../src/app/apply-saved-plan.js';
import type { CanonicalValues } from '../../src/core/model/canonical.js';
import { fingerprint, type PlannedOp } from '../../src/core/plan/plan.js';
import type { MatchKey, TargetWriter } from '../../src/core/ports.js';
import { fakeTarget } from '../core/plan-fakes.js';

const KEY = Buffer.alloc(32, 7);
const state = { planKey: async () => KEY, where: 'a test' };
const SUMMARY = { create: 0, update: 0, deactivate: 0, delete: 0, unchanged: 0, invalid: 0, conflicts: 0, skipped: 0 };

/** A plan as `import --out` writes it, signed with KEY, for the fake target of plan-fakes. */
async function signed(operations: PlannedOp[]): Promise<SavedPlan> {
  const plan: WordedPlan = { version: 3, target: 'fake "t"', targetName: 't', targetIdentity: 'fake', createdAt: '2026-12-05T00:00:00.000Z', operations, conflicts: [], summary: SUMMARY, notes: [] };
  return JSON.parse(await savedPlanText(plan, state)) as SavedPlan;
}

const create = (n: number): PlannedOp => ({ action: 'create', entity: 'users', key: `externalId=E${n}`, values: { externalId: `E${n}`, email: `p${n}@example.com` } });
const held = (n: number): CanonicalValues => ({ id: `u${n}`, externalId: `E${n}`, email: `p${n}@example.com`, surname: 'Held' });
const update = (n: number, record: CanonicalValues): PlannedOp => ({ action: 'update', entity: 'users', key: `externalId=E${n}`, id: String(record.id), values: { surname: 'New' }, fingerprint: fingerprint(record) });

/** A writer whose target holds `records`, answering lookups one by one, or `atOnce` a request (lookupMany) when given; every request counted. */
function holding(records: CanonicalValues[], atOnce?: number, options: { cutAt?: number; ignoreCase?: boolean } = {}) {
  const asked: string[] = [];
  const same = (a: unknown, b: string) => (options.ignoreCase ? String(a).toLowerCase() === b.toLowerCase() : a === b);
  const writer: Partial<TargetWriter> = {
    lookup: async (_entity, key: MatchKey) => {
      asked.push(`lookup ${key.field}=${key.value}`);
      return records.find((r) => same(r[key.field], key.value));
    },
    ...(atOnce
      ? {
          lookupMany: {
            atOnce,
            find: async (_entity, field, values) => {
              asked.push(`many ${field} ×${values.length}`);
              const hits = records.filter((r) => values.some((v) => same(r[field], v)));
              const cut = options.cutAt ?? Infinity;
              return { records: hits.slice(0, cut), complete: hits.length <= cut };
            },
          },
        }
      : {}),
  };
  return { target: fakeTarget(writer), asked };
}

const check = (target: ReturnType<typeof holding>['target'], plan: SavedPlan) => checkPlanFresh(target, plan, state, { concurrency: 4, force: true, now: Date.parse('2026-12-05T12:00:00Z') });

describe('checking a saved plan against the target', () => {
  it('asks for many keys a request where the target can: 45 creates by externalId and email in 6 requests, not 90', async () => {
    const ops = Array.from({ length: 45 }, (_, i) => create(i));
    const plan = await signed(ops);
    const one = holding([]);
    const many = holding([], 20);
    expect([freshnessLookups(one.target, plan), freshnessLookups(many.target, plan)]).toEqual([90, 6]);
    expect((await check(many.target, plan)).stale).toEqual([]);
    expect([...many.asked].sort()).toEqual(['many email ×20', 'many email ×20', 'many email ×5', 'many externalId ×20', 'many externalId ×20', 'many externalId ×5']);
    expect((await check(one.target, plan)).stale).toEqual([]);
    expect(one.asked).toHaveLength(90);
  });

  it('finds the same stale operations either way: a create whose record exists now, a record changed or gone', async () => {
    const kept = held(1);
    const changed = held(2);
    const gone = held(3);
    const plan = await signed([create(7), create(8), update(1, kept), update(2, changed), update(3, gone)]);
    const now = [kept, { ...changed, surname: 'Changed' }, held(8)];
    const stale = ['users externalId=E8 exists now', 'users externalId=E2 (id u2) changed since the plan was made', 'users externalId=E3 (id u3) no longer exists'];
    expect((await check(holding(now).target, plan)).stale.sort()).toEqual([...stale].sort());
    expect((await check(holding(now, 20).target, plan)).stale.sort()).toEqual([...stale].sort());
  });

  it('looks a key up alone when a many-key answer may have been cut, and never takes a create for new where a server that ignores case finds it', async () => {
    const plan = await signed([create(1), create(2), create(3)]);
    const cut = holding([held(1), held(2), held(3)], 20, { cutAt: 1 });
    expect((await check(cut.target, plan)).stale.sort()).toEqual(['users externalId=E1 exists now', 'users externalId=E2 exists now', 'users externalId=E3 exists now']);
    expect(cut.asked.filter((a) => a.startsWith('lookup')).sort()).toEqual(['lookup email=p2@example.com', 'lookup email=p3@example.com', 'lookup externalId=E2', 'lookup externalId=E3']);
    // The target's record has the plan's externalId in another case (a key hrsync compares with case); its filter ignores case.
    const shouting = holding([{ ...held(1), externalId: 'e1', email: 'someone.else@example.com' }], 20, { ignoreCase: true });
    expect((await check(shouting.target, await signed([create(1)]))).stale).toEqual(['users externalId=E1 exists now']);
  });

  it('takes the record with the very key before one that differs only by case', async () => {
    // Two records whose ids differ only by case, the other one answered first: U1's own is not "changed".
    const upper = { ...held(1), id: 'U1', surname: 'Upper' };
    const lower = { ...held(2), id: 'u1', surname: 'Lower' };
    const plan = await signed([update(1, upper)]);
    expect((await check(holding([lower, upper], 20, { ignoreCase: true }).target, plan)).stale).toEqual([]);
  });
});
