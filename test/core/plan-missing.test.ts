import { describe, expect, it } from 'vitest';
import type { CanonicalValues } from '../../src/core/model/canonical.js';
import { Draft } from '../../src/core/plan/draft.js';
import { MissingLimit, planMissing } from '../../src/core/plan/missing.js';
import type { PlanOptions } from '../../src/core/plan/plan.js';
import type { TargetWriter } from '../../src/core/ports.js';
import { fakeTarget, OPTIONS } from './plan-fakes.js';

const KEYS = ['externalId', 'email'];
const ON_TARGET: CanonicalValues[] = [
  { id: 'a', externalId: 'E1', status: 'Enabled' },
  { id: 'b', email: 'b@acme.co.uk', status: 'Enabled' },
  { id: 'c', externalId: 'E3', status: 'Disabled' },
  { id: 'd', externalId: 'E4', status: 'Enabled' },
];
const CAN_DEACTIVATE: Partial<TargetWriter> = { deactivation: () => ({ field: 'status', value: 'Disabled' }) };

function missing(options: Partial<PlanOptions>, writer: Partial<TargetWriter> = CAN_DEACTIVATE, kept: (row: CanonicalValues) => boolean = (r) => r.id === 'a') {
  const draft = new Draft(0);
  planMissing(fakeTarget(writer), 'users', ON_TARGET, KEYS, { ...OPTIONS, maxMissing: { count: 10 }, ...options }, kept, draft);
  return draft;
}

describe('planMissing', () => {
  it('ignore (the default) plans nothing and says nothing', () => {
    const draft = missing({ missing: 'ignore' });
    expect([draft.ops, draft.notes]).toEqual([[], []]);
  });

  it('deactivates what the input lacks, sending the key it is found by; one already deactivated is left alone', () => {
    const draft = missing({ missing: 'deactivate' });
    expect(draft.ops.map((o) => [o.action, o.id, o.key, o.values])).toEqual([
      ['deactivate', 'b', 'email=b@acme.co.uk (id b)', { email: 'b@acme.co.uk' }],
      ['deactivate', 'd', 'externalId=E4 (id d)', { externalId: 'E4' }],
    ]);
    expect(draft.summary.deactivate).toBe(2);
    expect(draft.ops[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('deletes what the input lacks (an already deactivated record too), sending no values', () => {
    const draft = missing({ missing: 'delete' });
    expect(draft.ops.map((o) => [o.action, o.id, o.values])).toEqual([['delete', 'b', undefined], ['delete', 'c', undefined], ['delete', 'd', undefined]]);
  });

  it('stops the run past maxMissing (a count, or a fraction of the records rounded down), listing the first', () => {
    expect(() => missing({ missing: 'delete', maxMissing: { count: 2 } })).toThrow(MissingLimit);
    try {
      missing({ missing: 'delete', maxMissing: { fraction: 0.6 } }); // 4 × 0.6 = 2.4, rounded down: 2 < 3
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ entity: 'users', count: 3, total: 4, limit: 2, examples: ['email=b@acme.co.uk (id b)', 'externalId=E3 (id c)', 'externalId=E4 (id d)'] });
    }
    expect(missing({ missing: 'delete', maxMissing: { fraction: 0.75 } }).ops).toHaveLength(3);
  });

  it('leaves missing records alone, with a note, where the input is partial or the platform cannot act', () => {
    const notes = (options: Partial<PlanOptions>, writer?: Partial<TargetWriter>) => {
      const draft = missing(options, writer);
      expect(draft.ops).toEqual([]);
      return draft.notes;
    };
    expect(notes({ missing: 'delete', only: ['E1'] })).toEqual([{ code: 'missing_partial', entity: 'users', missing: 'delete' }]);
    expect(notes({ missing: 'deactivate', limit: 5 })).toEqual([{ code: 'missing_partial', entity: 'users', missing: 'deactivate' }]);
    expect(notes({ missing: 'delete', incremental: true })).toEqual([{ code: 'missing_partial', entity: 'users', missing: 'delete' }]);
    expect(notes({ missing: 'delete', lookedUp: new Set(['users'] as const) })).toEqual([{ code: 'missing_looked_up', target: 'fake "t"', entity: 'users', missing: 'delete' }]);
    expect(notes({ missing: 'deactivate' }, { updatesOnly: () => true })).toEqual([{ code: 'missing_updates_only', entity: 'users', missing: 'deactivate' }]);
    expect(notes({ missing: 'delete' }, { canDelete: () => false })).toEqual([{ code: 'missing_cannot_delete', target: 'fake "t"', entity: 'users' }]);
    expect(notes({ missing: 'deactivate' }, {})).toEqual([{ code: 'missing_cannot_deactivate', target: 'fake "t"', entity: 'users' }]);
  });

  it('never counts missing a record the input holds (matched, or named by a row left out)', () => {
    expect(missing({ missing: 'delete' }, CAN_DEACTIVATE, () => true).ops).toEqual([]);
  });
});
