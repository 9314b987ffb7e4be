import { describe, expect, it } from 'vitest';
import { mapColumns } from '../../src/core/mapping/columns.js';
import { inferEntity } from '../../src/core/mapping/infer-entity.js';
import { compileMapping, compileMappingFile } from '../../src/core/mapping/mapping-file.js';
import { mapRecord, parseIsoDate } from '../../src/core/mapping/row.js';
import { compileTransform } from '../../src/core/mapping/transforms.js';
import { UsageError } from '../../src/errors.js';
import type { Issue } from '../../src/core/model/issues.js';

const fieldsOf = (entity: 'users' | 'companies' | 'groups', columns: string[]) =>
  Object.fromEntries(mapColumns(entity, columns).mapped.map(({ column, field }) => [column, field.name]));

describe('header aliases', () => {
  it('maps every platform wire name and common HR export header, ignoring case, spaces, _ and -', () => {
    expect(
      fieldsOf('users', [
        'Forenames', 'Surname', 'MainCompanyID', 'E-mail', 'Employee ID', 'Job title', 'Post code',
      ]),
    ).toEqual({ Forenames: 'firstName', Surname: 'lastName', MainCompanyID: 'companyId', 'E-mail': 'email', 'Employee ID': 'externalId', 'Job title': 'jobTitle', 'Post code': 'postcode' });
    expect(fieldsOf('users', ['FirstName', 'first_name', 'Given name'])).toEqual({ FirstName: 'firstName' });
    expect(fieldsOf('users', ['Given name', 'Family name', 'Work email', 'Employee number', 'Company', 'ZIP', 'zip_code'])).toEqual({
      'Given name': 'firstName', 'Family name': 'lastName', 'Work email': 'email', 'Employee number': 'externalId', Company: 'companyName', ZIP: 'postcode',
    });
    expect(fieldsOf('users', ['first_name', 'last_name', 'external_id', 'employee_number'])).toEqual({
      first_name: 'firstName', last_name: 'lastName', external_id: 'externalId',
    });
    expect(fieldsOf('companies', ['ID', 'Name', 'MainContactUserID', 'CompanyGroupIDs'])).toEqual({
      ID: 'id', Name: 'name', MainContactUserID: 'mainContactUserId', CompanyGroupIDs: 'groupIds',
    });
    expect(fieldsOf('groups', ['ID', 'Label'])).toEqual({ ID: 'id', Label: 'label' });
  });

  it('reports unknown columns with a suggestion when one is close, and a second column for a field', () => {
    const map = mapColumns('users', ['Frist name', 'Shoe size', 'Email', 'Work email']);
    expect(map.unknown).toEqual([{ column: 'Frist name', suggestion: 'firstName' }, { column: 'Shoe size' }]);
    expect(map.shadowed).toEqual([{ column: 'Work email', field: 'email', winner: 'Email' }]);
  });

  it('lets a mapping file name columns, ignore them with null, and win over aliases', () => {
    const mapping = compileMapping({ users: { columns: { Personeelsnummer: 'externalId', 'Employee ID': null, Mail: 'email' } } }, 'm.json');
    const map = mapColumns('users', ['Employee ID', 'Personeelsnummer', 'Email', 'Mail'], mapping.users);
    expect(Object.fromEntries(map.mapped.map((m) => [m.column, m.field.name]))).toEqual({ Personeelsnummer: 'externalId', Mail: 'email' });
    expect(map.unknown).toEqual([]);
    expect(map.shadowed).toEqual([{ column: 'Email', field: 'email', winner: 'Mail' }]);
  });
});

describe('mapping file', () => {
  it('accepts field names in any case and rejects unknown fields with a suggestion', () => {
    expect(compileMapping({ users: { defaults: { COUNTRY: 'Netherlands' } } }, 'm.json').users!.defaults.get('country')).toBe('Netherlands');
    expect(() => compileMapping({ users: { columns: { X: 'externalIdd' } } }, 'm.json')).toThrow(/m\.json: users\.columns\.X: "externalIdd" is not a users field \(did you mean "externalId"\?\)/);
  });

  it('rejects unknown keys and transforms as usage errors naming the file', () => {
    expect(() => compileMapping({ user: {} }, 'm.json')).toThrow(UsageError);
    expect(() => compileMapping({ users: { transforms: { dateOfBirth: 'date:yyyy' } } }, 'm.json')).toThrow(/m\.json: users\.transforms\.dateOfBirth: date format "yyyy" needs a day, a month and a year/);
    expect(() => compileMapping({ users: { transforms: { email: 'shout' } } }, 'm.json')).toThrow(/unknown transform "shout"/);
  });

  it('carries how its files are read (input: encoding, delimiter, sheet), checked as the command line is', () => {
    const file = compileMappingFile({ input: { encoding: 'Latin1', delimiter: 'tab', sheet: 'Mitarbeiter' }, users: { columns: { Vorname: 'firstName' } } }, 'mapping.yaml');
    // latin1 is windows-1252 by its WHATWG name, as --encoding resolves it.
    expect(file.input).toEqual({ encoding: 'windows-1252', delimiter: '\t', sheet: 'Mitarbeiter' });
    expect(file.mapping.users!.columns.get('Vorname')).toBe('firstName');
    expect(compileMappingFile({ input: { delimiter: ';' } }, 'm.json').input).toEqual({ delimiter: ';' });
    expect(compileMappingFile({ users: {} }, 'm.json').input).toEqual({});
  });

  it('refuses a wrong input section naming the file and the key', () => {
    expect(() => compileMapping({ input: { encoding: 'latin-9x' } }, 'mapping.yaml')).toThrow(/^mapping\.yaml: input\.encoding: unknown encoding "latin-9x"$/);
    expect(() => compileMapping({ input: { encoding: 'latin-9x' } }, 'mapping.yaml')).toThrow(UsageError);
    expect(() => compileMapping({ input: { delimiter: ';;' } }, 'mapping.yaml')).toThrow(/^mapping\.yaml: input\.delimiter: one character \(or "tab"\), not ";;"$/);
    expect(() => compileMapping({ input: { format: 'csv' } }, 'mapping.yaml')).toThrow(/^mapping\.yaml: input: .*"format"/);
    expect(() => compileMapping({ input: { encoding: 1252 } }, 'mapping.yaml')).toThrow(/^mapping\.yaml: input\.encoding: /);
  });
});

describe('transforms', () => {
  it('reads dates in the named format into yyyy-mm-dd and rejects impossible dates', () => {
    const t = compileTransform('date:dd-mm-yyyy');
    expect(t('03-04-1988')).toEqual({ ok: true, value: '1988-04-03' });
    expect(t('1-6-1992')).toEqual({ ok: true, value: '1992-06-01' });
    expect(t('31-02-1990')).toEqual({ ok: false, expected: 'dd-mm-yyyy' });
    expect(compileTransform('date:mm/dd/yyyy')('12/31/1999 00:00')).toEqual({ ok: true, value: '1999-12-31' });
    expect(compileTransform('date:dd.mm.yy')('29.02.24')).toEqual({ ok: true, value: '2024-02-29' });
    expect(compileTransform('date:dd.mm.yy')('01.01.75')).toEqual({ ok: true, value: '1975-01-01' });
  });

  it('applies trim, lower and upper', () => {
    expect(compileTransform('lower')('Ann@X.NL')).toEqual({ ok: true, value: 'ann@x.nl' });
    expect(compileTransform('UPPER')('gb')).toEqual({ ok: true, value: 'GB' });
  });
});

describe('mapping a record', () => {
  const columns = mapColumns('users', ['First name', 'Opt in', 'DOB', 'Tags', 'Country', 'Approvers']);
  const mapping = compileMapping({ users: { defaults: { country: 'Netherlands' }, transforms: { dateOfBirth: 'date:dd/mm/yyyy' } } }, 'm.json').users;

  it('trims, converts kinds, applies transforms and fills defaults for blank cells', () => {
    const issues: Issue[] = [];
    const record = mapRecord(
      { file: 'f.csv', line: 2, values: { 'First name': '  Ann ', 'Opt in': 'Yes', DOB: '03/04/1988', Tags: 'a; b,c|d', Country: '', Approvers: 'm@x.nl:Manager; h@x.nl' } },
      columns,
      mapping,
      issues,
    );
    expect(issues).toEqual([]);
    expect(record.values).toEqual({
      firstName: 'Ann', marketingOptIn: true, dateOfBirth: '1988-04-03', tags: ['a', 'b', 'c', 'd'], country: 'Netherlands',
      approvers: [{ email: 'm@x.nl', label: 'Manager' }, { email: 'h@x.nl' }],
    });
  });

  it('keeps blank cells as null (present but empty) and reports values it cannot convert', () => {
    const issues: Issue[] = [];
    const record = mapRecord({ file: 'f.csv', line: 7, values: { 'First name': '', 'Opt in': 'maybe', DOB: '1988-04-03', Tags: '', Country: 'UK', Approvers: '' } }, columns, undefined, issues);
    expect(record.values).toEqual({ firstName: null, tags: null, dateOfBirth: '1988-04-03', country: 'UK', approvers: null });
    expect(issues.map((i) => [i.line, i.field, i.code])).toEqual([[7, 'marketingOptIn', 'invalid_boolean']]);
  });

  it('maps a CSV row (cells read by index) as it maps the same values by column: a value it cannot convert left out, the rest in column order', () => {
    const headers = ['First name', 'Opt in', 'DOB', 'Tags', 'Country', 'Approvers'];
    for (const cells of [['Ann', 'yes', '1988-04-03', 'a;b', 'UK', 'm@x.nl'], ['Bo', 'maybe', '31/12/1999', '', 'NL', ''], ['Cy', 'no', 'x', 'c', '', '']]) {
      const values = Object.fromEntries(headers.map((h, i) => [h, cells[i]!]));
      const byIndex: Issue[] = [];
      const byColumn: Issue[] = [];
      const csv = mapRecord({ file: 'f.csv', line: 2, values, cells, columnIndex: new Map(headers.map((h, i) => [h, i])) }, columns, undefined, byIndex);
      const other = mapRecord({ file: 'f.csv', line: 2, values }, columns, undefined, byColumn);
      expect(Object.entries(csv.values)).toEqual(Object.entries(other.values));
      expect(byIndex).toEqual(byColumn);
    }
  });

  it('says how to read a non-ISO date', () => {
    const issues: Issue[] = [];
    mapRecord({ file: 'f.csv', line: 3, values: { DOB: '03/04/1988' } }, columns, undefined, issues);
    expect(issues[0]).toMatchObject({ code: 'invalid_date', message: 'dateOfBirth "03/04/1988" is not a valid date (expected yyyy-mm-dd)' });
    expect(issues[0]!.hint).toEqual({ option: 'map', text: expect.stringContaining('"date:dd/mm/yyyy"') }); // the CLI words the option as --map
  });
});

describe('entity inference', () => {
  it('decides by the columns only one entity has', () => {
    expect(inferEntity('x.csv', ['Forenames', 'Surname', 'Email'])).toMatchObject({ entity: 'users', unsure: false });
    expect(inferEntity('x.csv', ['ID', 'Name', 'CompanyGroupIDs'])).toMatchObject({ entity: 'companies', unsure: false });
  });

  it('breaks a tie with the file name and says so; gives up when nothing helps', () => {
    expect(inferEntity('data/groups.csv', ['ID', 'Name'])).toMatchObject({ entity: 'groups', unsure: true });
    expect(inferEntity('accounts.csv', ['ID', 'Name'])).toMatchObject({ entity: 'companies', unsure: true });
    expect(inferEntity('export.csv', ['ID', 'Name'])).toMatchObject({ entity: undefined });
    expect(inferEntity('export.csv', ['a', 'b'])).toMatchObject({ entity: undefined, reason: 'no column names a users, companies or groups field' });
  });
});

describe('value lookups in a mapping file', () => {
  const columns = mapColumns('users', ['Company ID', 'Status', 'Gender', 'Groups']);
  const document = {
    users: {
      values: {
        companyId: { map: { 'C-77': 'ACME01', 'c-78 ': 'NGHC02' }, unmapped: 'error' },
        status: { map: { on_leave: 'Enabled', TERMINATED: 'Disabled' } },
        gender: { map: { non_binary: '', prefer_not_to_say: '' } },
        groups: { map: { 'team a': 'Retail customers' } },
      },
    },
  };
  const mapping = compileMapping(document, 'map.json').users;
  const map = (values: Record<string, string>) => {
    const issues: Issue[] = [];
    const record = mapRecord({ file: 'hr.csv', line: 4, values }, columns, mapping, issues);
    return { record, issues };
  };

  it('translates values trimmed and ignoring case, "" to blank, list items one by one, and remembers what was written', () => {
    const { record, issues } = map({ 'Company ID': ' c-77', Status: 'On_Leave', Gender: 'non_binary', Groups: 'Team A;Healthcare' });
    expect(issues).toEqual([]);
    expect(record.values).toEqual({ companyId: 'ACME01', status: 'Enabled', gender: null, groups: ['Retail customers', 'Healthcare'] });
    expect(record.mapped).toEqual({ companyId: 'c-77', status: 'On_Leave', gender: 'non_binary', groups: 'Team A' });
  });

  it('lets a value with no entry through, unless the field says "unmapped": "error"', () => {
    expect(map({ 'Company ID': 'C-78', Status: 'ACTIVE', Gender: 'f', Groups: '' }).record.values).toMatchObject({ companyId: 'NGHC02', status: 'ACTIVE', gender: 'f' });
    const { record, issues } = map({ 'Company ID': 'C-99', Status: '', Gender: '', Groups: '' });
    expect(record.values.companyId).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ line: 4, field: 'companyId', code: 'unmapped_value', message: 'companyId "C-99" has no entry in the value table map.json' })]);
  });

  it('refuses a table that maps one value two ways, or a lookup with nothing in it', () => {
    expect(() => compileMapping({ users: { values: { status: { map: { a: 'Enabled', ' A ': 'Disabled' } } } } }, 'map.json')).toThrow(/users\.values\.status: " A " maps to "Enabled" \(map\.json\) and to "Disabled"/);
    expect(() => compileMapping({ users: { values: { status: {} } } }, 'map.json')).toThrow(/give "map" \(source value → target value\) or "file"/);
    expect(() => compileMapping({ users: { values: { statuss: { map: {} } } } }, 'map.json')).toThrow(/did you mean "status"/);
  });
});

describe('parseIsoDate', () => {
  it('reads yyyy-mm-dd digit by digit, and everything else through the pattern', () => {
    expect(['2024-02-29', '2023-02-29', '2024-13-01', '2024-1a-01', '0000-01-01', ' 2024-01-02 ', '2024-01-02T10:00:00Z', '2024-01-02 10:00'].map(parseIsoDate)).toEqual([
      '2024-02-29', undefined, undefined, undefined, '0000-01-01', '2024-01-02', '2024-01-02', '2024-01-02',
    ]);
  });
});
