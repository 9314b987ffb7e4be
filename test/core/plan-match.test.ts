import { describe, expect, it } from 'vitest';
import type { CanonicalRecord, CanonicalValues } from '../../src/core/model/canonical.js';
import { Canary } from '../../src/core/plan/canary.js';
import { Draft } from '../../src/core/plan/draft.js';
import { claimsOf, matchRow, presentKeys, TargetIndex } from '../../src/core/plan/match.js';
import { user } from './plan-fakes.js';

const JAMES: CanonicalValues = { id: 'jasmit', externalId: 'E1001', email: 'james@acme.co.uk' };
const PRIYA: CanonicalValues = { id: 'prpate', externalId: 'E1002', email: 'priya@acme.co.uk' };
const KEYS = ['externalId', 'email'];

function match(record: CanonicalRecord, existing: CanonicalValues[], input: CanonicalRecord[] = [record], matched = new Map<CanonicalValues, CanonicalRecord>()) {
  const index = new TargetIndex(existing, KEYS);
  const held = new Set<CanonicalValues>();
  return { result: matchRow(record, KEYS.filter((k) => record.values[k]), index, claimsOf(input, index), matched, held), held };
}

describe('TargetIndex', () => {
  it('finds records by each key, emails in any case, compound keys by every part', () => {
    const index = new TargetIndex([JAMES, PRIYA], KEYS);
    expect(index.find('email', { email: ' JAMES@acme.co.uk ' })).toEqual([JAMES]);
    expect(index.find('externalId', { externalId: 'e1001' })).toEqual([]); // an id is not an email: case counts
    expect(index.findAll({ externalId: 'E1001', email: 'priya@acme.co.uk' })).toEqual([JAMES, PRIYA]);
    const delegates = new TargetIndex([{ id: 'd1', userId: 'pebrid', courseDateId: '12368' }], ['userId+courseDateId']);
    expect(delegates.find('userId+courseDateId', { userId: 'pebrid', courseDateId: '12368' })).toHaveLength(1);
    expect(delegates.find('userId+courseDateId', { userId: 'pebrid' })).toEqual([]);
  });
});

describe('TargetIndex at scale: positions by hash, each checked against the value', () => {
  it('finds exactly the records a Map of the key strings would, in the order listed: 60,000 records, duplicates, values with a hash in common', () => {
    // Pairs of values whose FNV-1a hashes are equal (found by search): a hash alone must never find a record.
    const sameHash = ['costarring', 'liquid', 'declinate', 'macallums'];
    const existing: CanonicalValues[] = Array.from({ length: 60_000 }, (_, i) => ({ id: `u${i}`, externalId: i < 4 ? sameHash[i]! : `E${i}`, email: `p${i % 59_000}@acme.co.uk` }));
    const index = new TargetIndex(existing, KEYS);
    const naive = (k: string, value: string) => existing.filter((r) => (k === 'email' ? String(r[k]).toLowerCase() === value.toLowerCase() : r[k] === value));
    const asked = [...sameHash, 'E0', 'E59999', 'E60000', 'p0@acme.co.uk', 'P58999@ACME.co.uk', 'p59000@acme.co.uk', ...Array.from({ length: 2_000 }, (_, i) => `E${i * 29}`)];
    for (const value of asked) for (const k of KEYS) expect(index.find(k, { [k]: value }), `${k}=${value}`).toEqual(naive(k, value));
    expect(index.find('email', { email: 'p1@acme.co.uk' }).map((r) => r.id)).toEqual(['u1', 'u59001']); // a duplicate on the target, in the order listed
  });
});

describe('matchRow', () => {
  it('finds one record (an update), or none (a create), and holds what it found', () => {
    const found = match(user({ externalId: 'E1001', email: 'james@acme.co.uk' }), [JAMES, PRIYA]);
    expect(found.result).toEqual({ hit: JAMES, key: 'externalId=E1001', found: { key: 'externalId', label: 'externalId=E1001' } });
    expect([...found.held]).toEqual([JAMES]);
    expect(match(user({ email: 'new@acme.co.uk' }), [JAMES]).result).toEqual({ hit: undefined, key: 'email=new@acme.co.uk' });
  });

  it('reports a duplicate on the target: a key that finds two records', () => {
    const twin = { ...PRIYA, id: 'twin', email: 'james@acme.co.uk' };
    const { result, held } = match(user({ email: 'james@acme.co.uk' }), [JAMES, twin]);
    expect(result).toMatchObject({ conflict: { key: 'email=james@acme.co.uk', message: 'email=james@acme.co.uk matches id jasmit and id twin', duplicateOnTarget: true } });
    expect(held.size).toBe(2); // neither is missing
  });

  it('reports keys that find different records', () => {
    const { result } = match(user({ externalId: 'E1001', email: 'priya@acme.co.uk' }), [JAMES, PRIYA]);
    expect(result).toEqual({ conflict: expect.objectContaining({ code: 'key_taken', message: 'externalId=E1001 finds user id jasmit (email james@acme.co.uk), but its email=priya@acme.co.uk belongs to another user, id prpate (externalId E1002): nothing is written for either' }) });
    expect(result).not.toHaveProperty('conflict.duplicateOnTarget');
  });

  it('writes a record two rows name with neither of them, whatever their order', () => {
    const first = user({ externalId: 'E1001' });
    const second = user({ email: 'james@acme.co.uk' }, );
    for (const record of [first, second]) {
      const other = record === first ? second : first;
      expect(match(record, [JAMES], [first, second]).result).toEqual({ conflict: expect.objectContaining({ message: expect.stringMatching(new RegExp(`matches the same record \\(id jasmit\\) as line ${other.line}: none of them is written$`)) }) });
    }
  });
});

describe('presentKeys', () => {
  it('leaves out a row with none of the keys, as a conflict naming them', () => {
    const draft = new Draft(0);
    expect(presentKeys(user({ firstName: 'No' }), KEYS, new Canary({}), draft)).toBeUndefined();
    expect(draft.conflicts).toEqual([expect.objectContaining({ key: '', message: expect.stringMatching(/^has none of the keys it is matched on \(externalId, email\)/) })]);
    expect(presentKeys(user({ email: 'a@b.co.uk' }), KEYS, new Canary({}), draft)).toEqual(['email']);
  });

  it('leaves out a row --only does not name, counted as skipped (not a conflict)', () => {
    const draft = new Draft(0);
    expect(presentKeys(user({ externalId: 'E1', email: 'a@b.co.uk' }), KEYS, new Canary({ only: ['E2'] }), draft)).toBeUndefined();
    expect(presentKeys(user({ firstName: 'No key' }), KEYS, new Canary({ only: ['E2'] }), draft)).toBeUndefined();
    expect(draft.summary).toMatchObject({ skipped: 2, conflicts: 0 });
    expect(draft.conflicts).toEqual([]);
    expect(presentKeys(user({ externalId: 'E1', email: 'a@b.co.uk' }), KEYS, new Canary({ only: ['a@b.co.uk'] }), draft)).toEqual(KEYS);
  });
});
