import { describe, expect, it } from 'vitest';
import { EMAIL } from '../../src/core/rules/email.js';
import countries from 'i18n-iso-countries';
import { COUNTRY_NAMES, countryCode, normaliseCountry } from '../../src/core/model/countries.js';
import { FIELDS } from '../../src/core/model/fields.js';
import { same } from '../../src/core/plan/compare.js';
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

describe('countries and phone numbers, from well-kept libraries', () => {
  it('reads a country written as a code or in the languages HR files come in, and sends the one name per country', () => {
    const cases: Array<[string, string | undefined]> = [
      ['Österreich', 'Austria'], ['Schweiz', 'Switzerland'], ['Suisse', 'Switzerland'], ['Polska', 'Poland'], ['Allemagne', 'Germany'],
      ['Frankrijk', 'France'], ['U.K.', 'United Kingdom'], ['Korea', 'South Korea'], ['GBR', 'United Kingdom'], ['deu', 'Germany'],
      ['gb', 'United Kingdom'], ['U.S.A.', 'United States'], ['United States of America', 'United States'], ['België', 'Belgium'],
      ['The Netherlands', 'Netherlands'], ['Holland', 'Netherlands'], ['Czechia', 'Czech Republic'], ['Türkiye', 'Turkey'],
      ['España', 'Spain'], ['Sverige', 'Sweden'], ['Scotland', 'United Kingdom'], ['Viet Nam', 'Vietnam'], ['  united   kingdom ', 'United Kingdom'],
      ['Congo', undefined], ['Xanadu', undefined],
    ];
    // Twice: the second answer comes from the answers kept for values already seen, unknown ones included.
    for (const _ of [1, 2]) for (const [written, name] of cases) expect(normaliseCountry(written), written).toBe(name);
    // Every name hrsync sends is for a code the library knows, and reads back as itself.
    for (const name of COUNTRY_NAMES) {
      expect(countries.isValid(countryCode(name)!), name).toBe(true);
      expect(normaliseCountry(name)).toBe(name);
    }
    expect(COUNTRY_NAMES.length).toBe(Object.keys(countries.getAlpha2Codes()).length);
  });

  it('compares phone numbers as numbers, in the row’s country', () => {
    expect(same('phone', '+44 7700 900101', '07700 900101', 'GB')).toBe(true);
    expect(same('mobile', '0044 (0)7700-900101', '+447700900101', 'GB')).toBe(true);
    expect(same('phone', '06-12345678', '+31 6 12345678', 'NL')).toBe(true);
    expect(same('phone', '+44 7700 900101', '07700 900101')).toBe(false); // no region: a national number is not read
    expect(same('phone', '07700 900101', '07700 900102', 'GB')).toBe(false);
  });
});

describe('the email check', () => {
  it('is zod’s email pattern, copied so that checking rows does not load zod', async () => {
    const { z } = await import('zod');
    expect([EMAIL.source, EMAIL.flags]).toEqual([z.regexes.email.source, z.regexes.email.flags]);
  });
});
