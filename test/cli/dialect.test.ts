import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { lmsProject, write } from '../helpers/files.js';
import { hrsyncIn, tempProject } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

const ENV = { AP_KEY: 'sandbox-key' };

/** A German Excel's "CSV (Trennzeichen-getrennt)": Windows-1252, semicolons, CRLF, no BOM. */
const GERMAN = ['Employee ID;First name;Last name;Email;Company ID;Phone', 'D1;Jürgen;Müller;juergen@x.co.uk;ACME01;+49 30 1000028', 'D2;Zoë;Straße;not-an-email;ACME01;+49 (0)30 1000029', 'D3;=1+1;Ödön;d3@x.co.uk;ACME01;-5'];
const cp1252 = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1'); // these characters are the same bytes in both

/** Files handed back to the HR person are in their own dialect (issue 25 item 2). */
describe('the files handed back keep the input’s encoding, delimiter and line ends', () => {
  const sandbox = useSandbox();

  it('validate --annotate: a Windows-1252, ;, CRLF file comes back Windows-1252, ;, CRLF; formulas guarded, phone numbers as written', async () => {
    const dir = tempProject();
    write(dir, 'staff.csv', cp1252(GERMAN));
    const run = await hrsyncIn(['validate', 'staff.csv', '--target', 'accessplanit', '--encoding', 'windows-1252', '--annotate', 'fix-me.csv'], { cwd: dir });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).not.toContain('note:');
    const expected = [
      `${GERMAN[0]};hrsync errors`,
      `${GERMAN[1]};`,
      `${GERMAN[2]};"email ""not-an-email"" is not a valid email address"`,
      "D3;'=1+1;Ödön;d3@x.co.uk;ACME01;-5;",
    ];
    expect(readFileSync(join(dir, 'fix-me.csv'))).toEqual(cp1252(expected));
    expect(statSync(join(dir, 'fix-me.csv')).mode & 0o077).toBe(0);
    // Read again as it was given: the same records, the ' gone.
    const again = await hrsyncIn(['validate', 'fix-me.csv', '--target', 'accessplanit', '--encoding', 'windows-1252', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(again.stdout).files[0]).toMatchObject({ encoding: 'windows-1252', delimiter: ';', rows: 3 });
  });

  it('validate --annotate: UTF-8 with a BOM (Excel’s "CSV UTF-8") keeps its BOM, and a Cyrillic name', async () => {
    const dir = tempProject();
    const lines = ['Employee ID;First name;Last name;Email;Company ID', 'R1;Иван;Петров;ivan@x.co.uk;ACME01', 'R2;Ольга;;olga@x.co.uk;ACME01'];
    write(dir, 'staff.csv', `\uFEFF${lines.join('\r\n')}\r\n`);
    const run = await hrsyncIn(['validate', 'staff.csv', '--target', 'accessplanit', '--annotate', 'fix-me.csv'], { cwd: dir });
    expect(run.code, run.stderr).toBe(3);
    const text = readFileSync(join(dir, 'fix-me.csv'), 'utf8');
    expect(text.startsWith(`\uFEFF${lines[0]};hrsync errors\r\n${lines[1]};\r\nR2;Ольга;;olga@x.co.uk;ACME01;lastName is required`)).toBe(true);
  });

  it('import of a workbook: failed.csv is UTF-8 with a BOM (Excel reads its umlauts), beside failed.xlsx; so is its annotated .csv', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('Mitarbeiter');
    for (const line of GERMAN.slice(0, 3)) ws.addRow(line.split(';'));
    await book.xlsx.writeFile(join(dir, 'staff.xlsx'));
    const run = await hrsyncIn(['import', 'staff.xlsx', '--yes', '--results', 'out'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(5);
    expect(readFileSync(join(dir, 'out', 'failed.csv'))).toEqual(Buffer.from(`\uFEFF${GERMAN[0]!.replaceAll(';', ',')}\nD2,Zoë,Straße,not-an-email,ACME01,+49 (0)30 1000029\n`));
    expect(statSync(join(dir, 'out', 'failed.xlsx')).size).toBeGreaterThan(0);
    // Annotated as .csv, the same: UTF-8 with a BOM.
    const annotated = await hrsyncIn(['validate', 'staff.xlsx', '--target', 'accessplanit', '--annotate', 'fix-me.csv'], { cwd: dir });
    expect(annotated.code, annotated.stderr).toBe(3);
    expect(readFileSync(join(dir, 'fix-me.csv'), 'utf8')).toMatch(/^\uFEFFEmployee ID,First name,Last name,Email,Company ID,Phone,hrsync errors\nD1,Jürgen,Müller,/);
  });

  it('import: failed.csv in the input’s dialect, and failed.xlsx too with --failed-xlsx', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'staff.csv', cp1252(GERMAN));
    const run = await hrsyncIn(['import', 'staff.csv', '--encoding', 'windows-1252', '--yes', '--results', 'out', '--failed-xlsx'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(5);
    expect(readFileSync(join(dir, 'out', 'failed.csv'))).toEqual(cp1252([GERMAN[0]!, GERMAN[2]!]));
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, 'out', 'failed.xlsx'));
    expect(book.worksheets[0]!.getRow(2).values).toEqual([undefined, 'D2', 'Zoë', 'Straße', 'not-an-email', 'ACME01', '+49 (0)30 1000029']);
    // results.csv is hrsync's own record: UTF-8, commas.
    expect(readFileSync(join(dir, 'out', 'results.csv'), 'utf8').split('\n')[0]).toBe('file,line,key,entity,action,status,targetId,error,mapped');
  });
});
