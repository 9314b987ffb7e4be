import { describe, expect, it } from 'vitest';
import { FIELDS } from '../../src/core/model/fields.js';
import { ignoresCase, keyValue } from '../../src/core/model/keys.js';

describe('the canonical model', () => {
  it('gives a field name one kind in every entity, so one key rule fits all', () => {
    const kinds = new Map<string, string>();
    for (const defs of Object.values(FIELDS))
      for (const d of defs) {
        expect(kinds.get(d.name) ?? d.kind, d.name).toBe(d.kind);
        kinds.set(d.name, d.kind);
      }
  });

  it('compares key values trimmed, and emails, names and labels ignoring case', () => {
    expect(keyValue('email', ' Ann@X.co.uk ')).toBe('ann@x.co.uk');
    expect(keyValue('managerEmail', 'Boss@X.nl')).toBe('boss@x.nl');
    expect(keyValue('label', 'Retail ')).toBe('retail');
    expect(keyValue('name', 'ACME')).toBe('acme');
    expect(keyValue('externalId', ' E1001 ')).toBe('E1001');
    expect(keyValue('id', 'jaSmit')).toBe('jaSmit');
    expect(['email', 'managerEmail', 'approvers', 'label', 'name'].every(ignoresCase)).toBe(true);
    expect(ignoresCase('externalId')).toBe(false);
  });
});
