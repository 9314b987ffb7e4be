import { describe, expect, it } from 'vitest';
import { KnownRecords } from '../../src/core/validate/known-records.js';
import { rulesNamed } from '../../src/connectors/registry.js';
import { compileMapping } from '../../src/core/mapping/mapping-file.js';
import { validateFiles, type ValidateOptions } from '../../src/core/validate/validate-files.js';
import { ENTITY_GIVEN } from '../../src/core/validate/batch.js';
import { readAll, tempDir, write } from '../helpers/files.js';

const dir = tempDir();
const csv = (name: string, rows: string[][]) => write(dir, name, rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n');
const found = (report: Awaited<ReturnType<typeof validateFiles>>) => report.issues.map((i) => [i.line, i.field, i.code, i.severity]);

const groups = csv('groups.csv', [['ID', 'Label'], ['G1', 'Retail'], ['G2', 'Health']]);
const companies = csv('companies.csv', [
  ['ID', 'Name', 'Email', 'MainContactUserID', 'CompanyGroupIDs'],
  ['C1', 'Acme', 'a@acme.co.uk', 'U1', 'G1'],
  ['C2', 'Beta', 'b@beta.co.uk', 'U9', 'G1;G7'],
]);
const USERS = ['ID', 'Title', 'Forenames', 'Surname', 'Email', 'Country', 'MainCompanyID', 'Status'];

// Every validation test runs on both CSV paths: the scanner (the default) and csv-parse alone; and
// with the key indexes' pages a few entries long, so that every value but the last few is read back
// from disk when it is looked for (see KeyIndex).
const WAYS = [
  ['CSV read by scanner', 'scanner', undefined],
  ['CSV read by csv-parse', 'csv-parse', undefined],
  ['key indexes on disk', 'scanner', 64],
] as const;
for (const [way, csvParser, indexPage] of WAYS) describe(way, () => {
  const validate = (paths: readonly string[], options: ValidateOptions) =>
    validateFiles(paths, { ...options, read: { ...options.read, csvParser }, ...(indexPage ? { indexPage } : {}) });

  describe('accessplanit users', () => {
    it('checks mandatory fields, lengths, email, title, country, status and the company reference', async () => {
      const users = csv('ap-users.csv', [
        USERS,
        ['U1', 'mr', 'Ann', 'Lee', 'ann@acme.co.uk', 'UK', 'C1', 'active'],
        ['U2', 'Sire', '', 'L'.repeat(41), 'jan@@acme.nl', 'Narnia', 'C999', 'Gone'],
        ['U34567890AB', 'Dr', 'B'.repeat(51), 'Ok', '', 'Great Britain', '', ''],
      ]);
      const report = await validate([groups, companies, users], { rules: rulesNamed('accessplanit')!, keepRecords: true });
      const usersIssues = report.issues.filter((i) => i.file === users).map((i) => [i.line, i.field, i.code]);
      expect(usersIssues).toEqual([
        [3, 'title', 'not_in_list'],
        [3, 'firstName', 'required'],
        [3, 'lastName', 'too_long'],
        [3, 'email', 'invalid_email'],
        [3, 'country', 'unknown_country'],
        [3, 'companyId', 'unknown_reference'],
        [3, 'status', 'not_in_list'],
        [4, 'id', 'too_long'],
        [4, 'firstName', 'too_long'],
        [4, 'companyId', 'required'],
      ]);
      const byMessage = Object.fromEntries(report.issues.map((i) => [i.code + ':' + i.field, i.message]));
      expect(byMessage['invalid_email:email']).toBe('email "jan@@acme.nl" is not a valid email address');
      expect(byMessage['unknown_reference:companyId']).toBe('companyId "C999" does not exist (not in companies.csv)');
      expect(byMessage['too_long:lastName']).toBe(`lastName "${'L'.repeat(41)}" is 41 characters long; accessplanit allows at most 40`);
      // The valid row is normalised: title case, country name, status value.
      const ann = report.records!.find((r) => r.file === users)!;
      expect(ann.values).toMatchObject({ title: 'Mr', country: 'United Kingdom', status: 'Enabled' });
    });

    it('checks company groups exist and main contacts exist, whichever order the files come in', async () => {
      const users = csv('contacts.csv', [USERS, ['U1', 'Ms', 'Ann', 'Lee', 'ann@acme.co.uk', 'GB', 'C1', 'Enabled']]);
      const report = await validate([users, companies, groups], { rules: rulesNamed('accessplanit')! });
      expect(report.issues.filter((i) => i.file === companies).map((i) => [i.line, i.field, i.value, i.code])).toEqual([
        [3, 'mainContactUserId', 'U9', 'unknown_reference'],
        [3, 'groupIds', 'G7', 'unknown_reference'],
      ]);
      expect(report.ok).toBe(false);
    });

    it('reports a required column missing from the whole file once, not on every row', async () => {
      const users = csv('no-surname.csv', [['Forenames', 'Email', 'MainCompanyID'], ['Ann', 'a@b.co.uk', 'C1'], ['Bo', 'b@b.co.uk', 'C1']]);
      const report = await validate([companies, groups, users], { rules: rulesNamed('accessplanit')! });
      expect(report.issues.filter((i) => i.file === users).map((i) => [i.line, i.field, i.code])).toEqual([[1, 'lastName', 'missing_column']]);
      // An HR export without the column (a German one has no company): the hint names the mapping's defaults too.
      expect(report.issues.find((i) => i.code === 'missing_column')!.hint).toMatchObject({ text: expect.stringContaining('or set one for every row in the mapping file\'s defaults ({ "lastName": … })'), option: 'map' });
    });

    it('says when references could not be checked, once per field', async () => {
      const users = csv('alone.csv', [USERS, ['U1', 'Ms', 'Ann', 'Lee', 'a@b.co.uk', 'GB', 'C1', ''], ['U2', 'Ms', 'Bo', 'Lee', 'b@b.co.uk', 'GB', 'C2', '']]);
      const report = await validate([users], { rules: rulesNamed('accessplanit')! });
      expect(found(report)).toEqual([[1, 'companyId', 'unchecked_reference', 'warning']]);
      expect(report.ok).toBe(true);
    });

    it('warns about columns accessplanit does not store', async () => {
      const users = csv('extra.csv', [[...USERS, 'Tags'], ['U1', 'Ms', 'Ann', 'Lee', 'a@b.co.uk', 'GB', 'C1', '', 'x']]);
      const report = await validate([users, companies, groups], { rules: rulesNamed('accessplanit')! });
      expect(report.issues.filter((i) => i.file === users).map((i) => [i.code, i.value])).toEqual([['unused_column', 'Tags']]);
    });
  });

  describe('duplicates', () => {
    it('flags every line involved, naming the others; emails compare ignoring case, across files', async () => {
      const a = csv('dup-a.csv', [['Employee ID', 'First name', 'Last name', 'Email'], ['E1', 'Ann', 'Lee', 'Ann.Lee@x.nl'], ['E2', 'Bo', 'Ek', 'bo@x.nl'], ['E1', 'Cy', 'Oz', 'ANN.LEE@X.NL']]);
      const b = csv('dup-b.csv', [['Employee ID', 'First name', 'Last name', 'Email'], ['E9', 'Di', 'Ma', 'ann.lee@x.nl']]);
      const report = await validate([a, b], { rules: rulesNamed('generic')! });
      expect(report.issues.map((i) => [i.file === a ? 'a' : 'b', i.line, i.field, i.code])).toEqual([
        ['a', 2, 'externalId', 'duplicate'],
        ['a', 2, 'email', 'duplicate'],
        ['a', 4, 'externalId', 'duplicate'],
        ['a', 4, 'email', 'duplicate'],
        ['b', 2, 'email', 'duplicate'],
      ]);
      const first = report.issues.find((i) => i.file === a && i.line === 2 && i.field === 'email')!;
      expect(first.message).toBe('email "ann.lee@x.nl" (ignoring case) is not unique: also on line 4; also on line 2 of dup-b.csv');
      expect(report.issues.find((i) => i.file === a && i.line === 4 && i.field === 'externalId')!.message).toBe('externalId "E1" is not unique: also on line 2');
    });
  });

  describe('springest users', () => {
    it('needs email or externalId, normalises gender, lower-cases tags, checks approvers', async () => {
      const users = csv('sp.csv', [
        ['external_id', 'email', 'first_name', 'gender', 'tags', 'approvers', 'birthdate'],
        ['1', 'boss@x.nl', 'Boss', 'Female', 'Sales;NL', '', '1980-01-31'],
        ['2', 'ann@x.nl', 'Ann', 'x', 'a', 'boss@x.nl:Manager; nobody@x.nl:Boss', '31-01-1980'],
        ['', '', 'Nobody', 'm', '', 'not-an-email', ''],
      ]);
      const report = await validate([users], { rules: rulesNamed('springest')!, keepRecords: true });
      expect(found(report)).toEqual([
        [3, 'gender', 'not_in_list', 'error'],
        [3, 'dateOfBirth', 'invalid_date', 'error'],
        [3, 'approvers', 'not_in_list', 'error'],
        [3, 'approvers', 'unknown_reference', 'warning'],
        [4, null, 'one_required', 'error'],
        [4, 'approvers', 'invalid_email', 'error'],
        [4, 'approvers', 'unknown_reference', 'warning'],
      ]);
      expect(report.records!.map((r) => r.values)).toEqual([
        { externalId: '1', email: 'boss@x.nl', firstName: 'Boss', gender: 'f', tags: ['sales', 'nl'], approvers: null, dateOfBirth: '1980-01-31' },
      ]);
    });

    it('holds users only', async () => {
      const report = await validate([groups], { rules: rulesNamed('springest')! });
      expect(found(report)).toEqual([[1, null, 'unsupported_entity', 'error']]);
    });
  });

  describe('appenate users', () => {
    it('requires first name, last name and email, and a known website role', async () => {
      const users = csv('ap.csv', [['FirstName', 'LastName', 'Email', 'WebsiteRole'], ['Ann', 'Lee', 'a@x.nl', 'admin'], ['Bo', '', '', 'Root']]);
      const report = await validate([users], { rules: rulesNamed('appenate')!, keepRecords: true });
      expect(found(report)).toEqual([
        [3, 'lastName', 'required', 'error'],
        [3, 'email', 'required', 'error'],
        [3, 'websiteRole', 'not_in_list', 'error'],
      ]);
      expect(report.records![0]!.values.websiteRole).toBe('Admin');
    });
  });

  describe('the batch', () => {
    it('counts rows per file and stops at --max-errors', async () => {
      const rows = [['First name', 'Last name', 'Email']];
      for (let i = 0; i < 50; i++) rows.push([`P${i}`, '', `p${i}@x.nl`]);
      const users = csv('many.csv', rows);
      const all = await validate([users], { rules: rulesNamed('generic')! });
      expect(all.summary).toEqual({ files: 1, rows: 50, errors: 50, warnings: 0 });
      const some = await validate([users], { rules: rulesNamed('generic')!, maxErrors: 5 });
      expect(some.truncated).toBe(true);
      expect(some.summary.errors).toBe(5);
    });

    it('reports a file it cannot tell the entity of, and an empty file', async () => {
      const odd = csv('export.csv', [['a', 'b'], ['1', '2']]);
      const empty = write(dir, 'empty.csv', '');
      const report = await validate([odd, empty], { rules: rulesNamed('generic')! });
      expect(report.issues.map((i) => [i.file === odd ? 'odd' : 'empty', i.code])).toEqual([['odd', 'unknown_entity'], ['empty', 'no_records']]);
    });

    it('uses --entity instead of guessing', async () => {
      const odd = csv('people-export.csv', [['ID', 'Label'], ['1', 'Ann']]);
      const report = await validate([odd], { rules: rulesNamed('generic')!, entity: 'companies' });
      expect(report.files[0]).toMatchObject({ entity: 'companies', entityReason: ENTITY_GIVEN });
      expect(found(report)).toEqual([
        [1, null, 'unknown_column', 'warning'],
        [1, 'name', 'missing_column', 'error'],
      ]);
    });
  });

  describe('references against records already on the target', () => {
    const onTarget = new KnownRecords('accessplanit "lms"').load('companies', [{ id: 'C50', name: 'On the platform' }], ['id']);

    it('accepts a company that is on the target though not in the batch, and names both places otherwise', async () => {
      const users = csv('known.csv', [USERS, ['U1', 'Ms', 'Ann', 'Lee', 'a@b.co.uk', 'GB', 'C50', ''], ['U2', 'Ms', 'Bo', 'Lee', 'b@b.co.uk', 'GB', 'C77', ''], ['U3', 'Ms', 'Cy', 'Lee', 'c@b.co.uk', 'GB', 'C1', '']]);
      const report = await validate([users, companies, groups], { rules: rulesNamed('accessplanit')!, known: onTarget });
      expect(report.issues.filter((i) => i.file === users).map((i) => [i.line, i.message])).toEqual([
        [3, 'companyId "C77" does not exist (not in companies.csv, nor on accessplanit "lms")'],
      ]);
    });

    it('checks against the target alone when the batch has no companies file', async () => {
      const users = csv('known-alone.csv', [USERS, ['U1', 'Ms', 'Ann', 'Lee', 'a@b.co.uk', 'GB', 'C50', ''], ['U2', 'Ms', 'Bo', 'Lee', 'b@b.co.uk', 'GB', 'C1', '']]);
      const report = await validate([users], { rules: rulesNamed('accessplanit')!, known: onTarget });
      expect(report.issues.map((i) => [i.line, i.code, i.message])).toEqual([[3, 'unknown_reference', 'companyId "C1" does not exist (not on accessplanit "lms")']]);
    });

    it('still warns when the target could not list the referenced entity', async () => {
      const usersOnly = new KnownRecords('springest').load('users', [], ['email']);
      const users = csv('known-none.csv', [USERS, ['U1', 'Ms', 'Ann', 'Lee', 'a@b.co.uk', 'GB', 'C50', '']]);
      const report = await validate([users], { rules: rulesNamed('accessplanit')!, known: usersOnly });
      expect(report.issues.map((i) => i.code)).toEqual(['unchecked_reference']);
    });
  });

  describe('records kept for import', () => {
    it('keeps none from a file with a file-level error or a read cut short', async () => {
      const noSurname = csv('no-surname-keep.csv', [['Forenames', 'Email', 'MainCompanyID'], ['Ann', 'a@b.co.uk', 'C1']]);
      const cut = write(dir, 'cut.csv', Buffer.concat([Buffer.from('First name,Last name\nAnn,Lee\nBo,Ek\n'), Buffer.from('Caf\xe9,X\n', 'latin1'), Buffer.from('Di,Ma\n')]));
      const fine = csv('fine.csv', [['First name', 'Last name'], ['Cy', 'Oz']]);
      const ap = await validate([noSurname, companies, groups], { rules: rulesNamed('accessplanit')!, keepRecords: true });
      expect(ap.records!.filter((r) => r.file === noSurname)).toEqual([]);
      const generic = await validate([cut, fine], { rules: rulesNamed('generic')!, keepRecords: true });
      expect(generic.records!.map((r) => r.values.firstName)).toEqual(['Cy']);
    });
  });

  describe('control characters and the CSV reader’s clean pieces', () => {
    const controls = async (text: string, mapping?: Parameters<typeof compileMapping>[0]) => {
      const path = write(dir, `cc-${Math.random().toString(36).slice(2)}.csv`, text);
      const report = await validate([path], { rules: rulesNamed('generic')!, ...(mapping ? { mapping: compileMapping(mapping, 'm.json') } : {}) });
      return report.issues.filter((i) => i.code === 'control_character').map((i) => [i.line, i.field]);
    };
    const rows = (n: number, at: number, value: string) =>
      ['First name,Last name,Email,Job title', ...Array.from({ length: n }, (_, i) => `A${i},B,a${i}@x.nl,${i === at ? value : 'Clerk'}`)].join('\n') + '\n';

    it('finds one in any piece of a long file, wherever the piece boundaries fall', async () => {
      // ~2,000 rows a 64 KB piece: one control character deep in the file, and one in the last row.
      expect(await controls(rows(5000, 3777, 'Cl\u0007erk'))).toEqual([[3779, 'jobTitle']]);
      expect(await controls(rows(5000, 4999, '\u001b[2J'))).toEqual([[5001, 'jobTitle']]);
    });

    it('finds one that a value table or a default puts into clean text', async () => {
      expect(await controls(rows(3, -1, ''), { users: { values: { jobTitle: { map: { clerk: 'Cl\u0007erk' } } } } })).toEqual([[2, 'jobTitle'], [3, 'jobTitle'], [4, 'jobTitle']]);
      expect(await controls('First name,Last name,Email\nA,B,a@x.nl\n', { users: { defaults: { jobTitle: 'x\u0000' } } })).toEqual([[2, 'jobTitle']]);
    });
  });

  describe('a JSON document, streamed', () => {
    /**
     * 1,500 users as JSON, one record a line (record n on line n + 2, as in a CSV with its header), whose
     * first records lack keys that come later: a required surname, the country, a column no field has —
     * and the same rows as a CSV whose header has every column. Both must validate alike.
     */
    function twins(name: string): { json: string; csv: string } {
      const rows: Array<Record<string, string>> = [];
      for (let i = 0; i < 1500; i++) {
        const row: Record<string, string> = { ID: `U${i}`, Forenames: `F${i}`, Email: i === 1320 ? 'not-an-email' : `u${i}@x.co.uk`, MainCompanyID: i === 1400 ? 'C404' : 'C1', Note: 'n'.repeat(2000) };
        if (i >= 1250 && i !== 1270) row.Surname = `S${i}`; // the surname comes late, and one row after lacks it
        if (i >= 1300) row.Country = i === 1310 ? 'Narnia' : 'GB';
        if (i >= 1450) row['Shoe size'] = '9';
        rows.push(row);
      }
      const columns = ['ID', 'Forenames', 'Email', 'MainCompanyID', 'Note', 'Surname', 'Country', 'Shoe size'];
      return {
        json: write(dir, `${name}.json`, `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`),
        csv: write(dir, `${name}.csv`, [columns.join(','), ...rows.map((r) => columns.map((c) => r[c] ?? '').join(','))].join('\n') + '\n'),
      };
    }
    const same = (report: Awaited<ReturnType<typeof validateFiles>>, file: string) => ({
      ok: report.ok,
      summary: report.summary,
      issues: report.issues.map((i) => ({ ...i, file: i.file === file ? 'users' : i.file })),
      // What each record holds, wherever it was read from (not its raw source, nor how the CSV reader read it).
      records: report.records?.map(({ entity, line, values }) => ({ entity, line, values })),
      rejected: report.rejected?.map(({ entity, line, values }) => ({ entity, line, values })),
    });

    it('maps and checks a key first seen after its first 1,000 records as if it had been in its header', async () => {
      const { json, csv: table } = twins('late-users');
      const [header] = await readAll(json);
      expect(header).toMatchObject({ kind: 'header', partial: true, columns: ['ID', 'Forenames', 'Email', 'MainCompanyID', 'Note'] });
      const options = { rules: rulesNamed('accessplanit')!, keepRecords: true };
      const fromJson = await validate([companies, groups, json], options);
      const fromCsv = await validate([companies, groups, table], options);
      expect(same(fromJson, json)).toEqual(same(fromCsv, table));
      // What that means: the rows before the surname came each lack it (1,250 and one after), the country
      // and email are checked where they come, unknown columns are one warning each on line 1, none is missing.
      const issues = fromJson.issues.filter((i) => i.file === json).map((i) => [i.line, i.field, i.value, i.code]);
      expect(issues.filter(([, , , code]) => code === 'required')).toHaveLength(1251);
      expect(issues.filter(([, , , code]) => code !== 'required')).toEqual([
        [1, null, 'Note', 'unknown_column'],
        [1, null, 'Shoe size', 'unknown_column'],
        [1312, 'country', 'Narnia', 'unknown_country'],
        [1322, 'email', 'not-an-email', 'invalid_email'],
        [1402, 'companyId', 'C404', 'unknown_reference'],
      ]);
      // A row kept from before a column came has its field blank, as a CSV row with an empty cell.
      expect(fromJson.rejected!.find((r) => r.values.id === 'U5')!.values).toMatchObject({ lastName: null, country: null });
    });
  });
});
