import { describe, expect, it } from 'vitest';
import { Canary, isPartial } from '../../src/core/plan/canary.js';
import { row, user } from './plan-fakes.js';

describe('Canary', () => {
  it('only: keeps a row one of whose present keys (any part of a compound one) has a value asked for', () => {
    const canary = new Canary({ only: ['E2', '12368'] });
    expect(canary.leavesOut(user({ externalId: 'E1', email: 'E2' }), ['externalId'])).toBe(true); // email is not a key it has
    expect(canary.leavesOut(user({ externalId: 'E1', email: 'E2' }), ['externalId', 'email'])).toBe(false);
    expect(canary.leavesOut(row('delegates', { userId: 'pebrid', courseDateId: '12368' }), ['userId+courseDateId'])).toBe(false);
    expect(new Canary({}).leavesOut(user({}), [])).toBe(false);
  });

  it('limit: a budget of creates and updates shared by the whole plan; none without a limit', () => {
    const canary = new Canary({ limit: 2 });
    expect([canary.spend(), canary.spend(), canary.spend(), canary.spend()]).toEqual([true, true, false, false]);
    const unlimited = new Canary({});
    expect(Array.from({ length: 1000 }, () => unlimited.spend()).every(Boolean)).toBe(true);
  });

  it('an input is partial with only, limit or an incremental read', () => {
    expect([isPartial({}), isPartial({ only: [] }), isPartial({ limit: 1 }), isPartial({ incremental: true }), isPartial({ incremental: false })]).toEqual([false, true, true, true, false]);
  });
});
