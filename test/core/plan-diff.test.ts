import { describe, expect, it } from 'vitest';
import { changesOf, createValues, writableFields } from '../../src/core/plan/diff.js';
import { holdersByKey } from '../../src/core/plan/references.js';
import { fakeTarget, OPTIONS, user } from './plan-fakes.js';

const WIRE = { id: 'Id', externalId: 'Ext', email: 'Email', mobile: 'Mobile', jobTitle: 'Title', country: 'Country', fullName: 'Name', managerEmail: 'Manager' };
const target = fakeTarget({ readOnly: () => ['fullName'] }, WIRE);
const fields = writableFields(target, 'users');
const NO_REFS = new Map();

describe('writableFields', () => {
  it('is the wire map less the read-only fields, and custom fields only where the target holds them', () => {
    expect(['email', 'fullName', 'shoeSize', 'custom.badge'].map((f) => fields.has(f))).toEqual([true, false, false, false]);
    const custom = writableFields({ ...target, customFields: ['users'] }, 'users');
    expect(custom.has('custom.badge')).toBe(true);
  });
});

describe('changesOf', () => {
  const hit = { id: 'x', externalId: 'E1', email: 'a@acme.co.uk', mobile: '07700 900101', jobTitle: 'Clerk', fullName: 'A B' };

  it('compares only the writable fields the row has, after normalising', () => {
    const record = user({ id: 'other', externalId: 'E1', email: 'A@ACME.co.uk', mobile: '+44 7700 900101', country: 'United Kingdom', jobTitle: 'Manager', fullName: 'Z' });
    expect(changesOf(record, hit, fields, OPTIONS, NO_REFS, [])).toEqual([{ field: 'country', from: null, to: 'United Kingdom' }, { field: 'jobTitle', from: 'Clerk', to: 'Manager' }]);
  });

  it('a blank clears a value only with blank: clear, and clearing a blank is no change', () => {
    const record = user({ externalId: 'E1', jobTitle: null, country: null });
    expect(changesOf(record, hit, fields, OPTIONS, NO_REFS, [])).toEqual([]);
    expect(changesOf(record, hit, fields, { ...OPTIONS, blank: 'clear' }, NO_REFS, [])).toEqual([{ field: 'jobTitle', from: 'Clerk', to: null }]);
  });

  it('a reference to a record that will not exist is no change, and is said in `unset`', () => {
    const writer = { ...target.writer!, writtenAfter: () => [{ field: 'managerEmail', key: 'email' }] };
    const record = user({ externalId: 'E1', managerEmail: 'gone@acme.co.uk' });
    const refs = holdersByKey(writer, 'users', [hit], new Map([[record, new Set([hit])]]));
    const unset: string[] = [];
    expect(changesOf(record, hit, fields, OPTIONS, refs, unset)).toEqual([]);
    expect(unset).toEqual([`in.csv:${record.line} names gone@acme.co.uk`]);
  });
});

describe('createValues', () => {
  it('sends every writable or create-only field the row has a value for, never a blank', () => {
    const record = user({ externalId: 'E9', email: 'n@acme.co.uk', jobTitle: null, fullName: 'Read Only', password: 'first' });
    expect(createValues(record, fields, new Set(['password']), NO_REFS, [])).toEqual({ externalId: 'E9', email: 'n@acme.co.uk', password: 'first' });
  });
});
