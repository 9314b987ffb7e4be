import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { write } from '../helpers/files.js';
import { hrsyncIn, tempProject } from '../helpers/run.js';

/** `validate --annotate`: the input back with an "hrsync errors" column, the file HR staff fix (#13 item 5). */
describe('hrsync validate --annotate', () => {
  const USERS = 'Employee ID,First name,Last name,Email,Company ID\nA1,Ann,Lee,ann@x.co.uk,ACME01\nA2,,Bell,not-an-email,ACME01\nA3,"=HYPERLINK(""http://x"")",Cole,a3@x.co.uk,ACME01\n';

  it('writes a CSV with the errors of each row beside it, exit code unchanged, readable by the owner alone', async () => {
    const dir = tempProject();
    write(dir, 'users.csv', USERS);
    const run = await hrsyncIn(['validate', 'users.csv', '--target', 'accessplanit', '--annotate', 'fix-me.csv'], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('wrote 3 rows with an "hrsync errors" column to fix-me.csv');
    const lines = readFileSync(join(dir, 'fix-me.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('Employee ID,First name,Last name,Email,Company ID,hrsync errors');
    expect(lines[1]).toBe('A1,Ann,Lee,ann@x.co.uk,ACME01,');
    expect(lines[2]).toMatch(/^A2,,Bell,not-an-email,ACME01,"?firstName is required but empty; email "*not-an-email"* is not a valid email address/);
    expect(lines[3]).toContain(`"'=HYPERLINK(""http://x"")"`); // a formula stays text in a spreadsheet
    expect(statSync(join(dir, 'fix-me.csv')).mode & 0o077).toBe(0);
  });

  it('annotates an NDJSON file from its first line: that line is a record, not a header (its errors are kept; a whole-file warning is not put on it)', async () => {
    const dir = tempProject();
    write(dir, 'users.ndjson', '{"externalId":"A1","firstName":"Ann","lastName":"Lee","email":"bad","companyId":"ACME01","shoeSize":"9"}\n{"externalId":"A2","firstName":"Bo","lastName":"Bell","email":"bo@x.co.uk","companyId":"ACME01","shoeSize":"8"}\n');
    const run = await hrsyncIn(['validate', 'users.ndjson', '--target', 'generic', '--annotate', 'fix-me.csv'], { cwd: dir });
    expect(run.code, run.stderr).toBe(3);
    const lines = readFileSync(join(dir, 'fix-me.csv'), 'utf8').trim().split('\n');
    expect(lines[1]).toMatch(/^A1,Ann,Lee,bad,ACME01,9,"?email "*bad"* is not a valid email address"?$/);
    expect(lines[2]).toBe('A2,Bo,Bell,bo@x.co.uk,ACME01,8,');
  });

  it('writes a workbook with a sheet per input file, the errors column highlighted, formulas as text', async () => {
    const dir = tempProject();
    write(dir, 'users.csv', USERS);
    const run = await hrsyncIn(['validate', 'users.csv', 'samples/invalid/companies.csv', '--target', 'accessplanit', '--annotate', 'fix-me.xlsx'], { cwd: dir });
    expect(run.code).toBe(3);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, 'fix-me.xlsx'));
    expect(book.worksheets.map((w) => w.name)).toEqual(['users', 'companies']);
    const users = book.getWorksheet('users')!;
    expect(users.getRow(1).values).toEqual([undefined, 'Employee ID', 'First name', 'Last name', 'Email', 'Company ID', 'hrsync errors']);
    expect(String(users.getRow(3).getCell(6).value)).toContain('firstName is required but empty');
    expect(users.getRow(2).getCell(6).value ?? '').toBe('');
    expect(users.getRow(4).getCell(2).value).toBe('=HYPERLINK("http://x")'); // a string cell, not a formula
    expect(users.getRow(4).getCell(2).type).toBe(ExcelJS.ValueType.String);
    const companies = book.getWorksheet('companies')!;
    expect(String(companies.getRow(3).getCell(8).value)).toMatch(/name is required/);
    expect(statSync(join(dir, 'fix-me.xlsx')).mode & 0o077).toBe(0);
  });

  it('writes a JSON document back with every key a column, one first seen after its first 1,000 records too', async () => {
    const dir = tempProject();
    const rows = Array.from({ length: 1500 }, (_, i) => ({ 'Employee ID': `J${i}`, 'First name': 'Jo', 'Last name': 'Ek', Note: 'n'.repeat(2000), ...(i >= 1400 ? { Email: i === 1450 ? 'nope' : `j${i}@x.nl` } : {}) }));
    write(dir, 'users.json', `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
    const run = await hrsyncIn(['validate', 'users.json', '--target', 'generic', '--annotate', 'fix-me.csv'], { cwd: dir });
    expect(run.code).toBe(3);
    const lines = readFileSync(join(dir, 'fix-me.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('Employee ID,First name,Last name,Note,Email,hrsync errors');
    expect(lines).toHaveLength(1501);
    expect(lines[1]).toBe(`J0,Jo,Ek,${'n'.repeat(2000)},,`);
    expect(lines[1451]).toBe(`J1450,Jo,Ek,${'n'.repeat(2000)},nope,"email ""nope"" is not a valid email address"`);
  });

  it('writes a tab-separated export back as .txt or .tsv, tab-separated as it came (AFAS-like exports are .txt)', async () => {
    const dir = tempProject();
    write(dir, 'medewerkers.txt', 'Employee ID\tFirst name\tLast name\tEmail\tCompany ID\r\nA1\tAnn\tLee\tann@x.co.uk\tACME01\r\nA2\tBo\tBell\tnope\tACME01\r\n');
    for (const out of ['fix-me.txt', 'fix-me.tsv']) {
      const run = await hrsyncIn(['validate', 'medewerkers.txt', '--target', 'accessplanit', '--annotate', out], { cwd: dir });
      expect(run.code, run.stderr).toBe(3);
      expect(readFileSync(join(dir, out), 'utf8')).toBe('Employee ID\tFirst name\tLast name\tEmail\tCompany ID\thrsync errors\r\nA1\tAnn\tLee\tann@x.co.uk\tACME01\t\r\nA2\tBo\tBell\tnope\tACME01\t"email ""nope"" is not a valid email address"\r\n');
    }
  });

  it('refuses, before reading anything, a name it cannot write or a CSV for several files (exit 64)', async () => {
    const dir = tempProject();
    for (const [args, message] of [
      [['samples/users.csv', '--annotate', 'out.json'], '--annotate out.json: write a .csv (or .txt, .tsv: the input\'s own delimiter) or an .xlsx file'],
      [['samples/users.csv', 'samples/companies.csv', '--annotate', 'out.csv'], 'a CSV holds one input file, and 2 were given'],
    ] as const) {
      const run = await hrsyncIn(['validate', ...args, '--target', 'accessplanit'], { cwd: dir });
      expect(run.code).toBe(64);
      expect(run.stderr).toContain(message);
    }
  });
});
