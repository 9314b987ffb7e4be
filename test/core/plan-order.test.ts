import { describe, expect, it } from 'vitest';
import { Draft } from '../../src/core/plan/draft.js';
import { inRunOrder, orderByReferences } from '../../src/core/plan/order.js';
import type { PlannedOp } from '../../src/core/plan/plan.js';
import { fakeTarget, user } from './plan-fakes.js';

const op = (action: PlannedOp['action'], entity: PlannedOp['entity'], key: string, extra: Partial<PlannedOp> = {}): PlannedOp => ({ action, entity, key, ...extra });

describe('inRunOrder', () => {
  it('keeps creates and updates in planned order, then removals users → companies → groups', () => {
    const ops = [op('delete', 'groups', 'g'), op('create', 'users', 'u1'), op('deactivate', 'users', 'u2'), op('update', 'groups', 'g2'), op('delete', 'companies', 'c')];
    expect(inRunOrder(ops).map((o) => o.key)).toEqual(['u1', 'g2', 'u2', 'c', 'g']);
  });
});

describe('orderByReferences', () => {
  const writer = fakeTarget({ writtenAfter: () => [{ field: 'managerEmail', key: 'email' }] }).writer!;
  const plan = (rows: ReturnType<typeof user>[]) => {
    const draft = new Draft(0);
    for (const r of rows) draft.add(op('create', 'users', `externalId=${String(r.values.externalId)}`, { file: r.file, line: r.line, values: r.values, source: r.source }));
    orderByReferences(writer, rows, draft);
    return draft;
  };

  it('a new record naming another new one is sent after it', () => {
    const draft = plan([user({ externalId: 'R', email: 'r@x.co.uk', managerEmail: 'M@x.co.uk' }), user({ externalId: 'M', email: 'm@x.co.uk' })]);
    expect(draft.ops.map((o) => [o.key, o.after])).toEqual([['externalId=R', ['externalId=M']], ['externalId=M', undefined]]);
  });

  it('records naming each other in a circle, itself, or waiting for one are conflicts, taken out of the plan and its counts', () => {
    const draft = plan([
      user({ externalId: 'A', email: 'a@x.co.uk', managerEmail: 'b@x.co.uk' }),
      user({ externalId: 'B', email: 'b@x.co.uk', managerEmail: 'a@x.co.uk' }),
      user({ externalId: 'S', email: 's@x.co.uk', managerEmail: 's@x.co.uk' }),
      user({ externalId: 'W', email: 'w@x.co.uk', managerEmail: 'a@x.co.uk' }),
      user({ externalId: 'F', email: 'f@x.co.uk' }),
    ]);
    expect(draft.ops.map((o) => o.key)).toEqual(['externalId=F']);
    expect(draft.summary.create).toBe(1);
    expect(draft.conflicts.map((c) => c.message)).toEqual([
      'externalId=S names itself: a new record cannot be its own approver or manager, so it is not sent',
      expect.stringMatching(/^externalId=A and the records it must wait for name each other in a circle \(externalId=A → externalId=B → externalId=A\)/),
      expect.stringMatching(/^externalId=B and the records it must wait for name each other in a circle/),
      expect.stringMatching(/^externalId=W waits for externalId=A, which is not sent/),
    ]);
  });
});

describe('Draft', () => {
  it('counts per entity: operations by action, rows without one, conflicts, and invalid rows left out', () => {
    const draft = new Draft(1);
    draft.add(op('create', 'users', 'a'));
    draft.add(op('delete', 'companies', 'c'));
    draft.count('users', 'unchanged');
    draft.count('users', 'skipped');
    draft.conflicts.push({ entity: 'users', file: 'in.csv', line: 9, key: 'k', message: 'm' });
    const records = [user({ externalId: 'a' })];
    const byEntity = draft.byEntity(draft.ops, records, [{ entity: 'groups', file: 'g.csv', line: 2, values: {}, source: {} }]);
    expect(byEntity).toEqual({
      groups: { create: 0, update: 0, deactivate: 0, delete: 0, unchanged: 0, invalid: 1, conflicts: 0, skipped: 0 },
      companies: { create: 0, update: 0, deactivate: 0, delete: 1, unchanged: 0, invalid: 0, conflicts: 0, skipped: 0 },
      users: { create: 1, update: 0, deactivate: 0, delete: 0, unchanged: 1, invalid: 0, conflicts: 1, skipped: 1 },
    });
    expect(draft.summary).toMatchObject({ create: 1, delete: 1, unchanged: 1, skipped: 1, invalid: 1 });
    draft.drop(new Set([draft.ops[0]!]));
    expect(draft.summary.create).toBe(0);
  });
});
